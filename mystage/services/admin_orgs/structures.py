"""Back office, structures (issue 18; administrators and moderators): the structures
awaiting validation with their SIRET checked, a search by name or SIRET, the suspension of a
structure and its lifting (the merge of a duplicate is in :mod:`.merge`).

Every public function checks the caller (``permissions.can_moderate``) and raises
:class:`permissions.PermissionDenied`; actions return ``{field: French message}`` ({} when
done) or a French error string, write an audit row, queue their mails in the same
transaction and commit.  State changes are conditional UPDATEs (two moderators clicking at
once cannot both act) and set-based (one statement over all the rows concerned).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    AuditLog,
    NafCode,
    Offer,
    Structure,
    StructureMember,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import audit, offers, permissions, structures
from mystage.services.form_values import form_str
from mystage.services.ids import client_id
from mystage.services.siret import normalize_siret, siret_error

DASHBOARD_URL = "/espace/employeur"
REASON_MAX = 1000
SEARCH_LIMIT = 30
HISTORY_LIMIT = 50

MSG_GONE = "Cette structure n'existe plus ou a été regroupée avec une autre."
MSG_TARGET_REQUIRED = "Indiquez le numéro SIRET ou le numéro (#id) de la structure à conserver."
MSG_TARGET_UNKNOWN = "Aucune structure ne correspond à ce numéro."
MSG_TARGET_SAME = "Choisissez une autre structure que le doublon."
MSG_TARGET_MERGED = (
    "Cette structure a elle-même été regroupée avec une autre : choisissez celle-ci."
)
MSG_MERGE_CONFLICT = "Ces structures viennent d'être modifiées : rechargez la page."
MSG_REASON_REQUIRED = "Indiquez le motif de la suspension (il est envoyé aux membres)."
MSG_REASON_TOO_LONG = f"Le motif ne doit pas dépasser {REASON_MAX} caractères."
MSG_ALREADY_SUSPENDED = "Cette structure est déjà suspendue."
MSG_NOT_SUSPENDED = "Cette structure n'est pas suspendue."

VALIDATION_LABELS = {
    "pending": "En attente de validation",
    "validated": "Validée",
    "refused": "Refusée",
}


# --- Reading -------------------------------------------------------------------------------


def siret_check(siret: str | None) -> str:
    """What the moderator reads about a SIRET: « Clé valide », « Sans SIRET » or the error."""
    if not siret:
        return "Sans SIRET"
    return siret_error(siret) or "Clé valide"


def _known_naf(s: Session, codes: set[str]) -> set[str]:
    codes = {c for c in codes if c}
    if not codes:
        return set()
    return set(s.execute(sa.select(NafCode.code).where(NafCode.code.in_(sorted(codes)))).scalars())


def _counts(s: Session, ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Active members and offers in the search, per structure (two GROUP BY queries)."""
    if not ids:
        return {}, {}
    members = dict(
        s.execute(
            sa.select(StructureMember.structure_id, sa.func.count())
            .where(StructureMember.structure_id.in_(ids), StructureMember.status == "active")
            .group_by(StructureMember.structure_id)
        ).all()
    )
    online = dict(
        s.execute(
            sa.select(Offer.structure_id, sa.func.count())
            .where(Offer.structure_id.in_(ids), Offer.state.in_(("published", "full")))
            .group_by(Offer.structure_id)
        ).all()
    )
    return members, online


def _rows(s: Session, pairs: list[tuple[Structure, User | None]]) -> list[dict[str, Any]]:
    known = _known_naf(s, {st.naf_code for st, _ in pairs})
    members, online = _counts(s, [st.id for st, _ in pairs])
    out = []
    for st, owner in pairs:
        check = siret_check(st.siret)
        if st.suspended_at is not None:
            state = "Suspendue"
        else:
            state = VALIDATION_LABELS.get(st.validation_status, st.validation_status)
        out.append(
            {
                "id": st.id,
                "name": st.name,
                "siret": st.siret or "",
                "siret_check": check,
                "siret_ok": check == "Clé valide",
                "naf_code": st.naf_code or "",
                "naf_ok": st.naf_code in known,
                "city": f"{st.postal_code} {st.city}".strip(),
                "owner": owner.full_name if owner is not None else "",
                "owner_email": (owner.email or "") if owner is not None else "",
                "state": state,
                "pending": st.validation_status == "pending",
                "suspended": st.suspended_at is not None,
                "suspension_reason": st.suspension_reason or "",
                "members": int(members.get(st.id, 0)),
                "online_offers": int(online.get(st.id, 0)),
                "created_at": clock.fmt_paris(st.created_at, with_time=False),
            }
        )
    return out


def _with_owner():
    return sa.select(Structure, User).outerjoin(User, User.id == Structure.owner_id)


def pending_structures(s: Session, actor: User | None, limit: int = 100) -> list[dict[str, Any]]:
    """Structures awaiting validation (oldest first), with the SIRET key and the NAF code
    checked (``siret_ok``, ``naf_ok``)."""
    permissions.require(permissions.can_moderate(actor))
    pairs = s.execute(
        _with_owner()
        .where(Structure.validation_status == "pending", Structure.merged_into_id.is_(None))
        .order_by(Structure.created_at, Structure.id)
        .limit(limit)
    ).all()
    return _rows(s, [(st, u) for st, u in pairs])


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_structures(s: Session, actor: User | None, query: Any) -> list[dict[str, Any]]:
    """Structures (merged duplicates left out) by name (any part, case-insensitive), by
    SIRET (its first digits) or by « #id »; the suspended ones when the query is empty."""
    permissions.require(permissions.can_moderate(actor))
    q = query.strip()[:200] if isinstance(query, str) else ""
    stmt = _with_owner().where(Structure.merged_into_id.is_(None))
    digits = normalize_siret(q.lstrip("#"))
    if not q:
        stmt = stmt.where(Structure.suspended_at.is_not(None))
    elif q.startswith("#"):
        sid = client_id(q[1:])
        if sid is None:
            return []
        stmt = stmt.where(Structure.id == sid)
    elif digits.isascii() and digits.isdigit() and len(digits) >= 3:
        stmt = stmt.where(Structure.siret.like(digits[:14] + "%"))
    else:
        stmt = stmt.where(sa.func.lower(Structure.name).like(_like(q), escape="\\"))
    pairs = s.execute(stmt.order_by(Structure.name, Structure.id).limit(SEARCH_LIMIT)).all()
    return _rows(s, [(st, u) for st, u in pairs])


def merged_ids(s: Session, structure_id: int) -> list[int]:
    """The structure and every duplicate merged into it (at any depth)."""
    ids = [structure_id]
    frontier = [structure_id]
    for _ in range(10):
        found = list(
            s.execute(
                sa.select(Structure.id).where(Structure.merged_into_id.in_(frontier))
            ).scalars()
        )
        found = [i for i in found if i not in ids]
        if not found:
            break
        ids.extend(found)
        frontier = found
    return ids


def structure_history(s: Session, actor: User | None, structure_id: Any) -> list[dict[str, str]]:
    """The audit rows about a structure and the duplicates merged into it, newest first."""
    permissions.require(permissions.can_moderate(actor))
    sid = client_id(structure_id)
    if sid is None or s.get(Structure, sid) is None:
        return []
    rows = s.execute(
        sa.select(AuditLog, User)
        .outerjoin(User, User.id == AuditLog.actor_id)
        .where(AuditLog.entity == "structure", AuditLog.entity_id.in_(merged_ids(s, sid)))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return [
        {
            "id": str(row.id),
            "at": clock.fmt_paris(row.created_at),
            "structure": f"#{row.entity_id}",
            "action": row.action,
            "change": f"{row.from_state} → {row.to_state}" if row.to_state else "",
            "actor": (who.full_name if who is not None else "") or row.actor_role,
            "message": row.message or "",
        }
        for row, who in rows
    ]


# --- Validation ----------------------------------------------------------------------------


def decide_structure(s: Session, actor: User | None, structure_id: Any, accept: Any) -> str:
    """« Valider » / « Refuser » a structure awaiting validation (the owner is mailed):
    :func:`mystage.services.structures.validate_structure`.  Returns "" or an error."""
    permissions.require(permissions.can_moderate(actor))
    sid = client_id(structure_id)
    if sid is None or not isinstance(accept, bool):
        return MSG_GONE
    return structures.validate_structure(s, actor, sid, accept)


# --- Mails ---------------------------------------------------------------------------------


def member_recipients(s: Session, structure_id: int) -> list[tuple[int, str, str]]:
    """(user id, e-mail, first name) of the structure's active members with an address."""
    return [
        tuple(r)
        for r in s.execute(
            sa.select(User.id, User.email, User.first_name)
            .join(StructureMember, StructureMember.user_id == User.id)
            .where(
                StructureMember.structure_id == structure_id,
                StructureMember.status == "active",
                User.email.is_not(None),
                User.anonymized_at.is_(None),
            )
            .order_by(User.id)
        ).all()
    ]


def tell(s: Session, who: list[tuple[int, str, str]], template: str, key: str, **ctx) -> None:
    seen: set[int] = set()
    for user_id, email, first_name in who:
        if user_id in seen or not email:
            continue
        seen.add(user_id)
        subject, body = templates.render(
            template, url=DASHBOARD_URL, first_name=first_name or "", **ctx
        )
        queue_mail(
            s,
            to=email,
            subject=subject,
            body=body,
            action_url=templates.link(DASHBOARD_URL),
            template=template,
            user_id=user_id,
            dedupe_key=f"{key}:{user_id}",
        )


# --- Suspension ----------------------------------------------------------------------------


def unpublish_offers(s: Session, actor: User | None, structure_id: int, note: str) -> int:
    """Take the structure's offers out of the search: the lifecycle's « unpublish »
    transition (its from-states and to-state, its timestamp), one UPDATE per from-state,
    one audit row per offer.  Returns how many offers left the search."""
    from_states, to_state = offers.OFFER_TRANSITIONS["unpublish"]
    now = clock.now()
    table = Offer.__table__
    moved = 0
    for from_state in sorted(from_states):
        ids = list(
            s.execute(
                table.update()
                .where(table.c.structure_id == structure_id, table.c.state == from_state)
                .values(state=to_state, unpublished_at=now, updated_at=now)
                .returning(table.c.id)
            ).scalars()
        )
        for offer_id in ids:
            audit.record(
                s, "offer", offer_id, "unpublish", actor,
                from_state=from_state, to_state=to_state, message=note,
            )  # fmt: skip
        moved += len(ids)
    return moved


def suspend_structure(
    s: Session, actor: User | None, structure_id: Any, data: Any
) -> dict[str, str]:
    """« Suspendre » (``data["reason"]`` required, ≤ 1000): the structure's offers leave the
    search (unpublished), publishing is refused while it lasts
    (``structures.publish_block_reason``), every active member is mailed with the reason.
    Returns ``{"reason" | "form": message}`` or {} (committed)."""
    permissions.require(permissions.can_moderate(actor))
    reason = form_str(data, "reason", REASON_MAX + 200)
    if not reason:
        return {"reason": MSG_REASON_REQUIRED}
    if len(reason) > REASON_MAX:
        return {"reason": MSG_REASON_TOO_LONG}
    sid = client_id(structure_id)
    st = s.get(Structure, sid) if sid is not None else None
    if st is None or st.merged_into_id is not None:
        return {"form": MSG_GONE}
    now = clock.now()
    result = s.execute(
        sa.update(Structure)
        .where(
            Structure.id == st.id,
            Structure.suspended_at.is_(None),
            Structure.merged_into_id.is_(None),
        )
        .values(suspended_at=now, suspension_reason=reason, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        s.rollback()
        return {"form": MSG_ALREADY_SUSPENDED}
    n = unpublish_offers(s, actor, st.id, "Structure suspendue : " + reason)
    audit.record(
        s, "structure", st.id, "suspend", actor, from_state="active", to_state="suspended",
        message=f"{reason} ({n} offre(s) retirée(s) de la recherche)",
    )  # fmt: skip
    tell(
        s,
        member_recipients(s, st.id),
        "structure_suspended",
        f"structure_suspended:{st.id}:{now.isoformat()}",
        structure_name=st.name,
        reason=reason,
    )
    s.commit()
    return {}


def lift_suspension(s: Session, actor: User | None, structure_id: Any) -> str:
    """« Lever la suspension »: publishing is allowed again (the members republish their
    offers themselves), the members are mailed.  Returns "" or an error (committed)."""
    permissions.require(permissions.can_moderate(actor))
    sid = client_id(structure_id)
    st = s.get(Structure, sid) if sid is not None else None
    if st is None or st.merged_into_id is not None:
        return MSG_GONE
    now = clock.now()
    result = s.execute(
        sa.update(Structure)
        .where(Structure.id == st.id, Structure.suspended_at.is_not(None))
        .values(suspended_at=None, suspension_reason="", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        s.rollback()
        return MSG_NOT_SUSPENDED
    audit.record(
        s, "structure", st.id, "reinstate", actor, from_state="suspended", to_state="active"
    )
    tell(
        s,
        member_recipients(s, st.id),
        "structure_reinstated",
        f"structure_reinstated:{st.id}:{now.isoformat()}",
        structure_name=st.name,
    )
    s.commit()
    return ""


# --- Merge ---------------------------------------------------------------------------------

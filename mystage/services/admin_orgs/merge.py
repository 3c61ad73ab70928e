"""Back office, structures: the merge of a duplicate into the structure kept (members,
spaces, offers and the SIRET move, set-based, both structures claimed with conditional
UPDATEs; both owners told).  Same conventions as :mod:`.structures`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    EmployerSpace,
    Offer,
    Structure,
    StructureMember,
    User,
)
from mystage.services import audit, permissions
from mystage.services.admin_orgs.structures import (
    MSG_GONE,
    MSG_MERGE_CONFLICT,
    MSG_TARGET_MERGED,
    MSG_TARGET_REQUIRED,
    MSG_TARGET_SAME,
    MSG_TARGET_UNKNOWN,
    tell,
    unpublish_offers,
)
from mystage.services.ids import client_id
from mystage.services.siret import normalize_siret


def find_target(s: Session, ref: Any) -> tuple[Structure | None, str]:
    """The structure named by « #12 », « 12 » or a SIRET (spaces allowed), and an error."""
    raw = ref.strip()[:40] if isinstance(ref, str) else ""
    if not raw:
        return None, MSG_TARGET_REQUIRED
    digits = normalize_siret(raw.lstrip("#"))
    st = None
    if digits.isascii() and digits.isdigit():
        if len(digits) == 14 and not raw.startswith("#"):
            st = s.execute(sa.select(Structure).where(Structure.siret == digits)).scalars().first()
        elif (sid := client_id(digits)) is not None:
            st = s.get(Structure, sid)
    if st is None:
        return None, MSG_TARGET_UNKNOWN
    return st, ""


def _move_members(s: Session, dup_id: int, target_id: int, now) -> int:
    """The duplicate's team joins the kept structure's (as members; the kept structure's
    owner stays).  A person in both teams keeps one row (active if either was)."""
    sm = StructureMember.__table__
    other = sa.alias(sm)
    in_target = sa.select(other.c.user_id).where(
        other.c.structure_id == target_id, other.c.user_id.is_not(None)
    )
    active_in_dup = sa.select(other.c.user_id).where(
        other.c.structure_id == dup_id, other.c.status == "active", other.c.user_id.is_not(None)
    )
    s.execute(
        sm.update()
        .where(
            sm.c.structure_id == target_id,
            sm.c.status != "active",
            sm.c.user_id.in_(active_in_dup),
        )
        .values(status="active", decided_at=now)
    )
    moved = s.execute(
        sm.update()
        .where(
            sm.c.structure_id == dup_id,
            sa.or_(sm.c.user_id.is_(None), sm.c.user_id.not_in(in_target)),
        )
        .values(structure_id=target_id, role="member")
    ).rowcount
    s.execute(  # the rows left (people already in the kept team) are closed
        sm.update()
        .where(sm.c.structure_id == dup_id, sm.c.status != "removed")
        .values(status="removed", decided_at=now)
    )
    return moved or 0


def _move_spaces(s: Session, dup: Structure, target_id: int) -> int:
    """The duplicate's spaces (with their offers and settings) move; a name already used in
    the kept structure gets the duplicate's name in brackets."""
    es = EmployerSpace.__table__
    other = sa.alias(es)
    taken = sa.select(other.c.name).where(other.c.structure_id == target_id)
    renamed = sa.func.substr(es.c.name + " (" + dup.name + ")", 1, 150)
    return (
        s.execute(
            es.update()
            .where(es.c.structure_id == dup.id)
            .values(
                structure_id=target_id,
                name=sa.case((es.c.name.in_(taken), renamed), else_=es.c.name),
            )
        ).rowcount
        or 0
    )


def merge_structures(
    s: Session, actor: User | None, duplicate_id: Any, target_ref: Any
) -> dict[str, str]:
    """« Regrouper » a duplicate into the structure kept (``target_ref``: its SIRET or
    « #id »): members, spaces and offers (with their applications and conventions) move in
    set-based UPDATEs; the duplicate keeps ``merged_into_id`` and leaves every list (its
    audit history is shown with the kept structure's, :func:`structure_history`; a sign-up
    with its SIRET joins the kept structure); both owners are mailed.  Returns
    ``{"target" | "form": message}`` or {} (committed)."""
    permissions.require(permissions.can_moderate(actor))
    sid = client_id(duplicate_id)
    dup = s.get(Structure, sid) if sid is not None else None
    if dup is None or dup.merged_into_id is not None:
        return {"form": MSG_GONE}
    target, error = find_target(s, target_ref)
    if error:
        return {"target": error}
    if target.id == dup.id:
        return {"target": MSG_TARGET_SAME}
    if target.merged_into_id is not None:
        return {"target": MSG_TARGET_MERGED}
    now = clock.now()
    claimed = s.execute(  # both still unmerged, claimed in one statement each
        sa.update(Structure)
        .where(Structure.id == dup.id, Structure.merged_into_id.is_(None))
        .values(merged_into_id=target.id, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    kept = s.execute(
        sa.update(Structure)
        .where(Structure.id == target.id, Structure.merged_into_id.is_(None))
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1 or kept != 1:
        s.rollback()
        return {"form": MSG_MERGE_CONFLICT}
    members = _move_members(s, dup.id, target.id, now)
    spaces = _move_spaces(s, dup, target.id)
    moved_offers = (
        s.execute(
            Offer.__table__.update()
            .where(Offer.__table__.c.structure_id == dup.id)
            .values(structure_id=target.id)
        ).rowcount
        or 0
    )
    if target.siret is None and dup.siret:  # the kept structure takes the SIRET it lacked
        siret = dup.siret
        s.execute(sa.update(Structure).where(Structure.id == dup.id).values(siret=None))
        s.execute(sa.update(Structure).where(Structure.id == target.id).values(siret=siret))
    left = 0
    if target.suspended_at is not None:
        left = unpublish_offers(s, actor, target.id, "Structure suspendue : regroupement")
    summary = f"{members} membre(s), {spaces} espace(s), {moved_offers} offre(s)" + (
        f", {left} offre(s) retirée(s) de la recherche" if left else ""
    )
    audit.record(
        s, "structure", dup.id, "merge", actor, to_state="merged",
        message=f"Regroupée dans #{target.id} {target.name} : {summary}",
    )  # fmt: skip
    audit.record(
        s, "structure", target.id, "merge_in", actor,
        message=f"#{dup.id} {dup.name} regroupée ici : {summary}",
    )  # fmt: skip
    owners = {uid: s.get(User, uid) for uid in (target.owner_id, dup.owner_id) if uid is not None}
    for uid, user in owners.items():
        if user is None or not user.email or user.anonymized_at is not None:
            continue
        tell(
            s,
            [(uid, user.email, user.first_name)],
            "structure_merged",
            f"structure_merged:{dup.id}",
            duplicate_name=dup.name,
            target_name=target.name,
            is_target_owner=uid == target.owner_id,
        )
    s.commit()
    s.expire_all()
    return {}

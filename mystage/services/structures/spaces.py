"""« Espaces »: named groups of a structure's offers, each with its own mail recipients.

Every structure has at least one space (:func:`first_space` creates « Espace principal »
when none exists); an offer created without a space picked goes to the first one.  The
owner creates, renames and deletes (empty, never the last) spaces, moves offers between
them and limits a member to some spaces (``StructureMember.all_spaces`` False + a
``SpaceMember`` row with ``access`` per space).  Every member chooses, per space they see,
« Recevoir les notifications » (``SpaceMember.notify``; no row = notified).

Every public function re-checks the caller (:mod:`permissions`), returns French messages
keyed by field (``errors``) or a French error string ("" when done), changes rows with
conditional statements and writes an audit row per change.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    DEFAULT_SPACE_NAME,
    EmployerSpace,
    Offer,
    OfferState,
    SpaceMember,
    Structure,
    User,
)
from mystage.models import StructureMember as SMember
from mystage.services import audit, permissions
from mystage.services.ids import client_id, client_ids
from mystage.services.structures.membership import MSG_NOT_OWNER, structure_for_user

DEFAULT_NAME = DEFAULT_SPACE_NAME
NAME_MAX = 80
SPACES_MAX = 50
MSG_NAME_REQUIRED = "Donnez un nom à l'espace."
MSG_NAME_TOO_LONG = f"Le nom d'un espace fait {NAME_MAX} caractères au plus."
MSG_NAME_TAKEN = "Un autre espace de votre structure porte déjà ce nom."
MSG_TOO_MANY = f"Une structure a {SPACES_MAX} espaces au plus."
MSG_NOT_FOUND = "Cet espace n'existe pas ou plus."
MSG_NOT_EMPTY = (
    "Cet espace contient encore des offres : déplacez-les dans un autre espace avant de "
    "le supprimer."
)
MSG_LAST = "Une structure garde au moins un espace : celui-ci ne peut pas être supprimé."
MSG_NO_OFFER = "Choisissez au moins une offre à déplacer."
MSG_OFFER_NOT_FOUND = "Une des offres choisies n'existe pas ou n'est pas de votre structure."
MSG_NO_MEMBER = "Ce membre ne fait pas ou plus partie de votre équipe."
MSG_OWNER_ALL = "Le responsable de la structure voit toujours tous les espaces."
MSG_PICK_ONE = "Choisissez au moins un espace pour ce membre."
MSG_NO_STRUCTURE = "Votre compte n'est rattaché à aucune structure."


# --- reading ------------------------------------------------------------------------------


def first_space(s: Session, structure_id: int) -> EmployerSpace:
    """The structure's first space, « Espace principal » created (flushed) when none."""
    space = s.execute(
        sa.select(EmployerSpace)
        .where(EmployerSpace.structure_id == structure_id)
        .order_by(EmployerSpace.id)
        .limit(1)
    ).scalar_one_or_none()
    if space is None:
        space = EmployerSpace(structure_id=structure_id, name=DEFAULT_NAME, created_at=clock.now())
        s.add(space)
        s.flush()
    return space


def _spaces(s: Session, structure_id: int) -> list[EmployerSpace]:
    return list(
        s.execute(
            sa.select(EmployerSpace)
            .where(EmployerSpace.structure_id == structure_id)
            .order_by(EmployerSpace.id)
        ).scalars()
    )


def accessible_spaces(s: Session, actor: User | None, structure_id: int | None) -> list[dict]:
    """``[{"id", "name"}]`` of the spaces of ``structure_id`` that ``actor`` may use (the
    offer form's picker, the dashboard's filter); [] without a structure."""
    if structure_id is None or not permissions.is_authenticated(actor):
        return []
    if not _spaces(s, structure_id):  # a structure created before spaces existed
        first_space(s, structure_id)
        s.commit()
    return [
        {"id": sp.id, "name": sp.name}
        for sp in _spaces(s, structure_id)
        if permissions.can_access_space(s, actor, sp)
    ]


def default_space_for(s: Session, actor: User | None, structure_id: int) -> int:
    """The space a new offer of ``actor`` goes to: the first one they may use (flushes
    « Espace principal » when the structure has none; the caller commits)."""
    spaces = _spaces(s, structure_id) or [first_space(s, structure_id)]
    for sp in spaces:
        if permissions.can_access_space(s, actor, sp):
            return sp.id
    return spaces[0].id


def my_spaces(s: Session, actor: User | None) -> dict[str, Any]:
    """« Tous mes espaces »: ``{"structure_name", "is_owner", "spaces": [{"id", "name",
    "offers" (not removed), "notify", "can_delete"}]}`` for the caller's structure."""
    structure = structure_for_user(s, actor)
    permissions.require(structure is not None, MSG_NO_STRUCTURE)
    is_owner = permissions.can_manage_spaces(s, actor, structure)
    spaces = [sp for sp in _spaces(s, structure.id) if permissions.can_access_space(s, actor, sp)]
    if not spaces and is_owner:
        first_space(s, structure.id)
        s.commit()
        spaces = _spaces(s, structure.id)
    ids = [sp.id for sp in spaces]
    counts = dict(
        s.execute(
            sa.select(Offer.space_id, sa.func.count(Offer.id))
            .where(Offer.space_id.in_(ids or [-1]), Offer.state != OfferState.REMOVED)
            .group_by(Offer.space_id)
        ).all()
    )
    off = set(
        s.execute(
            sa.select(SpaceMember.space_id).where(
                SpaceMember.user_id == actor.id,
                SpaceMember.space_id.in_(ids or [-1]),
                SpaceMember.notify.is_(False),
            )
        ).scalars()
    )
    total = len(_spaces(s, structure.id))
    return {
        "structure_name": structure.name,
        "is_owner": is_owner,
        "spaces": [
            {
                "id": sp.id,
                "name": sp.name,
                "offers": int(counts.get(sp.id, 0)),
                "notify": sp.id not in off,
                "can_delete": is_owner and total > 1 and not counts.get(sp.id),
            }
            for sp in spaces
        ],
    }


def member_access(s: Session, actor: User | None) -> list[dict[str, Any]]:
    """« Accès des membres » (owner): ``[{"id" (member id), "name", "email", "is_owner",
    "all_spaces", "space_ids"}]`` of the active members."""
    structure = _owned(s, actor)
    rows = s.execute(
        sa.select(SMember.id, SMember.role, SMember.all_spaces, User)
        .join(User, User.id == SMember.user_id)
        .where(SMember.structure_id == structure.id, SMember.status == "active")
        .order_by(sa.case((SMember.role == "owner", 0), else_=1), User.last_name, SMember.id)
    ).all()
    space_ids = [sp.id for sp in _spaces(s, structure.id)]
    access: dict[int, list[int]] = {}
    for uid, sid in s.execute(
        sa.select(SpaceMember.user_id, SpaceMember.space_id).where(
            SpaceMember.space_id.in_(space_ids or [-1]), SpaceMember.access.is_(True)
        )
    ).all():
        access.setdefault(uid, []).append(sid)
    return [
        {
            "id": member_id,
            "name": u.full_name or u.email or "",
            "email": u.email or "",
            "is_owner": role == "owner" or structure.owner_id == u.id,
            "all_spaces": bool(all_spaces) or role == "owner",
            "space_ids": sorted(access.get(u.id, [])),
        }
        for member_id, role, all_spaces, u in rows
    ]


def structure_offers(s: Session, actor: User | None) -> list[dict[str, Any]]:
    """The offers to move (owner): ``[{"id", "title", "space_id", "space_name"}]`` of the
    structure's offers that are not removed, newest first."""
    structure = _owned(s, actor)
    rows = s.execute(
        sa.select(Offer.id, Offer.title, Offer.space_id, EmployerSpace.name)
        .outerjoin(EmployerSpace, EmployerSpace.id == Offer.space_id)
        .where(Offer.structure_id == structure.id, Offer.state != OfferState.REMOVED)
        .order_by(Offer.created_at.desc(), Offer.id.desc())
        .limit(500)
    ).all()
    return [
        {
            "id": r.id,
            "title": r.title or "(offre sans titre)",
            "space_id": r.space_id,
            "space_name": r.name or "",
        }
        for r in rows
    ]


# --- the owner's actions ------------------------------------------------------------------


def _owned(s: Session, actor: User | None) -> Structure:
    structure = structure_for_user(s, actor)
    permissions.require(
        structure is not None and permissions.can_manage_spaces(s, actor, structure),
        MSG_NOT_OWNER,
    )
    return structure


def _space_of(s: Session, structure: Structure, space_id: Any) -> EmployerSpace | None:
    sid = client_id(space_id)
    space = s.get(EmployerSpace, sid) if sid else None
    if space is None or space.structure_id != structure.id:
        return None
    return space


def _clean_name(raw: Any) -> str:
    text = unicodedata.normalize("NFC", raw if isinstance(raw, str) else "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


def _name_error(s: Session, structure_id: int, name: str, skip_id: int | None = None) -> str:
    if not name:
        return MSG_NAME_REQUIRED
    if len(name) > NAME_MAX:
        return MSG_NAME_TOO_LONG
    for sp in _spaces(s, structure_id):
        if sp.id != skip_id and sp.name.casefold() == name.casefold():
            return MSG_NAME_TAKEN
    return ""


def create_space(s: Session, actor: User | None, name: Any) -> tuple[int | None, dict[str, str]]:
    """A new space of the actor's structure: ``(space id, {})`` or ``(None, {"name": …})``."""
    structure = _owned(s, actor)
    clean = _clean_name(name)
    error = _name_error(s, structure.id, clean)
    if not error and len(_spaces(s, structure.id)) >= SPACES_MAX:
        error = MSG_TOO_MANY
    if error:
        return None, {"name": error}
    space = EmployerSpace(structure_id=structure.id, name=clean, created_at=clock.now())
    s.add(space)
    s.flush()
    audit.record(s, "employer_space", space.id, "create", actor, message=clean)
    s.commit()
    return space.id, {}


def rename_space(s: Session, actor: User | None, space_id: Any, name: Any) -> dict[str, str]:
    structure = _owned(s, actor)
    space = _space_of(s, structure, space_id)
    if space is None:
        return {"name": MSG_NOT_FOUND}
    clean = _clean_name(name)
    error = _name_error(s, structure.id, clean, skip_id=space.id)
    if error:
        return {"name": error}
    if clean == space.name:
        return {}
    old = space.name
    s.execute(
        sa.update(EmployerSpace)
        .where(EmployerSpace.id == space.id, EmployerSpace.structure_id == structure.id)
        .values(name=clean)
        .execution_options(synchronize_session=False)
    )
    audit.record(s, "employer_space", space.id, "rename", actor, message=f"{old} → {clean}")
    s.commit()
    return {}


def delete_space(s: Session, actor: User | None, space_id: Any) -> str:
    """Delete an empty space (its removed offers go to the first other space); never the
    structure's last one.  "" when done."""
    structure = _owned(s, actor)
    space = _space_of(s, structure, space_id)
    if space is None:
        return MSG_NOT_FOUND
    others = [sp for sp in _spaces(s, structure.id) if sp.id != space.id]
    if not others:
        return MSG_LAST
    # Removed offers do not count: they follow the first other space.
    s.execute(
        sa.update(Offer)
        .where(Offer.space_id == space.id, Offer.state == OfferState.REMOVED)
        .values(space_id=others[0].id)
        .execution_options(synchronize_session=False)
    )
    s.execute(
        sa.delete(SpaceMember)
        .where(SpaceMember.space_id == space.id)
        .execution_options(synchronize_session=False)
    )
    other = sa.orm.aliased(EmployerSpace)
    done = s.execute(
        sa.delete(EmployerSpace)
        .where(
            EmployerSpace.id == space.id,
            ~sa.exists().where(Offer.space_id == space.id),
            sa.select(sa.func.count(other.id))
            .where(other.structure_id == structure.id, other.id != space.id)
            .scalar_subquery()
            > 0,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_NOT_EMPTY
    audit.record(s, "employer_space", space.id, "delete", actor, message=space.name)
    s.commit()
    return ""


def move_offers(s: Session, actor: User | None, offer_ids: Any, space_id: Any) -> tuple[int, str]:
    """Move offers of the actor's structure into one of its spaces: ``(count, error)``."""
    structure = _owned(s, actor)
    space = _space_of(s, structure, space_id)
    if space is None:
        return 0, MSG_NOT_FOUND
    ids = client_ids(offer_ids, limit=1000)
    if not ids:
        return 0, MSG_NO_OFFER if ids == [] else MSG_OFFER_NOT_FOUND
    found = s.execute(
        sa.select(Offer.id, Offer.space_id).where(
            Offer.id.in_(ids), Offer.structure_id == structure.id
        )
    ).all()
    if len(found) != len(set(ids)):
        return 0, MSG_OFFER_NOT_FOUND
    moving = sorted(r.id for r in found if r.space_id != space.id)
    if not moving:
        return 0, ""
    count = s.execute(
        sa.update(Offer)
        .where(Offer.id.in_(moving), Offer.structure_id == structure.id)
        .values(space_id=space.id, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    for oid in moving:
        audit.record(s, "offer", oid, "move_space", actor, to_state=str(space.id),
                     message=space.name)  # fmt: skip
    s.commit()
    return int(count or 0), ""


def set_member_access(
    s: Session, actor: User | None, member_id: Any, all_spaces: Any, space_ids: Any
) -> str:
    """« Accès des membres »: every space (``all_spaces`` True) or only ``space_ids``."""
    structure = _owned(s, actor)
    mid = client_id(member_id)
    member = s.get(SMember, mid) if mid else None
    if member is None or member.structure_id != structure.id or member.status != "active":
        return MSG_NO_MEMBER
    if member.role == "owner" or member.user_id == structure.owner_id:
        return MSG_OWNER_ALL
    every = all_spaces is True
    chosen: list[int] = []
    if not every:
        ids = client_ids(space_ids, limit=SPACES_MAX) if space_ids not in (None, []) else []
        mine = {sp.id for sp in _spaces(s, structure.id)}
        if ids is None or not set(ids) <= mine:
            return MSG_NOT_FOUND
        if not ids:
            return MSG_PICK_ONE
        chosen = sorted(set(ids))
    all_ids = sorted({sp.id for sp in _spaces(s, structure.id)})
    existing = {
        r.space_id: r
        for r in s.execute(
            sa.select(SpaceMember).where(
                SpaceMember.user_id == member.user_id, SpaceMember.space_id.in_(all_ids)
            )
        ).scalars()
    }
    for sid in all_ids:
        want = every or sid in chosen
        row = existing.get(sid)
        if row is None and not want:
            s.add(SpaceMember(space_id=sid, user_id=member.user_id, notify=True, access=False))
        elif row is not None and row.access != want:
            row.access = want
    for sid in chosen:
        if sid not in existing:
            s.add(SpaceMember(space_id=sid, user_id=member.user_id, notify=True, access=True))
    s.execute(
        sa.update(SMember)
        .where(SMember.id == member.id, SMember.status == "active")
        .values(all_spaces=every)
        .execution_options(synchronize_session=False)
    )
    audit.record(s, "structure_member", member.id, "space_access", actor,
                 to_state="all" if every else ",".join(map(str, chosen)))  # fmt: skip
    try:
        s.commit()
    except sa.exc.IntegrityError:  # a double submit: the other request made the rows first
        s.rollback()
        return set_member_access(s, actor, member_id, all_spaces, space_ids)
    return ""


# --- every member: « Recevoir les notifications » ------------------------------------------


def set_notify(s: Session, actor: User | None, space_id: Any, on: Any) -> str:
    """The caller's choice for one space they may access.  "" when done."""
    sid = client_id(space_id)
    space = s.get(EmployerSpace, sid) if sid else None
    if space is None or not permissions.can_access_space(s, actor, space):
        return MSG_NOT_FOUND
    if not isinstance(on, bool):
        return MSG_NOT_FOUND
    done = s.execute(
        sa.update(SpaceMember)
        .where(SpaceMember.space_id == space.id, SpaceMember.user_id == actor.id)
        .values(notify=on)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        s.add(SpaceMember(space_id=space.id, user_id=actor.id, notify=on, access=True))
        try:
            s.flush()
        except sa.exc.IntegrityError:  # a double click: the other request made the row
            s.rollback()
            return set_notify(s, actor, space_id, on)
    audit.record(s, "employer_space", space.id, "notify_on" if on else "notify_off", actor)
    s.commit()
    return ""

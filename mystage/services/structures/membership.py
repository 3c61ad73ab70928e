"""Who acts for which structure: the active or pending membership, the personal structure
of a poster without one, the owner check, and what the employer space shows around every
page (:func:`employer_context`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import DEFAULT_SPACE_NAME, EmployerSpace, Role, Structure, StructureMember, User
from mystage.services import audit, permissions, platform

MSG_PENDING_VALIDATION = (
    "Votre structure est en attente de validation par l'équipe MyStage : vous pouvez "
    "préparer vos offres, la publication sera possible après validation."
)
MSG_REFUSED = (
    "Votre structure n'a pas été validée par l'équipe MyStage : vos offres ne peuvent pas "
    "être publiées. Contactez l'assistance pour en savoir plus."
)
MSG_MEMBERSHIP_PENDING = (
    "Votre demande pour rejoindre {name} attend l'accord de son responsable : vous pourrez "
    "déposer des offres dès qu'il l'aura acceptée."
)
MSG_SUSPENDED = (
    "Votre structure est suspendue par l'équipe MyStage : vos offres ne peuvent pas être "
    "publiées. Répondez au courriel reçu pour en savoir plus."
)
MSG_NOT_OWNER = "Action réservée au responsable de la structure."


def _membership(s: Session, user: User | None, status: str = "active") -> StructureMember | None:
    if user is None or user.id is None:
        return None
    return s.exec(
        select(StructureMember)
        .where(StructureMember.user_id == user.id, StructureMember.status == status)
        .order_by(
            sa.case((StructureMember.role == "owner", 0), else_=1),
            StructureMember.created_at,
            StructureMember.id,
        )
    ).first()


def structure_for_user(s: Session, user: User | None) -> Structure | None:
    """The structure the user acts for: an active membership (owned first), else None.

    Admins, référents and operators usually have none: :func:`offers.create_draft`
    then creates a minimal structure owned by them (:func:`personal_structure`)."""
    member = _membership(s, user, "active")
    return s.get(Structure, member.structure_id) if member is not None else None


def pending_membership(s: Session, user: User | None) -> Structure | None:
    """The structure the user asked to join (join request not decided yet), if any."""
    member = _membership(s, user, "pending")
    return s.get(Structure, member.structure_id) if member is not None else None


def add_owner(s: Session, structure: Structure, user: User, now: datetime) -> None:
    """``user`` becomes the structure's owner (an active membership)."""
    s.add(
        StructureMember(
            structure_id=structure.id,
            user_id=user.id,
            role="owner",
            status="active",
            created_at=now,
            decided_at=now,
        )
    )


def add_default_space(s: Session, structure: Structure, now: datetime) -> None:
    """A new structure's first space, « Espace principal » (the structure is flushed)."""
    s.add(EmployerSpace(structure_id=structure.id, name=DEFAULT_SPACE_NAME, created_at=now))


def personal_structure(s: Session, user: User) -> Structure:
    """A minimal structure owned by ``user`` (poster without structure), flushed only."""
    now = clock.now()
    name = user.full_name or user.email or f"Compte n° {user.id}"
    if user.operator_id:
        from mystage.models import Operator

        operator = s.get(Operator, user.operator_id)
        if operator is not None:
            name = operator.name
    needs_validation = user.role == Role.EMPLOYEUR and platform.employer_validation_required(s)
    structure = Structure(
        name=name[:200],
        status="administration" if user.role != Role.EMPLOYEUR else "entreprise",
        is_public=user.role != Role.EMPLOYEUR,
        # A ministry-bound référent central posts for its ministry.
        ministry=user.ministry if user.role == Role.REFERENT_CENTRAL else "",
        department_code=user.department_code or "",
        owner_id=user.id,
        operator_id=user.operator_id,
        validation_status="pending" if needs_validation else "validated",
        created_at=now,
        updated_at=now,
    )
    s.add(structure)
    s.flush()
    add_owner(s, structure, user, now)
    add_default_space(s, structure, now)
    audit.record(s, "structure", structure.id, "create", user, to_state=structure.validation_status)
    s.flush()
    return structure


def pending_requests_count(s: Session, structure_id: int) -> int:
    return int(
        s.execute(
            sa.select(sa.func.count(StructureMember.id)).where(
                StructureMember.structure_id == structure_id, StructureMember.status == "pending"
            )
        ).scalar_one()
    )


def publish_block_reason(s: Session, user: User | None, structure: Structure | None) -> str:
    """Why ``user`` cannot publish for ``structure`` ("" when they can)."""
    if user is not None and user.role == Role.ADMIN:
        return ""
    if structure is None:
        pending = pending_membership(s, user)
        return MSG_MEMBERSHIP_PENDING.format(name=pending.name) if pending is not None else ""
    if structure.validation_status == "pending":
        return MSG_PENDING_VALIDATION
    if structure.validation_status == "refused":
        return MSG_REFUSED
    if structure.suspended_at is not None:
        return MSG_SUSPENDED
    return ""


def employer_context(s: Session, user: User | None) -> dict[str, Any]:
    """What the employer space shows around every page: ``{"structure_id" (int | None),
    "structure_name", "is_owner", "can_publish", "publish_block_reason",
    "pending_requests"}``.  Without a structure (admins, référents before their first
    offer): ``structure_id`` None and ``can_publish`` True, unless a join request is
    pending (then ``can_publish`` False with the reason)."""
    if not permissions.is_authenticated(user):
        return {
            "structure_id": None,
            "structure_name": "",
            "is_owner": False,
            "can_publish": False,
            "publish_block_reason": "",
            "pending_requests": 0,
        }
    structure = structure_for_user(s, user)
    reason = publish_block_reason(s, user, structure)
    is_owner = structure is not None and permissions.is_structure_owner(s, user, structure)
    return {
        "structure_id": structure.id if structure is not None else None,
        "structure_name": structure.name if structure is not None else "",
        "is_owner": is_owner,
        "can_publish": permissions.can_create_offer(user) and not reason,
        "publish_block_reason": reason,
        "pending_requests": pending_requests_count(s, structure.id) if is_owner else 0,
    }


# --- team: join requests --------------------------------------------------------------------


def owned_structure(s: Session, actor: User | None) -> Structure:
    structure = structure_for_user(s, actor)
    permissions.require(
        structure is not None and permissions.can_manage_structure(s, actor, structure),
        MSG_NOT_OWNER,
    )
    return structure


def target_structure(s: Session, actor: User | None, structure_id: int | None) -> Structure:
    if structure_id is not None:
        structure = s.get(Structure, structure_id) if isinstance(structure_id, int) else None
        permissions.require(
            structure is not None and permissions.can_manage_structure(s, actor, structure),
            MSG_NOT_OWNER,
        )
        return structure
    return owned_structure(s, actor)


def owner_of(s: Session, structure: Structure | None) -> User | None:
    """The structure's owner (``Structure.owner_id``, else its active « owner » member)."""
    if structure is None:
        return None
    if structure.owner_id:
        owner = s.get(User, structure.owner_id)
        if owner is not None:
            return owner
    uid = s.execute(
        sa.select(StructureMember.user_id)
        .where(
            StructureMember.structure_id == structure.id,
            StructureMember.role == "owner",
            StructureMember.status == "active",
        )
        .order_by(StructureMember.id)
    ).scalar()
    return s.get(User, uid) if uid else None

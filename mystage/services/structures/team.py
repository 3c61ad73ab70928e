"""The structure's team: join requests (decided by the owner) and active members."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import AccountStatus, Structure, StructureMember, User
from mystage.services import permissions
from mystage.services.structures.decisions import decide_pending
from mystage.services.structures.inputs import display_phone
from mystage.services.structures.membership import (
    MSG_NOT_OWNER,
    owned_structure,
    structure_for_user,
)

MSG_REQUEST_DONE = "Cette demande a déjà été traitée."


def _member_rows(
    s: Session, structure_id: int, status: str, column: Any, order: tuple[Any, ...]
) -> list[Any]:
    """``(member id, column, User)`` of the structure's members with ``status``."""
    return s.execute(
        sa.select(StructureMember.id, column, User)
        .join(User, User.id == StructureMember.user_id)
        .where(StructureMember.structure_id == structure_id, StructureMember.status == status)
        .order_by(*order)
    ).all()


def join_requests(s: Session, actor: User | None) -> list[dict[str, Any]]:
    """Pending join requests of the actor's structure (owner only): ``[{"id" (member id),
    "user_id", "name", "email", "phone", "job_title", "created_at"}]``."""
    structure = owned_structure(s, actor)
    rows = _member_rows(
        s,
        structure.id,
        "pending",
        StructureMember.created_at,
        (StructureMember.created_at, StructureMember.id),
    )
    return [
        {
            "id": member_id,
            "user_id": u.id,
            "name": u.full_name,
            "email": u.email or "",
            "phone": display_phone(u.phone),
            "job_title": u.job_title,
            "account_active": u.status == AccountStatus.ACTIVE,
            "created_at": clock.fmt_paris(created_at, with_time=False),
        }
        for member_id, created_at, u in rows
    ]


def team_members(s: Session, actor: User | None) -> list[dict[str, Any]]:
    """Active members of the actor's structure (any active member may see the team)."""
    structure = structure_for_user(s, actor)
    permissions.require(structure is not None)
    rows = _member_rows(
        s,
        structure.id,
        "active",
        StructureMember.role,
        (sa.case((StructureMember.role == "owner", 0), else_=1), User.last_name),
    )
    return [
        {
            "id": member_id,
            "user_id": u.id,
            "name": u.full_name,
            "email": u.email or "",
            "job_title": u.job_title,
            "is_owner": role == "owner",
        }
        for member_id, role, u in rows
    ]


def decide_join_request(s: Session, actor: User | None, member_id: int, accept: bool) -> str:
    """Accept or refuse a join request (owner of that structure only, PermissionDenied
    otherwise); the requester is mailed.  Returns "" or a French error."""
    member = s.get(StructureMember, member_id) if isinstance(member_id, int) else None
    structure = s.get(Structure, member.structure_id) if member is not None else None
    permissions.require(
        structure is not None and permissions.can_manage_structure(s, actor, structure),
        MSG_NOT_OWNER,
    )
    new_status = "active" if accept else "refused"
    return decide_pending(
        s,
        actor,
        member,
        StructureMember.status,
        {"status": new_status, "decided_at": clock.now()},
        entity="structure_member",
        action="accept" if accept else "refuse",
        mail=(
            member.user_id,
            "structure_join_decision",
            structure.name,
            accept,
            f"structure_join_decision:{member.id}",
        ),
        already_done=MSG_REQUEST_DONE,
    )

"""The structure's team (« Mon équipe »): join requests (decided by the owner), active
members, removing a member, leaving, handing ownership over, and moving a departing
member's work to the owner (:func:`transfer_work`).  Invitations: :mod:`.invitations`.

Every action re-reads the membership rows (never a cached role): a member removed a
second ago is refused at their next call.  Status changes are conditional UPDATEs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import AccountStatus, Offer, Structure, StructureMember, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import audit, permissions
from mystage.services.ids import client_id
from mystage.services.structures.decisions import decide_pending
from mystage.services.structures.inputs import display_phone
from mystage.services.structures.invitations import pending_invitations
from mystage.services.structures.membership import (
    MSG_NOT_OWNER,
    owned_structure,
    owner_of,
    structure_for_user,
)

MSG_REQUEST_DONE = "Cette demande a déjà été traitée."
MSG_NOT_MEMBER = "Vous ne faites pas partie de cette équipe."
MSG_MEMBER_GONE = "Cette personne ne fait plus partie de l'équipe."
MSG_OWNER_CANNOT_LEAVE = (
    "Vous êtes le responsable de la structure : confiez d'abord la responsabilité à un "
    "autre membre de l'équipe, puis vous pourrez la quitter."
)
MSG_NOT_YOURSELF = "Choisissez un autre membre de l'équipe."
MSG_NO_OWNER = "Cette structure n'a pas de responsable : contactez l'assistance."
TEAM_URL = "/espace/employeur/equipe"


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


# --- the team as a whole ----------------------------------------------------------------------


def active_member_ids(s: Session, structure_id: int) -> list[int]:
    """User ids of the structure's active members, the owner first."""
    structure = s.get(Structure, structure_id) if isinstance(structure_id, int) else None
    if structure is None:
        return []
    rows = s.execute(
        sa.select(StructureMember.user_id)
        .where(
            StructureMember.structure_id == structure_id,
            StructureMember.status == "active",
            StructureMember.user_id.is_not(None),
        )
        .order_by(
            sa.case((StructureMember.user_id == structure.owner_id, 0), else_=1),
            sa.case((StructureMember.role == "owner", 0), else_=1),
            StructureMember.id,
        )
    ).scalars()
    return list(dict.fromkeys(rows))


def _active_membership(s: Session, user: User | None, structure_id: int) -> StructureMember | None:
    if not permissions.is_authenticated(user):
        return None
    return s.execute(
        sa.select(StructureMember).where(
            StructureMember.structure_id == structure_id,
            StructureMember.user_id == user.id,
            StructureMember.status == "active",
        )
    ).scalar_one_or_none()


def team_overview(s: Session, actor: User | None) -> dict[str, Any]:
    """What « Mon équipe » shows to an active member: ``{"structure_id", "structure_name",
    "is_owner", "members" (owner first: id, user_id, name, email, job_title, is_owner,
    is_me), "invitations" (owner only), "requests" (owner only)}``.  PermissionDenied when
    the caller has no active membership."""
    structure = structure_for_user(s, actor)
    permissions.require(structure is not None, MSG_NOT_MEMBER)
    is_owner = permissions.can_manage_structure(s, actor, structure)
    members = team_members(s, actor)
    for m in members:
        m["is_me"] = m["user_id"] == actor.id
    return {
        "structure_id": structure.id,
        "structure_name": structure.name,
        "is_owner": is_owner,
        "members": members,
        "invitations": pending_invitations(s, structure.id) if is_owner else [],
        "requests": join_requests(s, actor) if is_owner else [],
    }


def transfer_work(
    s: Session, structure_id: int, from_user_id: int, to_user_id: int, actor: User | None
) -> int:
    """Move a departing member's work within the structure to ``to_user_id`` (the owner):
    offers they created (``created_by_id``), offers whose applications they received
    (``recipient_user_id``, and ``contact_email`` when it was their own address).
    Set-based UPDATEs plus one audit row; no commit.  Returns the number of offers moved."""
    if from_user_id == to_user_id:
        return 0
    departing = s.get(User, from_user_id)
    heir = s.get(User, to_user_id)
    in_structure = Offer.structure_id == structure_id
    moved: set[int] = set()
    for column in (Offer.created_by_id, Offer.recipient_user_id):
        ids = s.execute(sa.select(Offer.id).where(in_structure, column == from_user_id)).scalars()
        moved.update(ids)
        s.execute(
            sa.update(Offer)
            .where(in_structure, column == from_user_id)
            .values({column.key: to_user_id})
            .execution_options(synchronize_session=False)
        )
    if departing is not None and departing.email and heir is not None and heir.email:
        ids = s.execute(
            sa.select(Offer.id).where(in_structure, Offer.contact_email == departing.email)
        ).scalars()
        moved.update(ids)
        s.execute(
            sa.update(Offer)
            .where(in_structure, Offer.contact_email == departing.email)
            .values(contact_email=heir.email)
            .execution_options(synchronize_session=False)
        )
    audit.record(
        s, "structure", structure_id, "transfer_work", actor,
        message=f"offres de l'utilisateur {from_user_id} → {to_user_id} : {len(moved)}",
    )  # fmt: skip
    return len(moved)


def _mail(s: Session, user: User | None, template: str, key: str, **ctx: Any) -> None:
    if user is None or not user.email:
        return
    subject, body = templates.render(template, url=TEAM_URL, first_name=user.first_name, **ctx)
    queue_mail(
        s, to=user.email, subject=subject, body=body, action_url=templates.link(TEAM_URL),
        template=template, user_id=user.id, dedupe_key=key,
    )  # fmt: skip


def _end_membership(
    s: Session, actor: User | None, member: StructureMember, action: str, heir: User
) -> str:
    """active → removed (conditional), work moved to ``heir``, audit; no commit."""
    done = s.execute(
        sa.update(StructureMember)
        .where(
            StructureMember.id == member.id,
            StructureMember.status == "active",
            StructureMember.role == "member",
        )
        .values(status="removed", decided_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_MEMBER_GONE
    audit.record(
        s, "structure_member", member.id, action, actor, from_state="active", to_state="removed"
    )
    transfer_work(s, member.structure_id, member.user_id, heir.id, actor)
    return ""


def remove_member(s: Session, actor: User | None, member_id: Any) -> str:
    """The owner removes an active member (not themself, not the owner): status
    « removed », their offers move to the owner, they are told by mail.  "" or an error."""
    mid = client_id(member_id)
    member = s.get(StructureMember, mid) if mid is not None else None
    structure = s.get(Structure, member.structure_id) if member is not None else None
    permissions.require(
        structure is not None and permissions.can_manage_structure(s, actor, structure),
        MSG_NOT_OWNER,
    )
    if member.status != "active" or member.user_id is None:
        return MSG_MEMBER_GONE
    if member.role == "owner" or member.user_id in (actor.id, structure.owner_id):
        return MSG_NOT_YOURSELF
    heir = owner_of(s, structure)
    if heir is None:
        return MSG_NO_OWNER
    if error := _end_membership(s, actor, member, "remove", heir):
        return error
    _mail(
        s, s.get(User, member.user_id), "team_removed", f"team_removed:{member.id}:{int(clock.now().timestamp())}",
        structure_name=structure.name,
    )  # fmt: skip
    s.commit()
    return ""


def leave_team(s: Session, actor: User | None) -> str:
    """« Quitter l'équipe »: an active member (not the owner) leaves the structure they act
    for; their offers move to the owner.  "" or an error."""
    structure = structure_for_user(s, actor)
    permissions.require(structure is not None, MSG_NOT_MEMBER)
    member = _active_membership(s, actor, structure.id)
    permissions.require(member is not None, MSG_NOT_MEMBER)
    if member.role == "owner" or structure.owner_id == actor.id:
        return MSG_OWNER_CANNOT_LEAVE
    heir = owner_of(s, structure)
    if heir is None:
        return MSG_NO_OWNER
    if error := _end_membership(s, actor, member, "leave", heir):
        return error
    s.commit()
    return ""


def hand_over(s: Session, actor: User | None, member_id: Any) -> str:
    """The owner makes an active member the structure's owner: ``Structure.owner_id`` and
    the two roles swapped (conditional UPDATEs: a second click or another owner's action at
    the same time changes nothing); both are told by mail.  "" or an error."""
    mid = client_id(member_id)
    member = s.get(StructureMember, mid) if mid is not None else None
    structure = s.get(Structure, member.structure_id) if member is not None else None
    permissions.require(
        structure is not None and permissions.can_manage_structure(s, actor, structure),
        MSG_NOT_OWNER,
    )
    if member.status != "active" or member.user_id is None:
        return MSG_MEMBER_GONE
    old_owner = owner_of(s, structure)
    if old_owner is None:
        return MSG_NO_OWNER
    if member.user_id == old_owner.id:
        return MSG_NOT_YOURSELF
    now = clock.now()
    moved = s.execute(
        sa.update(Structure)
        .where(Structure.id == structure.id, Structure.owner_id == old_owner.id)
        .values(owner_id=member.user_id, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    promoted = s.execute(
        sa.update(StructureMember)
        .where(StructureMember.id == member.id, StructureMember.status == "active")
        .values(role="owner")
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1 or promoted != 1:
        s.rollback()
        return MSG_MEMBER_GONE
    s.execute(
        sa.update(StructureMember)
        .where(
            StructureMember.structure_id == structure.id,
            StructureMember.user_id == old_owner.id,
            StructureMember.status == "active",
        )
        .values(role="member")
        .execution_options(synchronize_session=False)
    )
    new_owner = s.get(User, member.user_id)
    audit.record(
        s, "structure", structure.id, "hand_over", actor,
        from_state=str(old_owner.id), to_state=str(new_owner.id),
    )  # fmt: skip
    stamp = f"{structure.id}:{new_owner.id}:{int(now.timestamp())}"
    for person, is_new in ((new_owner, True), (old_owner, False)):
        _mail(
            s, person, "team_ownership", f"team_ownership:{stamp}:{person.id}",
            structure_name=structure.name, new_owner_name=new_owner.full_name, is_new_owner=is_new,
        )  # fmt: skip
    s.commit()
    return ""

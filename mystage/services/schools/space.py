"""The school space's first answer: the caller's school, role and rights (the head's first
opening registers the school), and the public list of a school's classes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    School,
    SchoolClass,
    StaffMembership,
    User,
)
from mystage.services import audit, permissions, platform
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.services.schools.academies import official_mailbox
from mystage.services.schools.constants import MEMBER_STATUS_LABELS, function_label
from mystage.services.schools.messages import MSG_DENIED


def _complete_head_setup(s: Session, head: User, school: School) -> bool:
    """First opening of the space by an active head: the school is registered, its official
    mailbox recorded, the head's own membership created.  True when something changed."""
    changed = False
    now = clock.now()
    if school.registered_at is None:
        school.registered_at = now
        changed = True
        audit.record(s, "school", school.id, "register", head, to_state="registered")
    if not school.email and head.email and head.email == official_mailbox(school):
        school.email = head.email
        changed = True
    membership = s.exec(
        select(StaffMembership).where(
            StaffMembership.user_id == head.id, StaffMembership.school_id == school.id
        )
    ).first()
    if membership is None:
        s.add(
            StaffMembership(
                user_id=head.id, school_id=school.id, status="active", created_at=now,
                decided_at=now,
            )
        )  # fmt: skip
        changed = True
    elif membership.status != "active":
        membership.status = "active"
        membership.decided_at = now
        changed = True
    if changed:
        school.updated_at = now
    return changed


def space_context(s: Session, user: User | None) -> dict[str, Any]:
    """What the school space needs first: the caller's school, role and rights, or why
    they see nothing yet (``member_status`` pending / refused / removed).  The first time
    the head opens it, the school is registered (see the module notes)."""
    if not permissions.is_authenticated(user) or user.role not in permissions.STAFF:
        raise PermissionDenied(MSG_DENIED)
    school = s.get(School, user.school_id) if user.school_id else None
    if school is None:
        raise PermissionDenied(MSG_DENIED)
    is_head = permissions.is_school_head(user, school.id)
    if is_head and _complete_head_setup(s, user, school):
        s.commit()
    status = "active" if is_head else "none"
    if not is_head:
        row = s.execute(
            sa.select(StaffMembership.status).where(
                StaffMembership.user_id == user.id, StaffMembership.school_id == school.id
            )
        ).scalar_one_or_none()
        status = row or "none"
    visible = permissions.visible_class_ids(s, user) if status == "active" else set()
    return {
        "school_id": school.id,
        "school_name": school.name,
        "uai": school.uai,
        "commune": school.commune,
        "academy": school.academy,
        "ep": school.ep,
        "qpv": bool(school.qpv),
        "kind": school.kind,
        "seconde_gt": school.seconde_gt or "",
        "official_email": official_mailbox(school),
        "is_head": is_head,
        "member_status": status,
        "member_status_label": MEMBER_STATUS_LABELS.get(status, ""),
        "function": function_label(user),
        "scope": "school" if visible is None else "classes",
        "class_ids": sorted(visible) if visible is not None else [],
        "registered": school.registered_at is not None,
        "validation_required": platform.school_validates(school),
    }


def class_choices(s: Session, school_id: Any) -> list[dict[str, Any]]:
    """Public: the live classes of a school (pupil and staff sign-up forms pick one)."""
    sid = client_id(school_id)
    if sid is None:
        return []
    rows = s.execute(
        sa.select(SchoolClass.id, SchoolClass.name, SchoolClass.level)
        .where(SchoolClass.school_id == sid, SchoolClass.deleted_at.is_(None))
        .order_by(SchoolClass.name)
    ).all()
    return [{"id": r.id, "name": r.name, "level": r.level} for r in rows]

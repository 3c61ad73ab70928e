"""Who acts on which school: the caller's :class:`Scope` and the lookups that only return
what that caller may see (a class, a pupil, a staff membership), else PermissionDenied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import (
    Role,
    School,
    SchoolClass,
    StaffClass,
    StaffMembership,
    User,
)
from mystage.services import permissions, weeks
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.services.schools.messages import MSG_DENIED, MSG_HEAD_ONLY, MSG_NOT_ACTIVE_MEMBER


@dataclass(frozen=True)
class Scope:
    """The caller, the school acted upon and what they may see there."""

    user: User
    school: School
    manage: bool  # the school's head, or an admin
    class_ids: frozenset[int] | None  # None: every class (and pupils without a class)

    def sees_class(self, class_id: int | None) -> bool:
        return self.class_ids is None or (class_id is not None and class_id in self.class_ids)

    def pupil_conditions(self) -> list[Any]:
        """SQL conditions on ``User`` for the pupils this caller sees."""
        conds = [
            User.role == Role.ELEVE,
            User.school_id == self.school.id,
            User.deleted_at.is_(None),
        ]
        if self.class_ids is not None:
            conds.append(User.class_id.in_(sorted(self.class_ids) or [-1]))
        return conds


def caller_scope(
    s: Session, actor: User | None, school_id: Any = None, *, manage: bool = False
) -> Scope:
    """Resolve the caller's school and rights; PermissionDenied when they have none there."""
    if not permissions.is_authenticated(actor):
        raise PermissionDenied(MSG_DENIED)
    if actor.role == Role.ADMIN:
        sid = client_id(school_id)
        school = s.get(School, sid) if sid is not None else None
        permissions.require(school is not None, MSG_DENIED)
        return Scope(actor, school, True, None)
    own = permissions.school_of_staff(s, actor)
    if own is None:
        raise PermissionDenied(
            MSG_NOT_ACTIVE_MEMBER if actor.role in permissions.STAFF else MSG_DENIED
        )
    if school_id is not None and client_id(school_id) != own:
        raise PermissionDenied(MSG_DENIED)
    is_head = permissions.can_manage_school(s, actor, own)
    if manage and not is_head:
        raise PermissionDenied(MSG_HEAD_ONLY)
    school = s.get(School, own)
    permissions.require(school is not None, MSG_DENIED)
    visible = permissions.visible_class_ids(s, actor)
    return Scope(actor, school, is_head, None if visible is None else frozenset(visible))


def visible_class(s: Session, scope: Scope, class_id: Any) -> SchoolClass:
    """A live class of the scope's school that the caller sees, else PermissionDenied."""
    cid = client_id(class_id)
    sc = s.get(SchoolClass, cid) if cid is not None else None
    if (
        sc is None
        or sc.school_id != scope.school.id
        or sc.deleted_at is not None
        or not scope.sees_class(sc.id)
    ):
        raise PermissionDenied(MSG_DENIED)
    return sc


def visible_pupil(s: Session, scope: Scope, pupil_id: Any) -> User:
    pid = client_id(pupil_id)
    pupil = s.get(User, pid) if pid is not None else None
    if (
        pupil is None
        or pupil.role != Role.ELEVE
        or pupil.deleted_at is not None
        or pupil.school_id != scope.school.id
        or not scope.sees_class(pupil.class_id)
    ):
        raise PermissionDenied(MSG_DENIED)
    return pupil


def school_member(s: Session, scope: Scope, membership_id: Any) -> tuple[StaffMembership, User]:
    mid = client_id(membership_id)
    m = s.get(StaffMembership, mid) if mid is not None else None
    if m is None or m.school_id != scope.school.id:
        raise PermissionDenied(MSG_DENIED)
    user = s.get(User, m.user_id)
    if user is None:
        raise PermissionDenied(MSG_DENIED)
    return m, user


def live_class_ids(s: Session, school_id: int, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(
        s.execute(
            sa.select(SchoolClass.id).where(
                SchoolClass.id.in_(ids),
                SchoolClass.school_id == school_id,
                SchoolClass.deleted_at.is_(None),
            )
        ).scalars()
    )


def school_year_asked(value: Any, *, for_edit: bool) -> int | None:
    """The school year asked (None → the active one); None when not allowed."""
    active = weeks.active_school_year()
    if value is None or value == "":
        return active
    year = client_id(value)
    allowed = {active, active + 1} if for_edit else {active - 1, active, active + 1}
    return year if year in allowed else None


def scope_for_membership(s: Session, actor: User | None, membership_id: Any) -> Scope:
    if actor is not None and actor.role == Role.ADMIN:
        mid = client_id(membership_id)
        m = s.get(StaffMembership, mid) if mid is not None else None
        return caller_scope(s, actor, m.school_id if m else None, manage=True)
    return caller_scope(s, actor, manage=True)


def scope_for_class(s: Session, actor: User | None, class_id: Any, *, manage: bool) -> Scope:
    """The caller's scope; admins act on the class's own school."""
    if actor is not None and actor.role == Role.ADMIN:
        cid = client_id(class_id)
        row = s.get(SchoolClass, cid) if cid is not None else None
        return caller_scope(s, actor, row.school_id if row else None, manage=manage)
    return caller_scope(s, actor, manage=manage)


def scope_for_pupil(s: Session, actor: User | None, pupil_id: Any) -> Scope:
    if actor is not None and actor.role == Role.ADMIN:
        pid = client_id(pupil_id)
        row = s.get(User, pid) if pid is not None else None
        return caller_scope(s, actor, row.school_id if row else None)
    return caller_scope(s, actor)


def grant_classes(s: Session, user_id: int, class_ids: Any, main_ids: Any = ()) -> None:
    """Give a staff member these classes (professeur principal of ``main_ids``)."""
    mains = set(main_ids)
    for cid in class_ids:
        s.add(StaffClass(user_id=user_id, class_id=cid, is_main_teacher=cid in mains))

"""The head manages the team: the staff list, accepting or refusing requests, removing a
member, setting what each one sees."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    AccountStatus,
    Role,
    SchoolClass,
    StaffClass,
    StaffMembership,
    User,
)
from mystage.services import audit
from mystage.services.schools.constants import (
    MEMBER_STATUS_LABELS,
    SCOPE_LABELS,
    SPACE_URL,
    function_label,
)
from mystage.services.schools.invitations import pending_invitations
from mystage.services.schools.mails import send_mail
from mystage.services.schools.messages import (
    MSG_ALREADY_REMOVED,
    MSG_CLASSES,
    MSG_HEAD_NOT_REMOVABLE,
    MSG_REQUEST_DONE,
    MSG_SCOPE,
    MSG_SCOPE_CLASSES,
)
from mystage.services.schools.scope import (
    caller_scope,
    grant_classes,
    live_class_ids,
    school_member,
    scope_for_membership,
)
from mystage.services.schools.values import fmt_date, id_list


def staff_list(s: Session, actor: User | None, school_id: Any = None) -> dict[str, list[dict]]:
    """The school's staff for the head: ``{"pending": [...], "active": [...],
    "former": [...], "invitations": [...]}``; each member ``{"id" (membership id),
    "user_id", "name", "email", "function", "is_head", "scope", "scope_label",
    "classes": [{"id", "name", "main"}], "account_active", "created_at", "status"}``."""
    scope = caller_scope(s, actor, school_id, manage=True)
    rows = s.execute(
        sa.select(StaffMembership, User)
        .join(User, User.id == StaffMembership.user_id)
        .where(StaffMembership.school_id == scope.school.id, User.deleted_at.is_(None))
        .order_by(
            sa.case((User.role == Role.CHEF_ETABLISSEMENT, 0), else_=1),
            User.last_name,
            User.first_name,
            StaffMembership.id,
        )
    ).all()
    user_ids = [u.id for _, u in rows]
    classes: dict[int, list[dict]] = {}
    if user_ids:
        for uid, cid, name, main in s.execute(
            sa.select(
                StaffClass.user_id, SchoolClass.id, SchoolClass.name, StaffClass.is_main_teacher
            )
            .join(SchoolClass, SchoolClass.id == StaffClass.class_id)
            .where(
                StaffClass.user_id.in_(user_ids),
                SchoolClass.school_id == scope.school.id,
                SchoolClass.deleted_at.is_(None),
            )
            .order_by(SchoolClass.name)
        ):
            classes.setdefault(uid, []).append({"id": cid, "name": name, "main": bool(main)})
    out: dict[str, list[dict]] = {"pending": [], "active": [], "former": []}
    for m, u in rows:
        is_head = u.role == Role.CHEF_ETABLISSEMENT
        staff_scope = "school" if is_head else (u.staff_scope or "school")
        item = {
            "id": m.id,
            "user_id": u.id,
            "name": u.full_name or (u.email or ""),
            "email": u.email or "",
            "function": function_label(u),
            "is_head": is_head,
            "scope": staff_scope,
            "scope_label": SCOPE_LABELS.get(staff_scope, ""),
            "classes": classes.get(u.id, []),
            "account_active": u.status == AccountStatus.ACTIVE,
            "status": m.status,
            "status_label": MEMBER_STATUS_LABELS.get(m.status, m.status),
            "created_at": fmt_date(m.created_at),
        }
        key = {"pending": "pending", "active": "active"}.get(m.status, "former")
        out[key].append(item)
    out["invitations"] = pending_invitations(s, scope.school.id)
    return out


def decide_staff(s: Session, actor: User | None, membership_id: Any, accept: Any) -> str:
    """The head accepts or refuses a pending request; the person is told by mail."""
    scope = scope_for_membership(s, actor, membership_id)
    m, user = school_member(s, scope, membership_id)
    accepted = accept is True or (isinstance(accept, str) and accept in ("1", "true", "oui"))
    now = clock.now()
    new_status = "active" if accepted else "refused"
    done = s.execute(
        sa.update(StaffMembership)
        .where(StaffMembership.id == m.id, StaffMembership.status == "pending")
        .values(status=new_status, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_REQUEST_DONE
    if not accepted:
        _drop_staff_classes(s, user.id, scope.school.id)
    audit.record(
        s, "staff_membership", m.id, "accept" if accepted else "refuse", scope.user,
        from_state="pending", to_state=new_status,
    )  # fmt: skip
    if user.email:
        send_mail(
            s, user.email, "school_staff_decision", f"school_staff_decision:{m.id}", user.id,
            url=SPACE_URL, school_name=scope.school.name, accepted=accepted,
            first_name=user.first_name,
        )  # fmt: skip
    s.commit()
    return ""


def _drop_staff_classes(s: Session, user_id: int, school_id: int) -> None:
    s.execute(
        sa.delete(StaffClass)
        .where(
            StaffClass.user_id == user_id,
            StaffClass.class_id.in_(
                sa.select(SchoolClass.id).where(SchoolClass.school_id == school_id)
            ),
        )
        .execution_options(synchronize_session=False)
    )


def remove_staff(s: Session, actor: User | None, membership_id: Any) -> str:
    """The head removes a staff member (active or pending): no access any more, their
    class rights are dropped.  Heads cannot be removed here."""
    scope = scope_for_membership(s, actor, membership_id)
    m, user = school_member(s, scope, membership_id)
    if user.role == Role.CHEF_ETABLISSEMENT:
        return MSG_HEAD_NOT_REMOVABLE
    done = s.execute(
        sa.update(StaffMembership)
        .where(StaffMembership.id == m.id, StaffMembership.status.in_(("active", "pending")))
        .values(status="removed", decided_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_ALREADY_REMOVED
    _drop_staff_classes(s, user.id, scope.school.id)
    audit.record(
        s, "staff_membership", m.id, "remove", scope.user, from_state=m.status,
        to_state="removed",
    )  # fmt: skip
    s.commit()
    return ""


def set_staff_rights(
    s: Session,
    actor: User | None,
    membership_id: Any,
    *,
    scope: Any,
    class_ids: Any = (),
    main_class_ids: Any = (),
) -> dict[str, str]:
    """The head sets what a staff member sees: ``scope`` "school" (everything) or
    "classes" (only ``class_ids``), and the classes where they are professeur principal
    (``main_class_ids``, a subset of their classes).  Errors keyed ``scope`` /
    ``class_ids`` / ``main_class_ids``."""
    sc = scope_for_membership(s, actor, membership_id)
    m, user = school_member(s, sc, membership_id)
    if user.role == Role.CHEF_ETABLISSEMENT:
        return {"scope": "Le chef d'établissement voit toujours tout l'établissement."}
    errors: dict[str, str] = {}
    if scope not in SCOPE_LABELS:
        errors["scope"] = MSG_SCOPE
    ids = id_list(class_ids)
    mains = id_list(main_class_ids)
    if ids is None or (ids and live_class_ids(s, sc.school.id, ids) != set(ids)):
        errors["class_ids"] = MSG_CLASSES
    if mains is None or (ids is not None and not set(mains) <= set(ids)):
        errors["main_class_ids"] = MSG_CLASSES
    if scope == "classes" and ids is not None and not ids and "class_ids" not in errors:
        errors["class_ids"] = MSG_SCOPE_CLASSES
    if errors:
        s.rollback()
        return errors
    _drop_staff_classes(s, user.id, sc.school.id)
    grant_classes(s, user.id, ids, mains)
    user.staff_scope = scope
    user.updated_at = clock.now()
    audit.record(
        s, "staff_membership", m.id, "rights", sc.user,
        message=json.dumps({"scope": scope, "classes": ids, "main": mains}),
    )  # fmt: skip
    s.commit()
    return {}

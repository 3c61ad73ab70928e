"""Platform administration (« Administration »): accounts awaiting validation (référents,
school staff with an academic address), told to every administrator when they ask, validated
or refused with a mail; structures awaiting validation."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    REFERENT_ROLES,
    ROLE_LABELS,
    AccountStatus,
    Department,
    Role,
    School,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import audit, ministries, permissions
from mystage.services.ids import client_id

ADMIN_URL = "/espace/admin"
SPACE_URL = "/espace"
STATS_URL = "/espace/statistiques"
MSG_NOT_PENDING = "Ce compte n'attend pas de validation."


def referent_territory(s: Session, user: User) -> str:
    """« Seine-et-Marne (77) », « Académie de Créteil », « France entière » or « France
    entière — Ministère des Armées » (référents), else ""."""
    if user.role == Role.REFERENT_DEPARTEMENTAL:
        code = (user.department_code or "").strip().upper()
        dept = s.get(Department, code) if code else None
        return f"{dept.name} ({code})" if dept is not None else code
    if user.role == Role.REFERENT_ACADEMIQUE:
        return f"Académie de {user.academy}" if user.academy else ""
    if user.role == Role.REFERENT_CENTRAL:
        return ministries.territory(user.ministry)
    return ""


def tell_admins_of_referent(s: Session, user: User) -> None:
    """« Nouvelle demande de compte référent » to every active administrator with an address
    (in the caller's transaction; once per référent and administrator)."""
    admins = s.exec(
        select(User.id, User.email, User.first_name).where(
            User.role == Role.ADMIN,
            User.status == AccountStatus.ACTIVE,
            User.email.is_not(None),
            User.deleted_at.is_(None),
            User.anonymized_at.is_(None),
        )
    ).all()
    if not admins:
        return
    territory = referent_territory(s, user)
    for admin_id, admin_email, admin_first_name in admins:
        subject, body = templates.render(
            "referent_request",
            url=ADMIN_URL,
            requester_name=user.full_name,
            requester_email=user.email or user.phone or "",
            role_label=ROLE_LABELS.get(user.role, user.role),
            territory=territory,
            job_title=user.job_title,
            first_name=admin_first_name,
        )
        queue_mail(
            s,
            to=admin_email,
            subject=subject,
            body=body,
            action_url=templates.link(ADMIN_URL),
            template="referent_request",
            user_id=admin_id,
            dedupe_key=f"referent_request:{user.id}:{admin_id}",
        )


def _territory(s: Session, u: User, school_name: str | None, uai: str | None) -> str:
    """Référents: their territory; school staff: their school; others: their département."""
    if u.role in REFERENT_ROLES:
        return referent_territory(s, u)
    if school_name:
        return f"{school_name} ({uai})" if uai else school_name
    return u.department_code or ""


def pending_accounts(s: Session, actor: User | None, limit: int = 50) -> list[dict]:
    """Accounts awaiting validation, oldest first: ``{"id", "name", "email", "role",
    "department", "territory", "job_title", "created_at"}``."""
    permissions.require(permissions.can_admin(actor))
    rows = s.exec(
        select(User, School.name, School.uai)
        .join(School, School.id == User.school_id, isouter=True)
        .where(User.status == AccountStatus.PENDING_VALIDATION)
        .order_by(User.created_at, User.id)
        .limit(limit)
    ).all()
    return [
        {
            "id": u.id,
            "name": u.full_name,
            "email": u.email or u.phone or "",
            "role": ROLE_LABELS.get(u.role, u.role),
            "department": u.department_code,
            "territory": _territory(s, u, school_name, uai),
            "job_title": u.job_title or "",
            "created_at": clock.fmt_paris(u.created_at),
        }
        for u, school_name, uai in rows
    ]


def _tell_decision(s: Session, target: User, accept: bool) -> None:
    """« Votre compte référent MyStage est validé » (link to the statistics), « Votre compte
    MyStage est validé » (link to « Mon espace ») or a polite refusal, by mail."""
    if not target.email:
        return
    referent = target.role in REFERENT_ROLES
    url = STATS_URL if referent else SPACE_URL
    subject, body = templates.render(
        "account_validation_decision",
        url=url,
        accepted=accept,
        role_label=ROLE_LABELS.get(target.role, ""),
        referent=referent,
        first_name=target.first_name,
    )
    queue_mail(
        s,
        to=target.email,
        subject=subject,
        body=body,
        action_url=templates.link(url) if accept else "",
        template="account_validation_decision",
        user_id=target.id,
    )


def decide_account(s: Session, actor: User | None, user_id: Any, accept: Any) -> str:
    """Validate or refuse an account awaiting validation; returns an error ('' when done).

    The person is told by mail (a référent gets the link to the statistics).  The caller
    commits (the mail is queued in the same transaction)."""
    permissions.require(permissions.can_admin(actor))
    uid = client_id(user_id)
    if uid is None or not isinstance(accept, bool):
        return MSG_NOT_PENDING
    user_id = uid
    now = clock.now()
    target = s.get(User, user_id)
    if target is None or target.status != AccountStatus.PENDING_VALIDATION:
        return MSG_NOT_PENDING
    new_status = AccountStatus.ACTIVE if accept else AccountStatus.REFUSED
    result = s.exec(  # conditional update: two admins clicking at once cannot both act
        User.__table__.update()
        .where(User.id == user_id, User.status == AccountStatus.PENDING_VALIDATION)
        .values(status=new_status, validated_at=now, validated_by_id=actor.id, updated_at=now)
    )
    if result.rowcount != 1:
        return "Ce compte vient d'être traité par quelqu'un d'autre."
    audit.record(
        s, "user", user_id, "validate" if accept else "refuse", actor,
        from_state=AccountStatus.PENDING_VALIDATION, to_state=new_status,
    )  # fmt: skip
    _tell_decision(s, target, accept)
    return ""


def pending_structures(s: Session, actor: User | None, limit: int = 50) -> list[dict]:
    """Structures awaiting validation (when the platform requires it), oldest first."""
    from mystage.models import Structure

    permissions.require(permissions.can_admin(actor))
    rows = s.exec(
        select(Structure, User)
        .join(User, User.id == Structure.owner_id, isouter=True)
        .where(Structure.validation_status == "pending")
        .order_by(Structure.created_at)
        .limit(limit)
    ).all()
    return [
        {
            "id": st.id,
            "name": st.name,
            "siret": st.siret or "",
            "city": f"{st.postal_code} {st.city}".strip(),
            "owner": (u.full_name + " — " + (u.email or "")) if u else "",
            "created_at": clock.fmt_paris(st.created_at),
        }
        for st, u in rows
    ]

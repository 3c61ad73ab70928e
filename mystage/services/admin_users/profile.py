"""The user page of the back office: who the account is, its state, its school or structure,
its last logins, its applications (pupils) or offers (employers), the audit rows about it or
by it, and which actions apply now.  Never the password hash, never a token."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    OFFER_STATE_LABELS,
    ROLE_LABELS,
    AccountStatus,
    Application,
    AuditLog,
    AuthSession,
    Offer,
    Role,
    School,
    Structure,
    StructureMember,
    User,
)
from mystage.services import permissions
from mystage.services.accounts import device_label
from mystage.services.admin_users.roles import ROLE_RULES, role_choices
from mystage.services.admin_users.search import USERS_URL, status_of
from mystage.services.ids import client_id
from mystage.services.privacy.account_deletion import deletion_blockers

LAST_ROWS = 20
LAST_SESSIONS = 10
AUDIT_ROWS = 50

# What stands in the way of an anonymisation, said to the administrator.
BLOCKER_TEXTS = {
    "internship": (
        "Cet élève a un stage confirmé à venir : il doit d'abord être annulé (l'employeur "
        "prévenu, la place libérée)."
    ),
    "team": (
        "Ce compte est responsable d'une structure qui a d'autres membres : la "
        "responsabilité doit d'abord être confiée à l'un d'eux."
    ),
    "offers": "Des offres dont ce compte est responsable sont encore en ligne.",
    "last_admin": "C'est le dernier administrateur actif.",
}


def _fmt(value) -> str:
    return clock.fmt_paris(value) if value is not None else ""


def _sessions(s: Session, user_id: int) -> list[dict[str, str]]:
    now = clock.now()
    rows = s.execute(
        sa.select(AuthSession)
        .where(AuthSession.user_id == user_id)
        .order_by(AuthSession.created_at.desc(), AuthSession.id.desc())
        .limit(LAST_SESSIONS)
    ).scalars()
    out = []
    for r in rows:
        if r.revoked_at is not None:
            state = f"Fermée le {_fmt(r.revoked_at)}"
        elif clock.as_utc(r.expires_at) <= now:
            state = "Expirée"
        else:
            state = "Ouverte"
        out.append(
            {
                "created_at": _fmt(r.created_at),
                "last_seen": _fmt(r.last_seen_at),
                "ip": r.ip or "",
                "device": device_label(r.user_agent),
                "state": state,
            }
        )
    return out


def _applications(s: Session, user_id: int) -> tuple[int, list[dict[str, str]]]:
    total = s.execute(
        sa.select(sa.func.count()).select_from(Application).where(Application.pupil_id == user_id)
    ).scalar()
    rows = s.execute(
        sa.select(Application.id, Application.state, Application.week_start, Offer.id, Offer.title)
        .join(Offer, Offer.id == Application.offer_id)
        .where(Application.pupil_id == user_id)
        .order_by(Application.id.desc())
        .limit(LAST_ROWS)
    ).all()
    return int(total or 0), [
        {
            "id": str(app_id),
            "offer": title or f"Offre n° {offer_id}",
            "href": f"/offres/{offer_id}",
            "week": week.strftime("%d/%m/%Y") if week else "",
            "state": APP_STATE_LABELS.get(state, state),
        }
        for app_id, state, week, offer_id, title in rows
    ]


def _offers(s: Session, user_id: int) -> tuple[int, list[dict[str, str]]]:
    total = s.execute(
        sa.select(sa.func.count()).select_from(Offer).where(Offer.created_by_id == user_id)
    ).scalar()
    rows = s.execute(
        sa.select(Offer.id, Offer.title, Offer.state, Offer.created_at)
        .where(Offer.created_by_id == user_id)
        .order_by(Offer.id.desc())
        .limit(LAST_ROWS)
    ).all()
    return int(total or 0), [
        {
            "id": str(oid),
            "offer": title or f"Offre n° {oid}",
            "href": f"/offres/{oid}",
            "state": OFFER_STATE_LABELS.get(state, state),
            "created_at": _fmt(created),
        }
        for oid, title, state, created in rows
    ]


def _audit(s: Session, user_id: int) -> list[dict[str, str]]:
    rows = s.execute(
        sa.select(AuditLog)
        .where(
            sa.or_(
                sa.and_(AuditLog.entity == "user", AuditLog.entity_id == user_id),
                AuditLog.actor_id == user_id,
            )
        )
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .limit(AUDIT_ROWS)
    ).scalars()
    return [
        {
            "at": _fmt(r.created_at),
            "object": f"{r.entity} n° {r.entity_id}",
            "action": r.action,
            "change": f"{r.from_state} → {r.to_state}" if r.from_state or r.to_state else "",
            "actor": (
                "lui-même"
                if r.actor_id == user_id
                else (f"n° {r.actor_id} ({r.actor_role})" if r.actor_id else "système")
            ),
            "message": r.message or "",
        }
        for r in rows
    ]


def _structures(s: Session, user_id: int) -> list[dict[str, str]]:
    rows = s.execute(
        sa.select(Structure.id, Structure.name, Structure.siret, StructureMember.status)
        .join(StructureMember, StructureMember.structure_id == Structure.id)
        .where(StructureMember.user_id == user_id, StructureMember.status != "removed")
        .order_by(Structure.name)
    ).all()
    return [
        {
            "name": name,
            "siret": siret or "",
            "member": "membre" if status == "active" else "demande en attente",
            "href": f"{USERS_URL}?q={siret}" if siret else "",
        }
        for _sid, name, siret, status in rows
    ]


def available_actions(s: Session, actor: User, user: User) -> dict[str, Any]:
    """Which actions apply to ``user`` now (the buttons shown; each action checks again)."""
    now = clock.now()
    gone = user.anonymized_at is not None or user.deleted_at is not None
    locked = clock.as_utc(user.locked_until)
    is_self = user.id == actor.id
    blockers = [] if gone else deletion_blockers(s, user)
    return {
        "resend_activation": not gone
        and user.status == AccountStatus.PENDING_ACTIVATION
        and bool(user.email or user.phone),
        "reset_link": not gone
        and bool(user.email)
        and user.status not in (AccountStatus.REFUSED, AccountStatus.DISABLED),
        "unlock": not gone and ((locked is not None and locked > now) or user.failed_logins > 0),
        "block": not gone and user.blocked_at is None and not is_self,
        "unblock": not gone and user.blocked_at is not None,
        "roles": [] if gone or is_self else role_choices(user),
        "anonymise": not gone and not is_self and not blockers,
        "anonymise_blockers": [BLOCKER_TEXTS.get(b.get("kind", ""), b["text"]) for b in blockers]
        + (["C'est votre propre compte : utilisez « Supprimer mon compte »."] if is_self else []),
    }


def user_profile(s: Session, actor: User | None, user_id: Any) -> dict[str, Any] | None:
    """Everything the user page shows about account ``user_id`` (None: no such account).
    Administrators only (else ``PermissionDenied``)."""
    permissions.require(permissions.can_admin(actor))
    uid = client_id(user_id)
    user = s.get(User, uid) if uid is not None else None
    if user is None:
        return None
    status, status_label = status_of(user)
    school = s.get(School, user.school_id) if user.school_id else None
    pupil = user.role == Role.ELEVE
    apps_total, apps = _applications(s, user.id) if pupil else (0, [])
    offers_total, offers = (0, []) if pupil else _offers(s, user.id)
    return {
        "id": str(user.id),
        "name": user.full_name or "—",
        "email": user.email or "",
        "phone": user.phone or "",
        "role": user.role,
        "role_label": ROLE_LABELS.get(user.role, user.role),
        "status": status,
        "status_label": status_label,
        "blocked_reason": user.blocked_reason or "",
        "blocked_at": _fmt(user.blocked_at),
        "failed_logins": str(user.failed_logins or 0),
        "created_at": _fmt(user.created_at),
        "activated_at": _fmt(user.activated_at),
        "last_login_at": _fmt(user.last_login_at) or "jamais",
        "job_title": user.job_title or "",
        "level": user.level or "",
        "school": (
            {
                "name": school.name,
                "uai": school.uai,
                "commune": school.commune,
                "href": f"{USERS_URL}?q={school.uai}",
            }
            if school is not None
            else None
        ),
        "structures": _structures(s, user.id),
        "sessions": _sessions(s, user.id),
        "is_pupil": pupil,
        "applications_total": apps_total,
        "applications": apps,
        "offers_total": offers_total,
        "offers": offers,
        "audit": _audit(s, user.id),
        "actions": available_actions(s, actor, user),
        "role_rules": ROLE_RULES,
    }

"""« Mes données »: the account's activity — sessions, single-use links, messages sent,
the audit journal, exports — and the small helpers shared with :mod:`my_data`.

Rows about someone else keep that person out: an audit row where another person acted
shows their role (never their id), its note only when the row is about the account
itself; a link's or a message's address only when it is the person's own."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import ROLE_LABELS, AuditLog, AuthSession, ExportJob, OneTimeToken, Outbox, User

# Entities of the audit log whose rows about the person (``entity_id`` = their id) are
# theirs: the account itself.
SUBJECT_ENTITY = "user"


def ts(value: datetime | None) -> str | None:
    """A timestamp in Paris time, ISO 8601 with its offset (None stays None)."""
    v = clock.paris(value)
    return v.isoformat() if v is not None else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role or "")


def actor_label(row: AuditLog, user: User) -> str:
    if row.actor_id is not None and row.actor_id == user.id:
        return "moi"
    if row.actor_role == "system" or not row.actor_role:
        return "MyStage (automatique)"
    return role_label(row.actor_role)


def sessions(s: Session, user: User) -> list[dict[str, Any]]:
    rows = s.execute(
        sa.select(AuthSession).where(AuthSession.user_id == user.id).order_by(AuthSession.id)
    ).scalars()
    return [
        {"ouverte_le": ts(r.created_at), "derniere_activite": ts(r.last_seen_at),
         "expire_le": ts(r.expires_at), "fermee_le": ts(r.revoked_at), "ip": r.ip,
         "navigateur": r.user_agent}
        for r in rows
    ]  # fmt: skip


def single_use_links(s: Session, user: User) -> list[dict[str, Any]]:
    own = {v for v in (user.email, user.phone) if v}
    rows = s.execute(
        sa.select(OneTimeToken).where(OneTimeToken.user_id == user.id).order_by(OneTimeToken.id)
    ).scalars()
    return [
        {"usage": t.purpose, "envoye_a": t.target if t.target in own else "",
         "cree_le": ts(t.created_at), "expire_le": ts(t.expires_at),
         "utilise_le": ts(t.used_at), "essais": t.attempts}
        for t in rows
    ]  # fmt: skip


def messages(s: Session, user: User) -> list[dict[str, Any]]:
    own = {v.lower() for v in (user.email, user.phone) if v}
    rows = s.execute(
        sa.select(Outbox.channel, Outbox.recipient, Outbox.template, Outbox.status,
                  Outbox.created_at, Outbox.sent_at)
        .where(Outbox.user_id == user.id)
        .order_by(Outbox.id)
    ).all()  # fmt: skip
    return [
        {"canal": ch, "a": to if to.lower() in own else "", "modele": tpl, "etat": st,
         "cree_le": ts(at), "envoye_le": ts(sent)}
        for ch, to, tpl, st, at, sent in rows
    ]  # fmt: skip


def journal(s: Session, user: User) -> list[dict[str, Any]]:
    rows = s.execute(
        sa.select(AuditLog)
        .where(
            sa.or_(
                AuditLog.actor_id == user.id,
                sa.and_(AuditLog.entity == SUBJECT_ENTITY, AuditLog.entity_id == user.id),
            )
        )
        .order_by(AuditLog.created_at, AuditLog.id)
    ).scalars()
    out = []
    for r in rows:
        about_me = r.entity == SUBJECT_ENTITY and r.entity_id == user.id
        out.append({
            "date": ts(r.created_at), "objet": r.entity, "objet_id": r.entity_id,
            "action": r.action, "de": r.from_state, "vers": r.to_state,
            "par": actor_label(r, user),
            # The note of a row about someone else (a class list, an invitation) may name them.
            "message": r.message if about_me else "",
        })  # fmt: skip
    return out


def exports(s: Session, user: User) -> list[dict[str, Any]]:
    rows = s.execute(
        sa.select(ExportJob).where(ExportJob.user_id == user.id).order_by(ExportJob.id)
    ).scalars()
    return [
        {"type": j.kind, "etat": j.status, "demande_le": ts(j.created_at),
         "termine_le": ts(j.finished_at), "expire_le": ts(j.expires_at)}
        for j in rows
    ]  # fmt: skip

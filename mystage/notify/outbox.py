"""Queue mails and SMS in the outbox, in the caller's transaction.

A notification is a row written in the same transaction as the change that causes it
(ARCHITECTURE §3 « Outbox »): nothing here commits.  If the caller rolls back, the
message disappears with the change; if it commits, the delivery job
(:func:`mystage.notify.delivery.deliver_pending`) sends it later, with retries.

``dedupe_key`` makes queuing idempotent: a second call with the same key (in the same
transaction, another transaction or a later run of a job) adds nothing.  It is enforced
by the unique index on ``outbox.dedupe_key`` with ``INSERT … ON CONFLICT DO NOTHING``, so
two concurrent transactions cannot both queue the message and neither fails.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models.ops import Channel, Outbox, OutboxStatus

STATUS_LABELS = {
    OutboxStatus.PENDING: "en attente",
    OutboxStatus.SENDING: "en cours d'envoi",
    OutboxStatus.SENT: "envoyé",
    OutboxStatus.FAILED: "échec",
}

_PHONE_SEPARATORS = re.compile(r"[\s.\-()/]")


def normalize_phone(phone: str) -> str:
    """French numbers to E.164 (``06 12 34 56 78`` → ``+33612345678``); others unchanged."""
    p = _PHONE_SEPARATORS.sub("", phone or "")
    if p.startswith("00"):
        p = "+" + p[2:]
    if len(p) == 10 and p.startswith("0") and p.isdigit():
        p = "+33" + p[1:]
    return p


def _insert(s: Session, row: Outbox) -> int | None:
    """Insert ``row`` now (in the caller's transaction); None if its dedupe_key exists."""
    values = row.model_dump(exclude={"id"})
    # ORM-enabled statements (on the entity, not the table): the session autoflushes first,
    # so rows the caller added just before (the user this message is for) exist already.
    table = Outbox
    dialect = s.get_bind().dialect.name
    if row.dedupe_key is None:
        return s.execute(sa.insert(table).values(**values).returning(Outbox.id)).scalar_one()
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        exists = s.exec(select(Outbox.id).where(Outbox.dedupe_key == row.dedupe_key)).first()
        if exists is not None:
            return None
        return s.execute(sa.insert(table).values(**values).returning(Outbox.id)).scalar_one()
    stmt = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Outbox.id)
    )
    return s.execute(stmt).scalar_one_or_none()


def _queue(
    s: Session,
    *,
    channel: Channel,
    to: str,
    subject: str,
    body: str,
    action_url: str,
    template: str,
    user_id: int | None,
    dedupe_key: str | None,
) -> int | None:
    to = (to or "").strip()
    if not to:
        raise ValueError("Destinataire manquant pour la notification.")
    now = clock.now()
    row = Outbox(
        channel=channel,
        recipient=to,
        user_id=user_id,
        template=template[:64],
        subject=subject[:200],
        body=body,
        action_url=action_url[:500],
        dedupe_key=dedupe_key[:200] if dedupe_key else None,
        status=OutboxStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    return _insert(s, row)


def queue_mail(
    s: Session,
    *,
    to: str,
    subject: str,
    body: str,
    action_url: str = "",
    template: str = "",
    user_id: int | None = None,
    dedupe_key: str | None = None,
) -> int | None:
    """Queue a mail in the caller's transaction (no commit).

    Returns the outbox id, or None when ``dedupe_key`` was already queued.
    """
    return _queue(
        s,
        channel=Channel.MAIL,
        to=to,
        subject=subject,
        body=body,
        action_url=action_url,
        template=template,
        user_id=user_id,
        dedupe_key=dedupe_key,
    )


def queue_sms(
    s: Session,
    *,
    to: str,
    body: str,
    template: str = "",
    user_id: int | None = None,
    dedupe_key: str | None = None,
    action_url: str = "",
) -> int | None:
    """Queue an SMS in the caller's transaction (no commit).  ``to`` is normalised to E.164.

    Returns the outbox id, or None when ``dedupe_key`` was already queued.
    """
    return _queue(
        s,
        channel=Channel.SMS,
        to=normalize_phone(to),
        subject="",
        body=body,
        action_url=action_url,
        template=template,
        user_id=user_id,
        dedupe_key=dedupe_key,
    )


def list_messages(s: Session, limit: int = 100) -> list[dict[str, Any]]:
    """The latest messages, newest first, as small dicts (dev mailbox page ``/dev/mails``)."""
    limit = max(1, min(int(limit), 1000))
    rows = s.exec(
        select(Outbox).order_by(Outbox.created_at.desc(), Outbox.id.desc()).limit(limit)
    ).all()
    return [
        {
            "id": r.id,
            "channel": r.channel,
            "recipient": r.recipient,
            "subject": r.subject,
            "body": r.body,
            "action_url": r.action_url,
            "created_at": clock.fmt_paris(r.created_at),
            "sent_at": clock.fmt_paris(r.sent_at),
            "status": r.status,
            "status_label": STATUS_LABELS.get(r.status, r.status),
            "transport": r.transport,
            "attempts": r.attempts,
            "last_error": r.last_error,
        }
        for r in rows
    ]

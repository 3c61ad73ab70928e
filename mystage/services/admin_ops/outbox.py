"""« Courriels et SMS » (back office): the outbox by state, the failure reasons,
« Renvoyer » for a failed message and the deliveries per hour.  Administrators only."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Outbox, OutboxStatus, User
from mystage.services import audit, permissions

PER_PAGE = 25
HOURS = 72  # the chart of deliveries: the last 3 days, hour by hour
SEARCH_MAX = 254

STATUS_LABELS = {
    OutboxStatus.PENDING.value: "En attente",
    OutboxStatus.SENDING.value: "En cours d'envoi",
    OutboxStatus.SENT.value: "Envoyé",
    OutboxStatus.FAILED.value: "Échec",
}
CHANNEL_LABELS = {"mail": "Courriel", "sms": "SMS", "webhook": "Webhook"}

MSG_NOT_FAILED = "Ce message n'est pas en échec : il ne peut pas être renvoyé."
MSG_NOT_FOUND = "Message introuvable."

_c = Outbox.__table__.c


def _require(actor: User | None) -> None:
    permissions.require(permissions.can_admin(actor), "Action réservée aux administrateurs.")


def counts(s: Session, actor: User | None) -> dict[str, int]:
    """Messages per state (every state present, 0 when none)."""
    _require(actor)
    rows = s.execute(sa.select(_c.status, sa.func.count()).group_by(_c.status)).all()
    out = dict.fromkeys(STATUS_LABELS, 0)
    for status, n in rows:
        out[str(status)] = int(n)
    return out


def _recipient_condition(query: str) -> sa.ColumnElement[bool] | None:
    from mystage.notify.outbox import normalize_phone

    q = (query or "").strip()[:SEARCH_MAX]
    if not q:
        return None
    phone = normalize_phone(q)
    like = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    cond = sa.func.lower(_c.recipient).like(like, escape="\\")
    if phone != q and phone.startswith("+"):
        cond = sa.or_(cond, _c.recipient == phone)
    return cond


def messages(
    s: Session,
    actor: User | None,
    status: str = "",
    recipient: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> tuple[list[dict[str, Any]], int]:
    """One page of messages, newest first, filtered by state and recipient (part of the
    address or the phone number in any format); returns ``(rows, total)``."""
    _require(actor)
    conds = []
    if status in STATUS_LABELS:
        conds.append(_c.status == status)
    rcond = _recipient_condition(recipient)
    if rcond is not None:
        conds.append(rcond)
    total = int(s.execute(sa.select(sa.func.count()).select_from(Outbox).where(*conds)).scalar())
    page = max(1, int(page))
    rows = s.execute(
        sa.select(
            _c.id,
            _c.channel,
            _c.recipient,
            _c.subject,
            _c.template,
            _c.status,
            _c.attempts,
            _c.created_at,
            _c.sent_at,
            _c.next_attempt_at,
            _c.last_error,
            _c.transport,
        )  # fmt: skip
        .where(*conds)
        .order_by(_c.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    out = []
    for r in rows:
        out.append(
            {
                "id": r.id,
                "channel": CHANNEL_LABELS.get(r.channel, r.channel),
                "recipient": r.recipient,
                "subject": r.subject or r.template,
                "status": r.status,
                "status_label": STATUS_LABELS.get(r.status, r.status),
                "attempts": r.attempts,
                "created_at": clock.fmt_paris(r.created_at),
                "sent_at": clock.fmt_paris(r.sent_at),
                "next_attempt_at": clock.fmt_paris(r.next_attempt_at)
                if r.status == OutboxStatus.PENDING
                else "",
                "error": (r.last_error or "")[:500],
                "can_resend": r.status == OutboxStatus.FAILED,
            }
        )
    return out, total


def resend(s: Session, actor: User | None, outbox_id: int) -> str:
    """« Renvoyer » a failed message: back to the queue (attempts 0, due now) with one
    conditional UPDATE (two clicks, two admins: one wins), and an audit row; commits.
    Returns a French error, or "" when done."""
    _require(actor)
    now = clock.now()
    res = s.execute(
        sa.update(Outbox)
        .where(Outbox.id == outbox_id, Outbox.status == OutboxStatus.FAILED.value)
        .values(
            status=OutboxStatus.PENDING.value,
            attempts=0,
            next_attempt_at=now,
            claim_id="",
            claimed_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if res.rowcount != 1:
        s.rollback()
        exists = s.execute(sa.select(_c.id).where(_c.id == outbox_id)).scalar()
        return MSG_NOT_FAILED if exists is not None else MSG_NOT_FOUND
    audit.record(
        s, "outbox", outbox_id, "resend", actor,
        from_state=OutboxStatus.FAILED.value, to_state=OutboxStatus.PENDING.value,
    )  # fmt: skip
    s.commit()
    return ""


def _hour_key(s: Session, col: sa.ColumnElement) -> sa.ColumnElement[str]:
    if s.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", col), "YYYY-MM-DD HH24")
    return sa.func.strftime("%Y-%m-%d %H", col)


def hourly(s: Session, actor: User | None, hours: int = HOURS) -> list[dict[str, Any]]:
    """Messages sent and given up (``failed``) per hour over the last ``hours`` hours
    (GROUP BY in the database); one row an hour, oldest first, labelled in Paris time."""
    _require(actor)
    now = clock.now()
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    sent_key = _hour_key(s, _c.sent_at).label("h")
    sent = dict(
        s.execute(
            sa.select(sent_key, sa.func.count())
            .where(_c.status == OutboxStatus.SENT.value, _c.sent_at >= start)
            .group_by(sent_key)
        ).all()
    )
    # The time a row failed for good is not stored: failures count at the message's hour.
    failed_key = _hour_key(s, _c.created_at).label("h")
    failed = dict(
        s.execute(
            sa.select(failed_key, sa.func.count())
            .where(_c.status == OutboxStatus.FAILED.value, _c.created_at >= start)
            .group_by(failed_key)
        ).all()
    )
    out = []
    for i in range(hours):
        hour = start + timedelta(hours=i)
        key = hour.astimezone(UTC).strftime("%Y-%m-%d %H")
        local = clock.paris(hour)
        out.append(
            {
                "hour": f"{local:%d/%m} {local:%H} h",
                "sent": int(sent.get(key, 0)),
                "failed": int(failed.get(key, 0)),
            }
        )
    return out

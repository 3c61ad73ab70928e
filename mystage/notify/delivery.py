"""Deliver the outbox: claim due rows, send each one, record the outcome at once.

Life of a row::

    pending --claim--> sending --sent--> sent
                          |--error--> pending (attempts+1, next_attempt_at = now + backoff)
                          |--8th error or permanent refusal--> failed (last_error)
                          '--stuck > 10 min (process killed)--> claimed again

**Claim.** One conditional UPDATE moves a batch of due rows (``pending`` with
``next_attempt_at <= now``, or ``sending`` claimed more than :data:`RECLAIM_AFTER` ago)
to ``sending`` with a fresh ``claim_id`` and ``claimed_at`` and counts the attempt, and
commits.  The ``WHERE`` repeats the due condition, so two deliverers (two workers, the
loop and a cron run) never claim the same row: on SQLite writers are serialised, on
PostgreSQL the row lock re-evaluates the condition (``FOR UPDATE SKIP LOCKED`` lets the
second deliverer take other rows instead of waiting).

**Send.** Each claimed message is sent, then marked ``sent`` (``sent_at``, ``transport``)
in its own short transaction, immediately, before the next message is sent.  No send is
started after half the reclaim delay (:data:`TIME_BUDGET_S`) and every send has a
timeout (SMTP 30 s, SMS 10 s), so a live deliverer's claim is never taken back; what is
left when the budget runs out is released to ``pending`` untouched.  ``attempts`` counts
claims, so an interrupted attempt counts too and a message that kills the process every
time ends ``failed`` instead of looping.

**Guarantee: at least once, and exactly once in normal operation.**  Nothing is lost: a
row stays ``pending``/``sending`` until its transport accepted it and that fact was
committed; a process killed while holding claims leaves rows in ``sending`` that the
next run takes back after :data:`RECLAIM_AFTER`.  The only way to send a message twice is
a crash (or lost database connection) in the window between the server's acceptance
(SMTP ``250`` after DATA, HTTP 2xx from the SMS gateway) and the commit of ``sent`` a
few milliseconds later: the row is then reclaimed and sent again.  The re-sent mail
carries the same ``Message-ID`` (``<outbox-<id>@…>``) and the SMS the same
``reference`` (``mystage-<id>``), so the receiving side can recognise the duplicate.  A
crash while the message is being sent (before the acceptance) just causes a normal
re-send, which is not a duplicate for the recipient.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from datetime import timedelta

import sqlalchemy as sa

from mystage import clock, db
from mystage.models.ops import Outbox, OutboxStatus
from mystage.notify.transports import (
    Message,
    PermanentError,
    Transport,
    TransportUnavailable,
    default_transports,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Delay before attempt n+1 after the n-th failure (n = 1..7); the 8th failure is final.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
    timedelta(hours=24),
    timedelta(hours=24),
)
RECLAIM_AFTER = timedelta(minutes=10)
# A deliverer stops sending (and releases its leftover claims) well before a claim could be
# taken back by another one.
TIME_BUDGET_S = RECLAIM_AFTER.total_seconds() / 2

_T = Outbox.__table__
_c = _T.c


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after ``attempts`` failed attempts (1-based)."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def _due(now):
    return sa.or_(
        sa.and_(
            _c.status == OutboxStatus.PENDING,
            sa.or_(_c.next_attempt_at.is_(None), _c.next_attempt_at <= now),
        ),
        sa.and_(
            _c.status == OutboxStatus.SENDING,
            _c.claimed_at < now - RECLAIM_AFTER,
            _c.attempts < MAX_ATTEMPTS,
        ),
    )


def _give_up_stuck(conn: sa.Connection, now) -> int:
    """Rows that were claimed MAX_ATTEMPTS times and never finished (crash loop): failed."""
    res = conn.execute(
        sa.update(_T)
        .where(
            _c.status == OutboxStatus.SENDING,
            _c.claimed_at < now - RECLAIM_AFTER,
            _c.attempts >= MAX_ATTEMPTS,
        )
        .values(
            status=OutboxStatus.FAILED,
            claim_id="",
            last_error="Envoi interrompu à chaque tentative (processus arrêté pendant l'envoi).",
        )
    )
    return res.rowcount or 0


def claim(batch: int = 100) -> tuple[str, list[Message]]:
    """Claim up to ``batch`` due rows for this deliverer (committed); returns them by id."""
    eng = db.engine()
    now = clock.now()
    claim_id = uuid.uuid4().hex
    with eng.begin() as conn:
        _give_up_stuck(conn, now)
        ids = sa.select(_c.id).where(_due(now)).order_by(_c.id).limit(batch)
        if eng.dialect.name == "postgresql":
            ids = ids.with_for_update(skip_locked=True)
        conn.execute(
            sa.update(_T)
            .where(_c.id.in_(ids.scalar_subquery()), _due(now))
            .values(
                status=OutboxStatus.SENDING,
                claim_id=claim_id,
                claimed_at=now,
                attempts=_c.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    with eng.connect() as conn:
        rows = conn.execute(
            sa.select(_c.id, _c.channel, _c.recipient, _c.subject, _c.body, _c.action_url)
            .where(_c.status == OutboxStatus.SENDING, _c.claim_id == claim_id)
            .order_by(_c.id)
        ).all()
    return claim_id, [Message(*row) for row in rows]


def _finish(owner: str, ids: list[int], **values) -> None:
    """Record an outcome in its own short transaction (only while the claim is ours)."""
    with db.engine().begin() as conn:
        res = conn.execute(
            sa.update(_T)
            .where(_c.id.in_(ids), _c.claim_id == owner, _c.status == OutboxStatus.SENDING)
            .values(**values)
        )
    if (res.rowcount or 0) != len(ids):
        log.warning("Outbox : réclamation perdue pour %s message(s) (claim %s)", len(ids), owner)


def _mark_sent(claim_id: str, msg: Message, transport: str) -> None:
    _finish(
        claim_id,
        [msg.id],
        status=OutboxStatus.SENT,
        sent_at=clock.now(),
        transport=transport,
        last_error="",
        claim_id="",
    )


def _mark_failed(claim_id: str, ids: list[int], error: str, permanent: bool) -> None:
    """A failed attempt: back to pending with backoff, or failed for good."""
    now = clock.now()
    error = error[:1000]
    if permanent:
        _finish(claim_id, ids, status=OutboxStatus.FAILED, last_error=error, claim_id="")
        return
    # attempts was counted at claim time: decide per row in SQL (set-based).
    give_up = _c.attempts >= MAX_ATTEMPTS

    def at(delay: timedelta):
        return sa.literal(now + delay, type_=_c.next_attempt_at.type)

    when = sa.case(
        *((_c.attempts == n, at(backoff(n))) for n in range(1, len(BACKOFF) + 1)),
        else_=at(BACKOFF[-1]),
    )
    _finish(
        claim_id,
        ids,
        status=sa.case((give_up, OutboxStatus.FAILED.value), else_=OutboxStatus.PENDING.value),
        next_attempt_at=when,
        last_error=error,
        claim_id="",
    )


def _release(claim_id: str, ids: list[int]) -> None:
    """Give unsent claims back untouched (the attempt counted at claim time is undone)."""
    if ids:
        _finish(
            claim_id,
            ids,
            status=OutboxStatus.PENDING,
            attempts=_c.attempts - 1,
            claim_id="",
        )


def deliver_pending(
    batch: int = 100,
    transports: Mapping[str, Transport] | None = None,
    *,
    time_budget_s: float = TIME_BUDGET_S,
) -> int:
    """Send every due outbox message (batches of ``batch``); returns how many were sent.

    ``transports`` maps a channel (``mail``, ``sms``) to a transport; missing channels
    use :func:`mystage.notify.transports.default_transports` (SMTP if ``SMTP_URL`` else
    the dev mailbox; the SMS gateway if ``SMS_URL`` else the dev mailbox).  Every
    transport is closed at the end (its connections released; it can be used again).
    """
    own = default_transports()
    chosen: dict[str, Transport] = {**own, **(transports or {})}
    started = time.monotonic()
    sent = 0
    try:
        while time.monotonic() - started < time_budget_s:
            claim_id, messages = claim(batch)
            if not messages:
                break
            sent += _send_batch(claim_id, messages, chosen, started, time_budget_s)
            if len(messages) < batch:
                break
    finally:
        for transport in {id(t): t for t in (*own.values(), *chosen.values())}.values():
            _close(transport)
    return sent


def _close(transport: Transport) -> None:
    try:
        transport.close()
    except Exception:  # noqa: BLE001 - closing must not hide the delivery result
        log.exception("Outbox : fermeture du transport %r", transport)


def _send_batch(
    claim_id: str,
    messages: list[Message],
    transports: Mapping[str, Transport],
    started: float,
    time_budget_s: float,
) -> int:
    sent = 0
    down: dict[str, str] = {}  # channel -> error, once its server is unreachable
    for i, msg in enumerate(messages):
        if time.monotonic() - started >= time_budget_s:
            _release(claim_id, [m.id for m in messages[i:]])
            break
        try:
            sent += _send_one(claim_id, msg, transports, down)
        except Exception:
            # The database failed while recording an outcome: stop here.  This message stays
            # claimed (reclaimed after RECLAIM_AFTER); the untried ones go back at once.
            try:
                _release(claim_id, [m.id for m in messages[i + 1 :]])
            except Exception:  # noqa: BLE001 - they will be reclaimed after RECLAIM_AFTER
                log.warning("Outbox : libération impossible, reprise après %s", RECLAIM_AFTER)
            raise
    return sent


def _send_one(
    claim_id: str, msg: Message, transports: Mapping[str, Transport], down: dict[str, str]
) -> int:
    """Send one claimed message and record the outcome; 1 if it was sent."""
    if msg.channel in down:
        _mark_failed(claim_id, [msg.id], down[msg.channel], permanent=False)
        return 0
    transport = transports.get(msg.channel)
    if transport is None:
        _mark_failed(claim_id, [msg.id], f"Canal inconnu : {msg.channel}", permanent=True)
        return 0
    try:
        transport.send(msg)
    except TransportUnavailable as exc:
        log.warning("Outbox : %s indisponible : %s", msg.channel, exc)
        down[msg.channel] = str(exc)
        _mark_failed(claim_id, [msg.id], str(exc), permanent=False)
        return 0
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row
        log.warning("Outbox : échec de l'envoi #%s (%s) : %s", msg.id, msg.channel, exc)
        _mark_failed(claim_id, [msg.id], str(exc), permanent=isinstance(exc, PermanentError))
        return 0
    _mark_sent(claim_id, msg, transport.name)
    return 1

"""Deliver the outbox: claim one due row at a time, send it, record the outcome at once.

Life of a row::

    pending --claim--> sending --sent--> sent
                          |--error--> pending (attempts+1, next_attempt_at = now + backoff)
                          |--8th error or permanent refusal--> failed (last_error)
                          '--claim not renewed for RECLAIM_AFTER (process killed)--> claimed again

**Claim.** A deliverer claims the due rows one by one (``pending`` with
``next_attempt_at <= now``, or ``sending`` whose claim was not renewed for
:data:`RECLAIM_AFTER`): one conditional UPDATE moves the row to ``sending`` with the
deliverer's ``claim_id`` and ``claimed_at = now``, counts the attempt and commits.  The
``WHERE`` repeats the due condition, so two deliverers (two workers, the loop and a cron
run) never claim the same row: on SQLite writers are serialised, on PostgreSQL the row
lock re-evaluates the condition (``FOR UPDATE SKIP LOCKED`` lets the second deliverer
take another row instead of waiting).  Claiming one row at a time means a deliverer that
dies holds at most the one message it was sending; everything else stays ``pending`` and
leaves with the next run, at once.

**Heartbeat.** While it runs, a deliverer renews ``claimed_at`` of the row it is sending
every :data:`HEARTBEAT_S` seconds (a thread), so a slow but live send is never taken
back; the row of a killed deliverer is taken back :data:`RECLAIM_AFTER` after its last
heartbeat (within a minute: it used to be 10 minutes, which held back activation mails,
reset links and SMS codes valid 15 minutes).

**Send.** The claimed message is sent, then marked ``sent`` (``sent_at``, ``transport``)
in its own short transaction, before the next one is claimed.  No send is started after
:data:`TIME_BUDGET_S` and every send has a timeout (SMTP 30 s, SMS 10 s).  ``attempts``
counts claims, so an interrupted attempt counts too and a message that kills the process
every time ends ``failed`` instead of looping.

**Guarantee: at least once, and exactly once in normal operation.**  Nothing is lost: a
row stays ``pending``/``sending`` until its transport accepted it and that fact was
committed; a process killed while sending leaves its one row in ``sending`` that the
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
import threading
import time
import uuid
from collections.abc import Mapping
from datetime import timedelta

import sqlalchemy as sa

from mystage import clock, db
from mystage.models.ops import Channel, Outbox, OutboxStatus
from mystage.notify.transports import (
    Message,
    PermanentError,
    Transport,
    TransportUnavailable,
    default_transports,
)
from mystage.notify.webhook import WebhookTransport

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
# A claim not renewed for this long belongs to a dead deliverer (renewed every HEARTBEAT_S).
RECLAIM_AFTER = timedelta(seconds=30)
HEARTBEAT_S = 10.0
# One run sends for at most this long (the job loop starts another run soon after).
TIME_BUDGET_S = 300.0

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


def claim(
    batch: int = 1, claim_id: str | None = None, *, skip_channels: frozenset[str] = frozenset()
) -> tuple[str, list[Message]]:
    """Claim up to ``batch`` due rows for the deliverer ``claim_id`` (a new one if None),
    committed; returns the claim id and the rows claimed now, by id.  Rows of
    ``skip_channels`` (no transport for them) are left queued."""
    eng = db.engine()
    now = clock.now()
    claim_id = claim_id or uuid.uuid4().hex
    with eng.begin() as conn:
        _give_up_stuck(conn, now)
        due = _due(now)
        if skip_channels:
            due = sa.and_(due, _c.channel.notin_(sorted(skip_channels)))
        ids = sa.select(_c.id).where(due).order_by(_c.id).limit(batch)
        values = {
            "status": OutboxStatus.SENDING,
            "claim_id": claim_id,
            "claimed_at": now,
            "attempts": _c.attempts + 1,
        }
        if eng.dialect.name == "postgresql":
            # Lock the rows first, then update them: an ``IN (… LIMIT n FOR UPDATE SKIP
            # LOCKED)`` subquery may be run again for each row and claim more than n.
            claimed = conn.execute(ids.with_for_update(skip_locked=True)).scalars().all()
            if claimed:
                conn.execute(sa.update(_T).where(_c.id.in_(claimed)).values(**values))
        else:
            # SQLite: one statement (writers are serialised, the subquery runs inside it).
            claimed = (
                conn.execute(
                    sa.update(_T)
                    .where(_c.id.in_(ids.scalar_subquery()), due)
                    .values(**values)
                    .returning(_c.id)
                    .execution_options(synchronize_session=False)
                )
                .scalars()
                .all()
            )
        rows = (
            conn.execute(
                sa.select(_c.id, _c.channel, _c.recipient, _c.subject, _c.body, _c.action_url)
                .where(_c.id.in_(claimed))
                .order_by(_c.id)
            ).all()
            if claimed
            else []
        )
    return claim_id, [Message(*row) for row in rows]


def renew_claims(claim_id: str) -> int:
    """The heartbeat: the rows this deliverer is sending are still being sent."""
    with db.engine().begin() as conn:
        res = conn.execute(
            sa.update(_T)
            .where(_c.claim_id == claim_id, _c.status == OutboxStatus.SENDING)
            .values(claimed_at=clock.now())
        )
    return res.rowcount or 0


class _Heartbeat:
    """Renews the deliverer's claims every :data:`HEARTBEAT_S` seconds, in a thread."""

    def __init__(self, claim_id: str):
        self.claim_id = claim_id
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="outbox-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        self.thread.join(HEARTBEAT_S + 15)

    def _run(self) -> None:
        while not self.stop_event.wait(HEARTBEAT_S):
            try:
                renew_claims(self.claim_id)
            except Exception as exc:  # noqa: BLE001 - retried at the next beat
                level = logging.DEBUG if db.is_busy(exc) else logging.WARNING
                log.log(level, "Outbox : réclamation non renouvelée", exc_info=True)


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
    batch: int = 1,
    transports: Mapping[str, Transport] | None = None,
    *,
    time_budget_s: float = TIME_BUDGET_S,
) -> int:
    """Send every due outbox message, claiming ``batch`` at a time (one by default);
    returns how many were sent.

    ``transports`` maps a channel (``mail``, ``sms``, ``webhook``) to a transport; missing
    channels use :func:`mystage.notify.transports.default_transports` (SMTP if ``SMTP_URL``
    else the dev mailbox when it is on; the SMS gateway if ``SMS_URL`` else the dev
    mailbox) and the operators' webhooks (:mod:`mystage.notify.webhook`, always on).
    A channel without any transport is left queued.  Every transport is closed at the
    end (its connections released; it can be used again).
    """
    own: dict[str, Transport] = {"webhook": WebhookTransport(), **default_transports()}
    chosen: dict[str, Transport] = {**own, **(transports or {})}
    skip = frozenset(str(c) for c in Channel) - set(chosen)
    if skip:
        _log_held(skip)
    started = time.monotonic()
    sent = 0
    claim_id = uuid.uuid4().hex
    down: dict[str, str] = {}  # channel -> error, once its server is unreachable (this run)
    try:
        with _Heartbeat(claim_id):
            while time.monotonic() - started < time_budget_s:
                _, messages = claim(batch, claim_id, skip_channels=skip)
                if not messages:
                    break
                sent += _send_batch(claim_id, messages, chosen, down, started, time_budget_s)
    finally:
        for transport in {id(t): t for t in (*own.values(), *chosen.values())}.values():
            _close(transport)
    return sent


def _log_held(channels: frozenset[str]) -> None:
    """No transport for these channels (no SMTP_URL / SMS_URL and no dev mailbox): say
    how many messages wait, so that an operator sees why nothing leaves."""
    with db.engine().connect() as conn:
        waiting = conn.execute(
            sa.select(sa.func.count())
            .select_from(_T)
            .where(_c.status == OutboxStatus.PENDING, _c.channel.in_(sorted(channels)))
        ).scalar_one()
    if waiting:
        names = {"mail": "SMTP_URL", "sms": "SMS_URL"}
        log.warning(
            "Outbox : %s message(s) %s en attente : aucun transport configuré (%s ; "
            "DEV_MAILBOX=true pour la boîte de développement)",
            waiting,
            "/".join(sorted(channels)),
            ", ".join(names.get(c, c) for c in sorted(channels)),
        )


def _close(transport: Transport) -> None:
    try:
        transport.close()
    except Exception:  # noqa: BLE001 - closing must not hide the delivery result
        log.exception("Outbox : fermeture du transport %r", transport)


def _send_batch(
    claim_id: str,
    messages: list[Message],
    transports: Mapping[str, Transport],
    down: dict[str, str],
    started: float,
    time_budget_s: float,
) -> int:
    sent = 0
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

"""Kill the delivery process in the middle of a batch: nothing is lost, nothing doubled.

``deliver_pending`` runs in a separate Python process against a slow local SMTP server.
The server accepts the first messages, then holds the next one in the middle of its DATA
phase (the client is waiting for the ``250`` that would mean « accepted ») and the test
SIGKILLs the process right then.  The killed process leaves its claimed rows in
``sending``; after the reclaim delay (the clock is moved forward) an in-process delivery
takes them back and sends what was not accepted.  Every queued message must have been
received exactly once, recognised by its ``Message-ID`` (``<outbox-<id>@…>``).

Residual window (documented in ``mystage.notify.delivery``): a kill that lands *after*
the server accepted a message (``250`` sent) but *before* the process committed
``status = sent`` (a few milliseconds) would make the reclaim send that one message a
second time, with the same Message-ID, so the receiving side can drop it.  This test
puts the kill inside a send, where the server has not accepted the message: then there
must be no loss and no duplicate, and the killed message counts as not received (the
held DATA is answered with a temporary error once the client is gone).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from mystage import clock, db
from mystage.models.ops import Outbox, OutboxStatus
from mystage.notify.delivery import RECLAIM_AFTER, deliver_pending
from mystage.notify.outbox import queue_mail
from mystage.notify.transports import SmtpTransport

ROOT = Path(__file__).resolve().parents[2]
TOTAL = 20
ACCEPT_BEFORE_HOLD = 6

WORKER = """
import logging, sys
logging.basicConfig(level=logging.WARNING)
from mystage.notify.delivery import deliver_pending
print("envoyés", deliver_pending(batch=100), flush=True)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SlowHoldingHandler:
    """Accepts ``hold_after`` messages (slowly), then holds the next DATA until released."""

    def __init__(self, hold_after: int, delay: float = 0.05) -> None:
        self.hold_after = hold_after
        self.delay = delay
        self.accepted: list[str] = []  # Message-IDs answered with 250
        self.holding = threading.Event()  # a DATA is held (the client waits for 250)
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        await asyncio.sleep(self.delay)
        with self.lock:
            hold = self.hold_after is not None and len(self.accepted) >= self.hold_after
        if hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            # The client died before we accepted: a real server would not deliver it.
            return "451 4.3.0 Interrompu, réessayez plus tard"
        with self.lock:
            self.accepted.append(msg["Message-ID"])
        return "250 Message accepted for delivery"


@pytest.fixture
def slow_smtp():
    handler = SlowHoldingHandler(hold_after=ACCEPT_BEFORE_HOLD)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, f"smtp://127.0.0.1:{port}"
    handler.release.set()
    controller.stop()


def rows() -> list[Outbox]:
    with db.session() as s:
        return list(s.exec(select(Outbox).order_by(Outbox.id)).all())


def test_killed_delivery_loses_nothing_and_doubles_nothing(dbs, slow_smtp):
    handler, smtp_url = slow_smtp
    ids = [
        queue_mail(dbs, to=f"tuteur{i}@exemple.fr", subject=f"Message {i}", body=f"Corps n° {i}")
        for i in range(TOTAL)
    ]
    dbs.commit()
    expected = {f"<outbox-{i}@mystage.fr>" for i in ids}

    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],  # the test database (tests/conftest.py)
        "SMTP_URL": smtp_url,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SMS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert handler.holding.wait(60), "the delivery process never reached the held message"
        # The process is inside a send (waiting for the 250 of the next message): kill it.
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    handler.release.set()  # the held DATA is answered 451; the connection is gone anyway
    handler.hold_after = None

    assert len(handler.accepted) == ACCEPT_BEFORE_HOLD
    states = Counter(r.status for r in rows())
    # Each accepted message was committed as sent before the next one was sent.
    assert states == {
        OutboxStatus.SENT: ACCEPT_BEFORE_HOLD,
        OutboxStatus.SENDING: TOTAL - ACCEPT_BEFORE_HOLD,
    }
    sent_ids = {f"<outbox-{r.id}@mystage.fr>" for r in rows() if r.status == OutboxStatus.SENT}
    assert sent_ids == set(handler.accepted)

    transport = SmtpTransport(smtp_url)
    # The dead process's claims are still fresh: nobody takes them over yet.
    assert deliver_pending(transports={"mail": transport}) == 0
    assert len(handler.accepted) == ACCEPT_BEFORE_HOLD

    clock.set_offset(RECLAIM_AFTER + timedelta(seconds=1))
    started = time.monotonic()
    assert deliver_pending(transports={"mail": transport}) == TOTAL - ACCEPT_BEFORE_HOLD
    assert time.monotonic() - started < 30

    received = Counter(handler.accepted)
    assert set(received) == expected  # no loss
    assert all(n == 1 for n in received.values()), received  # no duplicate
    assert all(r.status == OutboxStatus.SENT for r in rows())
    # The message in flight at the kill was attempted twice, the never-tried ones count
    # their interrupted claim as an attempt too.
    first = set(ids[:ACCEPT_BEFORE_HOLD])
    assert {r.attempts for r in rows() if r.id in first} == {1}
    assert {r.attempts for r in rows() if r.id not in first} == {2}
    assert deliver_pending(transports={"mail": transport}) == 0

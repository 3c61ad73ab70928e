"""Outbox → SMTP against a real local SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from mystage import clock, db, settings
from mystage.models.ops import Outbox, OutboxStatus
from mystage.notify import templates
from mystage.notify.delivery import BACKOFF, MAX_ATTEMPTS, deliver_pending
from mystage.notify.outbox import list_messages, queue_mail
from mystage.notify.transports import DevTransport, SmtpTransport, default_transports


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """aiosmtpd handler keeping every accepted message; refuses ``refuse@…`` recipients."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse@"):
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(
                {"rcpt": list(envelope.rcpt_tos), "from": envelope.mail_from, "msg": msg}
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Recorder()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[dict]:
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def rows() -> list[Outbox]:
    with db.session() as s:
        return list(s.exec(select(Outbox).order_by(Outbox.id)).all())


def queue_twenty(dbs) -> list[int]:
    ids = []
    for i in range(20):
        subject, body = templates.render(
            "activation", url=f"/activation?jeton=abc{i}", first_name=f"Élève {i}"
        )
        ids.append(
            queue_mail(
                dbs,
                to=f"eleve{i}@exemple.fr",
                subject=f"{subject} — n° {i}",
                body=body + f"\nRéférence : été-{i} « ça marche »\n",
                template="activation",
            )
        )
    dbs.commit()
    return ids


def test_twenty_mails_delivered_exactly_once(dbs, smtp):
    ids = queue_twenty(dbs)
    transport = SmtpTransport(smtp.url)

    assert deliver_pending(transports={"mail": transport}) == 20

    assert len(smtp.messages) == 20
    by_to = {m["rcpt"][0]: m for m in smtp.messages}
    for i, outbox_id in enumerate(ids):
        m = by_to[f"eleve{i}@exemple.fr"]
        msg = m["msg"]
        assert msg["To"] == f"eleve{i}@exemple.fr"
        assert msg["Subject"] == f"Activez votre compte MyStage — n° {i}"
        assert msg["Message-ID"] == f"<outbox-{outbox_id}@mystage.fr>"
        assert msg["From"] == settings.get_settings().mail_from
        assert m["from"] == "ne-pas-repondre@mystage.fr"
        assert msg.get_content_type() == "text/plain"
        assert msg.get_content_charset() == "utf-8"
        body = msg.get_content()
        assert f"Bonjour Élève {i}," in body
        assert f"/activation?jeton=abc{i}" in body
        assert f"Référence : été-{i} « ça marche »" in body
        assert "L'équipe MyStage" in body
    for row in rows():
        assert row.status == OutboxStatus.SENT
        assert row.transport == "smtp"
        assert row.sent_at is not None
        assert row.attempts == 1
        assert row.claim_id == ""

    # A second run finds nothing to send.
    assert deliver_pending(transports={"mail": transport}) == 0
    assert len(smtp.messages) == 20


def test_default_transport_from_smtp_url(dbs, smtp, monkeypatch):
    monkeypatch.setenv("SMTP_URL", smtp.url)
    settings.reload()
    try:
        assert isinstance(default_transports()["mail"], SmtpTransport)
        assert isinstance(default_transports()["sms"], DevTransport)
        queue_mail(dbs, to="parent@exemple.fr", subject="Un essai", body="Corps éèà")
        dbs.commit()
        assert deliver_pending() == 1
    finally:
        monkeypatch.delenv("SMTP_URL")
        settings.reload()
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["msg"].get_content().strip() == "Corps éèà"


def test_server_down_then_up_is_retried_with_backoff(dbs, smtp):
    queue_twenty(dbs)
    transport = SmtpTransport(smtp.url, timeout=5)
    smtp.stop()

    t0 = clock.now()
    assert deliver_pending(transports={"mail": transport}) == 0
    for row in rows():
        assert row.status == OutboxStatus.PENDING
        assert row.attempts == 1
        assert "injoignable" in row.last_error
        assert row.next_attempt_at >= t0 + BACKOFF[0]
        assert row.next_attempt_at <= clock.now() + BACKOFF[0]

    smtp.start()
    # Not due yet: nothing is sent before the backoff delay.
    assert deliver_pending(transports={"mail": transport}) == 0
    assert smtp.messages == []

    clock.set_offset(BACKOFF[0] + timedelta(seconds=1))
    assert deliver_pending(transports={"mail": transport}) == 20
    assert len(smtp.messages) == 20
    assert len({m["msg"]["Message-ID"] for m in smtp.messages}) == 20
    assert all(r.status == OutboxStatus.SENT and r.attempts == 2 for r in rows())
    assert deliver_pending(transports={"mail": transport}) == 0


def test_backoff_schedule_then_failed_after_eight_attempts(dbs):
    queue_mail(dbs, to="personne@exemple.fr", subject="Essai", body="Corps")
    dbs.commit()
    port = free_port()  # nothing listens there
    transport = SmtpTransport(f"smtp://127.0.0.1:{port}", timeout=2)
    offset = timedelta(0)
    expected = [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]
    for attempt in range(1, MAX_ATTEMPTS + 1):
        clock.set_offset(offset)
        assert deliver_pending(transports={"mail": transport}) == 0
        (row,) = rows()
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert row.status == OutboxStatus.PENDING
            delay = row.next_attempt_at - clock.now()
            if attempt <= len(expected):
                assert expected[attempt - 1] - timedelta(seconds=5) < delay
                assert delay <= expected[attempt - 1]
            # Just before the delay: still waiting.
            clock.set_offset(offset + delay - timedelta(seconds=5))
            assert deliver_pending(transports={"mail": transport}) == 0
            assert rows()[0].attempts == attempt
            offset += delay + timedelta(seconds=1)
    (row,) = rows()
    assert row.status == OutboxStatus.FAILED
    assert "injoignable" in row.last_error
    clock.set_offset(offset + timedelta(days=30))
    assert deliver_pending(transports={"mail": transport}) == 0
    assert rows()[0].attempts == MAX_ATTEMPTS


def test_refused_recipient_fails_at_once_others_delivered(dbs, smtp):
    queue_mail(dbs, to="refuse@exemple.fr", subject="Refusé", body="x")
    queue_mail(dbs, to="ok@exemple.fr", subject="Accepté", body="y")
    dbs.commit()
    assert deliver_pending(transports={"mail": SmtpTransport(smtp.url)}) == 1
    refused, ok = rows()
    assert refused.status == OutboxStatus.FAILED
    assert "550" in refused.last_error
    assert ok.status == OutboxStatus.SENT
    assert [m["rcpt"] for m in smtp.messages] == [["ok@exemple.fr"]]


def test_queue_is_transactional_and_deduplicated(dbs):
    first = queue_mail(dbs, to="a@exemple.fr", subject="Un", body="1", dedupe_key="k:1")
    assert first is not None
    assert queue_mail(dbs, to="a@exemple.fr", subject="Un", body="1", dedupe_key="k:1") is None
    dbs.rollback()
    assert rows() == []  # rolled back with the caller's transaction

    assert queue_mail(dbs, to="a@exemple.fr", subject="Un", body="1", dedupe_key="k:1")
    dbs.commit()
    assert queue_mail(dbs, to="a@exemple.fr", subject="Un", body="1", dedupe_key="k:1") is None
    dbs.commit()
    assert len(rows()) == 1


def test_dev_mailbox_and_listing(dbs):
    subject, body = templates.render("magic_link", url="/connexion/lien?t=x")
    queue_mail(dbs, to="prof@exemple.fr", subject=subject, body=body, action_url="/connexion")
    dbs.commit()
    assert deliver_pending() == 1  # no SMTP_URL: dev mailbox, nothing leaves the machine
    (row,) = rows()
    assert row.status == OutboxStatus.SENT and row.transport == "dev"
    with db.session() as s:
        (item,) = list_messages(s)
    assert item["recipient"] == "prof@exemple.fr"
    assert item["subject"] == "Votre lien de connexion à MyStage"
    assert item["status"] == "sent" and item["channel"] == "mail"
    assert item["action_url"] == "/connexion"
    assert len(item["created_at"]) == len("01/01/2026 10:00")


def test_two_concurrent_deliverers_never_send_twice(dbs, smtp):
    for i in range(60):
        queue_mail(dbs, to=f"c{i}@exemple.fr", subject=f"Concurrent {i}", body="x")
    dbs.commit()
    barrier = threading.Barrier(3)
    counts: list[int] = []

    def run() -> None:
        barrier.wait()
        counts.append(deliver_pending(batch=7, transports={"mail": SmtpTransport(smtp.url)}))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(counts) == 60
    ids = [m["msg"]["Message-ID"] for m in smtp.messages]
    assert len(ids) == 60 and len(set(ids)) == 60
    assert all(r.status == OutboxStatus.SENT and r.attempts == 1 for r in rows())

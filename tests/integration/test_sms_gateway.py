"""Outbox → SMS gateway over HTTP, against a real local HTTP server standing in for it."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from mystage import clock, db, settings
from mystage.models.ops import Outbox, OutboxStatus
from mystage.notify import templates
from mystage.notify.delivery import BACKOFF, deliver_pending
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.notify.transports import SmsTransport, default_transports

TOKEN = "jeton-de-test-secret"


class Gateway(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.payloads: list[dict] = []  # accepted messages
        self.requests = 0
        self.answer = 200  # forced status for authorised requests (500, 422…)
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/sms"


class GatewayHandler(BaseHTTPRequestHandler):
    server: Gateway

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        payload = json.loads(self.rfile.read(length) or b"{}")
        with self.server.lock:
            self.server.requests += 1
            answer = self.server.answer
        if self.path != "/v1/sms":
            return self._reply(404, {"error": "not found"})
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._reply(401, {"error": "invalid token"})
        if self.headers.get("Content-Type") != "application/json":
            return self._reply(415, {"error": "json expected"})
        if answer != 200:
            return self._reply(answer, {"error": f"forced {answer}"})
        with self.server.lock:
            self.server.payloads.append(payload)
        return self._reply(200, {"id": f"gw-{len(self.server.payloads)}", "status": "queued"})


@pytest.fixture
def gateway():
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def rows() -> list[Outbox]:
    with db.session() as s:
        return list(s.exec(select(Outbox).order_by(Outbox.id)).all())


def queue_code(dbs, phone: str = "06 12 34 56 78", code: str = "482913") -> int:
    _, body = templates.render("sms_phone_code", code=code)
    outbox_id = queue_sms(dbs, to=phone, body=body, template="sms_phone_code")
    dbs.commit()
    return outbox_id


def test_sms_delivered_once(dbs, gateway):
    outbox_id = queue_code(dbs)
    transport = SmsTransport(gateway.url, TOKEN, sender="MyStage")

    assert deliver_pending(transports={"sms": transport}) == 1
    assert gateway.payloads == [
        {
            "to": "+33612345678",
            "text": "MyStage : votre code de confirmation est 482913. "
            "Valable 10 min. Ne le donnez à personne.",
            "sender": "MyStage",
            "reference": f"mystage-{outbox_id}",
        }
    ]
    (row,) = rows()
    assert row.status == OutboxStatus.SENT and row.transport == "sms" and row.sent_at
    assert deliver_pending(transports={"sms": transport}) == 0
    assert gateway.requests == 1


def test_default_transport_from_settings(dbs, gateway, monkeypatch):
    monkeypatch.setenv("SMS_URL", gateway.url)
    monkeypatch.setenv("SMS_TOKEN", TOKEN)
    monkeypatch.setenv("SMS_SENDER", "MonStage")
    settings.reload()
    try:
        assert isinstance(default_transports()["sms"], SmsTransport)
        queue_code(dbs, phone="+33 7 00 00 00 01")
        queue_mail(dbs, to="x@exemple.fr", subject="Mail", body="à la boîte de dév")
        dbs.commit()
        assert deliver_pending() == 2
    finally:
        for name in ("SMS_URL", "SMS_TOKEN", "SMS_SENDER"):
            monkeypatch.delenv(name)
        settings.reload()
    assert [(p["to"], p["sender"]) for p in gateway.payloads] == [("+33700000001", "MonStage")]
    assert {r.channel: r.transport for r in rows()} == {"sms": "sms", "mail": "dev"}


def test_500_is_retried_later(dbs, gateway):
    queue_code(dbs)
    transport = SmsTransport(gateway.url, TOKEN)
    gateway.answer = 500

    assert deliver_pending(transports={"sms": transport}) == 0
    (row,) = rows()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "HTTP 500" in row.last_error
    assert gateway.payloads == []

    gateway.answer = 200
    assert deliver_pending(transports={"sms": transport}) == 0  # backoff not elapsed
    assert gateway.requests == 1

    clock.set_offset(BACKOFF[0] + timedelta(seconds=1))
    assert deliver_pending(transports={"sms": transport}) == 1
    assert len(gateway.payloads) == 1
    (row,) = rows()
    assert row.status == OutboxStatus.SENT and row.attempts == 2
    assert row.last_error == ""


def test_401_records_the_error(dbs, gateway):
    queue_code(dbs)
    transport = SmsTransport(gateway.url, "mauvais-jeton")

    assert deliver_pending(transports={"sms": transport}) == 0
    (row,) = rows()
    assert "HTTP 401" in row.last_error
    assert "mauvais-jeton" not in row.last_error
    # A wrong token is a configuration error: kept for a retry once it is fixed.
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at > clock.now()
    assert gateway.payloads == []

    clock.set_offset(BACKOFF[0] + timedelta(seconds=1))
    assert deliver_pending(transports={"sms": SmsTransport(gateway.url, TOKEN)}) == 1


def test_422_fails_for_good(dbs, gateway):
    queue_code(dbs, phone="12")
    gateway.answer = 422
    assert deliver_pending(transports={"sms": SmsTransport(gateway.url, TOKEN)}) == 0
    (row,) = rows()
    assert row.status == OutboxStatus.FAILED and "HTTP 422" in row.last_error
    clock.set_offset(timedelta(days=3))
    gateway.answer = 200
    assert deliver_pending(transports={"sms": SmsTransport(gateway.url, TOKEN)}) == 0


def test_gateway_unreachable_stops_the_channel_for_this_run(dbs, gateway):
    for i in range(3):
        queue_code(dbs, phone=f"06000000{i:02d}")
    url = gateway.url
    gateway.shutdown()
    gateway.server_close()
    assert deliver_pending(transports={"sms": SmsTransport(url, TOKEN)}) == 0
    assert gateway.requests == 0
    assert all(r.status == OutboxStatus.PENDING and r.attempts == 1 for r in rows())
    assert all("injoignable" in r.last_error for r in rows())

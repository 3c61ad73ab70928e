"""The middleware in front of the whole app (mystage/api/guard.py) and the dev mailbox rule.

- A 50 MB body to ``/_upload`` is refused with 413 before a byte of it is read: the
  upload handler (here a stand-in that parses the multipart body exactly as Reflex's
  ``/_upload`` does, spooling files to disk) never runs, nothing is spooled.  Without
  ``Content-Length`` (chunked) the bytes are counted and the request cut at the cap.
- ``/dev/mails`` is served only with ``DEV_MAILBOX=true``; ``DEV_MAILBOX=true`` with an
  https ``PUBLIC_URL`` stops the app at startup; without SMTP, SMS or dev mailbox the
  messages stay queued and the log says why.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from mystage import settings
from mystage.api.guard import UPLOAD_MAX_BYTES, RequestGuard

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


class UploadStandIn:
    """Parses the multipart body like Reflex's ``/_upload`` (``await request.form()``,
    files spooled to a temporary file past 1 MB) and records what it saw."""

    def __init__(self) -> None:
        self.calls = 0
        self.spooled_to_disk = 0

    async def endpoint(self, request: Request) -> PlainTextResponse:
        self.calls += 1
        form = await request.form()
        for f in form.getlist("files"):
            if getattr(f.file, "_rolled", False):
                self.spooled_to_disk += 1
        await form.close()
        return PlainTextResponse("ok")


def guarded(handler) -> Starlette:
    """As in production: our Starlette app with the guard, Reflex's app mounted under it
    (a Starlette app of its own, whose error middleware answers 500 to any exception)."""
    inner = Starlette(
        routes=[
            Route("/_upload", handler.endpoint, methods=["POST"]),
            Route("/dev/mails", lambda r: PlainTextResponse("boîte"), methods=["GET"]),
            Route("/dev/mails/index.html", lambda r: PlainTextResponse("boîte"), methods=["GET"]),
        ]
    )
    return Starlette(routes=[Mount("", inner)], middleware=[Middleware(RequestGuard)])


def test_the_app_is_guarded():
    from mystage.mystage import api

    assert any(m.cls is RequestGuard for m in api.user_middleware)


def test_fifty_megabytes_are_refused_before_being_read():
    handler = UploadStandIn()
    body = b"x" * (50 * MB)
    with TestClient(guarded(handler)) as client:
        response = client.post(
            "/_upload",
            files={"files": ("cv.pdf", body, "application/pdf")},
            headers={"reflex-client-token": "t", "reflex-event-handler": "h"},
        )
        assert response.status_code == 413
        assert "trop lourd" in response.text
        assert handler.calls == 0 and handler.spooled_to_disk == 0
        # A CV of the allowed size still reaches the handler.
        ok = client.post(
            "/_upload", files={"files": ("cv.pdf", b"%PDF-" + b"0" * MB, "application/pdf")}
        )
        assert ok.status_code == 200 and handler.calls == 1


def test_without_the_guard_the_body_is_spooled_to_disk(monkeypatch):
    """What the guard prevents: Starlette writes an upload past 1 MB to a temporary file."""
    import starlette.formparsers as formparsers

    class Spool(tempfile.SpooledTemporaryFile):
        def rollover(self):
            self._rolled = True
            super().rollover()

    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", Spool)
    handler = UploadStandIn()
    app = Starlette(routes=[Route("/_upload", handler.endpoint, methods=["POST"])])
    with TestClient(app) as client:
        client.post("/_upload", files={"files": ("cv.pdf", b"x" * (5 * MB), "application/pdf")})
    assert handler.spooled_to_disk == 1
    # The same behind the guard: refused before parsing.
    handler = UploadStandIn()
    with TestClient(guarded(handler)) as client:
        client.post("/_upload", files={"files": ("cv.pdf", b"x" * (5 * MB), "application/pdf")})
    assert handler.calls == 0 and handler.spooled_to_disk == 0


@pytest.mark.asyncio
async def test_chunked_body_is_cut_at_the_cap():
    """No Content-Length: the middleware counts what the app reads and stops it."""
    pulled = 0
    total_chunks = 50

    async def receive():
        nonlocal pulled
        pulled += 1
        more = pulled < total_chunks
        return {"type": "http.request", "body": b"x" * MB, "more_body": more}

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def reads_everything(scope, receive, send):
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"lu"})

    scope = {"type": "http", "method": "POST", "path": "/_upload", "headers": []}
    await RequestGuard(reads_everything)(scope, receive, send)
    assert sent[0]["status"] == 413
    assert pulled <= UPLOAD_MAX_BYTES // MB + 2  # stopped at the cap, not at 50 MB


@pytest.mark.asyncio
async def test_chunked_body_cut_inside_the_form_parser():
    """Same through Starlette's multipart parser (how Reflex reads uploads)."""
    handler = UploadStandIn()
    app = guarded(handler)
    boundary = b"b0undary"
    head = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="files"; '
        b'filename="cv.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    )
    chunks = [head] + [b"x" * MB] * 50 + [b"\r\n--" + boundary + b"--\r\n"]
    pulled = 0

    async def receive():
        nonlocal pulled
        pulled += 1
        return {
            "type": "http.request",
            "body": chunks[pulled - 1],
            "more_body": pulled < len(chunks),
        }

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/_upload",
        "headers": [(b"content-type", b"multipart/form-data; boundary=" + boundary)],
        "query_string": b"",
        "app": app,
    }
    await asyncio.wait_for(app(scope, receive, send), 30)
    assert sent[0]["status"] == 413
    assert pulled <= UPLOAD_MAX_BYTES // MB + 3


# --- the dev mailbox ----------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch):
    def set_env(**values: str | None) -> None:
        for k, v in values.items():
            if v is None:
                monkeypatch.delenv(k, raising=False)
            else:
                monkeypatch.setenv(k, v)
        settings.reload()

    yield set_env
    monkeypatch.undo()
    settings.reload()


def test_dev_mailbox_only_when_asked_for(env):
    with TestClient(guarded(UploadStandIn())) as client:
        env(DEV_MAILBOX=None, SMTP_URL=None, SMS_URL=None)  # no transport at all: still off
        assert client.get("/dev/mails").status_code == 404
        assert client.get("/dev/mails/").status_code == 404
        assert client.get("/dev/mails/index.html").status_code == 404
        env(DEV_MAILBOX="true", PUBLIC_URL="http://localhost:3000")
        assert client.get("/dev/mails").text == "boîte"
        env(DEV_MAILBOX="true", PUBLIC_URL="https://mystage.exemple.fr")
        assert client.get("/dev/mails").status_code == 404
        assert settings.get_settings().config_errors()


def test_https_with_dev_mailbox_refuses_to_start():
    env = {
        **os.environ,
        "DEV_MAILBOX": "true",
        "PUBLIC_URL": "https://mystage.exemple.fr",
        "PYTHONPATH": str(ROOT),
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    done = subprocess.run(
        [sys.executable, "-c", "import mystage.mystage"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "DEV_MAILBOX=true est refusé" in done.stderr


def test_without_any_transport_messages_stay_queued(dbs, env, caplog):
    from mystage.models.ops import Outbox
    from mystage.notify.delivery import deliver_pending
    from mystage.notify.outbox import queue_mail, queue_sms

    env(DEV_MAILBOX=None, SMTP_URL=None, SMS_URL=None)
    queue_mail(dbs, to="eleve@exemple.fr", subject="Activez votre compte", body="Lien")
    queue_sms(dbs, to="06 12 34 56 78", body="Code 123456")
    dbs.commit()
    with caplog.at_level(logging.WARNING, logger="mystage.notify.delivery"):
        assert deliver_pending() == 0
    dbs.expire_all()
    rows = dbs.query(Outbox).all()
    assert {(r.status, r.attempts) for r in rows} == {("pending", 0)}
    assert "2 message(s) mail/sms en attente : aucun transport configuré" in caplog.text
    env(DEV_MAILBOX="true")
    assert deliver_pending() == 2

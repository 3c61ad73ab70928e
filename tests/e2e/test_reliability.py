"""Issue 12, item 4 against the production server (Chromium, 375 px):

- a pupil clicks « Envoyer ma candidature » while another writer holds the database lock:
  the button says « Envoi… » at once, then a French « réessaie » appears next to it, the
  motivation typed is still there and ``/_health`` answers 503; once the lock is gone the
  same click sends the application and ``/_health`` is 200 again;
- an unexpected server error (an event with arguments no handler takes) comes back as
  the site's French message with its reference, not Reflex's English toast;
- a 50 MB upload is refused with 413 before its body is read (with and without
  Content-Length); crafted ids in addresses are « not found »."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from simple_websocket import Client

from mystage.state.pupils import ApplyState, CVState
from tests.e2e.conftest import assert_no_horizontal_scroll, goto, server_db, shot
from tests.e2e.test_accounts_flow import _login
from tests.e2e.test_application_flow import DEMO_PASSWORD, _common_week_and_offers, _new_page

LEA = "eleve@demo.mystage.fr"
MOTIVATION = (
    "Je voudrais découvrir le métier de mécanicien : j'aime réparer les vélos du quartier "
    "avec mon oncle et comprendre comment fonctionne un moteur."
)
ROOT_STATE = "reflex___state____state"
CV_UPLOAD = (CVState.get_full_name() + ".upload_pdf").encode()


@contextmanager
def database_locked(tables: str = "applications, platform_settings"):
    """Another writer holds the lock the application's INSERT needs (SQLite: the whole
    file; PostgreSQL: ``tables``, by default the applications and the health check's)."""
    url = server_db()
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split("///", 1)[1], timeout=5, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        conn.execute(sa.text(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            conn.rollback()
    engine.dispose()


def test_busy_database_then_retry(browser, server):
    engine = sa.create_engine(server_db())
    week, _bakery, garage = _common_week_and_offers(engine)
    with engine.begin() as c:
        lea_id = c.execute(
            sa.text("SELECT id FROM users WHERE email = :e"), {"e": LEA}
        ).scalar_one()
        c.execute(
            sa.text("UPDATE users SET parental_authorization_at = CURRENT_TIMESTAMP WHERE id = :i"),
            {"i": lea_id},
        )
        last_outbox = c.execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM outbox")).scalar_one()
    page: Page = _new_page(browser, server, "mobile")
    try:
        _login(page, LEA, DEMO_PASSWORD)
        goto(page, f"/offres/{garage}/postuler")
        page.check(f"#apply-week-{week}")
        page.fill("#apply-motivation", MOTIVATION)
        with database_locked():
            started = time.monotonic()
            page.click("#apply-submit")
            button = page.locator("#apply-submit")
            expect(button).to_contain_text("Envoi…")  # while the lock is still held: at once
            expect(button).to_be_disabled()
            shot(page, "busy-sending")
            health = httpx.get(server + "/_health", timeout=20)
            assert health.status_code == 503 and health.json()["db"] is False
            error = page.locator("#apply-form-err")
            expect(error).to_contain_text("très sollicitée", timeout=20_000)
            expect(error).to_contain_text("réessaie")
            waited = time.monotonic() - started
        expect(page.locator("#apply-motivation")).to_have_value(MOTIVATION)  # nothing lost
        expect(button).to_contain_text("Envoyer ma candidature")
        expect(page.locator("#server-error")).to_have_count(0)
        assert_no_horizontal_scroll(page)
        shot(page, "busy-message")
        print(f"\nbusy database: message after {waited:.1f} s")  # figure, not a target
        with engine.connect() as c:
            n = c.execute(
                sa.text("SELECT COUNT(*) FROM applications WHERE pupil_id = :i AND offer_id = :o"),
                {"i": lea_id, "o": garage},
            ).scalar_one()
        assert n == 0  # nothing half-stored

        assert httpx.get(server + "/_health", timeout=20).status_code == 200
        page.click("#apply-submit")  # tried again: it works
        expect(page.locator("#apply-done")).to_be_visible()
        shot(page, "busy-retried")
    finally:
        page.context.close()
        with engine.begin() as c:  # Léa as the other tests expect her
            c.execute(sa.text("DELETE FROM audit_log WHERE entity = 'application' AND entity_id IN "
                              "(SELECT id FROM applications WHERE pupil_id = :i)"), {"i": lea_id})  # fmt: skip
            c.execute(sa.text("DELETE FROM applications WHERE pupil_id = :i"), {"i": lea_id})
            c.execute(sa.text("DELETE FROM outbox WHERE id > :m"), {"m": last_outbox})
            c.execute(
                sa.text("UPDATE users SET parental_authorization_at = NULL WHERE id = :i"),
                {"i": lea_id},
            )
            c.execute(
                sa.text("UPDATE offers SET places_left = places_total WHERE id = :o"), {"o": garage}
            )
        engine.dispose()


def test_unexpected_error_shows_the_french_message_on_the_page(browser, server):
    """« Se connecter » while the database is locked: the login handler fails, the page
    shows the one French message with its reference (not Reflex's English toast)."""
    for viewport in ("mobile", "desktop"):
        page: Page = _new_page(browser, server, viewport)
        try:
            goto(page, "/connexion")
            page.fill("#f-identifier", LEA)
            page.fill("#f-password", "pas le bon mot de passe")
            with database_locked("login_attempts, users, auth_sessions"):
                page.click("#login-submit")
                banner = page.locator("#server-error")
                expect(banner).to_contain_text(
                    re.compile(r"Une erreur est survenue de notre côté\. Réessayez dans un "
                               r"instant\. \(réf\. [0-9A-F]{8}\)"),
                    timeout=20_000,
                )  # fmt: skip
            expect(page.locator("body")).not_to_contain_text("An error occurred")
            shot(page, "server-error")
            if viewport == "mobile":
                page.click("#server-error button")  # « Fermer »
            else:
                goto(page, "/offres")  # the message belongs to the page it happened on
            expect(banner).to_have_count(0)
        finally:
            page.context.close()


def _event_frames(ws: Client, until: str, timeout: float = 20) -> str:
    """Socket.IO frames received until one contains ``until`` (answers pings)."""
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = ws.receive(timeout=max(deadline - time.monotonic(), 0.1))
        if frame is None:
            continue
        if frame == "2":
            ws.send("3")
            continue
        seen += frame
        if until in frame:
            return seen
    raise AssertionError(f"never received {until!r}: {seen[-2000:]}")


def test_unexpected_error_is_answered_in_french(server):
    """A crafted event (arguments no handler takes) fails on the server: the tab gets
    the site's message with its reference, through the state (no script to evaluate)."""
    host = urlsplit(server).netloc
    ws = Client.connect(
        f"ws://{host}/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}",
        headers={"Origin": server},
    )
    try:
        # The Engine.IO « open » frame (simple_websocket may lose it when it comes in the
        # same packet as the handshake's answer: not needed to go on).
        ws.receive(timeout=2)
        router = {"pathname": "/", "asPath": "/", "query": {}}
        boot = {"event": {"name": f"{ROOT_STATE}.hydrate", "payload": {}, "router_data": router}}
        ws.send("40/_event," + json.dumps(boot))
        _event_frames(ws, "is_hydrated")
        bad = {
            "name": f"{ApplyState.get_full_name()}.submit",
            "payload": {"pas_un_argument": 1},
            "router_data": router,
        }
        ws.send("42/_event," + json.dumps(["event", bad]))
        frames = _event_frames(ws, "Une erreur est survenue")
    finally:
        ws.close()
    assert "Réessayez dans un instant. (réf. " in frames
    assert "An error occurred" not in frames and "Contact the website administrator" not in frames


def _raw_request(server: str, head: bytes, body_chunks) -> tuple[bytes, int]:
    """Send ``head`` then body chunks until the server answers; (answer, bytes sent)."""
    url = urlsplit(server)
    sock = socket.create_connection((url.hostname, url.port), timeout=20)
    sent = 0
    try:
        sock.sendall(head)
        sock.settimeout(0.05)
        answer = b""
        for chunk in body_chunks:
            try:
                answer += sock.recv(65536)
            except TimeoutError:
                pass
            if answer:
                break
            try:
                sock.sendall(chunk)
                sent += len(chunk)
            except OSError:  # the server closed the connection: it refused
                break
        sock.settimeout(20)
        try:
            while b"\r\n\r\n" not in answer:
                more = sock.recv(65536)
                if not more:
                    break
                answer += more
        except OSError:
            pass
        return answer, sent
    finally:
        sock.close()


def test_big_upload_refused_before_it_is_read(server):
    mb = 1024 * 1024
    host = urlsplit(server).netloc.encode()
    head = (
        b"POST /_upload HTTP/1.1\r\nHost: " + host + b"\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\n"
        b"Reflex-Client-Token: t\r\nReflex-Event-Handler: " + CV_UPLOAD + b"\r\n"
    )
    started = time.monotonic()
    answer, sent = _raw_request(
        server, head + b"Content-Length: %d\r\n\r\n" % (50 * mb), (b"x" * mb for _ in range(50))
    )
    elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 50 * mb
    print(f"\n50 MB with Content-Length: 413 after {elapsed:.2f} s, {sent // mb} MB sent")

    part = (
        b'--x\r\nContent-Disposition: form-data; name="files"; filename="cv.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n"
    )

    def chunked():
        yield b"%x\r\n" % len(part) + part + b"\r\n"
        for _ in range(50):
            yield b"%x\r\n" % mb + b"x" * mb + b"\r\n"
        yield b"0\r\n\r\n"

    answer, sent = _raw_request(server, head + b"Transfer-Encoding: chunked\r\n\r\n", chunked())
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 50 * mb
    print(f"50 MB chunked: 413 after {sent // mb} MB sent")


def test_crafted_ids_are_not_found(page: Page, server):
    goto(page, "/offres/9223372036854775808")
    expect(page.locator("body")).to_contain_text("n'existe pas")
    expect(page.locator("#server-error")).to_have_count(0)
    for path in ("/api/logos/9223372036854775808", "/api/candidatures/99999999999999999999/cv"):
        assert httpx.get(server + path, timeout=20).status_code == 404


def test_dev_mailbox_served_when_asked_for(server):
    # The e2e server runs with DEV_MAILBOX=true (as `make run`); without it: 404
    # (tests/integration/test_request_guard.py).
    assert os.environ.get("DEV_MAILBOX") == "true"
    for path in ("/dev/mails", "/dev/mails/"):
        assert httpx.get(server + path, timeout=20, follow_redirects=True).status_code == 200

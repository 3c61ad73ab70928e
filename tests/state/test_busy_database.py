"""A busy database (another writer holds the lock) and unexpected server errors.

- « Envoyer ma candidature » while another connection holds SQLite's write lock
  (``BEGIN EXCLUSIVE``) or, on PostgreSQL, a lock on the applications table: the button
  says « Envoi… » at once (the handler's first delta), the wait is bounded, the pupil
  reads a French « réessaie » next to the button, the typed motivation is kept, nothing
  is stored; once the lock is gone the same click works.
- ``/_health``: 503 while the database refuses writes, 200 after.
- Any other exception: the one handler logs it under a reference, never with the
  session cookie, and shows the same French message with that reference.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import warnings
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlmodel import select
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

from mystage import db
from mystage.models import Application
from mystage.state import errors
from mystage.state.pupils import MSG_BUSY
from tests.state import test_pupil_state as base
from tests.state.conftest import make_state, run_handler
from tests.unit.test_applications import MOTIVATION, school_fixture  # noqa: F401
from tests.unit.test_offers import W1

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

PG = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
# The pupil, the offer and the database of the pupil's handler tests.
s, world, _apply_state, _cookie = base.s, base.world, base._apply_state, base._cookie


@contextmanager
def database_locked():
    """Another writer holds the lock the pupil's INSERT needs, until the block ends."""
    url = db.engine().url
    if not PG:
        conn = sqlite3.connect(url.database, timeout=1, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    with db.engine().connect() as conn:
        conn.execute(sa.text("LOCK TABLE applications, platform_settings IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            conn.rollback()


@pytest.mark.asyncio
async def test_busy_database_answers_in_french_and_keeps_the_motivation(world):
    s, _owner, offer_id, lea, _tom = world
    page = _apply_state(_cookie(s, lea), offer_id)
    await page.load()
    assert page.allowed
    form = {"week": W1, "motivation": MOTIVATION, "contact_phone": "06 11 22 33 44"}

    with database_locked():
        steps = page.submit(form)
        first = await anext(steps)  # the first delta: the button says « Envoi… »
        assert first is None and page.sending
        assert page.values["motivation"] == MOTIVATION
        async for _ in steps:
            pass
    assert page.errors == {"form": MSG_BUSY}
    assert "réessaie" in MSG_BUSY
    assert not page.done and not page.sending
    assert page.values["motivation"] == MOTIVATION  # what was typed is kept
    assert page.values["contact_phone"] == "06 11 22 33 44"
    s.expire_all()
    assert s.exec(select(Application)).all() == []  # nothing half-stored

    await run_handler(page.submit(form))  # the lock is gone: the same click works
    assert page.done and page.errors == {}
    assert len(s.exec(select(Application)).all()) == 1


def test_busy_errors_are_recognised(world):
    with database_locked(), pytest.raises(sa.exc.OperationalError) as caught:
        db.check_writable()
    assert db.is_busy(caught.value)
    assert not db.is_busy(ValueError("autre chose"))
    assert not db.is_busy(None)


def test_health_refuses_while_the_database_cannot_write(world):
    from mystage.api.health import routes

    with TestClient(Starlette(routes=routes)) as client:
        ok = client.get("/_health")
        assert ok.status_code == 200 and ok.json() == {"status": True, "db": True, "redis": "NA"}
        with database_locked():
            busy = client.get("/_health")
        assert busy.status_code == 503
        assert busy.json()["status"] is False and busy.json()["db"] is False
        assert client.get("/_health").status_code == 200
    # The check wrote nothing.
    s = world[0]
    assert (
        s.execute(
            sa.text("SELECT count(*) FROM platform_settings WHERE key = 'health.write'")
        ).scalar()
        == 0
    )


def test_our_health_route_is_the_one_served():
    from mystage.mystage import api

    paths = [getattr(r, "path", "") for r in api.routes]
    assert "/_health" in paths  # matched before Reflex's own (mounted under ours)


@pytest.mark.asyncio
async def test_unexpected_errors_one_french_message_a_reference_no_cookie(caplog):
    cookie = "mystage_session=tres-secret-0123456789"
    try:
        raise RuntimeError(f"panne avec {{'cookie': '{cookie}'}}")
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR, logger="mystage.errors"):
            spec = errors.backend_exception_handler(exc)
    logged = caplog.text
    found = re.search(r"réf\. ([0-9A-F]{8})", logged)
    assert found, logged
    assert "RuntimeError" in logged and "Traceback" in logged
    assert "tres-secret" not in logged
    # The page is told through a state event (no script to evaluate), with the reference.
    assert spec.handler.fn.__qualname__ == "ErrorState.show"
    assert found.group(1) in str(spec.args)

    state = make_state(errors.ErrorState)
    state.show(found.group(1))
    assert state.error_message == (
        f"Une erreur est survenue de notre côté. Réessayez dans un instant. (réf. {found.group(1)})"
    )
    state.dismiss()
    state.show("<script>")  # only our own references are shown
    assert state.error_message == ""


@pytest.mark.asyncio
async def test_unexpected_error_while_applying_keeps_the_form(world, monkeypatch, caplog):
    s, _owner, offer_id, lea, _tom = world
    page = _apply_state(_cookie(s, lea), offer_id)
    await page.load()

    def broken(*_a, **_k):
        raise RuntimeError("panne imprévue")

    monkeypatch.setattr("mystage.services.pupils.submit_application", broken)
    with caplog.at_level(logging.ERROR, logger="mystage.errors"):
        await run_handler(page.submit({"week": W1, "motivation": MOTIVATION}))
    ref = re.search(r"réf\. ([0-9A-F]{8})", caplog.text).group(1)
    assert page.errors == {"form": errors.message(ref)}
    assert page.values["motivation"] == MOTIVATION and not page.sending


def test_log_scrubber_blanks_cookies(caplog):
    errors.install_log_scrubber()
    event = {"router_data": {"headers": {"cookie": "mystage_session=abc; autre=1", "host": "x"}}}
    with caplog.at_level(logging.ERROR):
        logging.getLogger("reflex_base.event.processor").error("Error processing %s", event)
        logging.getLogger("x").error("Cookie: mystage_session=zzz\nHost: ici")
    assert "abc" not in caplog.text and "zzz" not in caplog.text
    assert "'host': 'x'" in caplog.text and "Host: ici" in caplog.text

"""Back office « ops » in a browser (1280 px): an admin re-sends a failed mail once the
SMTP server came back.

The server of this module has its own database and sends mail through a real local SMTP
server (aiosmtpd, ``SMTP_URL``; no dev mailbox).  SMTP down: a mail queued on the server
fails through the delivery path (its attempts run out: the test only brings the last
attempt forward); SMTP started; the admin finds it under « Échecs », « Renvoyer »,
confirms, then « Lancer maintenant » on the delivery job: the mail reaches the SMTP
server, the page says « Envoyé » and the journal shows the admin's action.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlmodel import Session

from mystage import clock
from mystage.models.ops import Outbox
from mystage.notify.delivery import MAX_ATTEMPTS
from mystage.notify.outbox import queue_mail
from tests.e2e.conftest import ROOT, VIEWPORTS, _free_port, _prepare_db, _server_env, goto, shot
from tests.integration.test_smtp_delivery import SmtpServer

ADMIN = "admin@demo.mystage.fr"
PASSWORD = "stage-demo-2026"
TO = "retour.smtp@exemple.fr"


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer()  # its port is chosen, the server is not started: SMTP is down
    yield server
    server.stop()


def _own_database(tmp: Path) -> tuple[str, str | None]:
    """A database of this module's own (the session's e2e server keeps using its own): a
    SQLite file, or a PostgreSQL database made next to the e2e one.  (URL, PostgreSQL
    database to drop at the end)."""
    shared = os.environ.get("TEST_DATABASE_URL")
    if not shared:
        return f"sqlite:///{tmp / 'e2e-ops.db'}", None
    url = sa.engine.make_url(shared)
    name = f"{url.database}_ops"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name


def _drop_database(name: str | None) -> None:
    if name is None:
        return
    url = sa.engine.make_url(os.environ["TEST_DATABASE_URL"])
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def smtp_app(smtp):
    """A production server sending mail through ``smtp`` (DEV_MAILBOX off), beside the
    session's e2e server: its own database, no Redis (one worker, state in the process),
    and its own copy of the compiled front end (``REFLEX_WEB_WORKDIR``: a second
    ``reflex run`` rebuilds it, which would pull the files from under the other server)."""
    port = _free_port()
    tmp = Path(tempfile.mkdtemp(prefix="mystage-e2e-ops-"))
    db_url, pg_name = _own_database(tmp)
    env = _server_env(port, db_url)
    env.pop("REDIS_URL", None)
    web = tmp / "web"
    top = str(ROOT / ".web")
    shutil.copytree(  # without the other server's build output (only the top-level one)
        top, web, symlinks=True, ignore=lambda d, names: ["build"] if d == top else []
    )
    env.update(SMTP_URL=smtp.url, DEV_MAILBOX="false", REFLEX_WEB_WORKDIR=str(web))
    _prepare_db(env)
    log = open(tmp / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/reflex"), "run", "--env", "prod", "--frontend-port", str(port),
         "--backend-port", str(port), "--loglevel", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://localhost:{port}"
    try:
        deadline = time.time() + 600
        while True:
            if proc.poll() is not None:
                raise RuntimeError((tmp / "server.log").read_text()[-4000:])
            try:
                if httpx.get(url + "/ping", timeout=2).status_code == 200:
                    if httpx.get(url + "/", timeout=5).status_code == 200:
                        break
            except httpx.HTTPError:
                pass
            assert time.time() < deadline, "server did not start in 600 s"
            time.sleep(1)
        yield url, sa.create_engine(db_url)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except Exception:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        if os.environ.get("E2E_KEEP_LOG"):
            print((tmp / "server.log").read_text()[-8000:])
        _drop_database(pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


def _row(engine, oid: int) -> Outbox:
    with Session(engine) as s:
        return s.get(Outbox, oid)


def _wait(predicate, timeout: float, what: str):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timeout: {what}")


def _fail_for_good(engine) -> int:
    """A mail queued while SMTP is down, failed by the delivery job itself."""
    with Session(engine) as s:
        oid = queue_mail(
            s, to=TO, subject="Votre lien MyStage", body="Bonjour,\nvoici votre lien.",
            template="e2e_ops", dedupe_key=f"e2e-ops-{time.time()}",
        )  # fmt: skip
        s.commit()
    first = _wait(lambda: (r := _row(engine, oid)).last_error and r, 60, "first failed attempt")
    assert first.status == "pending" and first.attempts == 1  # retried later (backoff)
    # Bring the last attempt forward (the backoff would wait hours): the job makes it.
    with Session(engine) as s:
        s.execute(
            sa.update(Outbox)
            .where(Outbox.id == oid)
            .values(attempts=MAX_ATTEMPTS - 1, next_attempt_at=clock.now() - timedelta(seconds=1))
        )
        s.commit()
    failed = _wait(lambda: (r := _row(engine, oid)).status == "failed" and r, 60, "failed")
    assert failed.last_error  # the reason the SMTP client gave
    return oid


def test_admin_resends_a_failed_mail_after_smtp_came_back(browser, smtp, smtp_app):
    url, engine = smtp_app
    oid = _fail_for_good(engine)
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="fr-FR", base_url=url)
    context.set_default_timeout(20_000)
    page: Page = context.new_page()
    page.viewport_name = "desktop"  # type: ignore[attr-defined]
    try:
        goto(page, "/connexion")
        page.fill("#f-identifier", ADMIN)
        page.fill("#f-password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(lambda u: "/connexion" not in u)

        goto(page, "/espace/admin/envois")
        page.click("#outbox-tab-failed")
        row = page.locator(".outbox-row", has_text=TO)
        expect(row).to_have_attribute("data-status", "failed")
        expect(row).to_contain_text("Échec")
        shot(page, "admin-envois-echec")

        smtp.start()  # the SMTP server is back
        page.click(f"#resend-{oid}")
        expect(page.locator("#resend-desc")).to_contain_text(TO)
        page.click("#resend-confirm")
        expect(page.locator("#ops-message")).to_contain_text("remis en file")
        assert _row(engine, oid).status in ("pending", "sending", "sent")

        goto(page, "/espace/admin/taches")
        page.click("#run-deliver_outbox")
        page.click("#run-confirm")
        _wait(lambda: any(TO in m["rcpt"] for m in smtp.messages), 90, "mail at the SMTP server")
        msg = next(m for m in smtp.messages if TO in m["rcpt"])
        assert msg["msg"]["Subject"] == "Votre lien MyStage"
        _wait(lambda: _row(engine, oid).status == "sent", 30, "sent")
        expect(page.locator("#job-deliver_outbox .job-status")).not_to_have_text("", timeout=60_000)
        shot(page, "admin-taches")

        goto(page, "/espace/admin/envois")
        page.fill("#outbox-q", TO)
        page.click("#outbox-search")
        expect(page.locator(".outbox-row", has_text=TO)).to_have_attribute("data-status", "sent")

        goto(page, "/espace/admin/journal")
        page.fill("#journal-action", "resend")
        page.click("#journal-search")
        expect(page.locator(".journal-row").first).to_contain_text(f"outbox #{oid}")
        shot(page, "admin-journal")
    finally:
        context.close()

"""The production recipe, started the way systemd starts it (deploy/systemd/*.service).

The commands are read from the unit files we ship (``ExecStartPre``, ``ExecStart``,
``ExecStartPost``, ``Environment=``), with /srv/mystage/app pointed at this checkout and
the ``${…}`` of the environment file filled in: check-config refuses a dangerous setting
and accepts the production one; the web unit's ``reflex run`` serves ``/_health`` once
``wait_health.py`` says so, with JOBS_IN_PROCESS=false; every log line is JSON
(LOG_FORMAT=json + REFLEX_LOG_JSON=true), the app's own records included (``/_health``
answering 503 while the database is locked logs a warning); the jobs unit's
``job loop`` delivers a queued mail to an SMTP server and stops on SIGTERM.

Its own database (SQLite with one worker — what check-config accepts without Redis — or,
with TEST_DATABASE_URL, a PostgreSQL database ``deploy_prod_start`` on the same server) and
its own copy of the compiled front end, beside the session's e2e server.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from mystage.notify.outbox import queue_mail
from tests.e2e.conftest import ROOT, _free_port, _prepare_db, _server_env
from tests.integration.test_smtp_delivery import SmtpServer

UNITS = ROOT / "deploy" / "systemd"
SUBJECT = "Essai de la recette de production"


def _unit(name: str, env: dict[str, str]) -> dict[str, list]:
    """``Key=value`` lines of a unit (continuation lines joined), our paths and the
    environment's ``${NAME}`` substituted; commands split like systemd does."""
    text = (UNITS / name).read_text().replace("\\\n", " ").replace("/srv/mystage/app", str(ROOT))
    out: dict[str, list] = {}
    for line in text.splitlines():
        if m := re.match(r"^(\w+)=(.*)$", line):
            value = re.sub(r"\$\{(\w+)\}", lambda v: env[v.group(1)], m.group(2))
            out.setdefault(m.group(1), []).append(value)
    return out


def _command(value: str) -> list[str]:
    return shlex.split(value)


def _subjects(smtp: SmtpServer) -> list[str]:
    return [str(m["msg"]["subject"]) for m in smtp.messages]


def _own_database(tmp: Path) -> tuple[str, str | None]:
    shared = os.environ.get("TEST_DATABASE_URL")
    if not shared:
        return f"sqlite:///{tmp / 'prod.db'}", None
    url = sa.engine.make_url(shared)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text('DROP DATABASE IF EXISTS "deploy_prod_start" WITH (FORCE)'))
        c.execute(sa.text('CREATE DATABASE "deploy_prod_start"'))
    admin.dispose()
    return url.set(database="deploy_prod_start").render_as_string(hide_password=False), (
        "deploy_prod_start"
    )


def _drop(name: str | None) -> None:
    if name:
        admin = sa.create_engine(
            sa.engine.make_url(os.environ["TEST_DATABASE_URL"]), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _lock_database(db_url: str, seconds: float) -> threading.Thread:
    """Hold the table /_health writes to, so that its write waits and gives up."""

    def hold():
        if db_url.startswith("sqlite"):
            conn = sqlite3.connect(db_url.split("///", 1)[1], isolation_level=None)
            conn.execute("BEGIN EXCLUSIVE")
            time.sleep(seconds)
            conn.execute("COMMIT")
            conn.close()
            return
        eng = sa.create_engine(db_url)
        with eng.begin() as conn:
            conn.execute(sa.text("LOCK TABLE platform_settings IN ACCESS EXCLUSIVE MODE"))
            time.sleep(seconds)
        eng.dispose()

    thread = threading.Thread(target=hold)
    thread.start()
    return thread


def test_production_start_as_systemd_does(server, tmp_path):  # `server`: .web is built
    port = _free_port()
    smtp = SmtpServer()
    smtp.start()
    db_url, pg_name = _own_database(tmp_path)
    web = tmp_path / "web"
    top = str(ROOT / ".web")
    shutil.copytree(top, web, symlinks=True, ignore=lambda d, n: ["build"] if d == top else [])
    env = _server_env(port, db_url)
    # No Redis (the session's server may use it: never flushed from here), no test knobs.
    for name in (
        "REDIS_URL", "DEV_MAILBOX", "JOBS_INTERVAL", "EXPORT_SYNC_MAX_ROWS", "PASSWORD_HASH_FAST",
    ):  # fmt: skip
        env.pop(name, None)
    _prepare_db({**env, "DEV_MAILBOX": "true"})
    env.update(  # what deploy/mystage.env.example asks for, on this machine
        PUBLIC_URL="https://stages.exemple.fr",
        BIND_HOST="127.0.0.1",
        TRUSTED_PROXIES="127.0.0.1",
        COOKIE_SECURE="true",
        GRANIAN_WORKERS="1",
        JOBS_IN_PROCESS="false",
        JOBS_INTERVAL="1",
        SMTP_URL=smtp.url,
        MAIL_FROM="MyStage <ne-pas-repondre@stages.exemple.fr>",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        REFLEX_LOG_JSON="true",
        REFLEX_WEB_WORKDIR=str(web),
    )
    unit = _unit("mystage-web.service", env)
    for line in unit.get("Environment", []):
        name, _, value = line.partition("=")
        env[name] = value

    # ExecStartPre: a dangerous setting refuses the start, the production one passes.
    pre = _command(unit["ExecStartPre"][0])
    done = subprocess.run(
        pre, cwd=ROOT, env={**env, "DEV_MAILBOX": "true"}, capture_output=True, text=True
    )
    assert done.returncode == 1 and "[ERREUR] DEV_MAILBOX" in done.stdout, done.stdout
    done = subprocess.run(pre, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr

    log_path = tmp_path / "web.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        _command(unit["ExecStart"][0]), cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    jobs = None
    try:
        post = subprocess.run(
            [*_command(unit["ExecStartPost"][0]), "--every", "1", "--timeout", "600"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert post.returncode == 0, post.stderr + log_path.read_text()[-3000:]
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(base + "/_health").json() == {"status": True, "db": True, "redis": "NA"}

        locker = _lock_database(db_url, 8)
        time.sleep(1)
        assert httpx.get(base + "/_health", timeout=20).status_code == 503
        locker.join()
        assert httpx.get(base + "/_health").status_code == 200

        # The web workers run no job: the jobs unit's loop delivers the mail.
        eng = sa.create_engine(db_url)
        with Session(eng) as s:
            queue_mail(s, to="dsi@exemple.fr", subject=SUBJECT, body="Bonjour")
            s.commit()
        eng.dispose()
        time.sleep(3)
        assert SUBJECT not in _subjects(smtp)
        jobs_unit = _unit("mystage-jobs.service", env)
        jobs_log = tmp_path / "jobs.log"
        with jobs_log.open("w") as out:
            jobs = subprocess.Popen(
                _command(jobs_unit["ExecStart"][0]), cwd=ROOT, env=env, stderr=out
            )
        deadline = time.monotonic() + 60
        while SUBJECT not in _subjects(smtp):
            assert jobs.poll() is None, jobs_log.read_text()
            assert time.monotonic() < deadline, jobs_log.read_text()
            time.sleep(0.5)
        jobs.send_signal(signal.SIGTERM)
        assert jobs.wait(timeout=60) == 0
        records = [json.loads(x) for x in jobs_log.read_text().splitlines() if x.strip()]
        assert any(r["message"].startswith("Tâche deliver_outbox") for r in records)
    finally:
        if jobs is not None and jobs.poll() is None:
            jobs.kill()
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except Exception:  # noqa: BLE001
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        smtp.stop()
        _drop(pg_name)

    lines = [x for x in log_path.read_text().splitlines() if x.strip()]
    records = [json.loads(x) for x in lines]  # every line is JSON
    warning = [r for r in records if r["logger"] == "mystage.api.health"]
    assert warning and warning[0]["level"] == "warning"
    assert "la base n'accepte pas d'écriture" in warning[0]["message"]
    assert {"timestamp", "level", "logger", "message", "location", "pid"} <= set(warning[0])
    assert not any("Tâche" in r["message"] for r in records)  # JOBS_IN_PROCESS=false

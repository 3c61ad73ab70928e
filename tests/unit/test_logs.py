"""LOG_FORMAT=text|json: the lines mystage's loggers write (mystage/logs.py)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mystage import logs
from mystage.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def configured(monkeypatch):
    """``configure`` on a buffer; the logger's handler and level put back afterwards."""
    logger = logging.getLogger(logs.LOGGER)
    saved = (list(logger.handlers), logger.level)

    def run(fmt: str, level: str = "INFO") -> io.StringIO:
        monkeypatch.setenv("LOG_FORMAT", fmt)
        monkeypatch.setenv("LOG_LEVEL", level)
        buf = io.StringIO()
        logs.configure(Settings(), stream=buf)
        return buf

    yield run
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])


def test_json_lines_carry_reflex_keys_and_the_traceback(configured):
    buf = configured("json")
    log = logging.getLogger("mystage.jobs.runner")
    log.info("Tâche %s : %s", "deliver_outbox", 3)
    try:
        raise ValueError("boum")
    except ValueError:
        log.exception("Tâche %s en échec", "retention")
    first, second = (json.loads(line) for line in buf.getvalue().splitlines())
    assert first["message"] == "Tâche deliver_outbox : 3"
    assert first["level"] == "info"
    assert first["logger"] == "mystage.jobs.runner"
    assert first["pid"] == os.getpid()
    assert first["timestamp"].endswith("+00:00")
    assert set(first) == {"timestamp", "level", "logger", "message", "location", "pid"}
    assert second["level"] == "error"
    assert "ValueError: boum" in second["exception"]


def test_text_lines(configured):
    buf = configured("text")
    logging.getLogger("mystage.api.health").warning("/_health : la base n'accepte pas")
    line = buf.getvalue().strip()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARNING mystage\.api\.health "
        r"\[pid \d+\] /_health : la base n'accepte pas",
        line,
    ), line


def test_level_and_no_stacking(configured):
    configured("text", "WARNING")
    buf = configured("json", "WARNING")  # configured twice: one handler only
    log = logging.getLogger("mystage.x")
    log.info("hidden")
    log.warning("shown")
    assert [json.loads(x)["message"] for x in buf.getvalue().splitlines()] == ["shown"]
    handlers = [h for h in logging.getLogger(logs.LOGGER).handlers if isinstance(h, logs._Handler)]
    assert len(handlers) == 1


def test_cookies_never_reach_the_log(configured):
    from mystage.state.errors import install_log_scrubber

    install_log_scrubber()
    buf = configured("json")
    logging.getLogger("mystage.errors").error(
        "event failed: %s", {"cookie": "mystage_session=abcdef123456", "path": "/offres"}
    )
    text = buf.getvalue()
    assert "abcdef123456" not in text
    assert json.loads(text)["logger"] == "mystage.errors"


def test_a_job_run_logs_json_lines(tmp_path):
    """The real command: ``python -m mystage job NAME`` with LOG_FORMAT=json prints each
    record of the run as one JSON line on stderr (what journald then stores)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'logs.db'}",
        "PRIVATE_DIR": str(tmp_path / "private"),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    cmd = [sys.executable, "-m", "mystage"]
    done = subprocess.run(
        [*cmd, "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    done = subprocess.run(
        [*cmd, "job", "purge_expired_tokens"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    records = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert {
        "logger": "mystage.jobs.runner",
        "message": "Tâche purge_expired_tokens : 0",
    }.items() <= (next(r for r in records if r["logger"] == "mystage.jobs.runner").items())

"""deploy/: the systemd units are valid and run what the recipe says; wait_health.py and
``python -m mystage job loop`` (the runner unit's command) behave as documented."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"


def _unit(name: str) -> str:
    return (UNITS / name).read_text()


def test_units_are_valid_for_systemd(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze absent (paquet systemd)")
    for unit in UNITS.iterdir():  # the app's paths pointed at this checkout
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/mystage/app", str(ROOT)))
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_units_run_the_check_and_the_dedicated_job_loop():
    web, jobs = _unit("mystage-web.service"), _unit("mystage-jobs.service")
    for text in (web, jobs):
        assert "ExecStartPre=/srv/mystage/app/.venv/bin/python -m mystage check-config" in text
        assert "EnvironmentFile=/etc/mystage/mystage.env" in text
        assert "User=mystage" in text
    assert "reflex run --env prod" in web and "wait_health.py" in web
    assert "ExecStart=/srv/mystage/app/.venv/bin/python -m mystage job loop" in jobs
    env = (ROOT / "deploy" / "mystage.env.example").read_text()
    assert "\nJOBS_IN_PROCESS=false\n" in env
    assert "ExecStart=/srv/mystage/app/deploy/backup.sh" in _unit("mystage-backup.service")
    assert "Persistent=true" in _unit("mystage-backup.timer")


def _wait_health():
    spec = importlib.util.spec_from_file_location("wait_health", ROOT / "deploy/wait_health.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_wait_health_waits_for_a_200():
    answers = [503, 503, 200]

    class Health(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(answers.pop(0) if len(answers) > 1 else answers[0])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/_health"
    try:
        wait = _wait_health()
        assert wait.main(["--url", url, "--timeout", "10", "--every", "0.05"]) == 0
        assert answers == [200]
    finally:
        server.shutdown()
    assert wait.main(["--url", url, "--timeout", "0.2", "--every", "0.05"]) == 1


def test_job_loop_runs_rounds_and_stops_on_sigterm(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'loop.db'}",
        "PRIVATE_DIR": str(tmp_path / "private"),
        "JOBS_INTERVAL": "1",
        "JOBS_IN_PROCESS": "false",  # the web workers' setting: the loop runs all the same
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "text",
    }
    cmd = [sys.executable, "-m", "mystage"]
    done = subprocess.run([*cmd, "migrate"], cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    log = tmp_path / "loop.log"
    with log.open("w") as out:
        proc = subprocess.Popen([*cmd, "job", "loop"], cwd=ROOT, env=env, stderr=out)
        try:
            deadline = time.monotonic() + 60
            while "Tâche deliver_outbox" not in log.read_text():
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    text = log.read_text()
    assert "boucle dédiée, toutes les 1.0 s" in text
    assert "arrêt demandé, boucle terminée" in text


def test_manage_sh_reads_the_env_file(tmp_path):
    """deploy/manage.sh: the production settings file, then ``python -m mystage …``."""
    from tests.unit.test_check_config import VARS, production_env

    values = production_env(tmp_path)
    env_file = tmp_path / "mystage.env"
    env_file.write_text(
        "".join(f"{k}={v}\n" for k, v in values.items()) + 'MAIL_FROM="MyStage <n@exemple.fr>"\n'
    )
    clean = {k: v for k, v in os.environ.items() if k not in VARS}
    run = [str(ROOT / "deploy" / "manage.sh"), "check-config"]
    done = subprocess.run(
        run, env={**clean, "MYSTAGE_ENV_FILE": str(env_file)}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    env_file.write_text(env_file.read_text() + "COOKIE_SECURE=false\n")
    done = subprocess.run(
        run, env={**clean, "MYSTAGE_ENV_FILE": str(env_file)}, capture_output=True, text=True
    )
    assert done.returncode == 1 and "[ERREUR] COOKIE_SECURE" in done.stdout
    done = subprocess.run(
        run, env={**clean, "MYSTAGE_ENV_FILE": str(tmp_path / "absent")}, capture_output=True
    )
    assert done.returncode == 1

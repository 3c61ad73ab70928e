"""Browser tests against a real production server (`reflex run --env prod`) in Chromium.

The server gets its own database (SQLite file, or PostgreSQL with TEST_DATABASE_URL) with
reference and demo data, and Redis (several workers) when E2E_REDIS_URL is set.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
VIEWPORTS = {"mobile": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 860}}


# Exports of more rows run in the background and arrive by mail (the demo's 77
# applications are more, its offers fewer): see tests/e2e/test_stats_flow.py.
E2E_EXPORT_SYNC_MAX_ROWS = 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(port: int, db_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SMTP_URL", "SMS_URL", "GEOCODER_URL", "REDIS_URL", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        DATABASE_URL=db_url,
        PORT=str(port),
        PUBLIC_URL=f"http://localhost:{port}",
        DEV_MAILBOX="true",  # the tests read activation mails at /dev/mails, as in `make run`
        JOBS_INTERVAL="2",
        EXPORT_SYNC_MAX_ROWS=str(E2E_EXPORT_SYNC_MAX_ROWS),
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_HTTP_CLIENT_BIND_ADDRESS="0.0.0.0",
        REFLEX_BUN_PATH=str(ROOT / ".tools/node_modules/.bin/bun"),
        PRIVATE_DIR=tempfile.mkdtemp(prefix="mystage-e2e-private-"),
        # The test browser plays the TLS proxy: a test may send X-Forwarded-For (the
        # client behind it); without that header the browser is the client itself.
        TRUSTED_PROXIES="127.0.0.1,::1",
    )
    if os.environ.get("E2E_REDIS_URL"):
        env["REDIS_URL"] = os.environ["E2E_REDIS_URL"]
    return env


def _prepare_db(env: dict[str, str]) -> None:
    db_url = env["DATABASE_URL"]
    if db_url.startswith("postgresql"):
        import sqlalchemy as sa

        eng = sa.create_engine(db_url)
        with eng.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        eng.dispose()
    if env.get("REDIS_URL"):
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    subprocess.run([sys.executable, "-m", "mystage", "setup"], cwd=ROOT, env=env, check=True)


_SERVER_DB: list[str] = []
_SERVER_PRIVATE: list[str] = []


def server_db() -> str:
    """The database URL of the running e2e server (tests read and set facts there that no
    page sets yet)."""
    return _SERVER_DB[-1]


def server_private_dir() -> Path:
    """The e2e server's PRIVATE_DIR (its seal certificate, stored conventions)."""
    return Path(_SERVER_PRIVATE[-1])


@pytest.fixture(scope="session")
def server() -> str:
    port = _free_port()
    tmp = Path(tempfile.mkdtemp(prefix="mystage-e2e-"))
    db_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'e2e.db'}"
    env = _server_env(port, db_url)
    _prepare_db(env)
    _SERVER_DB.append(db_url)
    _SERVER_PRIVATE.append(env["PRIVATE_DIR"])
    log = open(tmp / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/reflex"),
            "run",
            "--env",
            "prod",
            "--frontend-port",
            str(port),
            "--backend-port",
            str(port),
            "--loglevel",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://localhost:{port}"
    deadline = time.time() + 600
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {(tmp / 'server.log').read_text()[-4000:]}")
            try:
                if httpx.get(url + "/ping", timeout=2).status_code == 200 and (
                    httpx.get(url + "/", timeout=5).status_code == 200
                ):
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                raise RuntimeError("server did not start in 600 s")
            time.sleep(1)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except Exception:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        if os.environ.get("E2E_KEEP_LOG"):
            print((tmp / "server.log").read_text()[-8000:])
        shutil.rmtree(tmp, ignore_errors=True)


def pytest_collection_modifyitems(items) -> None:
    """The API fuzzer (test_api_fuzz.py) runs after the browser tests: the offers it creates
    through the API would be seen by a test that counts offers."""
    items.sort(key=lambda item: item.path.name == "test_api_fuzz.py")


@pytest.fixture(scope="session")
def browser():
    pw = sync_playwright().start()
    b = pw.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    )
    yield b
    b.close()
    pw.stop()


# Widths the `viewport` fixture runs each browser test at: both by default.  The PostgreSQL
# + Redis pass of CI runs the mobile one only (E2E_VIEWPORTS=mobile): the SQLite pass has
# already run every test at both widths, and what that pass adds (PostgreSQL, Redis, several
# workers) does not depend on the width; it keeps `.ci/run` well under its time budget.
RUN_VIEWPORTS = [
    v for v in os.environ.get("E2E_VIEWPORTS", ",".join(VIEWPORTS)).split(",") if v in VIEWPORTS
] or list(VIEWPORTS)


@pytest.fixture(params=RUN_VIEWPORTS, ids=RUN_VIEWPORTS)
def viewport(request) -> str:
    return request.param


@pytest.fixture
def page(browser, viewport, server):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="fr-FR", base_url=server)
    context.set_default_timeout(20_000)
    p = context.new_page()
    p.viewport_name = viewport  # type: ignore[attr-defined]
    yield p
    context.close()


def goto(page, path: str) -> None:
    """Navigate and wait until the page's on_load handlers have run."""
    try:
        page.goto(path)
    except Exception as exc:  # a client-side redirect can abort the first navigation
        if "ERR_ABORTED" not in str(exc):
            raise
        page.goto(path)
    page.wait_for_selector("#app-ready", state="attached")


def shot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}-{page.viewport_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# The page's real content width: html and body hide horizontal overflow (mystage.css), which
# would otherwise make scrollWidth equal the window's width while content is cut off.
_CONTENT_WIDTH = """() => {
  const h = document.documentElement, b = document.body;
  const saved = [h.style.overflowX, b.style.overflowX];
  h.style.overflowX = "visible";
  b.style.overflowX = "visible";
  const width = Math.max(h.scrollWidth, b.scrollWidth);
  const wide = [];
  if (width > window.innerWidth) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      const over = (e) => e.getBoundingClientRect().right > window.innerWidth + 1;
      if (over(el) && ![...el.children].some(over))
        wide.push(el.tagName + "." + el.className + " «" + (el.textContent || "").slice(0, 40) + "» " + Math.round(r.right));
    }
  }
  [h.style.overflowX, b.style.overflowX] = saved;
  return [width, wide.slice(0, 5)];
}"""


def assert_no_horizontal_scroll(page) -> None:
    """Nothing wider than the window (no content cut off at the right edge)."""
    width, wide = page.evaluate(_CONTENT_WIDTH)
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"content wider than the window: {width} > {inner}: {wide}"

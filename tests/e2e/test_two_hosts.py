"""Two app hosts behind nginx (tests/support/hosts.py): a pupil's session survives the
death of the host its websocket is on.

Each host is its own ``reflex run --env prod`` in a network namespace, both on one
PostgreSQL database and one Redis, behind nginx running the shipped site
(``deploy/nginx/mystage.conf``, TLS with a self-signed certificate).  At 375 px a pupil
logs in, searches by postal code and radius and opens the filters; the host holding the
websocket (found from the namespaces' open connections, not assumed) is killed (SIGKILL to
all its processes); the page reconnects through nginx to the other host: fields, results
and login are on the screen, and the other host answers the page's events (filters,
place suggestions, a new search).

The tab keeps its token, so its server-side state in Redis: Reflex's RedisTokenManager
keeps each socket's record for an hour and would take the reconnecting tab for a duplicate
(a new token, a fresh state: the pupil's REP offer gone from the results);
``mystage/state/socket_takeover.py`` lets the other host take the tab over once the dead
host's heartbeat is gone (tests/integration/test_socket_takeover.py for the cases).

Runs in the PostgreSQL pass of ``.ci/run`` (TEST_DATABASE_URL + E2E_REDIS_URL, root,
nginx from ``make nginx``); skipped elsewhere with the reason.
"""

from __future__ import annotations

import os
import re
import time

import pytest
import redis
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.e2e.conftest import VIEWPORTS, _prepare_db, goto, shot
from tests.e2e.test_accounts_flow import _login
from tests.support import hosts as two

PUPIL = "eleve.nantes@demo.mystage.fr"
PASSWORD = "stage-demo-2026"
REDIS_DB = 12  # the hosts' Redis database (the e2e server uses E2E_REDIS_URL's)
PORT = int(os.environ.get("TWO_HOSTS_PORT", "18200"))
TOKEN = "window.sessionStorage.getItem('token')"


def _why_not() -> str | None:
    db = os.environ.get("TEST_DATABASE_URL", "")
    if not db.startswith("postgresql") or not os.environ.get("E2E_REDIS_URL"):
        return "needs PostgreSQL and Redis (TEST_DATABASE_URL, E2E_REDIS_URL: make test-pg-e2e)"
    reason = two.unavailable()
    if reason and os.environ.get("CI"):
        pytest.fail(f"two hosts in CI: {reason}")  # the PostgreSQL pass of .ci/run has them
    return reason


def _own_database() -> tuple[str, str]:
    url = sa.engine.make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{url.database}_hosts"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name


def _drop_database(name: str) -> None:
    admin = sa.create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def hosts():
    if reason := _why_not():
        pytest.skip(reason)
    db_url, name = _own_database()
    redis_url = sa.engine.make_url(os.environ["E2E_REDIS_URL"]).set(database=str(REDIS_DB))
    redis_url = redis_url.render_as_string(hide_password=False)
    redis.Redis.from_url(redis_url).flushdb()
    env = {**two.base_env(), "DATABASE_URL": db_url, "DEV_MAILBOX": "false"}
    try:
        _prepare_db(env)
        with two.two_hosts(db_url, redis_url, port=PORT) as h:
            yield h
    finally:
        _drop_database(name)
        redis.Redis.from_url(redis_url).flushdb()


def _wait(page: Page, predicate, timeout: float, what: str):
    """``predicate()`` true within ``timeout`` s (the page's events are handled meanwhile:
    Playwright's sync API only records a new websocket while it is called)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if value := predicate():
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"timeout: {what}")


def _titles(page: Page) -> list[str]:
    """The result cards' titles once they stop changing (a search's results arrive after
    its address: read too early, they are the previous search's)."""
    last = None
    for _ in range(30):
        titles = page.locator(".offer-card h2").all_inner_texts()
        if titles == last:
            return titles
        last = titles
        page.wait_for_timeout(700)
    raise AssertionError(f"results never settled: {last}")


def test_nginx_site_redirects_to_https_and_checks_health(hosts):
    import httpx

    h = hosts
    r = httpx.get(h.http_url + "/offres?q=x")
    assert r.status_code == 301 and r.headers["location"].startswith("https://")
    assert r.headers["location"].endswith("/offres?q=x")
    health = httpx.get(h.url + "/_health", verify=False)
    assert health.status_code == 200 and health.json()["redis"] is True
    assert health.headers["cache-control"] == "no-store"
    html = httpx.get(h.url + "/offres/", verify=False, follow_redirects=True)
    asset = re.search(r'"(/assets/[^"]+\.js)"', html.text)
    assert asset, html.text[:500]
    js = httpx.get(h.url + asset.group(1), verify=False)
    assert js.status_code == 200
    assert js.headers["cache-control"] == "public, max-age=31536000, immutable"
    # Each host built its own front end, and the builds differ (a page compiles to other
    # names each time): nginx asks the other host for a file this one lacks.
    built = [{p.name for p in (h.tmp / f"web{i}/build/client/assets").iterdir()} for i in (1, 2)]
    for only in (built[0] - built[1], built[1] - built[0]):
        for name in sorted(only)[:2]:
            for _ in range(3):  # least_conn + round robin: both hosts get asked first
                assert httpx.get(f"{h.url}/assets/{name}", verify=False).status_code == 200
    big = httpx.post(h.url + "/_upload", content=b"x" * (4 * 1024 * 1024), verify=False)
    assert big.status_code == 413  # nginx's client_max_body_size, before any host


def test_pupil_session_survives_its_host_dying(browser, hosts):
    h = hosts
    context = browser.new_context(
        viewport=VIEWPORTS["mobile"], locale="fr-FR", base_url=h.url, ignore_https_errors=True
    )
    context.set_default_timeout(20_000)
    page: Page = context.new_page()
    page.viewport_name = "mobile"  # type: ignore[attr-defined]
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws) if "/_event" in ws.url else None)
    try:
        _login(page, PUPIL, PASSWORD)
        goto(page, "/offres")
        toggle = page.locator("#filters-toggle")
        if not page.locator("#s-lieu").is_visible():  # the pupil's school's place was applied
            toggle.click()
        page.fill("#s-lieu", "44000")
        page.locator(".place-suggestion").first.click()
        place = page.input_value("#s-lieu")
        assert "44000" in place
        page.select_option("#s-rayon", "20")
        page.click("#s-submit")
        expect(page).to_have_url(re.compile(r"lieu=[^&]*44000"))
        expect(page.locator(".offer-card", has_text="Nantes").first).to_be_visible()
        titles = _titles(page)
        # Server-side state: the criteria unfolded (a phone folds them after a search) …
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        token = page.evaluate(TOKEN)
        assert token
        opened = len(sockets)  # one per page load (the login reloads the page)

        # The host nginx gave the websocket to (the only connection still open from nginx).
        served = _wait(page, lambda: h.websocket_hosts(), 10, "the websocket's host")
        assert len(served) == 1, served
        victim = served[0]
        assert h.pids(victim) and h.pids(1 - victim)
        killed = h.kill(victim)  # the machine died: SIGKILL to all its processes
        assert killed and not h.pids(victim)

        # The page reconnects, through nginx, to the other host.
        _wait(page, lambda: len(sockets) > opened and h.websocket_hosts() == [1 - victim], 30,
              "a websocket on the other host")  # fmt: skip
        page.wait_for_selector("#app-ready", state="attached")
        shot(page, "two-hosts-after-kill")

        # Everything the pupil had is still there …
        assert page.evaluate(TOKEN) == token  # the same server-side state (socket_takeover)
        expect(page.locator("#nav-account")).to_be_visible()
        expect(page.locator("#nav-login")).to_have_count(0)
        assert page.input_value("#s-lieu") == place
        assert page.input_value("#s-rayon") == "20"
        expect(page.locator(".offer-card").first).to_be_visible()
        assert _titles(page) == titles  # the reconnection's rehydration re-ran the search
        # … and the other host answers the page's events (the rehydration folded the
        # criteria again: the search's on_load ran).
        folded = toggle.get_attribute("aria-expanded")
        toggle.click()
        expect(toggle).not_to_have_attribute("aria-expanded", folded)
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        page.fill("#s-q", "boulang")
        page.fill("#s-lieu", "Nantes")
        expect(page.locator(".place-suggestion").first).to_be_visible()
        page.locator(".place-suggestion").first.click()
        page.click("#s-submit")
        expect(page).to_have_url(re.compile(r"q=boulang"))
        expect(page.locator("#total")).to_be_visible()
        assert h.websocket_hosts() == [1 - victim]
        shot(page, "two-hosts-search-after")
    finally:
        context.close()

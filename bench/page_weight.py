"""Page weight: gzipped JavaScript of pages of a running server, measured in Chromium.

Usage: python bench/page_weight.py http://localhost:3000 [paths…]
       (default paths: / /offres /statistiques /espace/statistiques)
Prints, per page, the number of JS files and their raw and gzipped sizes (gzip -6 of
each body as served) at the first load (375 px, until the network is idle), then what
scrolling to the bottom adds (the statistics charts load recharts only when they come
near the screen), plus the same figures for the smallest possible Reflex page (the 404
page) as a baseline measured in the same run.  Pages under ``/espace`` are measured
logged in (``BENCH_LOGIN``, default the demo référent ``referent77@demo.mystage.fr``
with the demo password).  Budget: 350 KB gzipped at the first load.  Then the time to the first
result list of a search at 375 px with the network throttled to a 4G profile
(DevTools « Fast 4G »: 165 ms RTT, 9 Mbit/s down; and « Slow 4G »: 150 ms RTT,
1.6 Mbit/s down, 750 kbit/s up), cold cache, 5 runs each.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import time

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


BUDGET_KB = 350
LOGIN = os.environ.get("BENCH_LOGIN", "referent77@demo.mystage.fr:stage-demo-2026")


def _sizes(bodies: dict[str, bytes]) -> tuple[int, int, int]:
    raw = sum(len(b) for b in bodies.values())
    gz = sum(len(gzip.compress(b, 6)) for b in bodies.values())
    return len(bodies), raw, gz


def _login(ctx, base: str) -> None:
    identifier, password = LOGIN.split(":", 1)
    page = ctx.new_page()
    page.goto(base + "/connexion", wait_until="networkidle")
    page.fill("#f-identifier", identifier)
    page.fill("#f-password", password)
    page.click("#login-submit")
    page.wait_for_selector("#space-hello", timeout=60_000)
    page.close()


def measure(browser, url: str, *, login_base: str | None = None, scroll: bool = False):
    """(files, raw, gzip) at the first load; with ``scroll``, also what scrolling to the
    bottom of the page adds."""
    ctx = browser.new_context(viewport={"width": 375, "height": 812})
    if login_base:
        _login(ctx, login_base)
    page = ctx.new_page()
    bodies: dict[str, bytes] = {}

    def on_response(resp):
        if resp.request.resource_type == "script" or resp.url.endswith(".js"):
            try:
                bodies[resp.url] = resp.body()
            except Exception:  # noqa: BLE001  (redirects have no body)
                pass

    page.on("response", on_response)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(1500)  # the page's data (and what it draws) arrives by websocket
    page.wait_for_load_state("networkidle")
    first = dict(bodies)
    later: dict[str, bytes] = {}
    if scroll:
        for _ in range(40):
            page.mouse.wheel(0, 600)
            page.wait_for_timeout(100)
        page.wait_for_load_state("networkidle")
        later = {u: b for u, b in bodies.items() if u not in first}
    ctx.close()
    if scroll:
        return _sizes(first), _sizes(later)
    return _sizes(first)


FAST_4G = {  # Chrome DevTools « Fast 4G »
    "offline": False,
    "latency": 165,
    "downloadThroughput": 9 * 1024 * 1024 / 8,
    "uploadThroughput": 1.5 * 1024 * 1024 / 8,
}
SLOW_4G = {  # Lighthouse / DevTools « Slow 4G »
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}


def first_results_ms(
    browser, url: str, selector: str = ".offer-card", profile: dict | None = None
) -> float:
    ctx = browser.new_context(viewport={"width": 375, "height": 812})
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", profile or SLOW_4G)
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(selector, timeout=60_000)
    elapsed = (time.perf_counter() - t0) * 1000
    ctx.close()
    return elapsed


def main() -> None:
    base = sys.argv[1].rstrip("/")
    paths = sys.argv[2:] or ["/", "/offres", "/statistiques", "/espace/statistiques"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        baseline = measure(browser, base + "/__page_inexistante__")
        rows = [("baseline: 404 page", baseline, (0, 0, 0))]
        for p in paths:
            login = base if p.startswith("/espace") else None
            first, later = measure(browser, base + p, login_base=login, scroll=True)
            rows.append((p, first, later))
        print(
            f"{'page (375 px)':<24}{'files':>6}{'raw KB':>9}{'gzip KB':>9}"
            f"{'  | on scroll: files':>20}{'gzip KB':>9}{'  budget':>9}"
        )
        for name, (n, raw, gz), (n2, _raw2, gz2) in rows:
            verdict = "ok" if gz / 1024 <= BUDGET_KB else "OVER"
            print(
                f"{name:<24}{n:>6}{raw / 1024:>9.1f}{gz / 1024:>9.1f}"
                f"{n2:>20}{gz2 / 1024:>9.1f}{verdict:>9}"
            )
        search = base + "/offres?lieu=Nantes&rayon=60"
        static_url = base + "/mentions-legales"
        figures = {}
        for name, prof in (("Fast 4G", FAST_4G), ("Slow 4G", SLOW_4G)):
            runs = sorted(first_results_ms(browser, search, profile=prof) for _ in range(5))
            static = sorted(
                first_results_ms(browser, static_url, "h1", profile=prof) for _ in range(5)
            )
            figures[name] = (runs, static)
        browser.close()
    print(f"\nfirst results at 375 px, cold cache, 5 runs ({search}):")
    for name, (runs, static) in figures.items():
        print(
            f"  {name}: median {statistics.median(runs):.0f} ms, max {runs[-1]:.0f} ms"
            f"  (baseline, h1 of a static page: {statistics.median(static):.0f} ms)"
        )


if __name__ == "__main__":
    main()

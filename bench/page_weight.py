"""Page weight: gzipped JavaScript of pages of a running server, measured in Chromium.

Usage: python bench/page_weight.py http://localhost:3000 / /offres
Prints, per page, the number of JS files and their raw and gzipped sizes (gzip -6 of
each body as served), plus the same figures for the smallest possible Reflex page
(the 404 page) as a baseline measured in the same run.  Then the time to the first
result list of a search at 375 px with the network throttled to a 4G profile
(DevTools « Fast 4G »: 165 ms RTT, 9 Mbit/s down; and « Slow 4G »: 150 ms RTT,
1.6 Mbit/s down, 750 kbit/s up), cold cache, 5 runs each.
"""

from __future__ import annotations

import gzip
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


def measure(browser, url: str) -> tuple[int, int, int]:
    ctx = browser.new_context(viewport={"width": 375, "height": 812})
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
    ctx.close()
    raw = sum(len(b) for b in bodies.values())
    gz = sum(len(gzip.compress(b, 6)) for b in bodies.values())
    return len(bodies), raw, gz


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
    paths = sys.argv[2:] or ["/"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        rows = [("baseline: 404 page", *measure(browser, base + "/__page_inexistante__"))]
        rows += [(p, *measure(browser, base + p)) for p in paths]
        print(f"{'page':<28}{'files':>6}{'raw KB':>10}{'gzip KB':>10}")
        for name, n, raw, gz in rows:
            print(f"{name:<28}{n:>6}{raw / 1024:>10.1f}{gz / 1024:>10.1f}")
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

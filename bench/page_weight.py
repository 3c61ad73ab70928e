"""Page weight: gzipped JavaScript of pages of a running server, measured in Chromium.

Usage: python bench/page_weight.py http://localhost:3000 / /connexion
Prints, per page, the number of JS files and their raw and gzipped sizes (gzip -6 of
each body as served), plus the same figures for the smallest possible Reflex page
(the 404 page) as a baseline measured in the same run.
"""

from __future__ import annotations

import gzip
import sys

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


def main() -> None:
    base = sys.argv[1].rstrip("/")
    paths = sys.argv[2:] or ["/"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        rows = [("baseline: 404 page", *measure(browser, base + "/__page_inexistante__"))]
        rows += [(p, *measure(browser, base + p)) for p in paths]
        browser.close()
    print(f"{'page':<28}{'files':>6}{'raw KB':>10}{'gzip KB':>10}")
    for name, n, raw, gz in rows:
        print(f"{name:<28}{n:>6}{raw / 1024:>10.1f}{gz / 1024:>10.1f}")


if __name__ == "__main__":
    main()

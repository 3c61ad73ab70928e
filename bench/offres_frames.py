"""Bytes over the websocket for « Rechercher un stage » (/offres), measured in Chromium.

Usage: python bench/offres_frames.py http://localhost:3000 [--dump] [--runs 3]

A phone-sized browser (375 px) does what a pupil does, and every socket.io frame of the
page's websocket (``page.on("websocket")``) is counted in the phase it belongs to:

- ``hydrate``: open ``/offres`` (the hydrate snapshot and the on_load search);
- ``type``: type « meaux » in « Ville ou code postal » (debounced suggestions);
- ``pick``: choose the first suggestion;
- ``search``: « Rechercher » (redirect, on_load: the new results);
- ``page 2``: « Page suivante → »;
- ``filters``: « Filtres (n) » unfolded (a phone).

Prints, per phase, frames and bytes sent and received (payload bytes as on the wire,
uncompressed: Reflex sends no websocket compression), the median of ``--runs`` runs.
With ``--dump``, the hydrate and search deltas by state and var (largest first), to find
what is sent that the screen does not show.  The server needs more than 30 offers for a
second page (the demo has 17: ``bench/search.py``'s ``generate`` adds some; without,
``page 2`` stays empty).
"""

from __future__ import annotations

import argparse
import json
import statistics
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


class Frames:
    def __init__(self) -> None:
        self.phase = "load"
        self.rows: list[tuple[str, str, int, str]] = []  # phase, "in"/"out", bytes, text
        self.last = time.monotonic()

    def on_ws(self, ws) -> None:
        if "/_event" not in ws.url:
            return
        ws.on("framereceived", lambda payload: self._add("in", payload))
        ws.on("framesent", lambda payload: self._add("out", payload))

    def _add(self, direction: str, payload) -> None:
        text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        size = len(payload.encode() if isinstance(payload, str) else payload)
        self.rows.append((self.phase, direction, size, text))
        self.last = time.monotonic()

    def quiet(self, page, ms: int = 700, timeout: float = 20.0) -> None:
        """Wait until no frame arrived for ``ms`` (the answer to the phase is in)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            page.wait_for_timeout(100)
            if (time.monotonic() - self.last) * 1000 >= ms:
                return

    def totals(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for phase, direction, size, text in self.rows:
            if not text.startswith("4"):  # engine.io ping/pong, open: not the app's
                continue
            t = out.setdefault(phase, {"in_frames": 0, "in": 0, "out_frames": 0, "out": 0})
            t[f"{direction}_frames"] += 1
            t[direction] += size
        return out

    def deltas(self, phase: str) -> list[dict]:
        found = []
        for p, direction, _size, text in self.rows:
            if p != phase or direction != "in" or not text.startswith("42"):
                continue
            try:  # 42/_event,["event", {"delta": …}]
                _name, body = json.loads(text[text.index("[") :])
            except (ValueError, TypeError):
                continue
            if isinstance(body, dict) and body.get("delta"):
                found.append(body["delta"])
        return found


def run_once(browser, base: str) -> Frames:
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, locale="fr-FR")
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    frames = Frames()
    page.on("websocket", frames.on_ws)

    frames.phase = "hydrate"
    page.goto(base + "/offres")
    page.wait_for_selector("#app-ready", state="attached")
    page.wait_for_selector("#total")
    frames.quiet(page)

    frames.phase = "type"
    page.click("#s-lieu")
    page.keyboard.type("meaux", delay=120)
    page.wait_for_selector(".place-suggestion")
    frames.quiet(page)

    frames.phase = "pick"
    page.locator(".place-suggestion").first.click()
    frames.quiet(page)

    frames.phase = "search"
    page.select_option("#s-rayon", "60")
    page.click("#s-submit")
    page.wait_for_url("**lieu=**")
    page.wait_for_selector("#total")
    frames.quiet(page)

    if page.locator("#next-page").count():  # not with the demo's 17 offers
        frames.phase = "page 2"
        page.click("#next-page")
        page.wait_for_url("**page=2**")
        page.wait_for_selector("#prev-page")
        frames.quiet(page)

    frames.phase = "filters"
    page.click("#filters-toggle")
    frames.quiet(page)
    ctx.close()
    return frames


def _size(value) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def dump(frames: Frames, phase: str) -> None:
    print(f"\n{phase}: deltas by state and var (bytes of JSON, largest first)")
    for i, delta in enumerate(frames.deltas(phase)):
        print(f"  delta {i + 1}: {_size(delta)} B")
        items = [
            (_size(v), state, var) for state, vars_ in delta.items() for var, v in vars_.items()
        ]
        for size, state, var in sorted(items, reverse=True)[:25]:
            print(f"    {size:7d}  {state.split('.')[-1]}.{var}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dump", action="store_true")
    args = ap.parse_args()
    base = args.url.rstrip("/")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        runs = [run_once(browser, base) for _ in range(max(1, args.runs))]
        browser.close()
    phases = ["hydrate", "type", "pick", "search", "page 2", "filters"]
    print(f"/offres websocket frames at 375 px, median of {len(runs)} runs ({base})")
    print(f"{'phase':10s} {'frames in':>9s} {'bytes in':>9s} {'frames out':>10s} {'bytes out':>9s}")
    for phase in phases:
        vals = [r.totals().get(phase, {}) for r in runs]

        def med(key: str, vals=vals) -> int:
            return int(statistics.median(v.get(key, 0) for v in vals))

        print(
            f"{phase:10s} {med('in_frames'):9d} {med('in'):9d} "
            f"{med('out_frames'):10d} {med('out'):9d}"
        )
    if args.dump:
        for phase in ("hydrate", "search", "page 2", "type"):
            dump(runs[-1], phase)


if __name__ == "__main__":
    main()

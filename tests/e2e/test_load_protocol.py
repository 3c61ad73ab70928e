"""bench/load.py's virtual tab against the real production server: the protocol it speaks
(boot event in the CONNECT packet, deltas, redirects followed by ``on_load_internal``) still
matches what the app does, so the load figures measure real pages.

Anonymous pupil only: nothing is written in the e2e database but the suggestion requests
and a search (no account, no session, no favourite).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from loadkit.client import Frontend, Tab, redirected, touches  # noqa: E402
from loadkit.scenarios import Names  # noqa: E402


async def _pupil_search(url: str) -> tuple[dict, Tab]:
    records: dict = {}
    names = Names.resolve()
    S = names.search
    async with aiohttp.ClientSession() as http:
        tab = Tab(http, url, Frontend(ROOT / ".web"), lambda k, r: records.setdefault(k, r))
        try:
            await tab.open("/offres", "hydrate")
            await tab.call(
                "type",
                f"{S}.type_place",
                {"value": "Meau", "epoch": tab.var(S, "place_epoch")},
                touches(S, "place_suggestions"),
            )
            label = tab.var(S, "place_suggestions")[0]["label"]
            await tab.call("pick", f"{S}.pick_place", {"label": label}, touches(S))
            form = {"q": "", "lieu": label, "rayon": "30", "niveau": ""}
            await tab.call("submit", f"{S}.submit", {"form_data": form}, redirected)
            await tab.navigate(tab.redirects[-1], "results")
        finally:
            await tab.close()
    return records, tab


def test_virtual_pupil_searches_like_the_browser(server):
    # In a thread of its own: Playwright's sync API (the browser tests before this one)
    # keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        records, tab = pool.submit(asyncio.run, _pupil_search(server)).result()
    assert {k: r.error for k, r in records.items() if not r.ok} == {}
    assert list(records) == ["hydrate", "type", "pick", "submit", "results"]
    S = Names.resolve().search
    assert tab.redirects[-1].startswith("/offres?") and "lieu=Meaux" in tab.redirects[-1]
    assert tab.var(S, "lieu").startswith("Meaux")
    assert tab.var(S, "total") > 0 and tab.var(S, "results")
    assert records["hydrate"].nbytes > 1000  # the page's state arrived

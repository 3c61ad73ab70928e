"""The public offers endpoint (``GET /api/v1/public/offers``) against the same searches through
the UI's search service, at national scale (bench/search.py's data and queries).

Usage::

    .venv/bin/python bench/api.py                      # 200,000 offers, SQLite and PostgreSQL
    .venv/bin/python bench/api.py --keep               # reuse bench/search.py's databases
    .venv/bin/python bench/api.py --offers 20000 --db sqlite -n 50

Data: bench/search.py's generator (``var/bench/search.db`` and the PostgreSQL database
``bench_search``, or ``$BENCH_PG_DB``), reused with ``--keep`` when it holds the same number
of offers.  Queries: bench/search.py's six query types, the same parameter sets on both sides.

- ``ui``: ``services.search.search`` in a fresh session, as the « Rechercher un stage » page
  runs it for a visitor (bench/search.py's ``run_app``);
- ``api``: ``GET /api/v1/public/offers`` with the same criteria (``per_page=30``, as the UI)
  through the API's ASGI app in this process (Starlette's TestClient: routing, parameter
  validation, the thread pool, the search, pydantic models, JSON and its ETag) — no
  network.  The API lists no reserved offer (REP/QPV ones are shown to visitors by the UI),
  so its totals can be a little lower.

Prints p50 / p95 in ms side by side; asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
bench_search = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_search)  # type: ignore[union-attr]

from mystage import clock, db, settings  # noqa: E402
from mystage.api.v1 import build_api  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402


def api_params(p: dict) -> dict:
    """The API's query parameters for one of bench/search.py's parameter sets."""
    out: dict = {"per_page": 30}
    if p.get("q"):
        out["q"] = p["q"]
    if p.get("where"):
        out["where"] = p["where"]
        out["radius_km"] = p.get("radius_km", 20)
    if p.get("level"):
        out["level"] = p["level"]
    if p.get("sectors"):
        out["sectors"] = list(p["sectors"])
    if p.get("weeks"):
        out["weeks"] = [w.isoformat() for w in p["weeks"]]
    return out


def run_api(client: TestClient, p: dict) -> int:
    r = client.get("/public/offers", params=api_params(p))
    if r.status_code != 200:
        raise RuntimeError(f"{r.status_code} {r.text[:300]} for {p}")
    return r.json()["total"]


def measure(kind: str, url: str, n: int, seed: int) -> list[tuple]:
    os.environ["DATABASE_URL"] = url
    settings.reload()
    db.dispose_all()
    sets = bench_search.query_sets(url, n, seed)
    rows = []
    with TestClient(build_api(), base_url="http://localhost") as client:
        for name, params in sets.items():
            for p in params[:10]:  # warm-up: caches, compiled statements, the thread pool
                bench_search.run_app(url, p)
                run_api(client, p)
            ui_ms: list[float] = []
            api_ms: list[float] = []
            ui_totals: list[int] = []
            api_totals: list[int] = []
            for p in params:
                t0 = time.perf_counter()
                ui_totals.append(bench_search.run_app(url, p))
                t1 = time.perf_counter()
                api_totals.append(run_api(client, p))
                t2 = time.perf_counter()
                ui_ms.append((t1 - t0) * 1000)
                api_ms.append((t2 - t1) * 1000)
            rows.append(
                (
                    kind,
                    name,
                    statistics.median(ui_totals),
                    statistics.median(api_totals),
                    bench_search.pct(ui_ms, 50),
                    bench_search.pct(ui_ms, 95),
                    bench_search.pct(api_ms, 50),
                    bench_search.pct(api_ms, 95),
                )
            )
    db.dispose_all()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--offers", type=int, default=200_000)
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--keep", action="store_true", help="reuse the generated databases")
    ap.add_argument("-n", type=int, default=200, help="searches per query type")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()

    clock.freeze(bench_search.NOW)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    table = []
    for kind in kinds:
        url = bench_search.prepare(kind, args.offers, args.keep, args.seed)
        table += measure(kind, url, args.n, args.seed)

    print()
    print(
        f"{args.offers:,} offers, {args.n} searches per type "
        "(ms; UI search service / GET /api/v1/public/offers)"
    )
    head = (
        f"{'db':<9}{'query':<26}{'UI hits':>9}{'API hits':>9}{'UI p50':>8}{'UI p95':>8}"
        f"{'API p50':>9}{'API p95':>9}{'p95 ratio':>10}"
    )
    print(head)
    print("-" * len(head))
    for kind, name, uh, ah, u50, u95, a50, a95 in table:
        print(
            f"{kind:<9}{name:<26}{uh:>9,.0f}{ah:>9,.0f}{u50:>8.1f}{u95:>8.1f}{a50:>9.1f}"
            f"{a95:>9.1f}{a95 / u95 if u95 else float('nan'):>10.2f}"
        )


if __name__ == "__main__":
    main()

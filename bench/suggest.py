"""Place autocomplete (« Ville ou code postal »): the SQL version against the in-memory index.

Usage::

    .venv/bin/python bench/suggest.py                    # SQLite and PostgreSQL
    .venv/bin/python bench/suggest.py --db sqlite -n 2000

Data: a SQLite file (``var/bench/suggest.db``) and a PostgreSQL database
(``--pg-name``, default ``state_suggest``, created if missing), migrated and loaded with
the embedded reference data (35,560 commune rows, 2,498 former names, 109 départements);
reused when already loaded.

Inputs: what people type, drawn from the real data with a fixed seed: the first 2–8
letters of commune names drawn by population (« sa », « meau », « saint-d »), later words
(« denis »), names with a département (« saint denis 93 »), postal-code prefixes (« 77 »,
« 441 », « 44000 »), département codes (« 2a », « 971 »), former names, accents and
apostrophes as typed (« l'haÿ », « ÉVRY »).  The same inputs, in the same order, for
every side, limit 8 (what the page asks):

- ``sql``: ``suggest_sql.suggest_communes_sql`` (up to four queries, one a
  ``LIKE '% x%'`` over every name) in a fresh session per call, as ``db.call`` gives it;
- ``index``: ``geo.suggest_communes`` (the in-memory index) in a fresh session per call;
- ``index, no session``: ``geo.suggest_communes_if_loaded``, what the search page calls
  on each keystroke once the index is built (no session, no thread).

Prints the index build time (once per worker) and per-call p50 / p95 / p99 in ms, and
checks the answers are the same (ties of population and name aside: see
tests/unit/test_place_index.py); asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from mystage import db, migrate, settings  # noqa: E402
from mystage.data.loader import import_reference  # noqa: E402
from mystage.services import geo  # noqa: E402
from mystage.services.geo import place_index  # noqa: E402
from mystage.services.geo.suggest_sql import suggest_communes_sql  # noqa: E402


def _prepare(url: str) -> None:
    eng = db.engine(url)
    try:
        with eng.connect() as conn:
            n = conn.execute(sa.text("SELECT count(*) FROM communes")).scalar_one()
    except sa.exc.DBAPIError:
        n = 0
    if n < 30000:
        migrate.upgrade(url)
        import_reference(url)


def _pg_url(name: str) -> str:
    admin = sa.create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def inputs(url: str, n: int, seed: int) -> list[str]:
    """``n`` typed texts drawn from the data (see the module docstring)."""
    rnd = random.Random(seed)
    with db.engine(url).connect() as conn:
        communes = conn.execute(
            sa.text(
                "SELECT name, min(postal_code), min(department_code), max(population) "
                "FROM communes GROUP BY insee_code, name ORDER BY insee_code"
            )
        ).all()
        aliases = [
            r[0]
            for r in conn.execute(sa.text("SELECT alias_name FROM commune_aliases ORDER BY id"))
        ]
    weights = [max(1, r[3] or 0) ** 0.5 for r in communes]
    extra = ["l'haÿ", "ÉVRY", "st denis", "saint-é", "cœur", "2a", "2B", "971", "974", "75013"]
    out: list[str] = []
    while len(out) < n:
        name, postal, dept, _pop = rnd.choices(communes, weights)[0]
        kind = rnd.random()
        if kind < 0.50:  # the first letters of a name
            out.append(name[: rnd.randint(2, min(8, len(name)))])
        elif kind < 0.60:  # a later word
            words = name.replace("-", " ").split()
            word = words[-1] if len(words) > 1 else name
            out.append(word[: rnd.randint(3, max(3, len(word)))])
        elif kind < 0.70:  # a name and its département
            out.append(f"{name} {dept.lower()}")
        elif kind < 0.88:  # a postal code, as typed
            out.append(postal[: rnd.randint(2, 5)])
        elif kind < 0.94:  # a former name
            alias = rnd.choice(aliases)
            out.append(alias[: rnd.randint(3, max(3, len(alias)))])
        else:
            out.append(rnd.choice(extra))
    return out


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def measure(label: str, url: str, n: int, seed: int) -> None:
    os.environ["DATABASE_URL"] = url
    settings.reload()
    _prepare(url)
    eng = db.engine(url)
    typed = inputs(url, n, seed)
    place_index.reset()
    t0 = time.perf_counter()
    with Session(eng) as s:
        geo.suggest_communes(s, "x")
    build_ms = (time.perf_counter() - t0) * 1000

    def sql(q: str) -> list:
        with Session(eng) as s:
            return suggest_communes_sql(s, q, 8)

    def index(q: str) -> list:
        with Session(eng) as s:
            return geo.suggest_communes(s, q, 8)

    def no_session(q: str) -> list:
        return geo.suggest_communes_if_loaded(q, 8) or []

    sides = [("sql", sql), ("index", index), ("index, no session", no_session)]
    for _name, fn in sides:  # warm up: connections, statement caches
        for q in typed[:50]:
            fn(q)
    times: dict[str, list[float]] = {name: [] for name, _ in sides}
    answers: dict[str, list] = {name: [] for name, _ in sides}
    for q in typed:  # interleaved: the machine's load falls on every side alike
        for name, fn in sides:
            t = time.perf_counter()
            answers[name].append(fn(q))
            times[name].append((time.perf_counter() - t) * 1000)
    same = sum(
        1 for a, b in zip(answers["sql"], answers["index"], strict=True) if _labels(a) == _labels(b)
    )
    print(f"\n{label}: {n} typed texts, limit 8; index built in {build_ms:.0f} ms (once)")
    print(f"{'':20s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'mean ms':>8s}")
    base = statistics.median(times["sql"])
    for name, _ in sides:
        v = times[name]
        print(
            f"{name:20s} {_pct(v, 0.5):8.3f} {_pct(v, 0.95):8.3f} {_pct(v, 0.99):8.3f} "
            f"{statistics.mean(v):8.3f}   p50 ×{base / max(statistics.median(v), 1e-9):.0f}"
        )
    print(f"same labels as sql: {same}/{n} (the rest: ties of population and name)")
    db.dispose_all()


def _labels(items: list) -> list[str]:
    return sorted(x["label"] for x in items)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("-n", type=int, default=3000, help="typed texts per database")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--pg-name", default="state_suggest")
    args = ap.parse_args()
    if args.db in ("sqlite", "both"):
        path = ROOT / "var/bench/suggest.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        measure("SQLite", f"sqlite:///{path}", args.n, args.seed)
    if args.db in ("postgres", "both"):
        measure("PostgreSQL", _pg_url(args.pg_name), args.n, args.seed)


if __name__ == "__main__":
    main()

"""The retention job at national scale, against raw SQL UPDATEs of the same rows.

Usage::

    .venv/bin/python bench/retention.py                              # 1,000,000 applications
    .venv/bin/python bench/retention.py --rows 100000 --engines sqlite

Data: the jobs benchmark's generator and loader (``bench/jobs.py``: ``--rows``
applications from about ``rows / 4`` pupils, on a fresh SQLite file and a fresh
PostgreSQL database ``bench_jobs``), plus an identical copy for the baseline.  With the
clock at :data:`bench.jobs.NOW` (18 January 2027) every generated pupil (signed up in
July 2026, no login since) is due: the end of the school year 2025-2026 plus the default
60 days of grace is past.

Measures, on the app copy, ``run_retention`` (the job « retention »: pupils anonymised
with :func:`~mystage.services.privacy.erasure.anonymise_users` by chunks — applications'
free text and contacts, audit texts, outbox, sessions, tokens, favourites… — then the
outbox, audit and convention purges), committed.  Baseline, on the copy: the raw SQL that
makes the core of the same change — ``UPDATE users SET`` (names, contacts, password,
status, dates) for the same pupils, then ``UPDATE applications SET`` (free text,
contacts, CV) of their applications — on one DBAPI cursor, committed.  Prints rows and
seconds; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from bench import jobs as bench_jobs  # noqa: E402
from mystage import clock, db  # noqa: E402
from mystage.services.privacy import retention  # noqa: E402


def run_app(url: str) -> tuple[dict[str, int], float]:
    with Session(db.engine(url), expire_on_commit=False) as s:
        t0 = time.perf_counter()
        counts = retention.run_retention(s, clock.now())
        s.commit()
        return counts, time.perf_counter() - t0


def run_again(url: str) -> tuple[int, float]:
    with Session(db.engine(url), expire_on_commit=False) as s:
        t0 = time.perf_counter()
        counts = retention.run_retention(s, clock.now())
        return sum(counts.values()), time.perf_counter() - t0


def run_baseline(url: str) -> list[tuple[str, int, float]]:
    eng = db.engine(url)
    pg = eng.dialect.name == "postgresql"
    p = (lambda n: f"%({n})s") if pg else (lambda n: f":{n}")
    now = clock.now()
    cutoff = retention.pupil_cutoff(now)
    if not pg:  # the stored form of UTC datetimes on SQLite (naive)
        now, cutoff = now.replace(tzinfo=None), cutoff.replace(tzinfo=None)
    statements = [
        (
            "users",
            "UPDATE users SET email = NULL, phone = NULL, password_hash = NULL, "
            "first_name = '', last_name = '', birth_date = NULL, status = 'disabled', "
            f"anonymized_at = {p('now')}, deleted_at = {p('now')}, updated_at = {p('now')} "
            "WHERE role = 'eleve' AND anonymized_at IS NULL "
            f"AND coalesce(last_login_at, created_at) < {p('cutoff')}",
        ),
        (
            "applications",
            "UPDATE applications SET motivation = '', contact_phone = '', "
            "contact_email = '', cv_snapshot = '', cv_file = '', school_message = '', "
            "review_message = '', accept_message = '', refuse_message = '', "
            "cancel_message = '' WHERE pupil_id IN "
            f"(SELECT id FROM users WHERE anonymized_at = {p('now')})",
        ),
    ]
    raw = eng.raw_connection()
    out = []
    try:
        cur = raw.cursor()
        for name, stmt in statements:
            t0 = time.perf_counter()
            cur.execute(stmt, {"now": now, "cutoff": cutoff})
            n = cur.rowcount
            raw.commit()
            out.append((name, n, time.perf_counter() - t0))
            print(f"  baseline {name}: {n:,} rows in {out[-1][2]:.2f} s", flush=True)
    finally:
        raw.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="applications to generate")
    ap.add_argument("--engines", default="sqlite,postgresql", help="sqlite,postgresql")
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--keep", action="store_true", help="keep the generated databases")
    args = ap.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    clock.freeze(bench_jobs.NOW)
    tmp = Path(tempfile.mkdtemp(prefix="mystage-bench-retention-"))
    results = []
    try:
        for engine in engines:
            url, base_url = bench_jobs.prepare(engine, args.rows, args.seed, tmp)
            counts, secs = run_app(url)
            print(f"  retention: {counts} in {secs:.2f} s", flush=True)
            again, again_s = run_again(url)
            base = run_baseline(base_url)
            results.append((engine, counts, secs, again, again_s, base))
            db.dispose_all()
            if engine == "postgresql" and not args.keep:
                bench_jobs._pg_admin(
                    f"DROP DATABASE IF EXISTS {bench_jobs.PG_DB} WITH (FORCE)",
                    f"DROP DATABASE IF EXISTS {bench_jobs.PG_BASE_DB} WITH (FORCE)",
                )
    finally:
        db.dispose_all()
        if args.keep:
            print(f"SQLite files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(
        f"{args.rows:,} applications, clock at {bench_jobs.NOW:%Y-%m-%d %H:%M} UTC, pupils "
        f"inactive since {retention.pupil_cutoff(clock.now()):%Y-%m-%d} "
        f"(+{timedelta(days=60).days} days of grace by default)"
    )
    head = f"{'db':<11}{'what':<44}{'rows':>10}{'seconds':>10}"
    print(head)
    print("-" * len(head))
    for engine, counts, secs, again, again_s, base in results:
        print(f"{engine:<11}{'retention job (pupils anonymised)':<44}{counts['pupils']:>10,}"
              f"{secs:>10.2f}")  # fmt: skip
        for name in ("outbox", "audit", "conventions"):
            print(f"{engine:<11}{'  of which ' + name + ' rows':<44}{counts[name]:>10,}")
        print(f"{engine:<11}{'retention job, second run':<44}{again:>10,}{again_s:>10.2f}")
        base_s = sum(b[2] for b in base)
        for name, n, bsecs in base:
            print(f"{engine:<11}{'baseline raw UPDATE ' + name:<44}{n:>10,}{bsecs:>10.2f}")
        ratio = secs / base_s if base_s else float("nan")
        print(f"{engine:<11}{'ratio job / baseline':<44}{'':>10}{ratio:>10.1f}")


if __name__ == "__main__":
    main()

"""« Statistiques » at national scale on PostgreSQL: every tile and chart of a national
référent's dashboard, time per query and total.

Usage::

    .venv/bin/python bench/dashboard.py            # 200,000 offers, 3,000,000 applications
    .venv/bin/python bench/dashboard.py --keep     # reuse the generated database
    .venv/bin/python bench/dashboard.py --applications 300000 --offers 20000

Data: the generator of ``bench/exports.py`` into the PostgreSQL database
``bench_dashboard`` (200,000 offers with 500,000 weeks over real communes, 50,000
structures, 800,000 pupils in the 7,600 real collèges, 3,000,000 applications, one school
year), loaded with ``COPY``.

What is measured (``services.stats.dashboard`` for a référent central, the timings it
returns per query, median of ``-n`` runs after one warm-up):

1. ``summary``: the dashboard as served — tiles and charts read ``stats_summary``
   (rebuilt by the job ``stats_refresh``; its build time is printed too), plus the live
   queries that stay live (schools, off-platform figures);
2. other views: an académie and a département (summary too), a département and France
   with a sector filter (fine filters are live), and the national dashboard computed live
   over the 3 million applications (``force_live``: what the summary avoids).

The summary table and the statistics indexes come with the migration
``0005_stats_summary``; the bench creates them too when missing (an older database).
Target (issue): under 300 ms in total.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import exports as gen  # noqa: E402  (bench/exports.py: the data generator)
import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from mystage import clock, db  # noqa: E402
from mystage.models import OffPlatformFigure, Role, Sector, User  # noqa: E402
from mystage.services import stats  # noqa: E402

PG_DB = "bench_dashboard"
YEAR = 2026
# Indexes of the live statistics queries (a département's dashboard, the pupils of an
# académie): applications and weeks are read from the index alone, by offer.  The same as
# the migration 0005_stats_summary (IF NOT EXISTS: a database migrated before has them).
STATS_INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_applications_stats ON applications "
    "(offer_id, school_year, state, week_start, school_id, pupil_id)",
    "CREATE INDEX IF NOT EXISTS ix_offer_weeks_stats ON offer_weeks (offer_id, week_start, places)",
    "CREATE INDEX IF NOT EXISTS ix_offers_stats ON offers (department_code, school_year, state, "
    "published_at, id, sector_id, structure_id, is_public, insee_code, city, latitude, longitude, "
    "level_4e, level_3e, level_2de)",
]


def referent(s: Session, email: str, role: str, **kw) -> User:
    user = s.exec(select(User).where(User.email == email)).first()
    if user is None:
        user = User(email=email, role=role, status="active", first_name="Réf", **kw)
        s.add(user)
        s.commit()
    return user


def off_platform(s: Session, user: User) -> None:
    if s.exec(select(OffPlatformFigure.id).limit(1)).first() is not None:
        return
    sectors = s.exec(select(Sector.id)).all()
    for i, sid in enumerate(sectors):
        s.add(
            OffPlatformFigure(
                entered_by_id=user.id, department_code=f"{(i % 95) + 1:02d}", school_year=YEAR,
                kind=("public", "prive", "association")[i % 3], sector_id=sid, count=10 + i,
            )
        )  # fmt: skip
    s.commit()


def run(s: Session, user: User, filters: dict, n: int, force_live: bool = False):
    """Median ms per query over ``n`` runs (after a warm-up) and the median total."""
    stats.dashboard(s, user, filters, force_live=force_live)
    per_query: dict[str, list[float]] = {}
    totals = []
    result = None
    for _ in range(n):
        s.rollback()  # each run in a fresh transaction, like a page load
        result = stats.dashboard(s, user, filters, force_live=force_live)
        for row in result["timings"]:
            per_query.setdefault(row["query"], []).append(row["ms"])
        totals.append(result["total_ms"])
    return (
        {q: statistics.median(v) for q, v in per_query.items()},
        statistics.median(totals),
        result,
    )


def show(title: str, per_query: dict[str, float], total: float, result: dict) -> None:
    print(f"\n{title}  (source: {result['source']})")
    for q, ms in per_query.items():
        print(f"  {q:<22} {ms:8.1f} ms")
    print(f"  {'total':<22} {total:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=200_000)
    parser.add_argument("--applications", type=int, default=3_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument("-n", type=int, default=7, help="runs per measure (median)")
    args = parser.parse_args()

    url = gen.prepare_db("postgresql", [(YEAR, args.applications, args.offers)], args.keep, PG_DB)
    eng = db.engine(url)
    clock.freeze(gen.NOW)
    stats.SUMMARY_METADATA.drop_all(eng)
    stats.SUMMARY_METADATA.create_all(eng)
    started = time.perf_counter()
    with eng.connect() as conn:
        for ddl in STATS_INDEXES:
            conn.execute(sa.text(ddl))
        conn.commit()
    raw = eng.raw_connection()
    try:
        raw.driver_connection.autocommit = True
        raw.driver_connection.execute("VACUUM ANALYZE applications")
        raw.driver_connection.execute("VACUUM ANALYZE offer_weeks")
        raw.driver_connection.execute("VACUUM ANALYZE offers")
    finally:
        raw.close()
    print(f"statistics indexes: {time.perf_counter() - started:.0f} s")
    with Session(eng, expire_on_commit=False) as s:
        counts = {
            t: s.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("offers", "offer_weeks", "applications", "users", "schools")
        }
        print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        central = referent(s, "central@bench.mystage.fr", Role.REFERENT_CENTRAL)
        dep = referent(
            s, "ref77@bench.mystage.fr", Role.REFERENT_DEPARTEMENTAL, department_code="77"
        )
        off_platform(s, central)

        started = time.perf_counter()
        written = stats.refresh_summary(s, [YEAR])
        s.commit()
        print(f"stats_refresh: {written:,} summary rows in {time.perf_counter() - started:.1f} s")
        with eng.connect() as conn:
            conn.execute(sa.text("ANALYZE stats_summary"))
            conn.commit()

        per_query, total, result = run(s, central, {}, args.n)
        show("National référent's dashboard (as served)", per_query, total, result)
        t = result["tiles"]
        print(
            f"  → {t['offers']:,} offers, {t['places_offered']:,} places, "
            f"{t['places_filled']:,} filled ({t['fill_rate']} %), {t['applications']:,} "
            f"applications, {t['pupils_confirmed']:,} pupils, {len(result['charts']['map_points']):,} "
            f"map points"
        )
        print(f"  target < 300 ms: {'OK' if total < 300 else 'MISSED'}")

        per_query, total, result = run(s, central, {"academy": "Créteil"}, args.n)
        show("Académie de Créteil (summary)", per_query, total, result)
        per_query, total, result = run(s, dep, {}, args.n)
        show("Départemental référent (77)", per_query, total, result)
        sector = s.exec(select(Sector.id).order_by(Sector.id)).first()
        per_query, total, result = run(s, dep, {"sector_id": str(sector)}, args.n)
        show("Départemental référent (77), one sector (live)", per_query, total, result)
        per_query, total, result = run(s, central, {"sector_id": str(sector)}, max(1, args.n // 3))
        show("National, one sector (live)", per_query, total, result)
        per_query, total, result = run(s, central, {}, 1, force_live=True)
        show("National computed live over every application (no summary)", per_query, total, result)


if __name__ == "__main__":
    main()

"""Application jobs at national scale: expiry and reminders against the same work in raw SQL.

Usage::

    .venv/bin/python bench/jobs.py                              # 1,000,000 applications, both
    .venv/bin/python bench/jobs.py --rows 100000 --engines sqlite
    .venv/bin/python bench/jobs.py --engines postgresql --keep  # leave the databases behind
    .venv/bin/python bench/jobs.py --pg-db jobs_bench           # other PostgreSQL databases

Data: a fresh SQLite file in a temporary folder and a fresh PostgreSQL database
``bench_jobs`` (``--pg-db``; 127.0.0.1, user postgres; dropped and created again), migrated with
``mystage.migrate.upgrade``.  ``--rows`` applications (default 1,000,000) from about
``rows / 4`` pupils (1 to 8 applications each, 10 % with a phone only) to ``rows / 10``
offers of ``rows / 30`` employers (20 % of the offers send their applications to another
address), on 12 weeks of the school year, with a realistic mix of states and dates:
about 18 % of the applications are due for expiry (sent or read 15 days ago or more,
« à l'étude » 30 days ago or more, accepted 15 days ago or more without confirmation),
about 10 % more wait for an employer's answer for 7 days or more (digest), about 1 %
wait for the pupil's confirmation for 2 days or more.  Bulk insert: ``executemany`` on
SQLite, ``COPY`` on PostgreSQL, then ANALYZE.

Measures, with the clock frozen at :data:`NOW`, the four jobs in the order the runner
calls them (``applications_expire``, ``applications_pupil_expire``,
``applications_employer_reminders``, ``applications_pupil_confirm_reminder``), each on a
session then committed: the state changes with their audit rows and mails (outbox).
Baseline: an identical copy of the data (a file copy on SQLite, ``CREATE DATABASE …
TEMPLATE`` on PostgreSQL) and, for each job, the same work in raw SQL on one DBAPI cursor,
then committed (``bench/jobs_base.py``): the audit rows and the outbox rows (mails and
SMS, the employer digests) by ``INSERT … SELECT … ON CONFLICT DO NOTHING`` from the rows
about to change, the mail bodies assembled in SQL from the app's templates, then the
``UPDATE``.  Prints rows changed, audit rows and messages of both sides, seconds and the
ratio, then compares the two outboxes message by message (the baseline's SMS keep the
whole title: it does not fit them to one segment); asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench import jobs_base  # noqa: E402
from mystage import clock, db, migrate  # noqa: E402
from mystage.jobs import applications as jobs  # noqa: E402
from mystage.models import Application, Offer, User  # noqa: E402

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = "bench_jobs"
PG_BASE_DB = "bench_jobs_base"
NOW = datetime(2027, 1, 18, 7, 0, tzinfo=UTC)  # a Monday, 8:00 in Paris
WEEKS = [date(2027, 2, 1) + timedelta(weeks=i) for i in range(12)]
DAY = 86400.0

# state, share (%), age of sent_at in days (uniform range), or None when never sent
MIX: list[tuple[str, float, tuple[float, float] | None]] = [
    ("submitted", 1, None),
    ("awaiting_school", 4, None),
    ("refused_by_school", 1, None),
    ("sent", 18, (0, 30)),
    ("read", 10, (0, 30)),
    ("under_review", 6, (0, 45)),
    ("accepted", 6, (3, 45)),
    ("confirmed", 18, (10, 90)),
    ("refused", 17, (1, 90)),
    ("cancelled_by_pupil", 4, (1, 90)),
    ("cancelled_by_employer", 1, (5, 90)),
    ("withdrawn", 5, (1, 90)),
    ("place_unavailable", 1, (5, 90)),
    ("expired", 6, (15, 120)),
    ("expired_by_pupil", 2, (20, 120)),
]
PENDING_WITH_EMPLOYER = ("sent", "read", "under_review")

JOBS = [
    ("applications_expire", jobs.applications_expire),
    ("applications_pupil_expire", jobs.applications_pupil_expire),
    ("applications_employer_reminders", jobs.applications_employer_reminders),
    ("applications_pupil_confirm_reminder", jobs.applications_pupil_confirm_reminder),
]


# --- data -----------------------------------------------------------------------------


def _ago(days: float) -> datetime:
    return NOW - timedelta(seconds=days * DAY)


def generate(rows: int, seed: int) -> dict[str, tuple[list[str], list[list]]]:
    """Rows of users, offers and applications: ``{table: (columns, rows)}``."""
    rnd = random.Random(seed)
    # 1 to 8 applications per pupil (about 4 on average; a fifth of them apply only once)
    counts: list[int] = []
    total = 0
    while total < rows:
        counts.append(rnd.choice([1, 1, 2, 3, 4, 5, 6, 8]))
        total += counts[-1]
    n_pupils = len(counts)
    n_offers = max(1, rows // 10)
    n_employers = max(1, rows // 30)

    u_cols = [c.name for c in User.__table__.columns]
    u_def = User(role="eleve", created_at=NOW).model_dump()
    users: list[list] = []
    for i in range(n_employers):
        row = dict(u_def)
        row.update(
            id=i + 1, email=f"employeur{i + 1}@bench.mystage.fr", role="employeur",
            status="active", first_name="Claire", last_name=f"Martin {i + 1}",
            created_at=_ago(400),
        )  # fmt: skip
        users.append([row[c] for c in u_cols])
    first_pupil = n_employers + 1
    for j in range(n_pupils):
        uid = first_pupil + j
        phone_only = rnd.random() < 0.10
        row = dict(u_def)
        row.update(
            id=uid,
            email=None if phone_only else f"eleve{j + 1}@bench.mystage.fr",
            phone=f"+3367{j:07d}" if phone_only or rnd.random() < 0.3 else None,
            role="eleve", status="active", first_name="Léa", last_name=f"Petit {j + 1}",
            level="3e", parental_authorization_at=_ago(200), created_at=_ago(200),
        )  # fmt: skip
        users.append([row[c] for c in u_cols])

    o_cols = [c.name for c in Offer.__table__.columns]
    o_def = Offer(title="", created_at=NOW).model_dump()
    offers: list[list] = []
    for k in range(n_offers):
        row = dict(o_def)
        row.update(
            id=k + 1, state="published", draft_step=5, school_year=2026,
            employer_name=f"Boulangerie {k + 1}", title=f"Découverte du métier n° {k + 1}",
            created_by_id=rnd.randint(1, n_employers), places_total=2, places_left=10,
            contact_email=f"rh{k + 1}@bench.mystage.fr" if rnd.random() < 0.2 else "",
            first_week=WEEKS[0], last_week=WEEKS[-1], published_at=_ago(300),
            created_at=_ago(301),
        )  # fmt: skip
        offers.append([row[c] for c in o_cols])

    a_cols = [c.name for c in Application.__table__.columns]
    a_def = Application(
        pupil_id=0, offer_id=0, week_start=WEEKS[0], created_at=NOW, motivation="x"
    ).model_dump()
    names = [m[0] for m in MIX]
    weights = [m[1] for m in MIX]
    ages = {m[0]: m[2] for m in MIX}
    apps: list[list] = []
    seen: set[tuple[int, int, date]] = set()
    states = rnd.choices(names, weights=weights, k=rows)
    owners: list[int] = []
    for j, count in enumerate(counts):
        owners += [first_pupil + j] * count
    owners = owners[:rows]
    for i in range(rows):
        pupil = owners[i]
        while True:
            key = (pupil, rnd.randint(1, n_offers), rnd.choice(WEEKS))
            if key not in seen:
                seen.add(key)
                break
        st = states[i]
        row = dict(a_def)
        span = ages[st]
        sent_age = rnd.uniform(*span) if span else rnd.uniform(0, 20)
        sent = _ago(sent_age)
        row.update(
            id=i + 1, pupil_id=pupil, offer_id=key[1], week_start=key[2], state=st,
            school_year=2026, contact_email=f"eleve{pupil}@bench.mystage.fr",
            motivation="Je voudrais découvrir ce métier et apprendre auprès de vous.",
            created_at=sent - timedelta(hours=1), submitted_at=sent - timedelta(hours=1),
            sent_at=sent if span else None, updated_at=sent,
        )  # fmt: skip
        if st in ("read", "under_review"):
            row["read_at"] = sent + timedelta(days=1)
        if st == "under_review":
            row["reviewed_at"] = sent + timedelta(days=2)
        if st in PENDING_WITH_EMPLOYER and sent_age >= 7 and rnd.random() < 0.5:
            row["employer_reminded_at"] = _ago(rnd.uniform(0, min(7, sent_age - 7)))
        if st in ("accepted", "confirmed", "withdrawn", "place_unavailable", "expired_by_pupil"):
            acc_age = min(sent_age - 1, rnd.uniform(0, 25) if st == "accepted" else sent_age)
            row["accepted_at"] = _ago(max(0.0, acc_age))
            if st == "accepted" and acc_age >= 2 and rnd.random() < 0.6:
                row["pupil_reminded_at"] = _ago(acc_age - 2)
        if st == "confirmed":
            row["confirmed_at"] = row["accepted_at"] + timedelta(days=1)
        if st in ("expired", "expired_by_pupil"):
            row["expired_at"] = sent + timedelta(days=15)
        apps.append([row[c] for c in a_cols])
    return {"users": (u_cols, users), "offers": (o_cols, offers), "applications": (a_cols, apps)}


def _sqlite_value(v):
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def insert_sqlite(url: str, data: dict) -> None:
    """executemany with the secondary indexes dropped, then created again (same schema,
    several times faster than maintaining them row by row)."""
    raw = db.engine(url).raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA cache_size = -1048576")
        tables = ", ".join(f"'{t}'" for t in data)
        indexes = cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({tables})"
        ).fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for table, (cols, rows) in data.items():
            marks = ", ".join("?" for _ in cols)
            cur.executemany(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})",
                ([_sqlite_value(v) for v in r] for r in rows),
            )
        for _name, sql in indexes:
            cur.execute(sql)
        raw.commit()
        cur.execute("ANALYZE")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.commit()
    finally:
        raw.close()


def insert_pg(url: str, data: dict) -> None:
    raw = db.engine(url).raw_connection()
    try:
        cur = raw.cursor()
        for table, (cols, rows) in data.items():
            with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r)
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        raw.commit()
        conn = raw.driver_connection
        conn.autocommit = True
        for table in data:
            conn.execute(f"VACUUM ANALYZE {table}")
        conn.autocommit = False
    finally:
        raw.close()


def _pg_admin(*statements: str) -> None:
    eng = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as conn:
            for stmt in statements:
                conn.execute(sa.text(stmt))
    finally:
        eng.dispose()


def prepare(engine: str, rows: int, seed: int, tmp: Path) -> tuple[str, str]:
    """Generate the data once; returns (app url, baseline url) on identical copies."""
    started = time.perf_counter()
    if engine == "sqlite":
        path, base = tmp / "jobs.db", tmp / "jobs_base.db"
        url, base_url = f"sqlite:///{path}", f"sqlite:///{base}"
    else:
        _pg_admin(
            f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)",
            f"DROP DATABASE IF EXISTS {PG_BASE_DB} WITH (FORCE)",
            f"CREATE DATABASE {PG_DB}",
        )
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"
        base_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_BASE_DB}"
    migrate.upgrade(url)
    data = generate(rows, seed)
    gen_s = time.perf_counter() - started
    t0 = time.perf_counter()
    (insert_sqlite if engine == "sqlite" else insert_pg)(url, data)
    insert_s = time.perf_counter() - t0
    db.dispose_all()
    if engine == "sqlite":
        shutil.copyfile(path, base)
    else:
        _pg_admin(f"CREATE DATABASE {PG_BASE_DB} TEMPLATE {PG_DB}")
    n_users = len(data["users"][1])
    print(
        f"[{engine}] {rows:,} applications, {len(data['offers'][1]):,} offers, "
        f"{n_users:,} users: generated in {gen_s:.0f} s, inserted in {insert_s:.0f} s, "
        f"ready in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return url, base_url


# --- measures -------------------------------------------------------------------------


def _counts(url: str) -> tuple[int, int]:
    with db.engine(url).connect() as conn:
        audit = conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
        outbox = conn.execute(sa.text("SELECT count(*) FROM outbox")).scalar_one()
    return audit, outbox


def run_app(url: str) -> list[tuple[str, int, float, int, int]]:
    """Each job on its own session, committed: (name, rows, seconds, audit rows, messages)."""
    out = []
    eng = db.engine(url)
    for name, fn in JOBS:
        audit0, outbox0 = _counts(url)
        with Session(eng, expire_on_commit=False) as s:
            t0 = time.perf_counter()
            n = fn(s)
            s.commit()
            secs = time.perf_counter() - t0
        audit1, outbox1 = _counts(url)
        out.append((name, n, secs, audit1 - audit0, outbox1 - outbox0))
        print(f"  {name}: {n:,} rows in {secs:.2f} s", flush=True)
    return out


def run_nudge(url: str) -> tuple[int, float]:
    """The nudge, after the batch: (messages queued, seconds)."""
    with Session(db.engine(url), expire_on_commit=False) as s:
        t0 = time.perf_counter()
        n = jobs.applications_single_nudge(s)
        s.commit()
        return n, time.perf_counter() - t0


def run_baseline(url: str) -> list[tuple[str, int, int, int, float]]:
    """The same work in raw SQL (``jobs_base``): (name, rows, audit rows, messages, s)."""
    eng = db.engine(url)
    raw = eng.raw_connection()
    try:
        return jobs_base.run(raw, eng.dialect.name, NOW, log=lambda m: print(m, flush=True))
    finally:
        raw.close()


def compare_outboxes(url: str, base_url: str) -> dict[str, int]:
    rows = []
    for u in (url, base_url):
        raw = db.engine(u).raw_connection()
        try:
            rows.append(jobs_base.outbox_rows(raw))
        finally:
            raw.close()
    return jobs_base.compare(*rows)


def main() -> None:
    global PG_DB, PG_BASE_DB
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="applications to generate")
    ap.add_argument("--engines", default="sqlite,postgresql", help="sqlite,postgresql")
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--keep", action="store_true", help="keep the generated databases")
    ap.add_argument("--pg-db", default=PG_DB, help=f"PostgreSQL database (default {PG_DB}; "
                    "the baseline's gets the suffix _base)")  # fmt: skip
    args = ap.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - {"sqlite", "postgresql"}
    if unknown:
        ap.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    PG_DB, PG_BASE_DB = args.pg_db, f"{args.pg_db}_base"

    clock.freeze(NOW)
    tmp = Path(tempfile.mkdtemp(prefix="mystage-bench-jobs-"))
    table = []
    extra = []
    checks = []
    try:
        for engine in engines:
            url, base_url = prepare(engine, args.rows, args.seed, tmp)
            app = run_app(url)
            base = run_baseline(base_url)
            checks.append((engine, compare_outboxes(url, base_url)))
            for (name, n, secs, audit, mails), b in zip(app, base, strict=True):
                table.append((engine, name, n, audit, mails, secs, *b[1:]))
            extra.append((engine, *run_nudge(url)))
            db.dispose_all()
            if engine == "postgresql" and not args.keep:
                _pg_admin(
                    f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)",
                    f"DROP DATABASE IF EXISTS {PG_BASE_DB} WITH (FORCE)",
                )
    finally:
        db.dispose_all()
        if args.keep:
            print(f"SQLite files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report(args.rows, table, checks, extra)


def report(rows: int, table: list, checks: list, extra: list) -> None:
    print()
    print(
        f"{rows:,} applications, clock at {NOW:%Y-%m-%d %H:%M} UTC (app: the job on a "
        "session, committed; baseline: the same rows, audit rows and messages in raw SQL)"
    )
    head = (
        f"{'db':<11}{'job':<37}{'rows':>9}{'audit':>9}{'mails':>9}{'app s':>8}"
        f"{'base rows':>10}{'audit':>9}{'mails':>9}{'base s':>8}{'ratio':>7}"
    )
    print(head)
    print("-" * len(head))
    totals: dict[str, list[float]] = {}
    for engine, name, n, audit, mails, secs, bn, baudit, bmails, bsecs in table:
        ratio = secs / bsecs if bsecs else float("nan")
        print(
            f"{engine:<11}{name:<37}{n:>9,}{audit:>9,}{mails:>9,}{secs:>8.2f}"
            f"{bn:>10,}{baudit:>9,}{bmails:>9,}{bsecs:>8.2f}{ratio:>7.2f}"
        )
        t = totals.setdefault(engine, [0.0, 0.0])
        t[0] += secs
        t[1] += bsecs
    for engine, (secs, bsecs) in totals.items():
        ratio = secs / bsecs if bsecs else float("nan")
        print(
            f"{engine:<11}{'whole batch':<37}{'':>27}{secs:>8.2f}{'':>28}{bsecs:>8.2f}{ratio:>7.2f}"
        )
    print()
    print("Outbox, app against baseline (messages of one side only; of the same key: other")
    print("recipient/template/subject/URL, other mail body, other SMS body — the baseline's")
    print("SMS keep the whole title):")
    for engine, c in checks:
        print(f"{engine:<11}" + ", ".join(f"{k} {v:,}" for k, v in c.items()))
    print()
    print("Not in the batch (no baseline): the nudge to pupils with a single application")
    for engine, mails, secs in extra:
        print(f"{engine:<11}{'applications_single_nudge':<37}{'':>18}{mails:>9,}{secs:>8.2f}")


if __name__ == "__main__":
    main()

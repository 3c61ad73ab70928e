"""« Exporter » at scale: the applications file (every column) against a bare baseline.

Usage::

    .venv/bin/python bench/exports.py                                # 100k and 1M, both engines
    .venv/bin/python bench/exports.py --rows 100000 --engine sqlite
    .venv/bin/python bench/exports.py --keep --repeat 2              # reuse data, 2 runs a side

Data (:func:`generate`, also used by ``bench/dashboard.py``): a fresh SQLite file
(``var/bench/exports.db``) or PostgreSQL database ``bench_exports`` (127.0.0.1, user
postgres), migrated and loaded with the embedded reference data (communes, 7,600 collèges
with their REP/REP+/QPV flags, sectors).  Each size gets its own school year, so one
database holds every size and an export of that year reads exactly that many rows: about
15 applications per offer (1–4 weeks each, spread over real communes weighted by
population), 3.75 per pupil (pupils in real collèges, at most two confirmed internships),
4 offers per host structure (entreprises, associations, administrations), one school
référent account per collège so EMAIL_REFERENT finds a name, realistic states and
timestamps.  Bulk load: ``executemany`` on SQLite, text ``COPY`` on PostgreSQL, then
ANALYZE.

Measures, each in a child process: wall time and CPU time (user + system, less
sensitive to a busy machine) from the first query to the closed file, and the child's
peak resident memory (``VmHWM``, interpreter and imports included); with ``--repeat`` the
two sides alternate and the fastest run of each is kept:

- ``app``: the real background path — ``services.exports.claim_next`` + ``run_job`` of
  an ``ExportJob`` « applications » asked by an admin (national scope, every column):
  the scoped SQL query streamed with ``yield_per`` (server-side cursor on PostgreSQL),
  labels, ages, Paris times, typed cells with date formats, header style, frozen row,
  autofilter, progress written to ``export_jobs`` every 5,000 rows, the link and its mail;
- ``baseline``: the same SQL text on a raw DBAPI cursor (``fetchmany``; a named cursor on
  PostgreSQL) written with ``worksheet.write_row`` into a ``constant_memory`` xlsxwriter
  workbook — no labels, no formats, nothing else.

Targets (issue): app within 1.3× the baseline's time, peak memory under 500 MB at 1M rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DIR = ROOT / "var" / "bench"
SQLITE_PATH = BENCH_DIR / "exports.db"
PG_DB = "bench_exports"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"
NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)

FIRST_NAMES = (
    "Léa Emma Jade Louise Alice Chloé Lina Mila Inès Ambre Lucas Hugo Gabriel Louis Arthur "
    "Jules Adam Raphaël Nathan Mohamed Yanis Sacha Noé Aya Sarah Camille Maël Ibrahim Nour Rose"
).split()
LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier "
    "Dupont Lambert Bonnet François Martinez Diallo Traoré Nguyen Benali Haddad Da Silva"
).split()
JOBS = [
    "boulanger", "mécanicien", "infirmier", "architecte", "cuisinier", "libraire",
    "développeur informatique", "vétérinaire", "électricien", "journaliste", "pompier",
    "pharmacien", "paysagiste", "comptable", "fleuriste", "menuisier",
]  # fmt: skip
# (state, weight, set accepted_at?)
STATES = [
    ("sent", 14, False),
    ("read", 9, False),
    ("under_review", 5, False),
    ("accepted", 3, True),
    ("confirmed", 12, True),
    ("refused", 25, False),
    ("expired", 12, False),
    ("withdrawn", 8, False),
    ("cancelled_by_pupil", 4, False),
    ("place_unavailable", 4, False),
    ("awaiting_school", 2, False),
    ("refused_by_school", 1, False),
    ("cancelled_by_employer", 1, False),
]


# --- bulk rows ------------------------------------------------------------------------------


def _sqlite_value(v):
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def _pg_text(v) -> str:
    if v is None:
        return "\\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, str):
        return v.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")
    return str(v)


class Bulk:
    """Rows of one table from a template of its defaults: only the ``variable`` columns
    are converted per row (bulk load of millions of rows in seconds)."""

    def __init__(self, dialect: str, model, fixed: dict, variable: list[str]):
        self.dialect = dialect
        self.table = model.__table__.name
        self.columns = [c.name for c in model.__table__.columns]
        defaults = {**model.model_construct().model_dump(), **fixed}
        for c in model.__table__.columns:  # NOT NULL text without a Python default
            if defaults.get(c.name) is None and not c.nullable and c.name not in variable:
                defaults[c.name] = ""
        conv = _pg_text if dialect == "postgresql" else _sqlite_value
        self.conv = conv
        self.template = [conv(defaults.get(c)) for c in self.columns]
        self.index = [self.columns.index(v) for v in variable]
        self.rows: list = []

    def add(self, *values) -> None:
        row = self.template[:]
        conv = self.conv
        for i, v in zip(self.index, values, strict=True):
            row[i] = conv(v)
        self.rows.append("\t".join(row) + "\n" if self.dialect == "postgresql" else row)

    def flush(self, raw) -> int:
        n = len(self.rows)
        if not n:
            return 0
        cur = raw.cursor()
        cols = ", ".join(self.columns)
        if self.dialect == "postgresql":
            with cur.copy(f"COPY {self.table} ({cols}) FROM STDIN") as cp:
                for i in range(0, n, 5000):
                    cp.write("".join(self.rows[i : i + 5000]))
        else:
            marks = ", ".join("?" for _ in self.columns)
            cur.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", self.rows)
        self.rows = []
        return n


# --- data generation ------------------------------------------------------------------------


def engine_url(kind: str, pg_db: str = PG_DB) -> str:
    return f"sqlite:///{SQLITE_PATH}" if kind == "sqlite" else PG_BASE + pg_db


def reset(kind: str, pg_db: str = PG_DB) -> None:
    from mystage import db

    db.dispose_all()
    if kind == "sqlite":
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    else:
        common = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["dropdb", *common, "--if-exists", "--force", pg_db], check=True)
        subprocess.run(["createdb", *common, pg_db], check=True)


def counts_by_year(url: str) -> dict[int, int]:
    import sqlalchemy as sa

    from mystage import db

    try:
        with db.engine(url).connect() as conn:
            rows = conn.execute(
                sa.text("SELECT school_year, count(*) FROM applications GROUP BY school_year")
            ).all()
        return {int(y): int(n) for y, n in rows}
    except Exception:  # noqa: BLE001  (no database yet)
        return {}


def generate(url: str, plan: list[tuple[int, int, int]], seed: int = 7) -> dict:
    """Insert, for each ``(school_year, applications, offers)`` of ``plan``, the offers
    (+ weeks, structures), the pupils (one per 3.75 applications on average) and the
    applications into the migrated database."""
    import sqlalchemy as sa

    from mystage import db
    from mystage.models import Application, Offer, OfferWeek, Structure, User
    from mystage.services import weeks

    rnd = random.Random(seed)
    eng = db.engine(url)
    dialect = eng.dialect.name
    with eng.connect() as conn:
        communes = conn.execute(
            sa.text(
                "SELECT insee_code, min(name), min(postal_code), min(department_code), "
                "min(latitude), min(longitude), max(population) FROM communes "
                "WHERE latitude IS NOT NULL AND type != 'arrondissement' GROUP BY insee_code "
                "ORDER BY insee_code"
            )
        ).all()
        academies = dict(conn.execute(sa.text("SELECT code, academy FROM departments")).all())
        sectors = [r[0] for r in conn.execute(sa.text("SELECT id FROM sectors ORDER BY id"))]
        schools = conn.execute(sa.text("SELECT id, uai FROM schools ORDER BY id")).all()
        start_ids = {
            t: int(conn.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {t}")).scalar())
            for t in ("users", "offers", "structures", "offer_weeks", "applications")
        }
    weights = [max(1, c[6] or 0) for c in communes]
    states = [s for s, w, _ in STATES for _ in range(w)]
    accepted_states = {s for s, _, acc in STATES if acc}

    st_bulk = Bulk(dialect, Structure, {"validation_status": "validated", "created_at": NOW},
                   ["id", "name", "status", "is_public", "department_code"])  # fmt: skip
    off_bulk = Bulk(
        dialect,
        Offer,
        {"draft_step": 5, "level_3e": True, "created_at": NOW, "updated_at": NOW},
        [
            "id", "state", "structure_id", "school_year", "employer_name", "is_public",
            "postal_code", "city", "insee_code", "department_code", "academy", "latitude",
            "longitude", "title", "description", "sector_id", "places_total", "places_left",
            "first_week", "last_week", "tutor_name", "tutor_phone", "contact_email",
            "published_at",
        ],
    )  # fmt: skip
    wk_bulk = Bulk(dialect, OfferWeek, {}, ["id", "offer_id", "week_start", "places"])
    user_bulk = Bulk(
        dialect,
        User,
        {"status": "active", "created_at": NOW, "activated_at": NOW},
        ["id", "email", "role", "first_name", "last_name", "birth_date", "gender",
         "school_id", "level"],
    )  # fmt: skip
    app_bulk = Bulk(
        dialect,
        Application,
        {"motivation": "Je voudrais découvrir ce métier et apprendre auprès de vous."},
        [
            "id", "pupil_id", "offer_id", "week_start", "state", "school_id", "school_year",
            "contact_phone", "contact_email", "referent_email", "created_at", "submitted_at",
            "sent_at", "accepted_at", "confirmed_at", "updated_at",
        ],
    )  # fmt: skip

    ids = dict(start_ids)
    raw = eng.raw_connection()
    totals = {"structures": 0, "offers": 0, "weeks": 0, "users": 0, "applications": 0}
    started = time.perf_counter()
    try:
        if dialect == "sqlite":
            raw.cursor().execute("PRAGMA cache_size = -1048576")
        # One référent account per collège (EMAIL_REFERENT → name), once.
        referent_of = {}
        if start_ids["users"] == 0:
            for sid, uai in schools:
                ids["users"] += 1
                email = f"ce.{uai.lower()}@ac-bench.fr"
                referent_of[sid] = email
                user_bulk.add(ids["users"], email, "referent_etablissement",
                              rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES), None, "", sid, "")  # fmt: skip
            totals["users"] += user_bulk.flush(raw)
        else:
            referent_of = {sid: f"ce.{uai.lower()}@ac-bench.fr" for sid, uai in schools}
        for year, n_apps, n_offers in plan:
            year_weeks = [m for m in weeks.weeks_of_school_year(year) if m.month != 6]
            n_struct = max(1, n_offers // 4)
            first_struct = ids["structures"] + 1
            for _ in range(n_struct):
                ids["structures"] += 1
                r = rnd.random()
                status, public = (
                    ("association", False) if r < 0.15
                    else ("administration", True) if r < 0.3
                    else ("entreprise", False)
                )  # fmt: skip
                st_bulk.add(ids["structures"], f"Structure {ids['structures']}", status,
                            public, "")  # fmt: skip
            totals["structures"] += st_bulk.flush(raw)
            chosen = rnd.choices(communes, weights=weights, k=n_offers)
            offer_weeks: list[tuple[int, list[date]]] = []
            for i in range(n_offers):
                ids["offers"] += 1
                oid = ids["offers"]
                insee, city, postal, dept, lat, lon, _pop = chosen[i]
                r = rnd.random()
                state = (
                    "published" if r < 0.85 else "full" if r < 0.90 else "draft" if r < 0.93
                    else "unpublished" if r < 0.96 else "removed" if r < 0.98 else "past"
                )  # fmt: skip
                mondays = sorted(rnd.sample(year_weeks, rnd.randint(1, 4)))
                places = rnd.randint(1, 4)
                for m in mondays:
                    ids["offer_weeks"] += 1
                    wk_bulk.add(ids["offer_weeks"], oid, m, places)
                struct = rnd.randint(first_struct, ids["structures"])
                job = rnd.choice(JOBS)
                off_bulk.add(
                    oid, state, struct, year, f"Entreprise {struct}", rnd.random() < 0.15,
                    postal, city, insee, dept, academies.get(dept, ""),
                    lat + rnd.gauss(0, 0.01), lon + rnd.gauss(0, 0.01),
                    f"Découverte du métier de {job}", f"Une semaine avec un {job}.",
                    rnd.choice(sectors), places, places * len(mondays), mondays[0], mondays[-1],
                    rnd.choice(LAST_NAMES), "0240991544", f"contact{struct}@entreprise.fr",
                    None if state == "draft" else NOW - timedelta(days=rnd.randint(1, 60)),
                )  # fmt: skip
                if state != "draft":
                    offer_weeks.append((oid, mondays))
                if len(off_bulk.rows) >= 50_000:
                    totals["offers"] += off_bulk.flush(raw)
                    totals["weeks"] += wk_bulk.flush(raw)
            totals["offers"] += off_bulk.flush(raw)
            totals["weeks"] += wk_bulk.flush(raw)

            # Pupils and their applications (3.75 each on average; at most 2 confirmed).
            made = 0
            while made < n_apps:
                ids["users"] += 1
                pupil = ids["users"]
                sid = rnd.choice(schools)[0]
                user_bulk.add(
                    pupil, f"eleve{pupil}@bench.mystage.fr", "eleve",
                    rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES),
                    date(2011 + rnd.randint(0, 2), rnd.randint(1, 12), rnd.randint(1, 28)),
                    rnd.choice(("f", "m", "f", "m", "np")), sid,
                    "3e" if rnd.random() < 0.9 else rnd.choice(("4e", "3e_segpa", "2de_gt")),
                )  # fmt: skip
                k = min(n_apps - made, rnd.choice((1, 2, 3, 4, 4, 5, 6, 5)))
                confirmed = 0
                for oid, mondays in rnd.sample(offer_weeks, k):
                    state = rnd.choice(states)
                    if state == "confirmed":
                        confirmed += 1
                        if confirmed > 2:
                            state = "withdrawn"
                    ids["applications"] += 1
                    created = NOW - timedelta(minutes=rnd.randint(60, 60 * 24 * 30))
                    sent = None if state in ("awaiting_school", "refused_by_school") else created
                    accepted = created + timedelta(days=2) if state in accepted_states else None
                    app_bulk.add(
                        ids["applications"], pupil, oid, rnd.choice(mondays), state, sid, year,
                        "0612345678", f"eleve{pupil}@bench.mystage.fr", referent_of.get(sid, ""),
                        created, created, sent, accepted,
                        accepted + timedelta(days=1) if state == "confirmed" else None,
                        created + timedelta(days=3),
                    )  # fmt: skip
                made += k
                if len(app_bulk.rows) >= 100_000:
                    totals["users"] += user_bulk.flush(raw)
                    totals["applications"] += app_bulk.flush(raw)
            totals["users"] += user_bulk.flush(raw)
            totals["applications"] += app_bulk.flush(raw)
        raw.commit()
        cur = raw.cursor()
        if dialect == "postgresql":
            for table in ("users", "offers", "structures", "offer_weeks", "applications"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            raw.commit()
            conn = raw.driver_connection
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE")
            conn.autocommit = False
        else:
            cur.execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()
    totals["seconds"] = round(time.perf_counter() - started, 1)
    return totals


def prepare_db(kind: str, plan: list[tuple[int, int, int]], keep: bool,
               pg_db: str = PG_DB) -> str:  # fmt: skip
    """A database holding ``plan`` (generated again unless ``keep`` finds it)."""
    from mystage import migrate
    from mystage.data.loader import import_reference

    url = engine_url(kind, pg_db)
    want = {year: n for year, n, _ in plan}
    if keep and counts_by_year(url) == want:
        print(f"[{kind}] reusing the generated data: {want}")
        return url
    started = time.perf_counter()
    reset(kind, pg_db)
    migrate.upgrade(url)
    import_reference(url)
    info = generate(url, plan)
    print(
        f"[{kind}] generated {info['applications']:,} applications, {info['offers']:,} offers, "
        f"{info['weeks']:,} weeks, {info['users']:,} users in "
        f"{time.perf_counter() - started:.0f} s (bulk load {info['seconds']:.0f} s)"
    )
    return url


# --- the measures (each in a child process) --------------------------------------------------


def _admin_id(url: str) -> int:
    """The admin who asks for the national export (created once)."""
    from sqlmodel import Session, select

    from mystage import db
    from mystage.models import User

    with Session(db.engine(url)) as s:
        user = s.exec(select(User).where(User.email == "admin@bench.mystage.fr")).first()
        if user is None:
            user = User(email="admin@bench.mystage.fr", role="admin", status="active",
                        first_name="Ada", last_name="Admin", created_at=NOW)  # fmt: skip
            s.add(user)
            s.commit()
        return int(user.id)


def child_app(url: str, year: int, out_dir: str) -> dict:
    """The real background export: an ExportJob claimed and run by services.exports."""
    from mystage import db
    from mystage.models import ExportJob, User
    from mystage.services import exports
    from mystage.settings import get_settings

    admin = _admin_id(url)
    with db.session() as s:
        user = s.get(User, admin)
        prepared, _ = exports.prepare(s, user, "applications", {"school_year": str(year)})
        job = ExportJob(user_id=admin, kind="applications", status="queued",
                        params=json.dumps(prepared.params), created_at=NOW)  # fmt: skip
        s.add(job)
        s.commit()
        started, cpu0 = time.perf_counter(), _cpu()
        claimed = exports.claim_next(s)
        ok = exports.run_job(s, claimed)
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu0
        s.refresh(claimed)
        path = get_settings().private_dir / claimed.file_path
        rows = claimed.progress
    return {"ok": ok, "rows": rows, "seconds": seconds, "cpu": cpu, "bytes": path.stat().st_size}


def child_baseline(url: str, year: int, out_dir: str) -> dict:
    """The same SQL, raw DBAPI cursor → write_row in a constant_memory workbook."""
    import xlsxwriter

    from mystage import db
    from mystage.models import User
    from mystage.services import exports

    admin = _admin_id(url)
    eng = db.engine(url)
    with db.session() as s:
        prepared, _ = exports.prepare(
            s, s.get(User, admin), "applications", {"school_year": str(year)}
        )
        sql = str(prepared.stmt.compile(eng, compile_kwargs={"literal_binds": True}))
    path = Path(out_dir) / f"baseline-{year}.xlsx"
    raw = eng.raw_connection()
    started, cpu0 = time.perf_counter(), _cpu()
    try:
        if eng.dialect.name == "postgresql":
            cur = raw.driver_connection.cursor(name="baseline")  # server-side cursor
            cur.itersize = 2000
        else:
            cur = raw.cursor()
        cur.execute(sql)
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "remove_timezone": True})
        ws = wb.add_worksheet("Candidatures")
        r = 0
        while True:
            batch = cur.fetchmany(2000)
            if not batch:
                break
            for row in batch:
                r += 1
                ws.write_row(r, 0, row)
        wb.close()
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu0
    finally:
        raw.close()
    return {"ok": True, "rows": r, "seconds": seconds, "cpu": cpu, "bytes": path.stat().st_size}


def _cpu() -> float:
    """CPU seconds of this process (user + system): less sensitive than wall time to the
    other processes of a shared machine (the SQLite engine runs in-process and counts)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """Peak resident memory of this process image (``VmHWM``).  Not ``ru_maxrss``: on Linux
    it survives fork + exec, so a child would report its parent's peak (the generator's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(which: str, url: str, year: int) -> dict:
    out_dir = BENCH_DIR / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PRIVATE_DIR": str(BENCH_DIR / "private"),
        "JOBS_IN_PROCESS": "0",
    }
    res = subprocess.run(
        [sys.executable, __file__, "--child", which, url, str(year), str(out_dir)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if res.returncode != 0:
        raise RuntimeError(f"{which} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--keep", action="store_true", help="reuse the generated databases")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side (the fastest kept)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        which, url, year, out_dir = args.child
        fn = child_app if which == "app" else child_baseline
        result = fn(url, int(year), out_dir)
        result["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return

    sizes = sorted(set(args.rows))
    # One school year per size: the largest is 2026-2027, then 2025, 2024…
    plan = [(2026 - i, n, max(50, n // 15)) for i, n in enumerate(sorted(sizes, reverse=True))]
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    table = []
    for kind in engines:
        url = prepare_db(kind, plan, args.keep)
        for year, n, _ in sorted(plan, key=lambda p: p[1]):
            runs: dict[str, list[dict]] = {"app": [], "baseline": []}
            for i in range(args.repeat):  # alternate the order: the machine's load drifts
                for which in ("baseline", "app") if i % 2 == 0 else ("app", "baseline"):
                    runs[which].append(run_child(which, url, year))
            app = {k: min(r[k] for r in runs["app"]) for k in runs["app"][0]}
            base = {k: min(r[k] for r in runs["baseline"]) for k in runs["baseline"][0]}
            table.append((kind, n, app, base))
            print(
                f"[{kind}] {n:>9,} rows  app {app['seconds']:7.1f} s (cpu {app['cpu']:6.1f} s) "
                f"{app['peak_rss_mb']:5.0f} MB | baseline {base['seconds']:7.1f} s "
                f"(cpu {base['cpu']:6.1f} s) {base['peak_rss_mb']:5.0f} MB "
                f"| ratio {app['seconds'] / base['seconds']:.2f} (cpu {app['cpu'] / base['cpu']:.2f})",
                flush=True,
            )
    print()
    print("| engine | rows | app time (CPU) | app peak RSS | baseline time (CPU) | baseline peak RSS "
          "| ratio wall (CPU) | file app / baseline |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, n, app, base in table:
        print(
            f"| {kind} | {n:,} | {app['seconds']:.0f} s ({app['cpu']:.0f} s) "
            f"| {app['peak_rss_mb']:.0f} MB | {base['seconds']:.0f} s ({base['cpu']:.0f} s) "
            f"| {base['peak_rss_mb']:.0f} MB | {app['seconds'] / base['seconds']:.2f} "
            f"({app['cpu'] / base['cpu']:.2f}) | {app['bytes'] / 1e6:.0f} / {base['bytes'] / 1e6:.0f} MB |"
        )


if __name__ == "__main__":
    main()

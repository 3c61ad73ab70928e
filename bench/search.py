"""Offer search at national scale: ``services.search`` against hand-written SQL.

Usage::

    .venv/bin/python bench/search.py                       # 200,000 offers, SQLite and PostgreSQL
    .venv/bin/python bench/search.py --offers 20000 --db sqlite
    .venv/bin/python bench/search.py --keep                # reuse the generated databases

Data: a fresh SQLite file (``var/bench/search.db``) and a fresh PostgreSQL database
``bench_search`` (``createdb -h 127.0.0.1 -U postgres``), migrated with
``mystage.migrate.upgrade`` and loaded with the embedded reference data.  Offers are spread
over real communes weighted by population (street-level jitter around the centroid),
about 4 offers per host structure, 1–4 weeks of the school year each (5 % all year), 43
sectors, 1–4 places, titles and descriptions from templates (about 130 trades, so one
trade keyword matches about 1 % of offers and a sector word a few %), realistic states
(drafts, full, unpublished, removed…), application windows, reservations and
accessibility flags.  Bulk insert: ``executemany`` on SQLite, ``COPY`` on PostgreSQL,
then ANALYZE.

Queries (N random parameter sets per type, the same sets for both sides):

- ``kw+60km+weeks+sector``: keyword, a commune (weighted by population), 60 km, 1–2
  weeks, the keyword's sector (or another one) — mostly no result: suggestions;
- ``city``: a commune only (default radius 20 km);
- ``keyword``: a keyword only (one of them matches nothing: suggestions);
- ``national``: no criteria (the newest offers of France);
- ``pupil: 60km+weeks+level``: a logged-in pupil's default search (60 km around the
  school, its weeks, level 3e);
- ``weeks+level (France)``: the same for a school whose pupils search all of France.

``app`` is ``services.search.search`` in a fresh ORM session (geocoding of the commune
name, page query and total, suggestions when nothing matches, mapping to dicts);
``baseline`` the same answer written by hand as raw SQL on one DBAPI cursor, with the
same query strategy and indexes but none of the app's layers (the center given as
coordinates).  Prints p50 / p95 in ms; asserts nothing.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from mystage import clock, db, migrate  # noqa: E402
from mystage.data.loader import import_reference  # noqa: E402
from mystage.models import Offer, Structure  # noqa: E402
from mystage.services import geo, search, weeks  # noqa: E402
from mystage.services.text import STOP_WORDS, fold, stem  # noqa: E402

SQLITE_PATH = ROOT / "var" / "bench" / "search.db"
PG_DB = __import__("os").environ.get("BENCH_PG_DB", "bench_search")  # one per worktree
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"
TODAY = date(2026, 10, 5)  # the clock is frozen here: weeks of 2026-2027 are to come
NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)

# --- text templates ------------------------------------------------------------------

TRADES: dict[str, list[str]] = {
    "Agriculture": ["agriculteur", "maraîcher", "viticulteur", "éleveur"],
    "Agroéquipement": ["mécanicien agricole", "technicien agroéquipement"],
    "Architecture, urbanisme et paysage": ["architecte", "paysagiste", "urbaniste"],
    "Armée - Défense": ["militaire", "gendarme", "marin"],
    "Art et design": ["graphiste", "designer", "illustrateur"],
    "Artisanat d'art": ["ébéniste", "luthier", "céramiste"],
    "Arts du spectacle": ["comédien", "régisseur", "musicien"],
    "Audiovisuel": ["monteur vidéo", "cadreur", "ingénieur du son"],
    "Automobile": ["mécanicien automobile", "carrossier", "vendeur automobile"],
    "Banque et assurance": ["conseiller bancaire", "assureur", "chargé de clientèle"],
    "Bâtiment et travaux publics (BTP)": ["maçon", "électricien", "plombier", "charpentier"],
    "Commerce et distribution": ["vendeur", "caissier", "fleuriste", "libraire"],
    "Communication": ["chargé de communication", "community manager"],
    "Comptabilité, gestion, ressources humaines": ["comptable", "gestionnaire de paie"],
    "Construction aéronautique, ferroviaire et navale": ["chaudronnier", "soudeur"],
    "Culture et patrimoine": ["guide conférencier", "bibliothécaire", "archiviste"],
    "Droit et justice": ["avocat", "notaire", "greffier"],
    "Édition, librairie, bibliothèque": ["éditeur", "correcteur"],
    "Électronique": ["électronicien", "technicien de maintenance électronique"],
    "Énergie": ["technicien éolien", "électricien réseau"],
    "Enseignement": ["professeur des écoles", "éducateur"],
    "Environnement": ["agent d'entretien des espaces naturels", "technicien de l'eau"],
    "Filière bois": ["menuisier", "bûcheron", "charpentier bois"],
    "Hôtellerie, restauration": ["cuisinier", "serveur", "réceptionniste", "pâtissier"],
    "Industrie alimentaire": ["boulanger", "boucher", "fromager", "chocolatier"],
    "Industrie chimique": ["technicien de laboratoire", "chimiste"],
    "Informatique et réseaux": ["développeur informatique", "technicien réseau"],
    "Jeu vidéo": ["game designer", "développeur de jeux vidéo"],
    "Logistique et transport": ["cariste", "logisticien", "chauffeur livreur"],
    "Maintenance": ["technicien de maintenance", "agent de maintenance"],
    "Marketing, publicité": ["chef de produit", "chargé de marketing"],
    "Mécanique": ["mécanicien", "tourneur fraiseur"],
    "Médical": ["médecin", "pharmacien", "dentiste", "vétérinaire"],
    "Métiers d'art": ["bijoutier", "doreur", "vitrailliste"],
    "Mode": ["couturier", "styliste", "retoucheur"],
    "Paramédical": ["infirmier", "kinésithérapeute", "aide-soignant", "opticien"],
    "Recherche": ["chercheur", "ingénieur de recherche"],
    "Sécurité": ["pompier", "agent de sécurité", "policier"],
    "Social": ["assistant social", "animateur", "éducateur spécialisé"],
    "Sport": ["éducateur sportif", "moniteur de ski", "entraîneur"],
    "Tourisme": ["agent de voyages", "animateur touristique"],
    "Traduction, interprétation": ["traducteur", "interprète"],
    "Verre, béton, céramique": ["verrier", "souffleur de verre"],
}
EMPLOYER_KINDS = [
    "Atelier",
    "Cabinet",
    "Société",
    "Entreprise",
    "Maison",
    "Agence",
    "Établissements",
    "Groupe",
]
SURNAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre "
    "Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc "
    "Guerin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez"
).split()
TITLES = [
    "Découverte du métier de {job}",
    "Stage d'observation : {job}",
    "{Job} – une semaine d'immersion",
    "Observer le quotidien d'un {job}",
    "{Job} au sein de notre équipe",
]
SENTENCES = [
    "Vous suivrez votre tuteur dans ses missions quotidiennes.",
    "Accueil, présentation de la structure et de ses métiers, puis observation sur le terrain.",
    "Vous découvrirez les différents services et rencontrerez les équipes.",
    "Une semaine pour comprendre notre activité et poser toutes vos questions.",
    "Tenue correcte exigée ; horaires adaptés aux collégiens.",
    "Vous participerez à des tâches simples encadrées par un professionnel.",
]

KEYWORDS = [
    "boulanger",
    "mécanicien",
    "informatique",
    "vétérinaire",
    "infirmier",
    "cuisinier",
    "avocat",
    "pompier",
    "banque",
    "électricien",
    "architecte",
    "coiffure",  # not a trade of the templates: empty result and suggestions
    "vente",
    "commerce",
    "graphiste",
    "pâtissier",
]


# --- data generation ------------------------------------------------------------------


def _sqlite_url() -> str:
    return f"sqlite:///{SQLITE_PATH}"


def _reset(kind: str) -> None:
    if kind == "sqlite":
        db.dispose_all()
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    else:
        db.dispose_all()
        common = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["dropdb", *common, "--if-exists", "--force", PG_DB], check=True)
        subprocess.run(["createdb", *common, PG_DB], check=True)


def _offer_count(url: str) -> int:
    try:
        with db.engine(url).connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM offers")).scalar_one()
    except Exception:  # noqa: BLE001  (no database yet)
        return -1


class Memo:
    """``index_tokens`` (every word and its stem) with a memo of stems (same result, 200k
    offers in seconds)."""

    def __init__(self) -> None:
        self.stems: dict[str, str] = {}

    def tokens(self, text: str) -> str:
        out: list[str] = []
        seen: set[str] = set()
        for word in fold(text).split():
            if word in STOP_WORDS:
                continue
            token = self.stems.get(word)
            if token is None:
                token = self.stems[word] = stem(word)
            for tok in (word, token):
                if tok and tok not in seen:
                    seen.add(tok)
                    out.append(tok)
        return " ".join(out)


def generate(url: str, n: int, seed: int) -> dict:
    """Insert ``n`` offers (+ weeks, reserved schools) into the migrated database ``url``."""
    rnd = random.Random(seed)
    eng = db.engine(url)
    with eng.connect() as conn:
        communes = conn.execute(
            sa.text(
                "SELECT insee_code, min(name), min(postal_code), min(department_code), "
                "min(latitude), min(longitude), max(population) FROM communes "
                "WHERE latitude IS NOT NULL AND type != 'arrondissement' GROUP BY insee_code "
                "ORDER BY insee_code"
            )
        ).all()
        sectors = dict(conn.execute(sa.text("SELECT name, id FROM sectors")).all())
        school_ids = [r[0] for r in conn.execute(sa.text("SELECT id FROM schools ORDER BY id"))]
    weights = [max(1, c[6] or 0) for c in communes]
    trades = [(job, name) for name, jobs in TRADES.items() for job in jobs]
    year_weeks = [m for m in weeks.weeks_of_school_year(2026) if m > TODAY]
    memo = Memo()
    defaults = Offer(title="", created_at=NOW).model_dump()
    columns = [c.name for c in Offer.__table__.columns]

    n_structures = max(1, n // 4)  # about 4 offers per host structure
    s_defaults = Structure(name="", created_at=NOW).model_dump()
    s_columns = [c.name for c in Structure.__table__.columns]
    structures = [
        {**s_defaults, "id": j + 1, "name": f"Structure {j + 1}", "created_at": NOW}
        for j in range(n_structures)
    ]
    chosen = rnd.choices(communes, weights=weights, k=n)
    offers: list[dict] = []
    week_rows: list[tuple] = []
    school_rows: list[tuple] = []
    for i in range(n):
        oid = i + 1
        insee, city, postal, dept, lat, lon, _pop = chosen[i]
        if rnd.random() < 0.6:  # street-level address: a few km around the centroid
            lat += rnd.gauss(0, 0.015)
            lon += rnd.gauss(0, 0.02)
        job, sector_name = rnd.choice(trades)
        sector_id = sectors.get(sector_name)
        title = rnd.choice(TITLES).format(job=job, Job=job[:1].upper() + job[1:])
        employer = f"{rnd.choice(EMPLOYER_KINDS)} {rnd.choice(SURNAMES)}"
        description = " ".join(rnd.sample(SENTENCES, 2)) + f" Secteur : {sector_name.lower()}."
        r = rnd.random()
        state = (
            "published"
            if r < 0.85
            else "full"
            if r < 0.90
            else "draft"
            if r < 0.94
            else "unpublished"
            if r < 0.97
            else "removed"
            if r < 0.99
            else "past"
        )
        all_year = rnd.random() < 0.05
        mondays = year_weeks if all_year else sorted(rnd.sample(year_weeks, rnd.randint(1, 4)))
        per_week = rnd.randint(1, 4)
        left = 0
        for m in mondays:
            taken = (
                per_week if state == "full" else (rnd.randint(0, per_week) * (rnd.random() < 0.1))
            )
            left += per_week - taken
            week_rows.append((oid, m, per_week, taken))
        w = rnd.random()
        start = end = None
        if w < 0.15:
            start, end = TODAY - timedelta(days=30), TODAY + timedelta(days=60)
        elif w < 0.20:
            end = TODAY - timedelta(days=rnd.randint(1, 20))  # closed
        elif w < 0.23:
            start = TODAY + timedelta(days=rnd.randint(1, 20))  # not open yet
        reserved_schools = rnd.random() < 0.01
        if reserved_schools:
            for sid in rnd.sample(school_ids, rnd.randint(1, 3)):
                school_rows.append((oid, sid))
        handicaps = {k: rnd.random() < 0.08 for k in ("visual", "motor", "mental", "hearing")}
        published_at = NOW - timedelta(minutes=rnd.randint(0, 60 * 24 * 300))
        row = dict(defaults)
        row.update(
            id=oid,
            state=state,
            draft_step=5,
            school_year=2026,
            employer_name=employer,
            postal_code=postal,
            city=city,
            insee_code=insee,
            department_code=dept,
            latitude=lat,
            longitude=lon,
            title=title[:150],
            description=description,
            sector_id=sector_id,
            structure_id=rnd.randint(1, n_structures),
            is_accessible=any(handicaps.values()),
            level_4e=rnd.random() < 0.3,
            level_3e=rnd.random() < 0.92,
            level_2de=rnd.random() < 0.15,
            all_year=all_year,
            places_total=per_week,
            places_left=0 if state == "full" else left,
            application_start=start,
            application_end=end,
            reserved_rep=rnd.random() < 0.03,
            reserved_qpv=rnd.random() < 0.01,
            reserved_schools=reserved_schools,
            first_week=mondays[0],
            last_week=mondays[-1],
            search_text=memo.tokens(" ".join([title, sector_name, description, employer, city])),
            published_at=None if state == "draft" else published_at,
            created_at=published_at - timedelta(days=1),
            **{f"handicap_{k}": v for k, v in handicaps.items()},
        )
        offers.append(row)

    started = time.perf_counter()
    if eng.dialect.name == "sqlite":
        _insert_sqlite(eng, (s_columns, structures), columns, offers, week_rows, school_rows)
    else:
        _insert_pg(eng, (s_columns, structures), columns, offers, week_rows, school_rows)
    return {
        "offers": n,
        "weeks": len(week_rows),
        "reserved": len(school_rows),
        "insert_s": time.perf_counter() - started,
    }


def _sqlite_value(v):
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def _insert_sqlite(eng, structures, columns, offers, week_rows, school_rows) -> None:
    raw = eng.raw_connection()
    try:
        cur = raw.cursor()
        # 1 GB of page cache for the bulk load: the covering indexes take random keys.
        cur.execute("PRAGMA cache_size = -1048576")
        s_columns, s_rows = structures
        cur.executemany(
            f"INSERT INTO structures ({', '.join(s_columns)}) "
            f"VALUES ({', '.join('?' for _ in s_columns)})",
            ([_sqlite_value(r[c]) for c in s_columns] for r in s_rows),
        )
        marks = ", ".join("?" for _ in columns)
        cur.executemany(
            f"INSERT INTO offers ({', '.join(columns)}) VALUES ({marks})",
            ([_sqlite_value(o[c]) for c in columns] for o in offers),
        )
        cur.executemany(
            "INSERT INTO offer_weeks (offer_id, week_start, places, places_taken) "
            "VALUES (?, ?, ?, ?)",
            ((o, m.isoformat(), p, t) for o, m, p, t in week_rows),
        )
        cur.executemany(
            "INSERT INTO offer_schools (offer_id, school_id) VALUES (?, ?)", school_rows
        )
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
        cur.execute("PRAGMA cache_size = -2000")
    finally:
        raw.close()


def _insert_pg(eng, structures, columns, offers, week_rows, school_rows) -> None:
    raw = eng.raw_connection()
    try:
        cur = raw.cursor()
        s_columns, s_rows = structures
        with cur.copy(f"COPY structures ({', '.join(s_columns)}) FROM STDIN") as cp:
            for r in s_rows:
                cp.write_row([r[c] for c in s_columns])
        with cur.copy(f"COPY offers ({', '.join(columns)}) FROM STDIN") as cp:
            for o in offers:
                cp.write_row([o[c] for c in columns])
        with cur.copy(
            "COPY offer_weeks (offer_id, week_start, places, places_taken) FROM STDIN"
        ) as cp:
            for row in week_rows:
                cp.write_row(row)
        with cur.copy("COPY offer_schools (offer_id, school_id) FROM STDIN") as cp:
            for row in school_rows:
                cp.write_row(row)
        for table in ("structures", "offers", "offer_weeks", "offer_schools"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        raw.commit()
        conn = raw.driver_connection
        conn.autocommit = True
        for table in ("offers", "offer_weeks", "offer_schools"):
            conn.execute(f"VACUUM ANALYZE {table}")
        conn.autocommit = False
    finally:
        raw.close()


def prepare(kind: str, n: int, keep: bool, seed: int) -> str:
    url = _sqlite_url() if kind == "sqlite" else PG_URL
    if keep and _offer_count(url) == n:
        print(f"[{kind}] reusing {n:,} offers")
        return url
    started = time.perf_counter()
    _reset(kind)
    migrate.upgrade(url)
    import_reference(url)
    info = generate(url, n, seed)
    print(
        f"[{kind}] generated {info['offers']:,} offers, {info['weeks']:,} weeks, "
        f"{info['reserved']:,} reserved-school rows in {time.perf_counter() - started:.0f} s "
        f"(insert {info['insert_s']:.0f} s)"
    )
    return url


# --- query mixes ----------------------------------------------------------------------


def query_sets(url: str, n: int, seed: int) -> dict[str, list[dict]]:
    rnd = random.Random(seed + 1)
    with db.engine(url).connect() as conn:
        communes = conn.execute(
            sa.text(
                "SELECT min(name), min(department_code), min(latitude), min(longitude), "
                "max(population) FROM communes WHERE latitude IS NOT NULL "
                "AND type != 'arrondissement' GROUP BY insee_code ORDER BY insee_code"
            )
        ).all()
        sectors = dict(conn.execute(sa.text("SELECT name, id FROM sectors")).all())
    weights = [max(1, c[4] or 0) for c in communes]
    year_weeks = [m for m in weeks.weeks_of_school_year(2026) if m > TODAY]
    sector_of = {fold(job): sectors.get(name) for name, jobs in TRADES.items() for job in jobs}

    def commune() -> dict:
        name, dept, lat, lon, _ = rnd.choices(communes, weights=weights)[0]
        # Communes sharing a name: « Name (dept) » geocodes to this one.
        return {"where": f"{name} ({dept})", "lat": lat, "lon": lon}

    out: dict[str, list[dict]] = {"kw+60km+weeks+sector": [], "city": [], "keyword": []}
    out["national"] = [{} for _ in range(n)]
    out["pupil: 60km+weeks+level"] = []
    out["weeks+level (France)"] = []
    for _ in range(n):
        kw = rnd.choice(KEYWORDS)
        sector_id = (
            next((sid for job, sid in sector_of.items() if fold(kw) in job), None)
            if rnd.random() < 0.7
            else None
        )
        sector_id = sector_id or rnd.choice(list(sectors.values()))
        c = commune()
        out["kw+60km+weeks+sector"].append(
            {
                "q": kw,
                **c,
                "radius_km": 60,
                "weeks": sorted(rnd.sample(year_weeks, rnd.randint(1, 2))),
                "sectors": [sector_id],
            }
        )
        out["city"].append({**commune(), "radius_km": search.DEFAULT_RADIUS_KM})
        out["keyword"].append({"q": rnd.choice(KEYWORDS)})
        # A logged-in pupil's default search: 60 km around the school, its weeks, level.
        school_weeks = sorted(rnd.sample(year_weeks, rnd.randint(1, 2)))
        out["pupil: 60km+weeks+level"].append(
            {**commune(), "radius_km": 60, "weeks": school_weeks, "level": "3e"}
        )
        # … and for a school whose pupils search all of France.
        out["weeks+level (France)"].append({"weeks": school_weeks, "level": "3e"})
    return out


def url_query(params: dict) -> dict[str, str]:
    """The URL parameters of ``/offres`` for the search ``params`` (what the page reads)."""
    return search.SearchCriteria(
        q=params.get("q", ""),
        where=params.get("where", ""),
        radius_km=params.get("radius_km", search.DEFAULT_RADIUS_KM),
        sectors=params.get("sectors", []),
        weeks=params.get("weeks", []),
        level=params.get("level", ""),
    ).to_query()


def run_app(url: str, query: dict[str, str]) -> tuple[int, list[int]]:
    """The search as the page runs it for a visitor: ``db.call``'s interactive session
    (its checkout), the criteria read from the URL, ``search.search``."""
    token = db._interactive.set(True)
    try:
        with Session(db.engine(url), expire_on_commit=False) as s:
            crit, _errors = search.SearchCriteria.from_query(query)
            res = search.search(s, crit)
    finally:
        db._interactive.reset(token)
    return res.total, [r["id"] for r in res.results]


# --- baseline: the same answer as hand-written SQL -------------------------------------


def _windowed(dialect: str, p: dict) -> bool:
    """Page and total in one statement: same choice as the app (``_Plan.sorts_all``)."""
    return "lat" in p or bool(p.get("q")) or (bool(p.get("weeks")) and dialect != "sqlite")


_K = math.pi / 180


def _parts(dialect: str, p: dict, pre: str = "") -> tuple[list[str], list[str], str, str, dict]:
    """(base conditions, criteria conditions, keyword condition, distance term, args) of
    the search ``p``, written by hand; parameter names start with ``pre``."""
    ph = (lambda k: f":{pre}{k}") if dialect == "sqlite" else (lambda k: f"%({pre}{k})s")
    sqlite = dialect == "sqlite"
    args: dict = {"today": TODAY.isoformat() if sqlite else TODAY}
    t, f = ("1", "0") if sqlite else ("true", "false")
    base = [
        "o.state = 'published'",
        "o.places_left > 0",
        f"(o.application_start IS NULL OR o.application_start <= {ph('today')})",
        # (no test on application_end: an offer whose applications are suspended stays
        # listed, « Candidatures closes », seed 003)
        f"o.reserved_schools = {f}",
    ]
    crit: list[str] = []
    if p.get("level"):
        crit.append(f"o.level_3e = {t}")
    if p.get("sectors"):
        keys = []
        for i, sid in enumerate(p["sectors"]):
            args[f"s{i}"] = sid
            keys.append(ph(f"s{i}"))
        crit.append(f"o.sector_id IN ({', '.join(keys)})")
    if p.get("weeks"):
        crit.append(_weeks_sql(p, ph, sqlite, args))
    keyword = ""
    if p.get("q"):
        terms = search.fts_terms(p["q"])  # (word, stem): word as a prefix, or the stem
        if sqlite:
            args["m"] = " AND ".join(
                f'("{w}"* OR "{st}")' if st != w else f'"{w}"*' for w, st in terms
            )
            keyword = f"o.id IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH {ph('m')})"
        else:
            args["tsq"] = " & ".join(f"({w}:* | {st})" if st != w else f"{w}:*" for w, st in terms)
            keyword = (
                "to_tsvector('simple'::regconfig, o.search_text) "
                f"@@ to_tsquery('simple'::regconfig, {ph('tsq')})"
            )
    dist = "NULL"
    if "lat" in p:
        lat, lon, km = p["lat"], p["lon"], p["radius_km"]
        b = geo.bbox(lat, lon, km)
        args.update(
            min_lat=b.min_lat,
            max_lat=b.max_lat,
            min_lon=b.min_lon,
            max_lon=b.max_lon,
            p0=math.radians(lat),
            l0=math.radians(lon),
            c0=math.cos(math.radians(lat)),
            amax=(1 - math.cos(km / geo.EARTH_RADIUS_KM)) / 2 * (1 + 1e-12),
        )
        dist = (
            f"((1 - cos(o.latitude * {_K!r} - {ph('p0')})) / 2 + {ph('c0')} * "
            f"cos(o.latitude * {_K!r}) * (1 - cos(o.longitude * {_K!r} - {ph('l0')})) / 2)"
        )
        crit += [
            f"o.latitude BETWEEN {ph('min_lat')} AND {ph('max_lat')}",
            f"o.longitude BETWEEN {ph('min_lon')} AND {ph('max_lon')}",
            f"{dist} <= {ph('amax')}",
        ]
    return base, crit, keyword, dist, {pre + k: v for k, v in args.items()}


def _weeks_sql(p: dict, ph, sqlite: bool, args: dict) -> str:
    """The weeks condition.  A collège level (the only one asked here) never counts an
    offer's national 2de weeks (14 and 21 June 2027, ``seconde_period``): June weeks asked
    need an offer that does not take 2de pupils on them, and an all-year offer counts for
    June weeks only unless they are all its 2de weeks."""
    t, f = ("1", "0") if sqlite else ("true", "false")
    periods = weeks.seconde_periods(2026)
    covers = {"week1": ("both", "week1"), "week2": ("both", "week2")}
    plain = [m for m in p["weeks"] if m not in periods.values() or not p.get("level")]
    june = {k: m for k, m in periods.items() if m in p["weeks"] and p.get("level")}

    def marks(name: str, values: list) -> str:
        keys = []
        for i, v in enumerate(values):
            args[f"{name}{i}"] = v.isoformat() if sqlite and isinstance(v, date) else v
            keys.append(ph(f"{name}{i}"))
        return ", ".join(keys)

    def has_week(name: str, mondays: list[date]) -> str:
        weeks_in = f"w.week_start IN ({marks(name, mondays)}) AND w.places > w.places_taken"
        if p.get("q"):
            return f"EXISTS (SELECT 1 FROM offer_weeks w WHERE w.offer_id = o.id AND {weeks_in})"
        return f"o.id IN (SELECT w.offer_id FROM offer_weeks w WHERE {weeks_in})"

    def not_2de(name: str, keys: tuple[str, ...], extra: str = "") -> str:
        # level_2de is in the covering indexes, seconde_period is not: read by id.
        period = "(SELECT x.seconde_period FROM offers x WHERE x.id = o.id)"
        inside = f"{period} IN ({marks(name, list(keys))})" if keys else f"1 = {f}"
        return f"(o.level_2de = {f} OR NOT ({inside}{extra}))"

    conds = [has_week("w", plain)] if plain else []
    for k, m in sorted(june.items()):
        if p.get("q"):
            k_in = ", ".join(f"'{v}'" for v in covers[k])
            conds.append(
                f"({has_week(f'j{k}_', [m])} AND NOT (o.level_2de = {t} "
                f"AND o.seconde_period IN ({k_in})))"
            )
        else:
            conds.append(f"({has_week(f'j{k}_', [m])} AND {not_2de(f'c{k}_', covers[k])})")
    all_year = f"o.all_year = {t}"
    if june and not plain:
        taking_all = tuple(sorted(set.intersection(*(set(covers[k]) for k in june))))
        rows = (
            " AND EXISTS (SELECT 1 FROM offer_weeks wj WHERE wj.offer_id = o.id "
            f"AND wj.week_start IN ({marks('ja', list(june.values()))}))"
        )
        all_year = f"({all_year} AND {not_2de('ta', taking_all, rows)})"
    return f"({' OR '.join([all_year, *conds])})"


def _page_sql(dialect: str, p: dict) -> tuple[str, dict]:
    base, crit, keyword, dist, args = _parts(dialect, p)
    args["monday"] = clock.monday_of(TODAY)
    if dialect == "sqlite":
        args["monday"] = args["monday"].isoformat()
    monday = ":monday" if dialect == "sqlite" else "%(monday)s"
    cond = " AND ".join(base + crit + ([keyword] if keyword else []))
    recent = "coalesce(o.published_at, o.created_at)" if keyword else "o.published_at"
    order = f"{recent} DESC, o.id DESC"
    if "lat" in p:
        order = f"hav, {order}"
    rank = "0"
    if keyword:  # the offers holding the words exactly first
        ranks = []
        for i, (w, _st) in enumerate(search.fts_terms(p["q"])):
            args[f"e{i}"] = f'"{w}"' if dialect == "sqlite" else w
            e = f":e{i}" if dialect == "sqlite" else f"%(e{i})s"
            found = (
                f"o.id IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH {e})"
                if dialect == "sqlite"
                else f"o.id IN (SELECT k.id FROM offers k WHERE to_tsvector('simple'::regconfig,"
                f" k.search_text) @@ to_tsquery('simple'::regconfig, {e}))"
            )
            ranks.append(f"CASE WHEN {found} THEN 1 ELSE 0 END")
        rank = " + ".join(ranks)
        order = f"krank DESC, {order}"
    agg = (
        "group_concat(w.week_start || ':' || (w.places > w.places_taken), ',')"
        if dialect == "sqlite"
        else "string_agg(w.week_start::text || ':' || (w.places > w.places_taken)::int, ',')"
    )
    total = "count(*) OVER ()" if _windowed(dialect, p) else "NULL"
    sql = (
        "SELECT o.id, o.title, o.employer_name, o.city, o.postal_code, o.latitude, "
        "o.longitude, o.places_left, o.is_accessible, o.reserved_rep, o.reserved_qpv, "
        "o.reserved_schools, o.all_year, sec.name, x.hav, "
        f"(SELECT {agg} FROM offer_weeks w WHERE w.offer_id = x.id "
        f"AND w.week_start >= {monday}), x.total "
        f"FROM (SELECT o.id, {dist} AS hav, {total} AS total, {rank} AS krank FROM offers o "
        f"WHERE {cond} ORDER BY {order} LIMIT 30) x JOIN offers o ON o.id = x.id "
        f"LEFT JOIN sectors sec ON sec.id = o.sector_id "
        f"ORDER BY {order.replace('hav', 'x.hav').replace('krank', 'x.krank')}"
    )
    return sql, args


def _count_sql(dialect: str, p: dict, cap: int | None = None) -> tuple[str, dict]:
    base, crit, keyword, _dist, args = _parts(dialect, p)
    cond = " AND ".join(base + crit + ([keyword] if keyword else []))
    if cap:
        return (
            f"SELECT count(*) FROM (SELECT o.id FROM offers o WHERE {cond} LIMIT {cap + 1}) c",
            args,
        )
    return f"SELECT count(*) FROM offers o WHERE {cond}", args


def _variant_counts(cur, dialect: str, variants: list[dict]) -> list[int]:
    """Same strategy as the app: keyword variants summed in one pass, others capped."""
    cap = search.SUGGESTION_CAP
    out: dict[int, int] = {}
    kw = [i for i, v in enumerate(variants) if v.get("q")]
    for i, v in enumerate(variants):
        if i not in kw:
            sql, args = _count_sql(dialect, v, cap)
            cur.execute(sql, args)
            out[i] = cur.fetchone()[0]
    if kw:
        sums, all_args, base, keyword = [], {}, [], ""
        for j, i in enumerate(kw):
            base, crit, keyword, _dist, args = _parts(dialect, variants[i], f"v{j}_")
            all_args.update(args)
            sums.append(f"sum(CASE WHEN {' AND '.join(crit) or '1 = 1'} THEN 1 ELSE 0 END)")
        cur.execute(
            f"SELECT {', '.join(sums)} FROM offers o WHERE {' AND '.join(base + [keyword])}",
            all_args,
        )
        for i, n in zip(kw, cur.fetchone(), strict=True):
            out[i] = min(int(n or 0), cap + 1)
    return [out[i] for i in range(len(variants))]


def _relaxations(p: dict) -> list[dict]:
    """The changes the app tries when nothing matches, in the same order."""
    steps: list[dict] = []
    if "lat" in p and p["radius_km"] < search.MAX_RADIUS_KM:
        steps.append({"radius_km": search.MAX_RADIUS_KM})
    for key, empty in (("weeks", []), ("sectors", []), ("q", "")):
        if p.get(key):
            steps.append({key: empty})
    if "lat" in p:
        steps.append({"lat": None})
    return steps


def _apply(p: dict, change: dict) -> dict:
    q = {**p, **change}
    if change.get("lat", 0) is None:
        for k in ("lat", "lon", "radius_km"):
            q.pop(k, None)
    return q


def run_baseline(raw, dialect: str, p: dict) -> tuple[int, list[int]]:
    cur = raw.cursor()
    if _windowed(dialect, p):
        sql, args = _page_sql(dialect, p)
        cur.execute(sql, args)
        rows = cur.fetchall()
        total = rows[0][16] if rows else 0
    else:
        sql, args = _count_sql(dialect, p)
        cur.execute(sql, args)
        total = cur.fetchone()[0]
        rows = []
        if total:
            sql, args = _page_sql(dialect, p)
            cur.execute(sql, args)
            rows = cur.fetchall()
    for r in rows:  # the same light post-processing as the app: weeks and distance
        _weeks = sorted((r[15] or "").split(","))
        if r[14] is not None:
            _km = 2 * geo.EARTH_RADIUS_KM * math.asin(math.sqrt(max(0.0, min(1.0, r[14]))))
    if not total:  # suggestions: each relaxation alone, then combined
        steps = _relaxations(p)
        if not any(_variant_counts(cur, dialect, [_apply(p, c) for c in steps])):
            combined, alt = [], dict(p)
            for i, change in enumerate(steps):
                alt = _apply(alt, change)
                if i >= 1:
                    combined.append(alt)
            with_kw = [c for c in combined if c.get("q")]
            if not any(_variant_counts(cur, dialect, with_kw)):
                for c in combined[len(with_kw) :]:
                    if _variant_counts(cur, dialect, [c])[0]:
                        break
    cur.close()
    return total, [r[0] for r in rows]


# --- measure ---------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def measure(kind: str, url: str, n: int, seed: int, warm: bool = False) -> list[tuple]:
    sets = query_sets(url, n, seed)
    eng = db.engine(url)
    dialect = eng.dialect.name
    rows = []
    raw = eng.raw_connection()
    if dialect == "postgresql":
        # The app plans every search for its parameters (psycopg's automatic preparation
        # off: ``search.plan._custom_plans``); the baseline does the same work.
        raw.driver_connection.prepare_threshold = None
    try:
        for name, params in sets.items():
            # Warm-up (caches, compiled statements), then interleaved timings.
            queries = [url_query(p) for p in params]
            # --warm: every query once (places already geocoded, as for a page 2).
            for p, q in zip(params if warm else params[:10], queries, strict=False):
                run_app(url, q)
                run_baseline(raw, dialect, p)
                raw.rollback()
            app_ms: list[float] = []
            base_ms: list[float] = []
            totals_app: list[int] = []
            totals_base: list[int] = []
            for p, q in zip(params, queries, strict=True):
                t0 = time.perf_counter()
                totals_base.append(run_baseline(raw, dialect, p))
                raw.rollback()  # ends its transaction, as the app's session does
                t1 = time.perf_counter()
                t2 = time.perf_counter()
                totals_app.append(run_app(url, q))
                t3 = time.perf_counter()
                base_ms.append((t1 - t0) * 1000)
                app_ms.append((t3 - t2) * 1000)
            same = sum(a == b for a, b in zip(totals_app, totals_base, strict=True))
            rows.append(
                (
                    kind,
                    name,
                    statistics.median(t for t, _ids in totals_app),
                    pct(app_ms, 50),
                    pct(app_ms, 95),
                    pct(base_ms, 50),
                    pct(base_ms, 95),
                    same,
                    len(params),
                )
            )
    finally:
        raw.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--offers", type=int, default=200_000)
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--keep", action="store_true", help="reuse the generated databases")
    ap.add_argument("-n", type=int, default=200, help="searches per query type")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument(
        "--warm", action="store_true", help="warm up on every query (places geocoded once)"
    )
    args = ap.parse_args()

    clock.freeze(NOW)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    table = []
    for kind in kinds:
        url = prepare(kind, args.offers, args.keep, args.seed)
        table += measure(kind, url, args.n, args.seed, args.warm)
        db.dispose_all()

    print()
    print(f"{args.offers:,} offers, {args.n} searches per type (ms; app / hand-written SQL)")
    head = (
        f"{'db':<9}{'query':<26}{'median hits':>12}{'app p50':>9}{'app p95':>9}"
        f"{'base p50':>10}{'base p95':>10}{'p50 ratio':>10}{'p95 ratio':>10}{'same page':>11}"
    )
    print(head)
    print("-" * len(head))
    for kind, name, hits, a50, a95, b50, b95, same, total in table:
        print(
            f"{kind:<9}{name:<26}{hits:>12,.0f}{a50:>9.1f}{a95:>9.1f}{b50:>10.1f}{b95:>10.1f}"
            f"{a50 / b50 if b50 else float('nan'):>10.2f}{a95 / b95 if b95 else float('nan'):>10.2f}"
            f"{f'{same}/{total}':>11}"
        )


if __name__ == "__main__":
    main()

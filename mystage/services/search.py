"""« Rechercher un stage »: the public offer search, its URL form, the home counter, the map.

Criteria (:class:`SearchCriteria`) live in the URL of ``/offres`` (:meth:`SearchCriteria.
to_query` / :meth:`SearchCriteria.from_query`); :func:`search` answers one page of small
dicts with the total, errors per field (French) and, when nothing matches, suggestions of
wider searches that do return offers.

What a search shows
-------------------
- Published offers with places left whose application window is open today
  (``application_start <= today <= application_end``, a missing bound is open).  With
  « Voir toutes les offres » (``show_all``) published and full offers whatever their
  places and window — never drafts, unpublished, past or removed ones.
- Eligibility (``viewer``: the dict of :func:`viewer_context`, or a ``User``):

  * offers reserved to named schools (``reserved_schools`` + ``offer_schools``) show only
    to pupils of one of those schools;
  * ``reserved_rep`` offers only to pupils whose school is REP or REP+;
  * ``reserved_qpv`` offers only to pupils whose school is in a QPV;
  * an offer with several reservations needs all of them (conjunction: no restriction
    ever leaks through another one);
  * anonymous visitors and accounts that are not pupils (no school of their own to be
    eligible with) see REP- and QPV-reserved offers — with the badges ``reserved_rep`` /
    ``reserved_qpv`` so the UI says « Réservé aux élèves de collèges REP/REP+ » — because
    they tell families and schools what the platform offers, but never offers reserved to
    named schools, which are private to those schools.
- Keywords: every word typed is folded and stemmed like ``offers.search_text``
  (:func:`mystage.services.text.search_tokens`) and must prefix-match a word of the offer
  (AND): « boulanger » → ``boulang*`` finds « Boulangerie du coin », « banque » →
  ``banc*`` finds the sector « Banque et assurance ».  SQLite: FTS5 ``offers_fts``;
  PostgreSQL: ``to_tsvector('simple', search_text) @@ to_tsquery('simple', 'boulang:*')``
  (the GIN index of migration 0002).  Terms are reduced to ``[a-z0-9]`` and bound as
  parameters: anything typed, SQL included, is only ever words to look for.
- Place (``where``) through :func:`mystage.services.geo.geocode`: a department (« 77 »,
  « Seine-et-Marne ») filters ``department_code`` with no radius and no distance; a
  postal code, commune or address gives a center and a radius of 0–60 km (indexed
  bounding box, then the exact great-circle distance in SQL; results sorted by distance
  then newest).  Radius 0 means « this commune only »: offers of the same INSEE commune,
  plus any offer within 3 km of the center (a commune's offers geocoded at the street
  level, or a place given by its address).
- Weeks: offers with at least one of the given Mondays with places left (any of those
  weeks with ``show_all``), or offers open all year.

Query design (figures: ``bench/search.py``, 200,000 offers)
---------------------------------------------------------
- The filters are one WHERE clause shared by the page query, the COUNT, the
  suggestions' COUNTs and the map, the same SQL on SQLite and PostgreSQL but for the
  keyword condition.  The page query picks the 30 ids of the page in a derived table and
  only then joins the sector and aggregates those 30 offers' weeks into one string: ONE
  statement per page, plus at most ONE COUNT.
- Total: when the order has to see every match anyway (by distance, or keyword matches)
  the page query also counts them with ``count(*) OVER ()``; newest-first searches stop
  at the 30th offer of the ``published_at`` order and take the total from a COUNT (see
  :attr:`_Plan.sorts_all`).  Suggestions count up to 101 only.
- Distance: indexed bounding box on latitude/longitude, then the haversine term
  ``a = hav(Δφ) + cos φ0 · cos φ · hav(Δλ)`` compared with ``hav(r / R)`` (monotonic in
  the distance: no asin/sqrt in SQL, and the sort uses ``a`` as well); Python turns ``a``
  back into kilometres for the 30 rows shown.  Only ``cos`` is needed from SQL:
  PostgreSQL has it, SQLite has it when compiled with math functions (3.35+), otherwise
  a Python ``cos`` is registered on each connection.
- Weeks: ``all_year OR id IN (SELECT offer_id FROM offer_weeks WHERE week_start IN …
  AND places > places_taken)`` — not correlated, so the set is built once from the
  partial index ``ix_offer_weeks_free`` and probed per candidate; with keywords (a few
  thousand candidates at most) a correlated EXISTS, cheaper than building that set.
- Indexes (migration 0004): three covering b-tree indexes hold the base filter and the
  usual criteria (level, sector, all year), so counts and the choice of a page read index
  entries, never the wide offer rows: ``ix_offers_search_geo`` (latitude, longitude, …)
  for places, ``ix_offers_search_recent`` (state, published_at, …) for newest first,
  ``ix_offers_search_count`` (state, places_left, …) for the total of France.
- With keywords « newest first » sorts on ``coalesce(published_at, created_at)``, which
  no index provides: PostgreSQL keeps the GIN index instead of walking ``published_at``
  and testing every row's text.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    Application,
    AppState,
    Offer,
    OfferSchool,
    OfferState,
    OfferWeek,
    PupilLevel,
    Role,
    School,
    SchoolWeek,
    Sector,
    User,
)
from mystage.services import geo, weeks
from mystage.services.ids import client_id
from mystage.services.text import fold, search_tokens
from mystage.settings import get_settings

PER_PAGE = 30
MAX_PER_PAGE = 100
DEFAULT_RADIUS_KM = 20
MAX_RADIUS_KM = 60
COMMUNE_ONLY_KM = 3.0  # radius 0: same commune, or within this distance of the center
MAX_Q = 200
MAX_TERMS = 8  # words of a keyword search used (more only slows the index down)
MAX_LIST = 60  # sectors / weeks kept from a URL
WEEKS_SHOWN = 4
MAP_LIMIT = 2000
SUGGESTION_CAP = 100  # a suggestion counts its offers up to here (« plus de 100 offres »)

HANDICAP_KEYS = ("visual", "motor", "mental", "hearing")
HANDICAP_LABELS = {
    "visual": "Handicap visuel",
    "motor": "Handicap moteur",
    "mental": "Handicap mental",
    "hearing": "Handicap auditif",
}
LEVEL_COLUMNS = {
    PupilLevel.QUATRIEME.value: "level_4e",
    PupilLevel.TROISIEME.value: "level_3e",
    PupilLevel.TROISIEME_SEGPA.value: "level_3e",
    PupilLevel.TROISIEME_PREPA_METIERS.value: "level_3e",
    PupilLevel.SECONDE_GT.value: "level_2de",
}
REP_KINDS = ("REP", "REP+")

MSG_PLACE = "Lieu introuvable : vérifiez le nom de la ville ou le code postal."
MSG_RADIUS = f"Le rayon doit être compris entre 0 et {MAX_RADIUS_KM} km."
MSG_WEEK = "Semaine invalide : « {value} ». Choisissez une semaine dans la liste."
MSG_LEVEL = "Niveau inconnu : choisissez 4e, 3e générale, 3e SEGPA, 3e prépa-métiers ou 2de."
MSG_SECTOR = "Secteur inconnu : choisissez les secteurs dans la liste."
MSG_HANDICAP = "Besoin d'accessibilité inconnu : choisissez dans la liste."

# URL parameter ↔ criteria field (errors are keyed by criteria field).
PARAMS = {
    "q": "q",
    "lieu": "where",
    "rayon": "radius_km",
    "niveau": "level",
    "secteurs": "sectors",
    "semaines": "weeks",
    "handicaps": "handicaps",
    "tout": "show_all",
    "page": "page",
}


# --- criteria -------------------------------------------------------------------------


@dataclass
class SearchCriteria:
    """What the pupil asked for.  Errors are keyed by these field names."""

    q: str = ""
    where: str = ""
    radius_km: int = DEFAULT_RADIUS_KM
    level: str = ""  # a PupilLevel value: "4e", "3e", "3e_segpa", "3e_prepa_metiers", "2de_gt"
    sectors: list[int] = field(default_factory=list)
    weeks: list[date] = field(default_factory=list)  # Mondays
    handicaps: list[str] = field(default_factory=list)  # "visual", "motor", "mental", "hearing"
    show_all: bool = False
    page: int = 1

    def to_query(self) -> dict[str, str]:
        """URL parameters of these criteria (defaults left out), for ``/offres?…``."""
        out: dict[str, str] = {}
        if self.q.strip():
            out["q"] = self.q.strip()
        if self.where.strip():
            out["lieu"] = self.where.strip()
            if self.radius_km != DEFAULT_RADIUS_KM:
                out["rayon"] = str(self.radius_km)
        if self.level:
            out["niveau"] = self.level
        if self.sectors:
            out["secteurs"] = ",".join(str(x) for x in self.sectors)
        if self.weeks:
            out["semaines"] = ",".join(w.isoformat() for w in self.weeks)
        if self.handicaps:
            out["handicaps"] = ",".join(self.handicaps)
        if self.show_all:
            out["tout"] = "1"
        if self.page > 1:
            out["page"] = str(self.page)
        return out

    @staticmethod
    def from_query(params: Mapping[str, str]) -> tuple[SearchCriteria, dict[str, str]]:
        """Criteria from URL parameters, and French errors per criteria field for what
        could not be read (the criteria keep a usable value: see :func:`normalize`)."""
        return from_query(params)


def _str(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key) if params is not None else None
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if value is None:
        return ""
    return str(value)[: MAX_Q * 4].replace("\x00", "")


def _split(raw: str) -> list[str]:
    return [x.strip() for x in raw.replace(";", ",").split(",") if x.strip()]


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        v = value.strip()
        if v.lstrip("-").isdigit() and len(v) <= 9:
            return int(v)
    return None


def from_query(params: Mapping[str, str]) -> tuple[SearchCriteria, dict[str, str]]:
    """See :meth:`SearchCriteria.from_query`."""
    raw_radius = _str(params, "rayon").strip()
    radius: Any = raw_radius if raw_radius else DEFAULT_RADIUS_KM
    crit = SearchCriteria(
        q=_str(params, "q"),
        where=_str(params, "lieu"),
        radius_km=radius,  # type: ignore[arg-type]  (checked by normalize)
        level=_str(params, "niveau").strip(),
        sectors=_split(_str(params, "secteurs")),  # type: ignore[arg-type]
        weeks=_split(_str(params, "semaines")),  # type: ignore[arg-type]
        handicaps=_split(_str(params, "handicaps")),
        show_all=_str(params, "tout").strip().lower() in ("1", "true", "oui", "on"),
        page=_as_int(_str(params, "page")) or 1,  # type: ignore[arg-type]
    )
    return normalize(crit)


def normalize(criteria: SearchCriteria) -> tuple[SearchCriteria, dict[str, str]]:
    """A clean copy of ``criteria`` and French errors per field.

    Keywords longer than 200 characters are cut; a radius outside 0..60 km (or not a
    number) is an error and 60 km is used; unreadable weeks, unknown levels, sectors or
    accessibility needs are errors and left out; a page below 1 is page 1.
    """
    errors: dict[str, str] = {}
    q = criteria.q if isinstance(criteria.q, str) else ""
    q = q.replace("\x00", "").strip()[:MAX_Q]
    where = criteria.where if isinstance(criteria.where, str) else ""
    where = where.replace("\x00", "").strip()[:MAX_Q]

    radius = _as_int(criteria.radius_km)
    if radius is None or not 0 <= radius <= MAX_RADIUS_KM:
        errors["radius_km"] = MSG_RADIUS
        radius = MAX_RADIUS_KM

    level = criteria.level if isinstance(criteria.level, str) else ""
    level = level.strip()
    if level and level not in LEVEL_COLUMNS:
        errors["level"] = MSG_LEVEL
        level = ""

    sectors: list[int] = []
    for item in list(criteria.sectors or [])[:MAX_LIST]:
        n = client_id(item)
        if n is None:
            errors["sectors"] = MSG_SECTOR
        elif n not in sectors:
            sectors.append(n)

    mondays: list[date] = []
    for item in list(criteria.weeks or [])[:MAX_LIST]:
        m = weeks.parse_week(item) if isinstance(item, str | date) else None
        if m is None:
            errors.setdefault("weeks", MSG_WEEK.format(value=str(item)[:20]))
        elif m not in mondays:
            mondays.append(m)
    mondays.sort()

    handicaps: list[str] = []
    for item in list(criteria.handicaps or [])[:10]:
        key = str(item).strip().lower()
        if key not in HANDICAP_KEYS:
            errors["handicaps"] = MSG_HANDICAP
        elif key not in handicaps:
            handicaps.append(key)

    page = _as_int(criteria.page)
    page = page if page is not None and page >= 1 else 1
    page = min(page, 100_000)
    clean = SearchCriteria(
        q=q,
        where=where,
        radius_km=radius,
        level=level,
        sectors=sectors,
        weeks=mondays,
        handicaps=handicaps,
        show_all=bool(criteria.show_all),
        page=page,
    )
    return clean, errors


# --- viewer -----------------------------------------------------------------------------


def viewer_context(s: Session, user: User | None) -> dict[str, Any] | None:
    """What eligibility needs to know about a logged-in pupil, or None (anonymous and every
    other role).  ``weeks``: the Mondays to come of the pupil's class if the class has
    weeks of its own, else of the school."""
    if (
        user is None
        or user.id is None
        or user.role != Role.ELEVE
        or user.deleted_at is not None
        or user.anonymized_at is not None
    ):
        return None
    school = s.get(School, user.school_id) if user.school_id else None
    if school is None:
        return {
            "school_id": None,
            "ep": "",
            "qpv": False,
            "lat": None,
            "lon": None,
            "weeks": [],
            "national": False,
        }
    monday = clock.monday_of(clock.today_paris())
    rows = s.execute(
        sa.select(SchoolWeek.class_id, SchoolWeek.week_start)
        .where(SchoolWeek.school_id == school.id, SchoolWeek.week_start >= monday)
        .where(
            sa.or_(SchoolWeek.class_id.is_(None), SchoolWeek.class_id == user.class_id)
            if user.class_id
            else SchoolWeek.class_id.is_(None)
        )
        .order_by(SchoolWeek.week_start)
    ).all()
    own = [r.week_start for r in rows if r.class_id is not None]
    mondays = own or [r.week_start for r in rows if r.class_id is None]
    return {
        "school_id": school.id,
        "ep": school.ep or "",
        "qpv": bool(school.qpv),
        "lat": school.latitude,
        "lon": school.longitude,
        "weeks": sorted(set(mondays)),
        "national": school.search_scope == "national",
    }


def _viewer(s: Session, viewer: Any) -> dict[str, Any] | None:
    if viewer is None:
        return None
    if isinstance(viewer, User):
        return viewer_context(s, viewer)
    if isinstance(viewer, Mapping):
        return dict(viewer)
    return None


# --- SQL building blocks ----------------------------------------------------------------

_T = Offer.__table__.c
_W = OfferWeek.__table__.c
_RAD = math.pi / 180.0
_COS_CHECKED: set[int] = set()


def _hav(x: float) -> float:
    return (1.0 - math.cos(x)) / 2.0


def _a_to_km(a: float | None) -> float | None:
    if a is None:
        return None
    a = min(1.0, max(0.0, float(a)))
    return 2.0 * geo.EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _a_max(km: float) -> float:
    # A hair above the exact value so that a point exactly at the radius stays in.
    return _hav(km / geo.EARTH_RADIUS_KM) * (1 + 1e-12)


def _py_cos(x: float | None) -> float | None:
    return None if x is None else math.cos(x)


def _sqlite_cos_listener(dbapi_conn: Any, _record: Any) -> None:
    _register_cos(dbapi_conn)


def _register_cos(dbapi_conn: Any) -> None:
    try:
        dbapi_conn.execute("SELECT cos(0)").fetchone()
    except Exception:  # noqa: BLE001  (sqlite3.OperationalError: no such function)
        dbapi_conn.create_function("cos", 1, _py_cos, deterministic=True)


def _ensure_cos(s: Session) -> None:
    """SQLite without math functions: register a Python ``cos`` (once per engine, and on
    the current connection)."""
    bind = s.get_bind()
    if bind.dialect.name != "sqlite":
        return
    engine = getattr(bind, "engine", bind)
    if id(engine) in _COS_CHECKED:
        return
    raw = s.connection().connection.dbapi_connection
    try:
        raw.execute("SELECT cos(0)").fetchone()
    except Exception:  # noqa: BLE001
        raw.create_function("cos", 1, _py_cos, deterministic=True)
        sa.event.listen(engine, "connect", _sqlite_cos_listener)
    _COS_CHECKED.add(id(engine))


def _hav_term(lat: float, lon: float) -> sa.ColumnElement:
    """``a`` of the haversine formula between (lat, lon) and each offer."""
    p0 = lat * _RAD
    l0 = lon * _RAD
    cos_p0 = math.cos(p0)
    lat_r = _T.latitude * _RAD
    lon_r = _T.longitude * _RAD
    return (1 - sa.func.cos(lat_r - p0)) / 2 + cos_p0 * sa.func.cos(lat_r) * (
        1 - sa.func.cos(lon_r - l0)
    ) / 2


def fts_terms(q: str) -> list[str]:
    """Stemmed, folded search terms of ``q`` ([a-z0-9] only), at most 8."""
    out: list[str] = []
    for t in search_tokens(q):
        t = "".join(ch for ch in t if ch.isascii() and ch.isalnum())
        if t and t not in out:
            out.append(t)
    return out[:MAX_TERMS]


def _keyword_filter(dialect: str, terms: list[str]) -> sa.ColumnElement:
    """Every term as a prefix: the GIN index of migration 0002 on PostgreSQL, the FTS5
    table ``offers_fts`` (its rowids are offer ids) on SQLite."""
    if dialect == "postgresql":
        tsq = " & ".join(f"{t}:*" for t in terms)
        return sa.text(
            "to_tsvector('simple'::regconfig, offers.search_text) "
            "@@ to_tsquery('simple'::regconfig, :kw_tsq)"
        ).bindparams(kw_tsq=tsq)
    match = " AND ".join(f'"{t}"*' for t in terms)
    sub = sa.text("SELECT rowid FROM offers_fts WHERE offers_fts MATCH :kw_match").bindparams(
        kw_match=match
    )
    return _T.id.in_(sub.columns(sa.column("rowid", sa.Integer)))


@dataclass
class _Plan:
    """Everything the queries of one search share."""

    where: list[sa.ColumnElement]
    hav: sa.ColumnElement | None  # haversine term when sorted by distance
    center: tuple[float, float] | None
    place_label: str
    place: geo.GeoResult | None
    impossible: bool  # unknown place: nothing to search
    keywords: bool = False
    weeks: bool = False
    dialect: str = "sqlite"
    # where = base + criteria (+ keyword): the suggestions count several variants of a
    # keyword search in one pass over the keyword's matches.
    base: list[sa.ColumnElement] = field(default_factory=list)
    criteria: list[sa.ColumnElement] = field(default_factory=list)
    keyword: sa.ColumnElement | None = None
    terms: tuple[str, ...] = ()

    @property
    def recent(self) -> sa.ColumnElement:
        """« Newest first » sort key.  With keywords it is an expression no index
        provides: PostgreSQL would otherwise walk ``published_at`` backwards testing each
        row's text until it finds a page (seconds for a rare word) instead of taking the
        few matching ids from the GIN index and sorting them."""
        if self.keywords:
            return sa.func.coalesce(_T.published_at, _T.created_at)
        return _T.published_at

    @property
    def sorts_all(self) -> bool:
        """The page query also counts the matches (``count(*) OVER ()``) instead of a
        separate COUNT when it has to look at every match anyway (order by distance or
        keyword matches).  Otherwise (newest first) the page stops at its 30th offer in
        the ``published_at`` order and an index-only COUNT gives the total — except on
        PostgreSQL with weeks, where a second pass would hash the weeks' offers again
        (SQLite's planner, for its part, leaves the covering index for a window query
        without ORDER BY use: 4× slower there)."""
        if self.hav is not None or self.keywords:
            return True
        return self.weeks and self.dialect == "postgresql"

    def order(self, hav: Any = None) -> list[Any]:
        keys = [self.recent.desc(), _T.id.desc()]
        return [hav, *keys] if hav is not None else keys


_GEO_CACHE: OrderedDict[tuple[str, str], tuple[float, geo.GeoResult | None]] = OrderedDict()
_GEO_LOCK = threading.Lock()
GEO_CACHE_SIZE = 2000
GEO_CACHE_TTL_S = 3600.0  # reference data changes a few times a year
GEO_CACHE_MISS_TTL_S = 60.0  # an unknown place (or the address API down) is retried soon


def geocode_cached(s: Session, where: str) -> geo.GeoResult | None:
    """:func:`geo.geocode` with a small in-process LRU: pupils search the same few places
    again and again (every page, every change of a criterion), and with the BAN address
    API configured each lookup would be a network round trip."""
    key = (f"{s.get_bind().engine.url}|{get_settings().geocoder_url or ''}", fold(where))
    now = time.monotonic()
    with _GEO_LOCK:
        hit = _GEO_CACHE.get(key)
        if hit is not None and hit[0] > now:
            _GEO_CACHE.move_to_end(key)
            return hit[1]
    found = geo.geocode(s, where)
    ttl = GEO_CACHE_TTL_S if found is not None else GEO_CACHE_MISS_TTL_S
    with _GEO_LOCK:
        _GEO_CACHE[key] = (now + ttl, found)
        _GEO_CACHE.move_to_end(key)
        while len(_GEO_CACHE) > GEO_CACHE_SIZE:
            _GEO_CACHE.popitem(last=False)
    return found


def _place_filters(
    s: Session, crit: SearchCriteria, errors: dict[str, str], place: geo.GeoResult | None
) -> tuple[list[sa.ColumnElement], sa.ColumnElement | None, geo.GeoResult | None, bool]:
    if not crit.where:
        return [], None, None, False
    if place is None:
        place = geocode_cached(s, crit.where)
    if place is None:
        errors["where"] = MSG_PLACE
        return [], None, None, True
    if place.precision == geo.PRECISION_DEPARTMENT:
        return [_T.department_code == place.department_code], None, place, False
    _ensure_cos(s)
    hav = _hav_term(place.latitude, place.longitude)
    radius = float(crit.radius_km)
    if radius <= 0:
        near = hav <= _a_max(COMMUNE_ONLY_KM)
        cond = sa.or_(_T.insee_code == place.insee_code, near) if place.insee_code else near
        # The commune's offers lie near its center: the box bounds the index scan.
        box = geo.bbox_filter(
            _T.latitude, _T.longitude, place.latitude, place.longitude, MAX_RADIUS_KM
        )
        return [box, cond], hav, place, False
    box = geo.bbox_filter(_T.latitude, _T.longitude, place.latitude, place.longitude, radius)
    return [box, hav <= _a_max(radius)], hav, place, False


def _custom_plans(s: Session) -> None:
    """PostgreSQL: plan every search for its own parameters.

    psycopg prepares a statement run 5 times on a connection, and after 5 more runs
    PostgreSQL may keep one generic plan for it — blind to the bounding box, the keyword's
    rarity or the weeks asked, it reads the wrong index (300 ms instead of 15 measured on
    200,000 offers).  Turning psycopg's automatic preparation off on the connection (a
    Python attribute: no round trip) keeps custom plans; ``db.engine`` could pass
    ``connect_args={"prepare_threshold": None}`` to do it for every connection.
    """
    if s.get_bind().dialect.name != "postgresql":
        return
    raw = s.connection().connection.dbapi_connection
    if getattr(raw, "prepare_threshold", None) is not None:
        raw.prepare_threshold = None


def _plan(
    s: Session,
    crit: SearchCriteria,
    ctx: dict[str, Any] | None,
    errors: dict[str, str],
    today: date,
    place: geo.GeoResult | None = None,
) -> _Plan:
    dialect = s.get_bind().dialect.name
    where: list[sa.ColumnElement] = []
    if crit.show_all:
        where.append(_T.state.in_([OfferState.PUBLISHED.value, OfferState.FULL.value]))
    else:
        where += [
            _T.state == OfferState.PUBLISHED.value,
            _T.places_left > 0,
            sa.or_(_T.application_start.is_(None), _T.application_start <= today),
            sa.or_(_T.application_end.is_(None), _T.application_end >= today),
        ]

    # Eligibility.
    school_id = ctx.get("school_id") if ctx else None
    if school_id:
        where.append(
            sa.or_(
                _T.reserved_schools == sa.false(),
                sa.exists().where(
                    OfferSchool.offer_id == _T.id, OfferSchool.school_id == int(school_id)
                ),
            )
        )
    else:
        where.append(_T.reserved_schools == sa.false())
    if ctx is not None:
        if str(ctx.get("ep") or "").upper() not in REP_KINDS:
            where.append(_T.reserved_rep == sa.false())
        if not ctx.get("qpv"):
            where.append(_T.reserved_qpv == sa.false())

    base = where
    where = []
    if crit.level:
        where.append(getattr(_T, LEVEL_COLUMNS[crit.level]) == sa.true())
    if crit.sectors:
        where.append(_T.sector_id.in_(crit.sectors))
    for h in crit.handicaps:
        where.append(getattr(_T, f"handicap_{h}") == sa.true())
    terms = fts_terms(crit.q)
    place_where, hav, place, impossible = _place_filters(s, crit, errors, place)
    where += place_where
    # Weeks last: in the suggestions' one-pass counts (CASE WHEN …) the cheap column
    # tests reject most rows before any weeks lookup.
    if crit.weeks:
        week_cond = [_W.week_start.in_(crit.weeks)]
        if not crit.show_all:
            week_cond.append(_W.places > _W.places_taken)
        if terms:
            # Few candidates (the keyword's matches): one index search each.
            has_week = sa.exists().where(_W.offer_id == _T.id, *week_cond)
        else:
            # Maybe 50,000 candidates (60 km around Paris, or all of France): the set of
            # offers free on those weeks is built once (partial index
            # ix_offer_weeks_free) and probed per candidate.
            has_week = _T.id.in_(sa.select(_W.offer_id).where(*week_cond))
        where.append(sa.or_(_T.all_year == sa.true(), has_week))
    keyword = _keyword_filter(dialect, terms) if terms else None
    center = (place.latitude, place.longitude) if place is not None else None
    return _Plan(
        where=base + where + ([keyword] if keyword is not None else []),
        hav=hav,
        center=center,
        place_label=place.label if place is not None else "",
        place=place,
        impossible=impossible,
        keywords=bool(terms),
        weeks=bool(crit.weeks),
        dialect=dialect,
        base=base,
        criteria=where,
        keyword=keyword,
        terms=tuple(terms),
    )


def _count(s: Session, plan: _Plan, cap: int | None = None) -> int:
    """Offers matching ``plan``; with ``cap``, stops counting after ``cap + 1``."""
    if plan.impossible:
        return 0
    if cap is None:
        stmt = sa.select(sa.func.count()).select_from(Offer.__table__).where(*plan.where)
    else:
        inner = sa.select(_T.id).where(*plan.where).limit(cap + 1).subquery("capped")
        stmt = sa.select(sa.func.count()).select_from(inner)
    return int(s.execute(stmt).scalar_one())


def _count_variants(s: Session, plans: list[_Plan]) -> list[int]:
    """Counts of several variants of one search (the suggestions), at most 101 each.

    Variants with the same keyword and base filter are counted in ONE pass over the
    keyword's matches (``sum(CASE WHEN <variant> …)``): each further COUNT would look the
    same few thousand offers up again.  The others get one capped COUNT each.
    """
    out: dict[int, int] = {}
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, plan in enumerate(plans):
        if plan.impossible:
            out[i] = 0
        elif plan.keyword is not None:
            groups.setdefault(plan.terms, []).append(i)
        else:
            out[i] = _count(s, plan, cap=SUGGESTION_CAP)
    for members in groups.values():
        first = plans[members[0]]
        sums = [
            sa.func.coalesce(
                sa.func.sum(sa.case((sa.and_(sa.true(), *plans[i].criteria), 1), else_=0)), 0
            )
            for i in members
        ]
        row = s.execute(sa.select(*sums).where(*first.base, first.keyword)).one()
        for i, n in zip(members, row, strict=True):
            out[i] = min(int(n or 0), SUGGESTION_CAP + 1)
    return [out[i] for i in range(len(plans))]


def _ordered_ids(plan: _Plan, limit: int, offset: int) -> sa.Subquery:
    total = sa.func.count().over() if plan.sorts_all else sa.null()
    cols = [_T.id.label("oid"), total.label("total")]
    if plan.hav is not None:
        cols.append(plan.hav.label("hav"))
        order = plan.order(sa.literal_column("hav"))
    else:
        cols.append(sa.null().label("hav"))
        order = plan.order()
    return (
        sa.select(*cols)
        .where(*plan.where)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )


def _weeks_of(raw: str | None, this_monday: date) -> tuple[list[date], list[date]]:
    """(upcoming weeks with places, upcoming weeks) from ``"2026-11-16:1,…"``."""
    free: list[date] = []
    every: list[date] = []
    for item in (raw or "").split(","):
        day, _, has_room = item.partition(":")
        try:
            m = date.fromisoformat(day.strip()[:10])
        except ValueError:
            continue
        if m < this_monday:
            continue
        every.append(m)
        if has_room.strip() == "1":
            free.append(m)
    return sorted(set(free)), sorted(set(every))


def _page_rows(
    s: Session, plan: _Plan, limit: int, offset: int, today: date
) -> tuple[list[dict], int | None]:
    """The page's dicts and the total of matching offers (None when the page is empty:
    past the last page, or nothing matches)."""
    this_monday = clock.monday_of(today)
    page = _ordered_ids(plan, limit, offset)
    week_str = (
        sa.select(
            sa.func.aggregate_strings(
                sa.cast(_W.week_start, sa.String)
                + ":"
                + sa.case((_W.places > _W.places_taken, "1"), else_="0"),
                ",",
            )
        )
        .where(_W.offer_id == page.c.oid, _W.week_start >= this_monday)
        .scalar_subquery()
    )
    sec = Sector.__table__.c
    stmt = (
        sa.select(
            _T.id,
            _T.title,
            _T.employer_name,
            _T.city,
            _T.postal_code,
            _T.latitude,
            _T.longitude,
            _T.places_left,
            _T.is_accessible,
            _T.reserved_rep,
            _T.reserved_qpv,
            _T.reserved_schools,
            _T.all_year,
            sec.name.label("sector"),
            page.c.hav,
            page.c.total,
            week_str.label("weeks"),
        )
        .select_from(page)
        .join(Offer.__table__, _T.id == page.c.oid)
        .outerjoin(Sector.__table__, sec.id == _T.sector_id)
    )
    if plan.hav is not None:
        stmt = stmt.order_by(*plan.order(page.c.hav))
    else:
        stmt = stmt.order_by(*plan.order())
    out: list[dict] = []
    total: int | None = None
    for r in s.execute(stmt):
        total = int(r.total) if r.total is not None else None
        free, every = _weeks_of(r.weeks, this_monday)
        shown = free or every
        km = _a_to_km(r.hav)
        out.append(
            {
                "id": r.id,
                "title": r.title,
                "employer_name": r.employer_name,
                "city": r.city,
                "postal_code": r.postal_code,
                "distance_km": round(km, 1) if km is not None else None,
                "sector": r.sector or "",
                "weeks": [weeks.week_label(m) for m in shown[:WEEKS_SHOWN]],
                "weeks_more": max(0, len(shown) - WEEKS_SHOWN),
                "places_left": int(r.places_left or 0),
                "accessible": bool(r.is_accessible),
                "reserved_rep": bool(r.reserved_rep),
                "reserved_qpv": bool(r.reserved_qpv),
                "reserved_schools": bool(r.reserved_schools),
                "latitude": r.latitude,
                "longitude": r.longitude,
                "all_year": bool(r.all_year),
            }
        )
    return out, total


# --- search -----------------------------------------------------------------------------


@dataclass
class SearchResult:
    results: list[dict] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    center: tuple[float, float] | None = None
    place_label: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    suggestions: list[dict] = field(default_factory=list)


def _offers_label(n: int) -> str:
    if n > SUGGESTION_CAP:
        return f"plus de {SUGGESTION_CAP} offres"
    return "1 offre" if n == 1 else f"{n} offres"


def _suggestions(
    s: Session,
    crit: SearchCriteria,
    ctx: dict[str, Any] | None,
    today: date,
    place: geo.GeoResult | None,
) -> list[dict]:
    """Wider searches that return at least one offer, counted up to 101 (the label then
    says « plus de 100 offres » and ``count`` is 101; see :func:`_count_variants`).

    First each criterion relaxed on its own (most specific first: radius to 60 km, all
    weeks, all sectors, no accessibility need, no keyword, all of France); when none of
    them finds anything, the relaxations are combined in that order and the first
    combination that finds offers is suggested.
    """
    base = replace(crit, page=1)
    steps: list[tuple[str, str, Any]] = []  # (label alone, part of a combined label, change)
    if place is not None and place.precision != geo.PRECISION_DEPARTMENT:
        if crit.radius_km < MAX_RADIUS_KM:
            steps.append(
                (
                    f"Élargir la recherche à {MAX_RADIUS_KM} km autour de {place.label}",
                    f"à {MAX_RADIUS_KM} km autour de {place.label}",
                    {"radius_km": MAX_RADIUS_KM},
                )
            )
    if crit.weeks:
        steps.append(("", "sur toutes les semaines", {"weeks": []}))
    if crit.sectors:
        steps.append(("", "dans tous les secteurs", {"sectors": []}))
    if crit.handicaps:
        steps.append(("", "sans critère d'accessibilité", {"handicaps": []}))
    if crit.q:
        steps.append(("", f"sans le mot-clé « {crit.q} »", {"q": ""}))
    if crit.where:
        steps.append(("", "dans toute la France", {"where": ""}))

    def plan_of(alt: SearchCriteria) -> _Plan:
        return _plan(s, alt, ctx, {}, today, place=place if alt.where else None)

    def suggestion(label: str, alt: SearchCriteria, n: int) -> dict:
        query = alt.to_query()
        return {
            "label": f"{label} ({_offers_label(n)})",
            "criteria": query,
            "count": n,
            "url": "/offres" + ("?" + urlencode(query) if query else ""),
        }

    singles = [
        (alone or f"Rechercher {part}", replace(base, **change)) for alone, part, change in steps
    ]
    counts = _count_variants(s, [plan_of(alt) for _label, alt in singles])
    out = [suggestion(label, alt, n) for (label, alt), n in zip(singles, counts, strict=True) if n]
    if out:
        return out
    # Combined: those keeping the keyword in one pass, then one by one until one finds offers.
    combined: list[tuple[str, SearchCriteria]] = []
    alt, parts = base, []
    for _alone, part, change in steps:
        alt = replace(alt, **change)
        parts.append(part)
        if len(parts) >= 2:  # single relaxations were tried above
            combined.append(("Rechercher " + ", ".join(parts[:-1]) + " et " + parts[-1], alt))
    with_kw = [c for c in combined if fts_terms(c[1].q)]
    for (label, alt), n in zip(
        with_kw, _count_variants(s, [plan_of(a) for _l, a in with_kw]), strict=True
    ):
        if n:
            return [suggestion(label, alt, n)]
    for label, alt in combined[len(with_kw) :]:
        n = _count_variants(s, [plan_of(alt)])[0]
        if n:
            return [suggestion(label, alt, n)]
    return []


def search(
    s: Session,
    criteria: SearchCriteria,
    viewer: Any = None,
    per_page: int = PER_PAGE,
) -> SearchResult:
    """One page of offers for ``criteria`` as seen by ``viewer`` (see the module doc).

    Never raises on bad input: what cannot be used is reported in ``errors`` (French,
    keyed by criteria field) and the rest of the search still runs — except an unknown
    place, which returns nothing but the error.  ``suggestions`` (only when nothing
    matches): ``{"label", "criteria" (URL parameters, as :meth:`SearchCriteria.to_query`),
    "count", "url"}``.
    """
    crit, errors = normalize(criteria)
    per_page = max(1, min(_as_int(per_page) or PER_PAGE, MAX_PER_PAGE))
    ctx = _viewer(s, viewer)
    today = clock.today_paris()
    _custom_plans(s)
    plan = _plan(s, crit, ctx, errors, today)
    result = SearchResult(
        page=crit.page, center=plan.center, place_label=plan.place_label, errors=errors
    )
    if plan.impossible:
        return result
    rows: list[dict] = []
    total: int | None = None
    if plan.sorts_all:
        rows, total = _page_rows(s, plan, per_page, (crit.page - 1) * per_page, today)
        if not rows:
            # Page 1 empty: nothing matches; further: past the last page (count, then
            # show the last page).
            total = 0 if crit.page == 1 else None
    if total is None:
        total = _count(s, plan)
    result.total = total
    result.pages = max(1, math.ceil(total / per_page)) if total else 0
    if total == 0:
        result.page = 1
        result.suggestions = _suggestions(s, crit, ctx, today, plan.place)
        return result
    page = min(crit.page, result.pages)
    result.page = page
    if not rows:
        rows, _ = _page_rows(s, plan, per_page, (page - 1) * per_page, today)
    result.results = rows
    return result


def map_points(
    s: Session, criteria: SearchCriteria, viewer: Any = None, limit: int = MAP_LIMIT
) -> list[dict]:
    """Markers of the current search (same filters, no pagination, nearest/newest first):
    ``{"id", "title", "lat", "lon", "employer_name", "city"}``."""
    crit, errors = normalize(criteria)
    limit = max(1, min(_as_int(limit) or MAP_LIMIT, 10_000))
    _custom_plans(s)
    plan = _plan(s, crit, _viewer(s, viewer), errors, clock.today_paris())
    if plan.impossible:
        return []
    # The ids first (from the covering indexes), then the columns of those rows only.
    hav = plan.hav if plan.hav is not None else sa.null()
    order = plan.order(sa.literal_column("hav")) if plan.hav is not None else plan.order()
    ids = (
        sa.select(_T.id.label("oid"), hav.label("hav"))
        .where(*plan.where, _T.latitude.is_not(None), _T.longitude.is_not(None))
        .order_by(*order)
        .limit(limit)
        .subquery("pts")
    )
    stmt = (
        sa.select(_T.id, _T.title, _T.latitude, _T.longitude, _T.employer_name, _T.city)
        .select_from(ids)
        .join(Offer.__table__, _T.id == ids.c.oid)
        .order_by(*(plan.order(ids.c.hav) if plan.hav is not None else plan.order()))
    )
    return [
        {
            "id": r.id,
            "title": r.title,
            "lat": r.latitude,
            "lon": r.longitude,
            "employer_name": r.employer_name,
            "city": r.city,
        }
        for r in s.execute(stmt)
    ]


def count_available(s: Session, department_code: str | None = None) -> dict[str, int]:
    """Home page counter for a territory (a department code, or None for France):
    ``places`` (sum of places left of the offers a search shows), ``offers``,
    ``structures`` (distinct host structures of those offers) and ``placed`` (pupils with
    a confirmed internship in an offer of the territory this school year)."""
    today = clock.today_paris()
    dept = (department_code or "").strip().upper()[:3]
    if dept == "NATIONAL":
        dept = ""
    conds = [
        _T.state == OfferState.PUBLISHED.value,
        _T.places_left > 0,
        sa.or_(_T.application_start.is_(None), _T.application_start <= today),
        sa.or_(_T.application_end.is_(None), _T.application_end >= today),
        _T.reserved_schools == sa.false(),
    ]
    if dept:
        conds.append(_T.department_code == dept)
    row = s.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(_T.places_left), 0),
            sa.func.count(),
            sa.func.count(sa.distinct(_T.structure_id)),
        ).where(*conds)
    ).one()
    a = Application.__table__.c
    placed_stmt = sa.select(sa.func.count(sa.distinct(a.pupil_id))).where(
        a.state == AppState.CONFIRMED.value,
        a.school_year == weeks.active_school_year(today),
    )
    if dept:
        placed_stmt = placed_stmt.join(Offer.__table__, _T.id == a.offer_id).where(
            _T.department_code == dept
        )
    placed = int(s.execute(placed_stmt).scalar_one() or 0)
    return {
        "places": int(row[0] or 0),
        "offers": int(row[1] or 0),
        "structures": int(row[2] or 0),
        "placed": placed,
    }

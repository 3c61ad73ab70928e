"""Geography: distances, bounding boxes, geocoding and place/school autocomplete.

Geocoding works offline from the embedded communes (``communes`` table: one row per
commune × postal code, with the commune centroid).  It understands a postal code
(« 93200 »), a department (« 77 », « 2A », « 974 », « Seine-et-Marne »), a commune name
with or without department or postal code (« Saint-Denis (93) », « Nantes 44000 »,
« saint denis », « ST-ETIENNE »), former commune names (« Cherbourg-Octeville ») and a
full address, reduced to its commune (« 12 rue de la Paix 44000 Nantes »).

When ``GEOCODER_URL`` is set, addresses go first to a BAN-compatible API
(api-adresse.data.gouv.fr: ``GET {url}/search/?q=…&limit=1``) with a short timeout; any
error, timeout or weak answer falls back to the embedded data.  No function here raises on
bad input: they return ``None`` or an empty list.

Prefix searches use the b-tree indexes on ``communes.search_name`` / ``postal_code`` as
explicit ranges (``col >= 'mea' AND col <= 'meazzz…'``): SQLite does not use an index for
``LIKE`` by default, nor does PostgreSQL under a non-C collation, but both use it for a
range.  A ``LIKE`` on the same prefix then removes any collation-order false positives.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Commune, CommuneAlias, Department, School
from mystage.services.text import fold
from mystage.settings import get_settings

log = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0  # ≈ 111.2 km per degree of latitude

MAX_QUERY_LEN = 200  # longer input is not a place: refused without querying anything
BAN_TIMEOUT_S = 2.5  # whole request budget for the address API
BAN_MIN_SCORE = 0.5  # below this the BAN answer is a guess: use the embedded data instead
BAN_MAX_Q = 200  # the BAN refuses longer queries

PRECISION_ADDRESS = "address"
PRECISION_COMMUNE = "commune"
PRECISION_DEPARTMENT = "department"

_POSTAL_RE = re.compile(r"^\d{5}$")
_DEPT_RE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-5]|2a|2b|97[1-8]|98[4-9])$")
_ARR_CITIES = {"paris": (1, 20), "marseille": (1, 16), "lyon": (1, 9)}
_ARR_RE = re.compile(r"^(\d{1,2})(?:e|er|eme|ieme)?$")
_HOUSE_NUMBER_RE = re.compile(r"^\d{1,4}[a-z]?$")
_STREET_WORDS = frozenset(
    """
    rue r avenue av ave bd boulevard bld chemin che ch place pl allee allees impasse imp
    route rte quai cours crs square sq voie passage pas residence res lieu dit lieudit
    faubourg fbg rond point rpt zone za zi zac zae parc cite hameau ham lotissement lot
    sentier esplanade promenade parvis carrefour mail bis ter quater cedex bp cs montee
    ruelle venelle traverse villa clos domaine
    """.split()
)
_PREFIX_HI = "z" * 100  # upper bound suffix for an index range over [a-z0-9 ] strings


# --- distances ------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class BBox(NamedTuple):
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float


def bbox(lat: float, lon: float, km: float) -> BBox:
    """A box that contains every point within ``km`` of (lat, lon) — a prefilter for
    indexed ``latitude BETWEEN … AND longitude BETWEEN …`` before the exact haversine.

    Longitudes are clamped to [-180, 180] (no antimeridian wrap: the French territories
    near it, Wallis-et-Futuna and Fiji's neighbours, are farther than any search radius).
    """
    km = max(0.0, float(km))
    dlat = km / KM_PER_DEGREE
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    # Use the parallel farthest from the equator: its degrees of longitude are the shortest,
    # so the span is an upper bound for the whole circle (also when crossing the equator).
    widest = max(abs(min_lat), abs(max_lat))
    cos_lat = math.cos(math.radians(min(widest, 89.9)))
    dlon = min(180.0, km / (KM_PER_DEGREE * cos_lat)) if cos_lat > 1e-9 else 180.0
    return BBox(min_lat, max(-180.0, lon - dlon), max_lat, min(180.0, lon + dlon))


def bbox_filter(lat_col: Any, lon_col: Any, lat: float, lon: float, km: float) -> sa.ColumnElement:
    """SQL condition ``lat_col``/``lon_col`` inside :func:`bbox` (same on SQLite and PG)."""
    b = bbox(lat, lon, km)
    return sa.and_(lat_col.between(b.min_lat, b.max_lat), lon_col.between(b.min_lon, b.max_lon))


# --- results --------------------------------------------------------------------------


@dataclass(frozen=True)
class GeoResult:
    label: str
    latitude: float
    longitude: float
    postal_code: str = ""
    insee_code: str = ""
    city: str = ""
    department_code: str = ""
    precision: str = PRECISION_COMMUNE  # "address", "commune" or "department"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clean(query: Any) -> str | None:
    if not isinstance(query, str):
        return None
    q = query.strip()
    if not q or len(q) > MAX_QUERY_LEN or "\x00" in q:
        return None
    return q


def _prefix_range(col: Any, prefix: str) -> sa.ColumnElement:
    """Index-friendly ``col`` starts with ``prefix`` (prefix made of [a-z0-9 ] only)."""
    return sa.and_(col >= prefix, col <= prefix + _PREFIX_HI, col.like(prefix + "%"))


def _territory() -> str:
    t = (get_settings().territory or "national").strip().lower()
    return "" if t == "national" else t.upper()


def _rank_key(row: Any, prefer_arrondissement: bool, territory: str) -> tuple:
    return (
        bool(territory) and row.department_code == territory,
        prefer_arrondissement and row.type == "arrondissement",
        row.population or 0,
        # Stable tie-breakers: the commune's lowest postal code first.
        [-ord(c) for c in row.postal_code],
    )


def _best(rows: list[Any], prefer_arrondissement: bool = False) -> Any | None:
    if not rows:
        return None
    territory = _territory()
    return max(rows, key=lambda r: _rank_key(r, prefer_arrondissement, territory))


def _commune_result(s: Session, row: Any, *, by_postal: bool) -> GeoResult:
    """GeoResult for one commune row.  Matched by name, a commune with several postal codes
    is labelled with its department (« Nantes (44) ») and given its lowest postal code."""
    postal = row.postal_code
    label_code = postal
    if not by_postal:
        codes = sorted(
            s.execute(
                sa.select(Commune.postal_code).where(Commune.insee_code == row.insee_code)
            ).scalars()
        )
        if codes:
            postal = codes[0]
            label_code = postal if len(codes) == 1 else row.department_code
    return GeoResult(
        label=f"{row.name} ({label_code})",
        latitude=row.latitude,
        longitude=row.longitude,
        postal_code=postal,
        insee_code=row.insee_code,
        city=row.name,
        department_code=row.department_code,
        precision=PRECISION_COMMUNE,
    )


# --- embedded lookups -----------------------------------------------------------------


def _rows_by_postal(s: Session, code: str) -> list[Any]:
    return list(s.execute(sa.select(Commune).where(Commune.postal_code == code)).scalars())


def _rows_by_name(s: Session, name: str, department: str | None = None) -> list[Any]:
    stmt = sa.select(Commune).where(Commune.search_name == name)
    if department:
        stmt = stmt.where(Commune.department_code == department)
    rows = list(s.execute(stmt).scalars())
    if not rows:
        # « st denis » / « ste maxime » as typed for « saint denis » / « sainte maxime ».
        alt = re.sub(r"\bste\b", "sainte", re.sub(r"\bst\b", "saint", name))
        if alt != name:
            return _rows_by_name(s, alt, department)
    return rows


def _rows_by_alias(s: Session, name: str, department: str | None = None) -> list[Any]:
    stmt = sa.select(CommuneAlias.insee_code).where(CommuneAlias.search_name == name)
    if department:
        stmt = stmt.where(CommuneAlias.department_code == department)
    codes = list(dict.fromkeys(s.execute(stmt).scalars()))
    if not codes:
        return []
    return list(s.execute(sa.select(Commune).where(Commune.insee_code.in_(codes))).scalars())


def _rows_by_prefix(s: Session, name: str, department: str | None = None) -> list[Any]:
    """Communes whose name starts with the words typed (« boulogne » → Boulogne-Billancourt)."""
    if len(name) < 3:
        return []
    stmt = sa.select(Commune).where(_prefix_range(Commune.search_name, name + " "))
    if department:
        stmt = stmt.where(Commune.department_code == department)
    rows = list(s.execute(stmt.order_by(Commune.population.desc()).limit(50)).scalars())
    if not rows and len(name) >= 4:
        stmt = sa.select(Commune).where(_prefix_range(Commune.search_name, name))
        if department:
            stmt = stmt.where(Commune.department_code == department)
        rows = list(s.execute(stmt.order_by(Commune.population.desc()).limit(50)).scalars())
    return rows


def _department_code(folded: str) -> str | None:
    if _DEPT_RE.match(folded):
        return folded.upper()
    return None


def _department_result(s: Session, code: str) -> GeoResult | None:
    dept = s.get(Department, code)
    if dept is None:
        return None
    point = None
    if dept.chef_lieu_insee_code:
        point = s.execute(
            sa.select(Commune.latitude, Commune.longitude)
            .where(Commune.insee_code == dept.chef_lieu_insee_code)
            .limit(1)
        ).first()
    if point is None:  # no chef-lieu point: the mean of the department's communes
        point = s.execute(
            sa.select(sa.func.avg(Commune.latitude), sa.func.avg(Commune.longitude)).where(
                Commune.department_code == code
            )
        ).first()
        if point is None or point[0] is None:
            return None
    return GeoResult(
        label=f"{dept.name} ({dept.code})",
        latitude=float(point[0]),
        longitude=float(point[1]),
        department_code=dept.code,
        precision=PRECISION_DEPARTMENT,
    )


def _department_by_name(s: Session, folded: str) -> str | None:
    for code, name in s.execute(sa.select(Department.code, Department.name)):
        if fold(name) == folded:
            return code
    return None


def _arrondissement(s: Session, city: str, number: str) -> GeoResult | None:
    bounds = _ARR_CITIES.get(city)
    m = _ARR_RE.match(number)
    if not bounds or not m:
        return None
    n = int(m.group(1))
    if not bounds[0] <= n <= bounds[1]:
        return None
    name = f"{city} {n}{'er' if n == 1 else 'e'} arrondissement"
    row = _best(_rows_by_name(s, name))
    return _commune_result(s, row, by_postal=False) if row else None


def _match_name(s: Session, name: str, department: str | None = None) -> Any | None:
    """Best commune row for a folded name: exact current name, else the biggest of the
    former names (« Cherbourg-Octeville ») and word prefixes (« Boulogne »)."""
    exact = _best(_rows_by_name(s, name, department))
    if exact is not None:
        return exact
    return _best(_rows_by_alias(s, name, department) + _rows_by_prefix(s, name, department))


def _postal_result(s: Session, code: str, name: str = "") -> GeoResult | None:
    rows = _rows_by_postal(s, code)
    if not rows:
        return None
    if name:
        named = [
            r
            for r in rows
            if r.search_name == name
            or r.search_name.startswith(name + " ")
            or f" {r.search_name} " in f" {name} "
        ]
        rows = named or rows
    row = _best(rows, prefer_arrondissement=True)
    return _commune_result(s, row, by_postal=True)


def _geocode_local(s: Session, f: str) -> GeoResult | None:
    """Strict local parse of a folded query: postal code, department, name (+ dept/postal)."""
    tokens = f.split()
    if not tokens:
        return None
    if len(tokens) == 1:
        t = tokens[0]
        if t.isdigit() and len(t) in (4, 5):
            return _postal_result(s, t.zfill(5))
        if code := _department_code(t):
            return _department_result(s, code)
    # « Nantes 44000 », « 44000 Nantes », « Saint-Denis (93200) »
    if len(tokens) > 1:
        for pos, rest in ((-1, tokens[:-1]), (0, tokens[1:])):
            if _POSTAL_RE.match(tokens[pos]):
                return _postal_result(s, tokens[pos], " ".join(rest))
        name, last = " ".join(tokens[:-1]), tokens[-1]
        # « Paris 13 », « Marseille 8e », « Lyon 1er »
        if name in _ARR_CITIES and (arr := _arrondissement(s, name, last)):
            return arr
        # « Saint-Denis (93) », « Saint-Denis 974 »
        if code := _department_code(last):
            row = _match_name(s, name, code)
            if row is not None:
                return _commune_result(s, row, by_postal=False)
    row = _match_name(s, f)
    if row is not None:
        return _commune_result(s, row, by_postal=False)
    if code := _department_by_name(s, f):
        return _department_result(s, code)
    return None


def _looks_like_address(f: str) -> bool:
    tokens = f.split()
    if any(t in _STREET_WORDS for t in tokens):
        return True
    # « 12 Grande Rue … », « 3 bis … »: a house number followed by words.
    return len(tokens) >= 3 and bool(_HOUSE_NUMBER_RE.match(tokens[0]))


def _geocode_address_local(s: Session, f: str) -> GeoResult | None:
    """An address reduced to its commune: postal code (+ city name), else the city name
    at the end (« …, Nantes »), else the strict parse of the whole text."""
    tokens = f.split()
    for i in range(len(tokens) - 1, -1, -1):
        if _POSTAL_RE.match(tokens[i]):
            result = _postal_result(s, tokens[i], " ".join(tokens[i + 1 :]))
            if result is not None:
                return result
    found = _geocode_local(s, f)
    if found is not None:
        return found
    # The city is usually last: try the longest trailing run of words that is a commune.
    for size in range(min(6, len(tokens) - 1), 0, -1):
        name = " ".join(tokens[-size:])
        if len(name) < 3:
            continue
        row = _best(_rows_by_name(s, name)) or _best(_rows_by_alias(s, name))
        if row is not None:
            return _commune_result(s, row, by_postal=False)
    return None


# --- BAN address API ------------------------------------------------------------------

_http_client: httpx.Client | None = None
_http_lock = threading.Lock()


def _http() -> httpx.Client:
    global _http_client
    with _http_lock:
        if _http_client is None:
            _http_client = httpx.Client(
                headers={"User-Agent": "MyStage/1.0 (geocodage)", "Accept": "application/json"},
                follow_redirects=False,
            )
        return _http_client


def _ban_geocode(base_url: str, query: str, timeout: float) -> GeoResult | None:
    q = query[:BAN_MAX_Q]
    if len(fold(q)) < 3:
        return None
    url = base_url.rstrip("/") + "/search/"
    try:
        resp = _http().get(url, params={"q": q, "limit": 1}, timeout=httpx.Timeout(timeout))
        if resp.status_code != 200:
            log.warning("geocoder: HTTP %s", resp.status_code)
            return None
        features = resp.json().get("features") or []
        if not features:
            return None
        feat = features[0]
        props = feat.get("properties") or {}
        lon, lat = feat["geometry"]["coordinates"][:2]
        lat, lon = float(lat), float(lon)
        score = float(props.get("score") or 0.0)
    except (httpx.HTTPError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        log.warning("geocoder: %s: %s", type(exc).__name__, exc)
        return None
    if score < BAN_MIN_SCORE or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    kind = str(props.get("type") or "")
    context = str(props.get("context") or "")
    citycode = str(props.get("citycode") or "")
    department = context.split(",", 1)[0].strip() if context else ""
    if not department and citycode:
        department = citycode[:3] if citycode.startswith("97") else citycode[:2]
    return GeoResult(
        label=str(props.get("label") or q)[:250],
        latitude=lat,
        longitude=lon,
        postal_code=str(props.get("postcode") or "")[:5],
        insee_code=citycode[:5],
        city=str(props.get("city") or "")[:100],
        department_code=department[:3],
        precision=PRECISION_COMMUNE if kind == "municipality" else PRECISION_ADDRESS,
    )


# --- public API -----------------------------------------------------------------------


def geocode_address(s: Session, query: str, *, timeout: float | None = None) -> GeoResult | None:
    """Geocode a postal address.  With ``GEOCODER_URL`` set, ask the BAN API first; on any
    error, timeout, empty or low-score answer, reduce the address to its commune from the
    embedded data (precision "commune")."""
    q = _clean(query)
    if q is None:
        return None
    base_url = get_settings().geocoder_url
    if base_url:
        found = _ban_geocode(base_url, q, BAN_TIMEOUT_S if timeout is None else timeout)
        if found is not None:
            return found
    f = fold(q)
    return _geocode_address_local(s, f) if f else None


def geocode(s: Session, query: str) -> GeoResult | None:
    """Point for what a user typed as a place: postal code, department, commune (with
    optional department or postal code), former commune name, or full address."""
    q = _clean(query)
    if q is None:
        return None
    f = fold(q)
    if not f:
        return None
    if _looks_like_address(f):
        return geocode_address(s, q)
    found = _geocode_local(s, f)
    if found is None and get_settings().geocoder_url:
        found = geocode_address(s, q)
    return found


def _commune_suggestion(
    name: str, postal: str, label_code: str, lat: float, lon: float, insee: str, dept: str
) -> dict[str, Any]:
    return {
        "kind": "commune",
        "label": f"{name} ({label_code})",
        "city": name,
        "lat": lat,
        "lon": lon,
        "postal_code": postal,
        "insee_code": insee,
        "department_code": dept,
    }


def _department_suggestion(s: Session, code: str) -> dict[str, Any] | None:
    r = _department_result(s, code)
    if r is None:
        return None
    return {
        "kind": "department",
        "label": r.label,
        "city": "",
        "lat": r.latitude,
        "lon": r.longitude,
        "postal_code": "",
        "insee_code": "",
        "department_code": r.department_code,
    }


def suggest_communes(s: Session, prefix: str, limit: int = 10) -> list[dict[str, Any]]:
    """Autocomplete for a place field: « 77 », « 440 », « 44000 », « mea », « saint denis 93 ».

    Each item: ``{"kind": "commune"|"department", "label": "Meaux (77100)", "city",
    "lat", "lon", "postal_code", "insee_code", "department_code"}``.  Digits list the
    (commune, postal code) pairs; names list one entry per commune, biggest first.
    """
    if not isinstance(prefix, str):
        return []
    f = fold(prefix[:80])
    limit = max(1, min(int(limit or 10), 50))
    if not f:
        return []
    out: list[dict[str, Any]] = []
    c = Commune.__table__.c

    compact = f.replace(" ", "")
    if compact.isdigit() or compact in ("2a", "2b"):
        if code := _department_code(compact):
            dept = _department_suggestion(s, code)
            if dept:
                out.append(dept)
        if compact.isdigit() and len(compact) <= 5:
            hi = compact + "9" * (5 - len(compact))
            cond = sa.and_(c.postal_code >= compact, c.postal_code <= hi)
        elif compact in ("2a", "2b"):
            cond = c.department_code == compact.upper()
        else:
            return out
        stmt = (
            sa.select(
                c.name, c.postal_code, c.latitude, c.longitude, c.insee_code, c.department_code
            )
            .where(cond)
            .order_by(c.population.desc(), c.postal_code, c.name)
            .limit(limit - len(out))
        )
        for r in s.execute(stmt):
            out.append(
                _commune_suggestion(
                    r.name,
                    r.postal_code,
                    r.postal_code,
                    r.latitude,
                    r.longitude,
                    r.insee_code,
                    r.department_code,
                )
            )
        return out

    # Name, optionally followed by a department code: « saint denis 93 ».
    tokens = f.split()
    department = None
    if len(tokens) > 1 and (code := _department_code(tokens[-1])):
        department, f = code, " ".join(tokens[:-1])

    def grouped(where: sa.ColumnElement, n: int, exclude: set[str]) -> list[Any]:
        stmt = (
            sa.select(
                c.insee_code,
                c.name,
                c.department_code,
                sa.func.min(c.search_name).label("search_name"),
                sa.func.min(c.postal_code).label("postal_code"),
                sa.func.count().label("n_postal"),
                sa.func.max(c.population).label("population"),
                sa.func.min(c.latitude).label("latitude"),
                sa.func.min(c.longitude).label("longitude"),
            )
            .where(where)
            .group_by(c.insee_code, c.name, c.department_code)
            .order_by(
                sa.case((sa.func.min(c.search_name) == f, 0), else_=1),
                sa.func.max(c.population).desc(),
                c.name,
            )
            .limit(n + len(exclude))
        )
        if department:
            stmt = stmt.where(c.department_code == department)
        return [r for r in s.execute(stmt) if r.insee_code not in exclude][:n]

    seen: set[str] = set()

    def add(rows: list[Any]) -> None:
        for r in rows:
            if r.insee_code in seen or len(out) >= limit:
                continue
            seen.add(r.insee_code)
            code = r.postal_code if r.n_postal == 1 else r.department_code
            out.append(
                _commune_suggestion(
                    r.name,
                    r.postal_code,
                    code,
                    r.latitude,
                    r.longitude,
                    r.insee_code,
                    r.department_code,
                )
            )

    add(grouped(_prefix_range(c.search_name, f), limit, seen))
    if len(out) < limit and len(f) >= 3:
        # A later word of the name: « denis » → Saint-Denis (not indexed, 35k short rows).
        add(grouped(c.search_name.like(f"% {f}%"), limit - len(out), seen))
    if len(out) < limit and len(f) >= 3:
        # Former names: « cherbourg oct » → Cherbourg-en-Cotentin.
        stmt = sa.select(CommuneAlias.insee_code).where(_prefix_range(CommuneAlias.search_name, f))
        if department:
            stmt = stmt.where(CommuneAlias.department_code == department)
        codes = [x for x in dict.fromkeys(s.execute(stmt.limit(limit)).scalars()) if x not in seen]
        if codes:
            add(grouped(c.insee_code.in_(codes), limit - len(out), seen))
    if len(out) < limit and len(f) >= 3 and not department:
        for code, name in s.execute(sa.select(Department.code, Department.name)):
            if fold(name).startswith(f) and len(out) < limit:
                if dept := _department_suggestion(s, code):
                    out.append(dept)
    return out


_SCHOOL_NOISE = frozenset({"college", "clg", "de", "du", "des", "la", "le", "les", "l", "d"})
_UAI_RE = re.compile(r"^\d{7}[a-z]$")


def suggest_schools(
    s: Session, query: str, limit: int = 10, department_code: str | None = None
) -> list[dict[str, Any]]:
    """Collèges by name, city, postal code or UAI (« jean moulin nantes », « 0440001 »)."""
    if not isinstance(query, str):
        return []
    f = fold(query[:100])
    if not f:
        return []
    limit = max(1, min(int(limit or 10), 50))
    c = School.__table__.c
    compact = f.replace(" ", "")
    conds: list[sa.ColumnElement] = []
    # Best matches first: the typed text is the commune (« meaux » → the collèges of Meaux,
    # not Crégy-lès-Meaux nor « Ormeaux »), then words matched at their start.
    ranks: list[sa.ColumnElement] = []
    if _UAI_RE.match(compact):
        conds.append(c.uai == compact.upper())
    elif compact.isdigit():
        # UAI prefix (7 digits + letter), as an index range.
        uai_hi = compact + "9" * (7 - len(compact)) + "Z"
        by_uai = sa.and_(c.uai >= compact, c.uai <= uai_hi) if len(compact) <= 7 else sa.false()
        if len(compact) <= 5:
            hi = compact + "9" * (5 - len(compact))
            conds.append(sa.or_(by_uai, sa.and_(c.postal_code >= compact, c.postal_code <= hi)))
        else:
            conds.append(by_uai)
    else:
        words = f.split()
        words = [w for w in words if w not in _SCHOOL_NOISE] or words
        conds.extend(c.search_name.like(f"%{w}%") for w in words[:8])
        commune = sa.func.replace(sa.func.replace(sa.func.lower(c.commune), "-", " "), "'", " ")
        ranks.append(sa.case((commune == f, 0), else_=1))
        ranks.append(
            sum(
                (
                    sa.case(
                        (sa.or_(c.search_name.like(f"{w}%"), c.search_name.like(f"% {w}%")), 0),
                        else_=1,
                    )
                    for w in words[:8]
                ),
                sa.literal(0),
            )
        )
    if department_code:
        conds.append(c.department_code == str(department_code).upper()[:3])
    stmt = (
        sa.select(
            c.id,
            c.uai,
            c.name,
            c.commune,
            c.postal_code,
            c.department_code,
            c.academy,
            c.sector,
            c.ep,
            c.qpv,
            c.latitude,
            c.longitude,
        )
        .where(*conds)
        .order_by(*ranks, c.commune, c.name, c.uai)
        .limit(limit)
    )
    return [
        {
            "id": r.id,
            "uai": r.uai,
            "name": r.name,
            "label": f"{r.name} — {r.commune} ({r.postal_code})",
            "commune": r.commune,
            "postal_code": r.postal_code,
            "department_code": r.department_code,
            "academy": r.academy,
            "sector": r.sector,
            "ep": r.ep,
            "qpv": bool(r.qpv),
            "lat": r.latitude,
            "lon": r.longitude,
        }
        for r in s.execute(stmt)
    ]

"""Offline geocoding from the embedded communes: postal codes, départements, commune names
(with a département or postal code, former names, arrondissements) and addresses reduced
to their commune; :class:`GeoResult`, the answer of every geocoder."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Commune, CommuneAlias, Department
from mystage.services.text import fold
from mystage.settings import get_settings

MAX_QUERY_LEN = 200  # longer input is not a place: refused without querying anything


PRECISION_ADDRESS = "address"
PRECISION_COMMUNE = "commune"
PRECISION_DEPARTMENT = "department"

_POSTAL_RE = re.compile(r"^\d{5}$")
_DEPT_RE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-5]|2a|2b|97[1-8]|98[4-9])$")
_ARR_CITIES = {"paris": (1, 20), "marseille": (1, 16), "lyon": (1, 9)}
_ARR_RE = re.compile(r"^(\d{1,2})(?:e|er|eme|ieme)?$")
# The autocomplete's own labels: « Marseille (13) » (commune + département), « Meaux (77100) »
# (commune + postal code).  A code in parentheses is never an arrondissement number.
_LABEL_RE = re.compile(r"^\s*(?P<name>[^()]+?)\s*\(\s*(?P<code>[0-9]{2,5}|2[abAB])\s*\)\s*$")
# Communes split into arrondissements (Paris, Marseille, Lyon): the whole city's rows carry
# the arrondissements' postal codes but the city's centre.
PLM_INSEE = frozenset({"75056", "13055", "69123"})
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
        # The commune named exactly (« Marseille (13001) » is the whole city, « Saint-Denis-
        # lès-Rebais (77510) » not Rebais), else one whose name starts with the words
        # typed (« Paris 75013 » → its arrondissement), else one named inside them.
        exact = [r for r in rows if r.search_name == name]
        if exact:
            return _commune_result(s, _best(exact), by_postal=True)
        named = [r for r in rows if r.search_name.startswith(name + " ")] or [
            r for r in rows if f" {r.search_name} " in f" {name} "
        ]
        rows = named or rows
    row = _best(rows, prefer_arrondissement=True)
    return _commune_result(s, row, by_postal=True)


def _geocode_label(s: Session, query: str) -> GeoResult | None:
    """« Name (code) » as the autocomplete writes it: the code is a postal code or the
    commune's département — never an arrondissement (« Marseille (13) » is the whole city,
    not its 13e).  None when the text is not of that form or names no commune."""
    m = _LABEL_RE.match(query)
    if not m:
        return None
    name, code = fold(m.group("name")), m.group("code").lower()
    if not name:
        return None
    if _POSTAL_RE.match(code):
        return _postal_result(s, code, name)
    department = _department_code(code)
    if department is None:
        return None
    rows = _rows_by_name(s, name, department)
    row = _best(rows) if rows else _match_name(s, name, department)
    if row is not None:
        return _commune_result(s, row, by_postal=False)
    # « Bouches-du-Rhône (13) »: the département itself.
    if _department_by_name(s, name) == department:
        return _department_result(s, department)
    return None


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

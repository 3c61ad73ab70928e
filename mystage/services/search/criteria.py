"""The search criteria (:class:`SearchCriteria`): read from the URL of ``/offres``
(:func:`from_query`), checked and normalized (:func:`normalize`), French messages per field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mystage.models import PupilLevel
from mystage.services import weeks
from mystage.services.ids import client_id

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

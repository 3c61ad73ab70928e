"""Public « Statistiques » page (/statistiques) and the home page's figure of pupils placed.

Both read :func:`mystage.services.stats.public_figures`, the aggregate service of the
référents' dashboards: national figures, or the département's when the deployment is
departmental (setting ``territory``).  Nothing personal is loaded, and no identity is
needed: every handler only takes a school year, which is checked against the five years
offered (anything else falls back to the current school year).

Figures are kept a minute in a module-level cache shared by every visitor of the worker
(:func:`figures`): the home page is the most visited page of the platform and the live
queries read national-size tables when the summary table is not filled yet.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import reflex as rx

from mystage import db
from mystage.services import stats, weeks
from mystage.settings import get_settings

YEARS_SHOWN = 5
TOP_SECTORS = 10
SHORT_LABEL = 28  # characters of a sector name on the chart axis (full name in the table)
CACHE_TTL_S = 60.0

_cache: dict[tuple[int, str | None], tuple[float, dict[str, Any]]] = {}
_locks: dict[tuple[int, str | None], asyncio.Lock] = {}


def clear_cache() -> None:
    """Forget the cached figures (tests; after a data import)."""
    _cache.clear()
    _locks.clear()


def territory_department() -> str | None:
    """The département of a departmental deployment, None for a national one."""
    t = (get_settings().territory or "national").strip().upper()
    return None if t in ("", "NATIONAL") else t[:3]


def school_years() -> list[int]:
    """The school years offered: the current one and the four before, newest first."""
    active = weeks.active_school_year()
    return [active - i for i in range(YEARS_SHOWN)]


def parse_year(value: Any) -> int:
    """A school year from the page (a string or a number, or anything a crafted call
    sends): one of :func:`school_years`, otherwise the current school year."""
    years = school_years()
    if isinstance(value, bool):
        return years[0]
    if isinstance(value, int):
        year = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
        year = int(value.strip())
    else:
        return years[0]
    return year if year in years else years[0]


def _territory_label(s, department: str | None) -> str:
    if department is None:
        return "France entière"
    from mystage.models import Department

    dep = s.get(Department, department)
    return f"{dep.name} ({dep.code})" if dep else f"Département {department}"


def _load(s, year: int, department: str | None) -> dict[str, Any]:
    data = stats.public_figures(s, year, department=department)
    data["territory_label"] = _territory_label(s, department)
    return data


async def figures(year: int, department: str | None) -> dict[str, Any]:
    """``stats.public_figures`` of a year and territory, computed at most once a minute
    per worker (one computation at a time per key; the others wait for it)."""
    key = (year, department)
    hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < CACHE_TTL_S:
        return hit[1]
    lock = _locks.setdefault(key, asyncio.Lock())
    async with lock:
        hit = _cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < CACHE_TTL_S:
            return hit[1]
        data = await db.call(_load, year, department)
        _cache[key] = (time.monotonic(), data)
        return data


# --- rows for the page (JSON-friendly: str labels, int/float measures) ----------------------


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _float(value: Any) -> float:
    try:
        return round(float(value or 0), 1)
    except (TypeError, ValueError):
        return 0.0


def _short(label: str) -> str:
    """A long sector name cut after a whole word for the chart axis (« Construction
    aéronautique… »); the table under the chart keeps the full name."""
    if len(label) <= SHORT_LABEL:
        return label
    cut = label[:SHORT_LABEL]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def _rate_label(rate: float) -> str:
    """« 37,5 % » (French decimal comma) for the data tables."""
    return stats.fmt_rate(rate)


def month_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": str(r.get("label") or r.get("month") or ""),
            "offered": _int(r.get("offered")),
            "filled": _int(r.get("filled")),
        }
        for r in data.get("by_month") or []
    ]


def sector_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The ten sectors with the most offers (the service sorts them)."""
    rows = [r for r in data.get("by_sector") or [] if _int(r.get("offers"))]
    return [
        {
            "label": str(r.get("label") or ""),
            "short": _short(str(r.get("label") or "")),
            "offers": _int(r.get("offers")),
            "places": _int(r.get("places")),
            "filled": _int(r.get("filled")),
            "fill_rate": _float(r.get("fill_rate")),
            "rate_label": _rate_label(_float(r.get("fill_rate"))),
        }
        for r in rows[:TOP_SECTORS]
    ]


def structure_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Public, privé, association (the donut's slices)."""
    return [
        {
            "label": str(r.get("label") or ""),
            "offers": _int(r.get("offers")),
            "places": _int(r.get("places")),
            "filled": _int(r.get("filled")),
            "fill_rate": _float(r.get("fill_rate")),
            "rate_label": _rate_label(_float(r.get("fill_rate"))),
        }
        for r in data.get("by_structure") or []
    ]


def tile_rows(data: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"key": str(t.get("key", "")), "label": str(t.get("label", "")), "value": str(t["value"])}
        for t in data.get("tiles_list") or []
    ]


def updated_label(data: dict[str, Any]) -> str:
    """« Mis à jour le 05/10/2026 à 10:00 » with where the figures come from."""
    stamp = str(data.get("updated_at") or "")
    day, _, hour = stamp.partition(" ")
    when = f"le {day} à {hour}" if hour else (f"le {day}" if day else "")
    source = (
        "chiffres consolidés, recalculés régulièrement"
        if data.get("source") == "summary"
        else "chiffres calculés en direct"
    )
    return f"Mis à jour {when} ({source})." if when else f"Mis à jour ({source})."


class PublicStatsState(rx.State):
    """Public figures: no session, no identity, nothing personal."""

    loaded: bool = False
    year: str = ""
    year_label: str = ""
    year_options: list[dict[str, str]] = []
    territory_label: str = ""
    national: bool = True
    tiles: list[dict[str, str]] = []
    by_month: list[dict[str, str | int]] = []
    by_sector: list[dict[str, str | int | float]] = []
    by_structure: list[dict[str, Any]] = []  # Any: the donut reads its "color" as a str
    pupils_confirmed: int = 0
    offers: int = 0
    places_offered: int = 0
    places_filled: int = 0
    off_platform: int = 0
    updated: str = ""

    async def _fetch(self, year: int) -> None:
        department = territory_department()
        data = await figures(year, department)
        self.year = str(year)
        self.year_label = weeks.school_year_label(year)
        self.year_options = [
            {"value": str(y), "label": weeks.school_year_label(y)} for y in school_years()
        ]
        self.territory_label = str(data.get("territory_label", ""))
        self.national = department is None
        self.tiles = tile_rows(data)
        self.by_month = month_rows(data)
        self.by_sector = sector_rows(data)
        self.by_structure = structure_rows(data)
        self.pupils_confirmed = _int(data.get("pupils_confirmed"))
        self.offers = _int(data.get("offers"))
        self.places_offered = _int(data.get("places_offered"))
        self.places_filled = _int(data.get("places_filled"))
        self.off_platform = _int(data.get("off_platform"))
        self.updated = updated_label(data)
        self.loaded = True

    @rx.event
    async def load(self):
        """On page load: the year of ``?annee=`` when it is one of the years offered."""
        raw = self.router.url.query_parameters.get("annee", "")
        await self._fetch(parse_year(raw[:10] if isinstance(raw, str) else ""))

    @rx.event
    async def set_year(self, value: Any):
        await self._fetch(parse_year(value))

"""One page of results: the ids of the page, then their sector and weeks in one statement
(:class:`SearchResult`)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Offer, Sector
from mystage.services import weeks
from mystage.services.search.criteria import WEEKS_SHOWN
from mystage.services.search.plan import _ordered_ids, _Plan
from mystage.services.search.sql import _T, _W, _a_to_km

# --- labels of a result card and of the results' heading --------------------------------


def plural(n: int, singular: str, many: str | None = None) -> str:
    """« 1 offre », « 12 offres », « 0 offre » (French: 0 and 1 take the singular)."""
    return f"{n} {singular if abs(n) < 2 else (many or singular + 's')}"


def weeks_summary(mondays: list[date], all_year: bool = False) -> str:
    """The compact weeks line of a result card: « Toute l'année », « 1 semaine · du 14 au
    18 juin », « 4 semaines · du 14 déc. au 22 janv. » (Monday of the first week to Friday
    of the last, the month in full within one month, abbreviated across two; the list of
    weeks is on the offer page); "" without a week."""
    if all_year:
        return "Toute l'année"
    days = sorted(set(mondays))
    if not days:
        return ""
    first, end = days[0], days[-1] + timedelta(days=4)
    if (first.year, first.month) == (end.year, end.month):
        span = weeks.span_label(first, end, with_year=False)  # « du 14 au 18 juin »
    else:
        span = (
            f"du {weeks.short_date_label(first, with_year=False)} "
            f"au {weeks.short_date_label(end, with_year=False)}"
        )
    if len(days) == 1:
        return f"1 semaine · {span}"
    return f"{len(days)} semaines · {span}"


# How a sentence says « in » a département: « en Seine-et-Marne », « dans le Nord », « dans
# les Yvelines », « dans l'Ain », « dans la Marne », « à Paris »; « en » for the others.
_DEPARTMENT_IN = {
    **dict.fromkeys("04 05 06 08 13 22 40 64 65 66 78 79 88 92 984".split(), "dans les "),
    **dict.fromkeys(
        "14 15 18 25 29 30 32 39 41 45 46 47 56 59 62 63 67 68 69 81 82 83 84 90 94 95".split(),
        "dans le ",
    ),
    **dict.fromkeys("01 02 03 10 11 12 27 34 36 60 61 89".split(), "dans l'"),
    **dict.fromkeys("23 26 42 50 51 53 55 57 58 72 80 86".split(), "dans la "),
    **dict.fromkeys("75 974 975 976 977 978 986".split(), "à "),
    "989": "sur l'",
}
_DEPT_LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[0-9][0-9AB]{1,2})\)$")


def in_department(label: str) -> str:
    """« en Seine-et-Marne » for the département label « Seine-et-Marne (77) »."""
    m = _DEPT_LABEL.match(label.strip())
    if not m:
        return f"en {label}"
    name, code = m.group("name"), m.group("code")
    return _DEPARTMENT_IN.get(code, "en ") + name


def results_place(place_label: str, department: bool) -> str:
    """What follows the count in the results' heading: « en Seine-et-Marne » (a
    département: no radius), « autour de Meaux (77) », "" without a place."""
    if not place_label:
        return ""
    return in_department(place_label) if department else f"autour de {place_label}"


# The URL parameters that count as one criterion each in « Filtres (n) » (the radius goes
# with the place, the page is not a criterion).
FILTER_KEYS = ("q", "lieu", "niveau", "secteurs", "semaines", "handicaps", "tout")


def criteria_count(query: dict[str, str]) -> int:
    """How many criteria a search has (``query``: :meth:`SearchCriteria.to_query`)."""
    return sum(1 for k in FILTER_KEYS if str(query.get(k) or "").strip())


@functools.lru_cache(maxsize=4096)
def _monday(day: str) -> date | None:
    """``date`` of ``"2026-11-16"`` (a few dozen distinct Mondays: parsed once)."""
    try:
        return date.fromisoformat(day.strip()[:10])
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _week_label(m: date) -> str:
    return weeks.week_label(m)


@functools.lru_cache(maxsize=8192)
def _weeks_summary(mondays: tuple[date, ...], all_year: bool) -> str:
    return weeks_summary(list(mondays), all_year)


def _weeks_of(raw: str | None, this_monday: date) -> tuple[list[date], list[date]]:
    """(upcoming weeks with places, upcoming weeks) from ``"2026-11-16:1,…"``."""
    free: set[date] = set()
    every: set[date] = set()
    for item in (raw or "").split(","):
        day, _, has_room = item.partition(":")
        m = _monday(day)
        if m is None or m < this_monday:
            continue
        every.add(m)
        if has_room.strip() == "1":
            free.add(m)
    return sorted(free), sorted(every)


def _for_level(mondays: list[date], level: str, level_2de: bool, period: str) -> list[date]:
    """The weeks a search of ``level`` shows on a card: the offer's national 2de weeks for
    2de, its other weeks for a collège level, all of them without a level."""
    if not level:
        return mondays
    lyceen = weeks.is_lyceen(level)
    if not (level_2de and period):
        return [] if lyceen else mondays
    seconde = {m for m in mondays if m in weeks.seconde_weeks(weeks.school_year_of(m), period)}
    if lyceen:
        return [m for m in mondays if m in seconde]
    return [m for m in mondays if m not in seconde]


# The columns of the page's ids (``plan._ordered_ids``, the derived table ``page``), named
# so that the cards' statement is built once (SQL expressions are immutable).
_PAGE_OID = sa.literal_column("page.oid")
_PAGE_HAV = sa.literal_column("page.hav")
_PAGE_RANK = sa.literal_column("page.krank")


@functools.lru_cache(maxsize=16)
def _cards(this_monday: date) -> sa.Select:
    """The columns of the cards of a page: the offers' own, the sector, distance and total
    from ``page``, and the upcoming weeks of each as one string (``"2026-11-16:1,…"``)."""
    week_str = (
        sa.select(
            sa.func.aggregate_strings(
                sa.cast(_W.week_start, sa.String)
                + ":"
                + sa.case((_W.places > _W.places_taken, "1"), else_="0"),
                ",",
            )
        )
        .where(_W.offer_id == _PAGE_OID, _W.week_start >= this_monday)
        .scalar_subquery()
    )
    return sa.select(
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
        _T.level_2de,
        _T.seconde_period,
        _T.application_end,
        Sector.__table__.c.name.label("sector"),
        _PAGE_HAV,
        sa.literal_column("page.total"),
        week_str.label("weeks"),
    )


def _page_rows(
    s: Session, plan: _Plan, limit: int, offset: int, today: date
) -> tuple[list[dict], int | None]:
    """The page's dicts and the total of matching offers (None when the page is empty:
    past the last page, or nothing matches)."""
    this_monday = clock.monday_of(today)
    page = _ordered_ids(plan, limit, offset)
    stmt = _cards(this_monday).select_from(page).join(Offer.__table__, _T.id == _PAGE_OID)
    stmt = stmt.outerjoin(Sector.__table__, Sector.__table__.c.id == _T.sector_id)
    rank = _PAGE_RANK if plan.rank is not None else None
    hav = _PAGE_HAV if plan.hav is not None else None
    stmt = stmt.order_by(*plan.order(hav, rank))
    out: list[dict] = []
    total: int | None = None
    lyceen = weeks.is_lyceen(plan.level)
    level = plan.level
    for (
        oid,
        title,
        employer_name,
        city,
        postal_code,
        latitude,
        longitude,
        places_left,
        is_accessible,
        reserved_rep,
        reserved_qpv,
        reserved_schools,
        offer_all_year,
        level_2de,
        seconde_period,
        application_end,
        sector,
        hav,
        row_total,
        week_list,
    ) in s.execute(stmt).tuples():
        total = int(row_total) if row_total is not None else None
        free, every = _weeks_of(week_list, this_monday)
        if level:
            free = _for_level(free, level, bool(level_2de), seconde_period or "")
            every = _for_level(every, level, bool(level_2de), seconde_period or "")
        all_year = bool(offer_all_year) and not lyceen
        shown = free or every
        km = _a_to_km(hav) if hav is not None else None
        places = int(places_left or 0)
        out.append(
            {
                "id": oid,
                "title": title,
                "employer_name": employer_name,
                "city": city,
                "postal_code": postal_code,
                "distance_km": round(km, 1) if km is not None else None,
                "sector": sector or "",
                "weeks": [_week_label(m) for m in shown[:WEEKS_SHOWN]],
                "weeks_more": max(0, len(shown) - WEEKS_SHOWN),
                "weeks_label": _weeks_summary(tuple(shown), all_year),
                "places_label": plural(places, "place"),
                "places_left": places,
                "accessible": bool(is_accessible),
                "reserved_rep": bool(reserved_rep),
                "reserved_qpv": bool(reserved_qpv),
                "reserved_schools": bool(reserved_schools),
                "latitude": latitude,
                "longitude": longitude,
                "all_year": all_year,
                # « Candidatures closes »: listed, but no « Postuler » (seed 003).
                "applications_closed": application_end is not None and application_end < today,
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
    place_is_department: bool = False  # « en Seine-et-Marne », not « autour de »
    errors: dict[str, str] = field(default_factory=dict)
    suggestions: list[dict] = field(default_factory=list)

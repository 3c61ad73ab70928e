"""The figures: every tile and chart of a dashboard (:func:`dashboard`), the public figures
(:func:`public_figures`) and the map of offers by commune (:func:`map_html`)."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import APP_STATE_LABELS, AppState
from mystage.services import weeks
from mystage.services.stats.charts import _all_charts, _chart_stmt
from mystage.services.stats.filters import Filters, clamp, parse_filters
from mystage.services.stats.off_platform import _off_platform
from mystage.services.stats.scope import (
    EP_KINDS,
    NO_COMMUNE,
    NO_SECTOR,
    SCHOOL_KIND_ROWS,
    SCHOOL_KINDS,
    STRUCTURE_TYPES,
    TOP_COMMUNES,
    scope_for,
)
from mystage.services.stats.sql import (
    SC,
    SUMMARY,
    _ep_kind,
    _pupils_stmt,
    _school_conditions,
    _sector_names,
    _Timer,
)
from mystage.services.stats.summary import _pupils_row, _summary_ready


def _rate(filled: int, offered: int) -> float:
    return round(100.0 * filled / offered, 1) if offered else 0.0


def _month_label(key: str) -> str:
    try:
        year, month = key.split("-")
        return f"{weeks.MONTHS_ABBR[int(month) - 1]} {year}"
    except (ValueError, IndexError, AttributeError):
        return key or ""


def _per_label(
    rows: dict[Any, Any], labels: dict[str, str], key_name: str, fields: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """One dict per label, in the labels' order: ``key_name``, ``label`` and the measures
    ``fields`` (name, column) of the row of that key (0 when there is no row)."""
    out = []
    for key, label in labels.items():
        r = rows.get(key)
        measures = {name: int(getattr(r, col)) if r is not None else 0 for name, col in fields}
        out.append({key_name: key, "label": label, **measures})
    return out


class _Sum:
    def __init__(self) -> None:
        self.eligible = 0
        self.registered = 0


def _sum_rows(rows: list[Any], key: str) -> dict[str, _Sum]:
    """The school rows (grouped by priority education and kind) added up by ``key``."""
    out: dict[str, _Sum] = {}
    for r in rows:
        acc = out.setdefault(getattr(r, key) or "", _Sum())
        acc.eligible += int(r.eligible)
        acc.registered += int(r.registered)
    return out


def _compute(
    s: Session,
    depts: frozenset[str] | None,
    f: Filters,
    *,
    force_live: bool = False,
) -> dict[str, Any]:
    """Every tile and chart for the départements ``depts`` (None: France) and filters."""
    dialect = s.get_bind().dialect.name
    timer = _Timer()
    year = f.school_year
    refreshed_at = None
    started = time.perf_counter()
    use_summary = False
    if not force_live and not f.fine:
        t0 = time.perf_counter()
        refreshed_at = _summary_ready(s, year)
        use_summary = refreshed_at is not None
        timer.rows.append(
            {"query": "summary_check", "ms": round((time.perf_counter() - t0) * 1000, 2)}
        )

    # Live on PostgreSQL with a selective filter (a fine filter, or some départements):
    # every chart from one scan of the facts (GROUPING SETS) instead of one scan per chart
    # — France + a sector at 3M applications: 915 → 340 ms (bench/dashboard.py).  Over
    # every application of France (no summary yet) the sets outgrow work_mem and one scan
    # is slower (19 s vs 16 s): one query per chart, as on SQLite (no GROUPING SETS).
    selective = f.fine or depts is not None
    grouped = (
        _all_charts(s, timer, dialect, year, depts, f)
        if not use_summary and dialect == "postgresql" and selective
        else None
    )

    def chart(kind: str) -> list[Any]:
        if grouped is not None:
            return grouped[kind]
        return timer.run(kind, s, _chart_stmt(kind, dialect, year, depts, f, use_summary))

    (total,) = chart("total") or [None]
    offers = int(total.offers) if total else 0
    places = int(total.places) if total else 0
    applications = int(total.applications) if total else 0
    filled = int(total.confirmed) if total else 0

    row = _pupils_row(s, depts) if use_summary else None
    if row is not None:
        pupils_stmt = sa.select(sa.func.coalesce(sa.func.sum(SUMMARY.c.confirmed), 0)).where(
            SUMMARY.c.kind == "pupils",
            SUMMARY.c.school_year == year,
            SUMMARY.c.department_code == row[0],
            SUMMARY.c.key == row[1],
        )
    else:
        pupils_stmt = _pupils_stmt(year, depts, f)
    pupils = int(timer.run("pupils", s, pupils_stmt)[0][0] or 0)

    by_month = [
        {
            "month": r.key,
            "label": _month_label(r.key),
            "offered": int(r.places),
            "filled": int(r.confirmed),
        }
        for r in sorted(chart("month"), key=lambda r: r.key or "")
        if r.key
    ]
    state_rows = {r.key: int(r.applications) for r in chart("state")}
    by_state = [
        {"state": st.value, "label": APP_STATE_LABELS[st], "count": state_rows.get(st.value, 0)}
        for st in AppState
        if state_rows.get(st.value, 0)
    ]
    names = _sector_names(s)
    by_sector = sorted(
        (
            {
                "sector_id": int(r.key) if r.key and r.key.isdigit() else None,
                "label": names.get(r.key or "", NO_SECTOR),
                "offers": int(r.offers),
                "places": int(r.places),
                "filled": int(r.confirmed),
                "applications": int(r.applications),
                "fill_rate": _rate(int(r.confirmed), int(r.places)),
            }
            for r in chart("sector")
        ),
        key=lambda d: (-d["offers"], d["label"]),
    )
    by_structure = _per_label(
        {r.key: r for r in chart("stype")},
        STRUCTURE_TYPES,
        "type",
        [
            ("offers", "offers"),
            ("places", "places"),
            ("filled", "confirmed"),
            ("applications", "applications"),
        ],
    )
    for d in by_structure:
        d["fill_rate"] = _rate(d["filled"], d["places"])
    by_ep = _per_label(
        {r.key: r for r in chart("ep")},
        EP_KINDS,
        "kind",
        [("applications", "applications"), ("filled", "confirmed")],
    )
    communes = [
        {
            "insee_code": r.key or "",
            "label": r.label or NO_COMMUNE,
            "offers": int(r.offers),
            "places": int(r.places),
            "filled": int(r.confirmed),
            "latitude": round(float(r.latitude), 5) if r.latitude is not None else None,
            "longitude": round(float(r.longitude), 5) if r.longitude is not None else None,
        }
        for r in chart("commune")
    ]
    by_school_kind = [
        d
        for d in _per_label(
            {r.key or "": r for r in chart("skind")},
            SCHOOL_KIND_ROWS,
            "kind",
            [("applications", "applications"), ("filled", "confirmed")],
        )
        if d["kind"] or d["applications"]
    ]
    top_communes = [c for c in communes if c["insee_code"] and c["offers"]][:TOP_COMMUNES]
    map_points = [c for c in communes if c["latitude"] is not None and c["offers"]]

    # Schools: eligible (open) and registered (the head opened the school space), by kind.
    school_rows = timer.run(
        "schools",
        s,
        sa.select(
            _ep_kind().label("ep_kind"),
            SC.kind.label("school_kind"),
            sa.func.count().label("eligible"),
            sa.func.count(SC.registered_at).label("registered"),
        )
        .where(*_school_conditions(depts, f))
        .group_by(sa.literal_column("ep_kind"), SC.kind),
    )
    schools = _per_label(
        _sum_rows(school_rows, "ep_kind"),
        EP_KINDS,
        "kind",
        [("eligible", "eligible"), ("registered", "registered")],
    )
    schools_by_kind = _per_label(
        _sum_rows(school_rows, "school_kind"),
        SCHOOL_KINDS,
        "kind",
        [("eligible", "eligible"), ("registered", "registered")],
    )

    off = _off_platform(s, timer, year, depts, f, names)
    total_ms = round((time.perf_counter() - started) * 1000, 2)

    def school_total(field_name: str, kinds: tuple[str, ...] | None = None) -> int:
        return sum(r[field_name] for r in schools if kinds is None or r["kind"] in kinds)

    tiles = {
        "offers": offers,
        "places_offered": places,
        "places_filled": filled,
        "fill_rate": _rate(filled, places),
        "applications": applications,
        "pupils_confirmed": pupils,
        "schools_eligible": school_total("eligible"),
        "schools_registered": school_total("registered"),
        "rep_eligible": school_total("eligible", ("rep",)),
        "rep_registered": school_total("registered", ("rep",)),
        "rep_plus_eligible": school_total("eligible", ("rep_plus",)),
        "rep_plus_registered": school_total("registered", ("rep_plus",)),
        **{f"{d['kind']}s_{m}": d[m] for d in schools_by_kind for m in ("eligible", "registered")},
        "off_platform": off["total"],
    }
    return {
        "source": "summary" if use_summary else "live",
        "updated_at": clock.fmt_paris(refreshed_at)
        if use_summary
        else clock.fmt_paris(clock.now()),
        "tiles": tiles,
        "tiles_list": _tiles_list(tiles),
        "charts": {
            "by_month": by_month,
            "by_state": by_state,
            "by_sector": by_sector,
            "by_structure": by_structure,
            "by_ep": by_ep,
            "by_school_kind": by_school_kind,
            "top_communes": top_communes,
            "map_points": map_points,
        },
        "schools": schools,
        "schools_by_kind": schools_by_kind,
        "off_platform": off,
        "timings": timer.rows,
        "total_ms": total_ms,
    }


def _fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def fmt_rate(rate: float) -> str:
    """« 37,5 % » (French decimal comma)."""
    return f"{rate:.1f}".replace(".", ",") + " %"


def _tiles_list(t: dict[str, Any]) -> list[dict[str, str]]:
    """The tiles in display order, formatted in French."""
    rate = fmt_rate(t["fill_rate"])
    return [
        {"key": "offers", "label": "Offres publiées", "value": _fmt_int(t["offers"])},
        {"key": "places_offered", "label": "Places proposées", "value": _fmt_int(t["places_offered"])},
        {"key": "places_filled", "label": "Places pourvues", "value": _fmt_int(t["places_filled"])},
        {"key": "fill_rate", "label": "Taux de remplissage", "value": rate},
        {"key": "applications", "label": "Candidatures", "value": _fmt_int(t["applications"])},
        {
            "key": "pupils_confirmed",
            "label": "Élèves avec un stage confirmé",
            "value": _fmt_int(t["pupils_confirmed"]),
        },
        {
            "key": "schools",
            "label": "Établissements inscrits",
            "value": f"{_fmt_int(t['schools_registered'])} / {_fmt_int(t['schools_eligible'])}",
        },
        {
            "key": "colleges",
            "label": "Collèges inscrits",
            "value": f"{_fmt_int(t['colleges_registered'])} / {_fmt_int(t['colleges_eligible'])}",
        },
        {
            "key": "lycees",
            "label": "Lycées inscrits",
            "value": f"{_fmt_int(t['lycees_registered'])} / {_fmt_int(t['lycees_eligible'])}",
        },
        {
            "key": "rep",
            "label": "Collèges REP et REP+ inscrits",
            "value": (
                f"{_fmt_int(t['rep_registered'] + t['rep_plus_registered'])} / "
                f"{_fmt_int(t['rep_eligible'] + t['rep_plus_eligible'])}"
            ),
        },
        {
            "key": "off_platform",
            "label": "Stages pourvus hors plateforme",
            "value": _fmt_int(t["off_platform"]),
        },
    ]  # fmt: skip


def dashboard(
    s: Session, user: Any, filters: Any = None, *, force_live: bool = False
) -> dict[str, Any]:
    """The référent's « Statistiques »: every tile and chart as plain lists of dicts.

    ``filters`` may be anything (a dict of strings from the page, junk from a crafted
    call): see :func:`parse_filters` and :func:`clamp`.  PermissionDenied for viewers who
    may not see statistics.  ``force_live`` skips the summary table (tests, benchmark)."""
    scope = scope_for(s, user)
    parsed, errors = parse_filters(s, filters)
    applied, depts, notices = clamp(s, scope, parsed)
    result = _compute(s, depts, applied, force_live=force_live)
    result.update(
        {
            "scope": {
                "label": scope.label,
                "departments": sorted(scope.departments) if scope.departments is not None else None,
            },
            "filters": applied.as_dict(),
            "departments": sorted(depts) if depts is not None else None,
            "errors": errors,
            "notices": notices,
        }
    )
    return result


def public_figures(
    s: Session, school_year: int | None = None, department: str | None = None
) -> dict[str, Any]:
    """National figures for the public « Statistiques » page and the home page (same
    aggregate services as the dashboards; no personal data, no territory below France
    except ``department``: the département of a departmental deployment)."""
    year = (
        school_year if isinstance(school_year, int) and not isinstance(school_year, bool) else None
    )
    f = Filters(year or weeks.active_school_year())
    data = _compute(s, frozenset({department}) if department else None, f)
    t = data["tiles"]
    return {
        "school_year": f.school_year,
        "school_year_label": weeks.school_year_label(f.school_year),
        "source": data["source"],
        "updated_at": data["updated_at"],
        "offers": t["offers"],
        "places_offered": t["places_offered"],
        "places_filled": t["places_filled"],
        "fill_rate": t["fill_rate"],
        "applications": t["applications"],
        "pupils_confirmed": t["pupils_confirmed"],
        "schools_registered": t["schools_registered"],
        "schools_eligible": t["schools_eligible"],
        "rep_registered": t["rep_registered"] + t["rep_plus_registered"],
        "rep_eligible": t["rep_eligible"] + t["rep_plus_eligible"],
        "colleges_registered": t["colleges_registered"],
        "colleges_eligible": t["colleges_eligible"],
        "lycees_registered": t["lycees_registered"],
        "lycees_eligible": t["lycees_eligible"],
        "off_platform": t["off_platform"],
        "tiles_list": data["tiles_list"],
        "by_month": data["charts"]["by_month"],
        "by_sector": data["charts"]["by_sector"],
        "by_structure": data["charts"]["by_structure"],
        "by_school_kind": data["charts"]["by_school_kind"],
    }


def map_html(points: list[dict[str, Any]]) -> str:
    """The clustered folium map of offers by commune (``charts.map_points``)."""
    from mystage.services import maps

    pts = [
        maps.Point(
            p["latitude"],
            p["longitude"],
            f"{p['label']} : {p['offers']} offre{'s' if p['offers'] > 1 else ''}",
        )
        for p in points
        if p.get("latitude") is not None and p.get("longitude") is not None
    ]
    return maps.render_map(pts, cluster=True, fit=True, zoom=6)

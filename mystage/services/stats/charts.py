"""The charts' queries: one ``<facts>`` UNION ALL per chart kind (:data:`KINDS`), grouped
live or read from the summary table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import AppState
from mystage.services.stats.filters import Filters
from mystage.services.stats.scope import MAP_LIMIT
from mystage.services.stats.sql import (
    APPS_T,
    OFFERS_T,
    SC,
    SCHOOLS_T,
    ST,
    STRUCT_T,
    SUMMARY,
    USERS_T,
    WEEKS_T,
    A,
    O,
    U,
    W,
    _ep_kind,
    _month,
    _published,
    _Timer,
    application_conditions,
    needs_schools,
    offer_conditions,
    school_kind_expr,
    structure_type_expr,
)

# Which rows each chart reads, and its key.
KINDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "total": (("offer", "week", "app"), None),
    "month": (("week", "app"), "month"),
    "state": (("app",), "state"),
    "sector": (("offer", "week", "app"), "sector"),
    "stype": (("offer", "week", "app"), "stype"),
    "ep": (("app",), "ep"),
    "skind": (("app",), "skind"),
    "commune": (("offer", "week", "app"), "commune"),
}


def _key_expr(key: str | None, part: str, dialect: str) -> sa.ColumnElement:
    if key is None:
        return sa.literal("")
    if key == "month":
        return _month(W.week_start if part == "week" else A.week_start, dialect)
    if key == "state":
        return A.state
    if key == "sector":
        return sa.cast(O.sector_id, sa.String)
    if key == "stype":
        return structure_type_expr()
    if key == "ep":
        return _ep_kind()
    if key == "skind":
        return school_kind_expr()
    if key == "commune":
        return O.insee_code
    raise ValueError(key)


def _facts(
    kind: str,
    dialect: str,
    year: int | None,
    depts: frozenset[str] | None,
    f: Filters | None,
) -> sa.Subquery:
    """``UNION ALL`` of the rows a chart aggregates: columns school_year, department_code,
    key, label, latitude, longitude, offers, places, applications, confirmed."""
    parts, key = KINDS[kind]
    commune = key == "commune"
    with_structure = key == "stype" or (f is not None and f.structure_type is not None)
    ocond = offer_conditions(year, depts, f) + _published()
    selects = []
    for part in parts:
        cols = [
            (A.school_year if part == "app" else O.school_year).label("school_year"),
            O.department_code.label("department_code"),
            _key_expr(key, part, dialect).label("key"),
            (O.city if commune else sa.literal("")).label("label"),
            (O.latitude if commune else sa.cast(sa.null(), sa.Float)).label("latitude"),
            (O.longitude if commune else sa.cast(sa.null(), sa.Float)).label("longitude"),
        ]
        if part == "offer":
            cols += [
                sa.literal(1).label("offers"),
                sa.literal(0).label("places"),
                sa.literal(0).label("applications"),
                sa.literal(0).label("confirmed"),
            ]
            frm = OFFERS_T
            if with_structure:
                frm = frm.outerjoin(STRUCT_T, ST.id == O.structure_id)
            where = list(ocond)
        elif part == "week":
            cols += [
                sa.literal(0).label("offers"),
                W.places.label("places"),
                sa.literal(0).label("applications"),
                sa.literal(0).label("confirmed"),
            ]
            frm = WEEKS_T.join(OFFERS_T, O.id == W.offer_id)
            if with_structure:
                frm = frm.outerjoin(STRUCT_T, ST.id == O.structure_id)
            where = list(ocond)
        else:
            cols += [
                sa.literal(0).label("offers"),
                sa.literal(0).label("places"),
                sa.literal(1).label("applications"),
                sa.case((A.state == AppState.CONFIRMED.value, 1), else_=0).label("confirmed"),
            ]
            frm = APPS_T.join(OFFERS_T, O.id == A.offer_id)
            if with_structure:
                frm = frm.outerjoin(STRUCT_T, ST.id == O.structure_id)
            if key in ("ep", "skind") or needs_schools(f):
                frm = frm.outerjoin(SCHOOLS_T, SC.id == A.school_id)
            if f is not None and f.level is not None:
                frm = frm.join(USERS_T, U.id == A.pupil_id)
            # Applications count for the year they belong to; the offer side only gives the
            # territory and the offer filters.
            where = offer_conditions(None, depts, f) + _published() + application_conditions(f)
            if year is not None:
                where.append(A.school_year == year)
        selects.append(sa.select(*cols).select_from(frm).where(*where))
    union = selects[0] if len(selects) == 1 else sa.union_all(*selects)
    return union.subquery("facts")


# Keys of the charts computed together by :func:`_all_charts` (one scan, GROUPING SETS).
GROUPED_KEYS = ("month", "state", "sector", "stype", "ep", "skind", "commune")


def _all_facts(
    dialect: str, year: int, depts: frozenset[str] | None, f: Filters | None
) -> sa.Subquery:
    """Every fact of every chart in one ``UNION ALL``: one column per chart key (``k_<key>``,
    NULL where the part does not feed that chart: offers have no month, offers and weeks no
    application state nor school), so one ``GROUPING SETS`` query computes them all."""
    ocond = offer_conditions(year, depts, f) + _published()
    null_str = sa.cast(sa.null(), sa.String)

    def keys(part: str) -> list[sa.ColumnElement]:
        return [
            (null_str if part == "offer" else _key_expr("month", part, dialect)).label("k_month"),
            (A.state if part == "app" else null_str).label("k_state"),
            _key_expr("sector", part, dialect).label("k_sector"),
            structure_type_expr().label("k_stype"),
            (_ep_kind() if part == "app" else null_str).label("k_ep"),
            (school_kind_expr() if part == "app" else null_str).label("k_skind"),
            O.insee_code.label("k_commune"),
            O.city.label("label"),
            O.latitude.label("latitude"),
            O.longitude.label("longitude"),
        ]

    def measures(*values: Any) -> list[sa.ColumnElement]:
        names = ("offers", "places", "applications", "confirmed")
        return [
            (sa.literal(v) if isinstance(v, int) else v).label(n)
            for v, n in zip(values, names, strict=True)
        ]

    offer_sel = (
        sa.select(*keys("offer"), *measures(1, 0, 0, 0))
        .select_from(OFFERS_T.outerjoin(STRUCT_T, ST.id == O.structure_id))
        .where(*ocond)
    )
    week_sel = (
        sa.select(*keys("week"), *measures(0, W.places, 0, 0))
        .select_from(
            WEEKS_T.join(OFFERS_T, O.id == W.offer_id).outerjoin(STRUCT_T, ST.id == O.structure_id)
        )
        .where(*ocond)
    )
    frm = (
        APPS_T.join(OFFERS_T, O.id == A.offer_id)
        .outerjoin(STRUCT_T, ST.id == O.structure_id)
        .outerjoin(SCHOOLS_T, SC.id == A.school_id)
    )
    if f is not None and f.level is not None:
        frm = frm.join(USERS_T, U.id == A.pupil_id)
    app_where = offer_conditions(None, depts, f) + _published() + application_conditions(f)
    app_where.append(A.school_year == year)
    confirmed = sa.case((A.state == AppState.CONFIRMED.value, 1), else_=0)
    app_sel = sa.select(*keys("app"), *measures(0, 0, 1, confirmed)).select_from(frm)
    app_sel = app_sel.where(*app_where)
    return sa.union_all(offer_sel, week_sel, app_sel).subquery("facts")


def _all_charts(
    s: Session,
    timer: _Timer,
    dialect: str,
    year: int,
    depts: frozenset[str] | None,
    f: Filters | None,
) -> dict[str, list[Any]]:
    """The rows of every chart (``total`` and :data:`GROUPED_KEYS`) from one scan of the
    live facts, PostgreSQL only (``GROUPING SETS``): what :func:`_chart_stmt` gives chart
    by chart, in the same shape, for the live dashboards (fine filters) that would
    otherwise scan the applications once per chart."""
    facts = _all_facts(dialect, year, depts, f)
    c = facts.c
    cols = {key: c[f"k_{key}"] for key in GROUPED_KEYS}
    sets = [sa.tuple_()] + [sa.tuple_(col) for col in cols.values()]
    stmt = sa.select(
        *[sa.func.grouping(col).label(f"g_{key}") for key, col in cols.items()],
        *[col for col in cols.values()],
        sa.func.max(c.label).label("label"),
        sa.func.avg(c.latitude).label("latitude"),
        sa.func.avg(c.longitude).label("longitude"),
        *_measures(facts),
    ).group_by(sa.func.grouping_sets(*sets))
    out: dict[str, list[Any]] = {"total": [], **{key: [] for key in GROUPED_KEYS}}
    for r in timer.run("all_charts", s, stmt):
        flat = [key for key in GROUPED_KEYS if getattr(r, f"g_{key}") == 0]
        kind = flat[0] if flat else "total"
        value = getattr(r, f"k_{kind}") if flat else ""
        if kind in ("month", "state", "ep", "skind") and value is None:
            continue  # the rows of the parts that do not feed this chart
        out[kind].append(
            _ChartRow(value, r.label, r.latitude, r.longitude, r.offers, r.places,
                      r.applications, r.confirmed)
        )  # fmt: skip
    out["commune"].sort(key=lambda r: (-int(r.places), -int(r.offers), r.key or ""))
    del out["commune"][MAP_LIMIT:]
    return out


@dataclass(frozen=True)
class _ChartRow:
    key: str | None
    label: str | None
    latitude: float | None
    longitude: float | None
    offers: int
    places: int
    applications: int
    confirmed: int


def _measures(src: Any) -> list[sa.ColumnElement]:
    return [
        sa.func.coalesce(sa.func.sum(src.c.offers), 0).label("offers"),
        sa.func.coalesce(sa.func.sum(src.c.places), 0).label("places"),
        sa.func.coalesce(sa.func.sum(src.c.applications), 0).label("applications"),
        sa.func.coalesce(sa.func.sum(src.c.confirmed), 0).label("confirmed"),
    ]


def _chart_stmt(
    kind: str,
    dialect: str,
    year: int,
    depts: frozenset[str] | None,
    f: Filters | None,
    use_summary: bool,
) -> sa.Select:
    """One aggregate query per chart, over the live facts or over the summary table."""
    if use_summary:
        src = SUMMARY.c
        conds = [src.kind == kind, src.school_year == year]
        if depts is not None:
            conds.append(src.department_code.in_(sorted(depts)))
        frm: Any = SUMMARY
        measure_src: Any = SUMMARY
    else:
        frm = _facts(kind, dialect, year, depts, f)
        src = frm.c
        conds = []
        measure_src = frm
    grouped = KINDS[kind][1] is not None
    key = src.key if grouped else sa.literal("")
    cols = [key.label("key"), *_measures(measure_src)]
    if kind == "commune":
        cols += [
            sa.func.max(src.label).label("label"),
            sa.func.avg(src.latitude).label("latitude"),
            sa.func.avg(src.longitude).label("longitude"),
        ]
    stmt = sa.select(*cols).select_from(frm).where(*conds)
    if grouped:
        stmt = stmt.group_by(src.key)
    if kind == "commune":
        places = sa.func.coalesce(sa.func.sum(measure_src.c.places), 0)
        offers = sa.func.coalesce(sa.func.sum(measure_src.c.offers), 0)
        stmt = stmt.order_by(places.desc(), offers.desc(), src.key).limit(MAP_LIMIT)
    return stmt

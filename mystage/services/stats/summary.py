"""The summary table ``stats_summary``: filled by :func:`refresh_summary` (job
``stats_refresh``), read when it is ready for the school year."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import AppState, Department
from mystage.services import weeks
from mystage.services.stats.charts import KINDS, _chart_stmt, _facts, _measures
from mystage.services.stats.filters import Filters
from mystage.services.stats.scope import _departments_of_academy
from mystage.services.stats.sql import (
    APPS_T,
    NATIONAL_KEY,
    OFFERS_T,
    SUMMARY,
    A,
    O,
    _published,
    summary_exists,
)


def refresh_summary(s: Session, years: list[int] | None = None) -> int:
    """Rebuild ``stats_summary`` (every kind, every département) for ``years`` (default:
    the active school year and the previous one) in the caller's transaction.  Returns the
    number of rows written; 0 when the table does not exist."""
    if not summary_exists(s):
        return 0
    dialect = s.get_bind().dialect.name
    if years is None:
        active = weeks.active_school_year()
        years = [active - 1, active]
    now = clock.now()
    s.execute(SUMMARY.delete().where(SUMMARY.c.school_year.in_(years)))
    for year in years:
        for kind in KINDS:
            facts = _facts(kind, dialect, year, None, None)
            c = facts.c
            cols = [
                sa.literal(kind).label("kind"),
                sa.literal(year).label("school_year"),
                c.department_code,
                sa.func.coalesce(c.key, "").label("key"),
                sa.func.coalesce(sa.func.max(c.label), "").label("label"),
                sa.func.avg(c.latitude).label("latitude"),
                sa.func.avg(c.longitude).label("longitude"),
                *_measures(facts),
                sa.literal(now, sa.DateTime(timezone=True)).label("refreshed_at"),
            ]
            select = sa.select(*cols).group_by(c.department_code, c.key)
            s.execute(
                SUMMARY.insert().from_select(
                    [
                        "kind",
                        "school_year",
                        "department_code",
                        "key",
                        "label",
                        "latitude",
                        "longitude",
                        "offers",
                        "places",
                        "applications",
                        "confirmed",
                        "refreshed_at",
                    ],
                    select,
                )
            )
        # Distinct pupils cannot be added up: one exact row for France, per académie and
        # per département.
        dept_t = Department.__table__
        base = APPS_T.join(OFFERS_T, O.id == A.offer_id).outerjoin(
            dept_t, dept_t.c.code == O.department_code
        )
        conds = [A.state == AppState.CONFIRMED.value, A.school_year == year, *_published()]
        pupils = sa.func.count(sa.distinct(A.pupil_id))
        stamp = sa.literal(now, sa.DateTime(timezone=True))
        target = ["kind", "school_year", "department_code", "key", "confirmed", "refreshed_at"]
        for select in (
            sa.select(sa.literal("pupils"), sa.literal(year), sa.literal(NATIONAL_KEY),
                      sa.literal(""), pupils, stamp).select_from(base).where(*conds),
            sa.select(sa.literal("pupils"), sa.literal(year), sa.literal(NATIONAL_KEY),
                      dept_t.c.academy, pupils, stamp).select_from(base)
            .where(*conds, dept_t.c.academy.is_not(None)).group_by(dept_t.c.academy),
            sa.select(sa.literal("pupils"), sa.literal(year), O.department_code,
                      sa.literal(""), pupils, stamp).select_from(base)
            .where(*conds).group_by(O.department_code),
        ):  # fmt: skip
            s.execute(SUMMARY.insert().from_select(target, select))
    written = s.execute(
        sa.select(sa.func.count()).select_from(SUMMARY).where(SUMMARY.c.school_year.in_(years))
    ).scalar_one()
    return int(written)


def _summary_refreshed_at(s: Session, year: int) -> datetime | None:
    value = s.execute(
        sa.select(sa.func.max(SUMMARY.c.refreshed_at)).where(
            SUMMARY.c.kind == "pupils", SUMMARY.c.school_year == year
        )
    ).scalar()
    if isinstance(value, str):  # SQLite without type processing on a Core aggregate
        value = datetime.fromisoformat(value)
    return clock.as_utc(value)


def _pupils_row(s: Session, depts: frozenset[str] | None) -> tuple[str, str] | None:
    """``(department_code, key)`` of the summary row counting the distinct pupils of
    ``depts``: France, one département, or exactly the départements of one académie;
    None for any other set (then counted live)."""
    if depts is None:
        return NATIONAL_KEY, ""
    if len(depts) == 1:
        return next(iter(depts)), ""
    academies = (
        s.execute(
            sa.select(Department.academy).where(Department.code.in_(sorted(depts))).distinct()
        )
        .scalars()
        .all()
    )
    if len(academies) == 1 and academies[0] and _departments_of_academy(s, academies[0]) == depts:
        return NATIONAL_KEY, academies[0]
    return None


def _summary_ready(s: Session, year: int) -> datetime | None:
    """When the summary of ``year`` was computed; None when there is no summary."""
    if not summary_exists(s):
        return None
    return _summary_refreshed_at(s, year)


def chart_rows(s: Session, kind: str, f: Filters, depts: frozenset[str] | None) -> list[Any]:
    """Rows ``key, offers, places, applications, confirmed`` of one chart (exports of the
    statistics by sector and by structure type), with the dashboard's rule for the
    summary table."""
    use_summary = not f.fine and _summary_ready(s, f.school_year) is not None
    dialect = s.get_bind().dialect.name
    return s.execute(_chart_stmt(kind, dialect, f.school_year, depts, f, use_summary)).all()

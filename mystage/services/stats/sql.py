"""SQL building blocks of the statistics: table aliases, the summary table
(:data:`SUMMARY`), the WHERE conditions of offers, applications, schools and off-platform
figures, and the query timer."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import (
    Application,
    AppState,
    Offer,
    OfferWeek,
    OffPlatformFigure,
    School,
    Sector,
    Structure,
    User,
)
from mystage.services.stats.filters import Filters
from mystage.services.stats.scope import OFFER_LEVEL_COLUMNS, PUPIL_LEVELS

SUMMARY_METADATA = sa.MetaData()
# Aggregates per (kind, school year, département, key), rebuilt by the job ``stats_refresh``
# from the same ``_facts`` queries as the live dashboard.  Not a SQLModel table yet: its
# migration is to be added (see the module docstring of mystage/jobs/exports.py).
SUMMARY = sa.Table(
    "stats_summary",
    SUMMARY_METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("school_year", sa.Integer, nullable=False),
    sa.Column("department_code", sa.String(3), nullable=False, server_default=""),
    sa.Column("key", sa.String(64), nullable=False, server_default=""),
    sa.Column("label", sa.String(150), nullable=False, server_default=""),
    sa.Column("latitude", sa.Float, nullable=True),
    sa.Column("longitude", sa.Float, nullable=True),
    sa.Column("offers", sa.Integer, nullable=False, server_default="0"),
    sa.Column("places", sa.Integer, nullable=False, server_default="0"),
    sa.Column("applications", sa.Integer, nullable=False, server_default="0"),
    sa.Column("confirmed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_stats_summary_lookup", "kind", "school_year", "department_code"),
)
NATIONAL_KEY = "*"  # department_code of national rows (distinct pupils)


def summary_exists(s: Session) -> bool:
    return sa.inspect(s.connection()).has_table(SUMMARY.name)


# --- the facts: one row per offer, offer week and application ------------------------------

O = Offer.__table__.c  # noqa: E741
W = OfferWeek.__table__.c
A = Application.__table__.c
ST = Structure.__table__.c
SC = School.__table__.c
U = User.__table__.c
OFFERS_T = Offer.__table__
WEEKS_T = OfferWeek.__table__
APPS_T = Application.__table__
STRUCT_T = Structure.__table__
SCHOOLS_T = School.__table__
USERS_T = User.__table__


def structure_type_expr() -> sa.ColumnElement:
    """Association (the structure is one), public (the offer says so, or the structure is
    an administration / collectivité), privé otherwise."""
    return sa.case(
        (ST.status == "association", sa.literal("association")),
        (sa.or_(O.is_public, ST.status.in_(("administration", "collectivite"))), "public"),
        else_=sa.literal("prive"),
    )


def _ep_kind() -> sa.ColumnElement:
    """Priority education of the pupil's school (no school: « autre »)."""
    return sa.case(
        (SC.ep == "REP+", sa.literal("rep_plus")),
        (SC.ep == "REP", sa.literal("rep")),
        (SC.qpv.is_(True), sa.literal("qpv")),
        else_=sa.literal("autre"),
    )


def _ep_condition(ep: str) -> sa.ColumnElement:
    if ep == "rep_plus":
        return SC.ep == "REP+"
    if ep == "rep":
        return SC.ep == "REP"
    if ep == "rep_all":
        return SC.ep.in_(("REP", "REP+"))
    if ep == "qpv":
        return sa.and_(SC.qpv.is_(True), sa.func.coalesce(SC.ep, "") == "")
    return sa.and_(
        sa.func.coalesce(SC.ep, "") == "", sa.func.coalesce(SC.qpv, sa.false()).is_(False)
    )


def school_kind_expr() -> sa.ColumnElement:
    """Kind of the pupil's school ("college", "lycee"; "" when none is recorded)."""
    return sa.func.coalesce(SC.kind, "")


def needs_schools(f: Filters | None) -> bool:
    """Do the application conditions of ``f`` read the pupil's school?"""
    return f is not None and (f.ep is not None or f.school_kind is not None)


def _month(col: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    if dialect == "postgresql":
        return sa.func.to_char(col, "YYYY-MM")
    return sa.func.strftime("%Y-%m", col)


def _published() -> list[sa.ColumnElement]:
    return [O.published_at.is_not(None), O.state != "removed"]


def offer_conditions(
    year: int | None, depts: frozenset[str] | None, f: Filters | None
) -> list[sa.ColumnElement]:
    """Conditions on ``offers`` (and ``structures`` for the structure type) of a scope."""
    conds: list[sa.ColumnElement] = []
    if year is not None:
        conds.append(O.school_year == year)
    if depts is not None:
        conds.append(O.department_code.in_(sorted(depts)) if depts else sa.false())
    if f is not None:
        if f.sector_id is not None:
            conds.append(O.sector_id == f.sector_id)
        if f.structure_type is not None:
            conds.append(structure_type_expr() == f.structure_type)
        if f.level is not None:
            conds.append(getattr(O, OFFER_LEVEL_COLUMNS[f.level]).is_(True))
        if f.school_kind is not None:
            # The offers open to the pupils of that kind of school.
            levels = ("2de",) if f.school_kind == "lycee" else ("4e", "3e")
            conds.append(sa.or_(*(getattr(O, OFFER_LEVEL_COLUMNS[v]).is_(True) for v in levels)))
        if f.ministry is not None:
            conds.append(O.ministry == f.ministry)
    return conds


def application_conditions(f: Filters | None) -> list[sa.ColumnElement]:
    """Conditions on the pupil side of an application (school, level)."""
    conds: list[sa.ColumnElement] = []
    if f is not None and f.ep is not None:
        conds.append(_ep_condition(f.ep))
    if f is not None and f.level is not None:
        conds.append(U.level.in_(PUPIL_LEVELS[f.level]))
    if f is not None and f.school_kind is not None:
        conds.append(SC.kind == f.school_kind)
    return conds


class _Timer:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def run(self, name: str, s: Session, stmt: Any) -> list[Any]:
        started = time.perf_counter()
        rows = s.execute(stmt).all()
        self.rows.append({"query": name, "ms": round((time.perf_counter() - started) * 1000, 2)})
        return rows


def _sector_names(s: Session) -> dict[str, str]:
    return {str(i): n for i, n in s.execute(sa.select(Sector.id, Sector.name)).all()}


def _school_conditions(depts: frozenset[str] | None, f: Filters) -> list[sa.ColumnElement]:
    conds = [SC.status == "open"]
    if depts is not None:
        conds.append(SC.department_code.in_(sorted(depts)) if depts else sa.false())
    if f.level == "2de":
        conds.append(SC.kind == "lycee")
    elif f.level in ("4e", "3e"):
        conds.append(SC.kind == "college")
    if f.school_kind is not None:
        conds.append(SC.kind == f.school_kind)
    if f.ep is not None:
        conds.append(_ep_condition(f.ep))
    return conds


def _pupils_stmt(year: int, depts: frozenset[str] | None, f: Filters) -> sa.Select:
    frm: Any = APPS_T
    conds = [A.state == AppState.CONFIRMED.value, A.school_year == year]
    offer_conds = offer_conditions(None, depts, f)
    if offer_conds:
        frm = frm.join(OFFERS_T, O.id == A.offer_id)
        if f.structure_type is not None:
            frm = frm.outerjoin(STRUCT_T, ST.id == O.structure_id)
        conds += offer_conds + _published()
    else:
        # Same rows as the charts: applications to offers that count as published.
        frm = frm.join(OFFERS_T, O.id == A.offer_id)
        conds += _published()
    if needs_schools(f):
        frm = frm.outerjoin(SCHOOLS_T, SC.id == A.school_id)
    if f.level is not None:
        frm = frm.join(USERS_T, U.id == A.pupil_id)
    conds += application_conditions(f)
    return sa.select(sa.func.count(sa.distinct(A.pupil_id))).select_from(frm).where(*conds)


def off_platform_conditions(
    year: int, depts: frozenset[str] | None, f: Filters
) -> list[sa.ColumnElement]:
    c = OffPlatformFigure.__table__.c
    conds = [c.school_year == year]
    if depts is not None:
        conds.append(c.department_code.in_(sorted(depts)) if depts else sa.false())
    if f.sector_id is not None:
        conds.append(c.sector_id == f.sector_id)
    if f.structure_type is not None:
        conds.append(c.kind == f.structure_type)
    return conds

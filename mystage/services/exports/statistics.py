"""Statistics exports: schools in priority education (REP, REP+) and the dashboard's tables
by sector and by structure type."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import AppState, OffPlatformFigure, School
from mystage.services import stats
from mystage.services.exports.kinds import (
    EXPORT_KINDS,
    MSG_REGISTERED,
    REGISTERED_FILTERS,
    SC,
    SE,
    A,
    O,
    Prepared,
    Viewer,
    _filters,
    _stored_params,
)
from mystage.services.exports.xlsx import DATETIME, INT, PERCENT, TEXT, Col


def _yes(v: Any) -> str:
    return "Oui" if v else "Non"


REP_COLUMNS = [
    Col("UAI", TEXT, 10),
    Col("ETABLISSEMENT", TEXT, 36),
    Col("TYPE", TEXT, 7),
    Col("QPV", TEXT, 6),
    Col("SECTEUR", TEXT, 9),
    Col("ADRESSE", TEXT, 32),
    Col("CODE_POSTAL", TEXT, 12),
    Col("COMMUNE", TEXT, 22),
    Col("DEPARTEMENT", TEXT, 13),
    Col("ACADEMIE", TEXT, 18),
    Col("INSCRIT", TEXT, 8),
    Col("DATE_INSCRIPTION", DATETIME, 17),
    Col("EMAIL", TEXT, 28),
    Col("CANDIDATURES", INT, 13),
    Col("STAGES_CONFIRMES", INT, 12),
]


def _rep_schools(s: Session, viewer: Viewer, params: dict[str, Any]):
    f, depts, errors = _filters(s, viewer, params)
    registered = params.get("registered", "tous")
    if not isinstance(registered, str) or registered not in REGISTERED_FILTERS:
        errors = {**errors, "registered": MSG_REGISTERED}
        registered = "tous"
    conds = [SC.status == "open", SC.ep.in_(("REP", "REP+"))]
    if depts is not None:
        conds.append(SC.department_code.in_(sorted(depts)) if depts else sa.false())
    if f.ep in ("rep", "rep_plus"):
        conds.append(SC.ep == ("REP" if f.ep == "rep" else "REP+"))
    if registered == "inscrits":
        conds.append(SC.registered_at.is_not(None))
    elif registered == "non_inscrits":
        conds.append(SC.registered_at.is_(None))
    app_conds = [A.school_year == f.school_year, A.school_id.is_not(None)]
    if f.ministry is not None:  # a ministry's view: its offers' applications only
        app_conds.append(A.offer_id.in_(sa.select(O.id).where(O.ministry == f.ministry)))
    apps = (
        sa.select(
            A.school_id,
            sa.func.count().label("applications"),
            sa.func.sum(sa.case((A.state == AppState.CONFIRMED.value, 1), else_=0)).label(
                "confirmed"
            ),
        )
        .where(*app_conds)
        .group_by(A.school_id)
        .subquery("ap")
    )
    stmt = (
        sa.select(
            SC.uai,
            SC.name,
            SC.ep,
            SC.qpv,
            SC.sector,
            SC.address,
            SC.postal_code,
            SC.commune,
            SC.department_code,
            SC.academy,
            SC.registered_at,
            SC.email,
            apps.c.applications,
            apps.c.confirmed,
        )
        .select_from(School.__table__.outerjoin(apps, apps.c.school_id == SC.id))
        .where(*conds)
        .order_by(SC.department_code, SC.commune, SC.name)
    )
    count_stmt = sa.select(sa.func.count()).select_from(School.__table__).where(*conds)
    sectors = {"public": "Public", "private": "Privé"}

    def convert(r: Any) -> tuple:
        return (
            r[0],
            r[1],
            r[2],
            _yes(r[3]),
            sectors.get(r[4], r[4]),
            r[5],
            r[6],
            r[7],
            r[8],
            r[9],
            _yes(r[10] is not None),
            r[10],
            r[11] if r[10] is not None else "",
            r[12] or 0,
            r[13] or 0,
        )

    stored = _stored_params(f, depts, registered=registered)
    return Prepared(
        "rep_schools", EXPORT_KINDS["rep_schools"], REP_COLUMNS, stmt, count_stmt, convert,
        params=stored,
    ), errors  # fmt: skip


STATS_COLUMNS = [
    Col("OFFRES", INT, 10),
    Col("PLACES_PROPOSEES", INT, 12),
    Col("PLACES_POURVUES", INT, 12),
    Col("TAUX_REMPLISSAGE", PERCENT, 12),
    Col("CANDIDATURES", INT, 13),
    Col("HORS_PLATEFORME", INT, 12),
]


def _stats_table(s: Session, viewer: Viewer, params: dict[str, Any], kind: str):
    """One row per sector (every sector, zeros included) or per structure type."""
    f, depts, errors = _filters(s, viewer, params)
    chart = "sector" if kind == "stats_sector" else "stype"
    # No sector: key None live, "" in the summary table.
    rows = {r.key or None: r for r in stats.chart_rows(s, chart, f, depts)}
    off = OffPlatformFigure.__table__.c
    off_col = off.sector_id if chart == "sector" else off.kind
    off_rows = dict(
        s.execute(
            sa.select(off_col, sa.func.sum(off.count))
            .where(*stats.off_platform_conditions(f.school_year, depts, f))
            .group_by(off_col)
        ).all()
    )
    if chart == "sector":
        keys = [
            (str(i), n, i)
            for i, n in s.execute(sa.select(SE.id, SE.name).order_by(SE.name)).all()
            if f.sector_id is None or i == f.sector_id
        ]
        if None in rows:
            keys.append((None, stats.NO_SECTOR, None))
        first = Col("SECTEUR", TEXT, 40)
    else:
        keys = [
            (k, label, k)
            for k, label in stats.STRUCTURE_TYPES.items()
            if f.structure_type is None or k == f.structure_type
        ]
        first = Col("TYPE_STRUCTURE", TEXT, 18)
    out = []
    for key, label, off_key in keys:
        r = rows.get(key)
        places = int(r.places) if r else 0
        filled = int(r.confirmed) if r else 0
        out.append(
            (
                label,
                int(r.offers) if r else 0,
                places,
                filled,
                (filled / places) if places else 0.0,
                int(r.applications) if r else 0,
                int(off_rows.get(off_key) or 0),
            )
        )
    stored = _stored_params(f, depts)
    return Prepared(
        kind, EXPORT_KINDS[kind], [first, *STATS_COLUMNS], rows=out, params=stored
    ), errors

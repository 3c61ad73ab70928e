"""Export of offers (« offres »): columns and query."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import OFFER_STATE_LABELS, AppState, Offer, Sector, Structure
from mystage.services import ministries, stats, weeks
from mystage.services.exports.kinds import (
    EXPORT_KINDS,
    NOT_SENT_STATES,
    SE,
    ST,
    A,
    O,
    Prepared,
    Viewer,
    W,
    _employer_offer_condition,
    _filters,
    _stored_params,
)
from mystage.services.exports.xlsx import DATE, DATETIME, INT, TEXT, Col


def _weeks_agg(dialect: str) -> tuple[sa.ColumnElement, ...]:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        listing = sa.func.string_agg(
            sa.func.to_char(W.week_start, "DD/MM/YYYY"),
            aggregate_order_by(sa.literal_column("', '"), W.week_start),
        )
    else:
        listing = sa.func.group_concat(sa.func.strftime("%d/%m/%Y", W.week_start), ", ")
    return (
        sa.func.sum(W.places).label("places"),
        sa.func.count().label("weeks"),
        listing.label("week_list"),
    )


OFFER_COLUMNS = [
    Col("O.ID", INT, 9),
    Col("TITRE", TEXT, 40),
    Col("CONTACT", TEXT, 22),
    Col("TELEPHONE", TEXT, 15),
    Col("EMAIL", TEXT, 28),
    Col("VILLE", TEXT, 20),
    Col("CODE_POSTAL", TEXT, 12),
    Col("DEPARTEMENT", TEXT, 13),
    Col("CREATION", DATETIME, 17),
    Col("DEBUT", DATE, 12),
    Col("FIN", DATE, 12),
    Col("PLACES", INT, 9),
    Col("PLACES_RESTANTES", INT, 11),
    Col("NB_SEMAINES", INT, 11),
    Col("SEMAINES", TEXT, 40),
    Col("E.ID", INT, 9),
    Col("EMPLOYEUR", TEXT, 28),
    Col("SECTEUR", TEXT, 28),
    Col("TYPE_STRUCTURE", TEXT, 14),
    Col("INSTITUTION_DE_TUTELLE", TEXT, 30),
    Col("ETAT", TEXT, 12),
    Col("PUBLIEE_LE", DATETIME, 17),
    Col("CANDIDATURES", INT, 13),
    Col("STAGES_CONFIRMES", INT, 12),
    Col("ANNEE_SCOLAIRE", TEXT, 12),
]


def _offers(s: Session, viewer: Viewer, params: dict[str, Any]) -> tuple[Prepared, dict]:
    f, depts, errors = _filters(s, viewer, params)
    if errors and f is None and viewer.kind == "employer":
        return None, errors
    dialect = s.get_bind().dialect.name
    wk = sa.select(W.offer_id, *_weeks_agg(dialect)).group_by(W.offer_id).subquery("wk")
    apps = (
        sa.select(
            A.offer_id,
            sa.func.count().label("applications"),
            sa.func.sum(sa.case((A.state == AppState.CONFIRMED.value, 1), else_=0)).label(
                "confirmed"
            ),
        )
        .where(A.state.not_in(NOT_SENT_STATES))
        .group_by(A.offer_id)
        .subquery("ap")
    )
    if viewer.kind == "stats":
        conds = stats.offer_conditions(f.school_year, depts, f) + [O.state != "draft"]
    else:
        conds = [_employer_offer_condition(s, viewer.user)]
        if f is not None:
            conds.append(O.school_year == f.school_year)
    base = Offer.__table__.outerjoin(Structure.__table__, ST.id == O.structure_id)
    stmt = (
        sa.select(
            O.id,
            O.title,
            O.tutor_name,
            sa.func.coalesce(sa.func.nullif(O.tutor_phone, ""), O.contact_phone),
            O.contact_email,
            O.city,
            O.postal_code,
            O.department_code,
            O.created_at,
            O.first_week,
            O.last_week,
            wk.c.places,
            O.places_left,
            wk.c.weeks,
            wk.c.week_list,
            O.structure_id,
            O.employer_name,
            SE.name,
            stats.structure_type_expr(),
            O.state,
            O.published_at,
            apps.c.applications,
            apps.c.confirmed,
            O.school_year,
            O.ministry,
        )
        .select_from(
            base.outerjoin(wk, wk.c.offer_id == O.id)
            .outerjoin(apps, apps.c.offer_id == O.id)
            .outerjoin(Sector.__table__, SE.id == O.sector_id)
        )
        .where(*conds)
        .order_by(O.id)
    )
    count_stmt = sa.select(sa.func.count()).select_from(base).where(*conds)
    labels = stats.STRUCTURE_TYPES
    ministry_label = ministries.label
    friday = timedelta(days=4)

    def convert(r: Any) -> tuple:
        return (
            *r[:9],
            r[9],
            r[10] + friday if r[10] is not None else None,
            r[11] or 0,
            r[12],
            r[13] or 0,
            r[14],
            r[15],
            r[16],
            r[17],
            labels.get(r[18], r[18]),
            ministry_label(r[24]),
            OFFER_STATE_LABELS.get(r[19], r[19]),
            r[20],
            r[21] or 0,
            r[22] or 0,
            weeks.school_year_label(r[23]) if r[23] else "",
        )

    stored = _stored_params(f, depts)
    return Prepared(
        "offers", EXPORT_KINDS["offers"], OFFER_COLUMNS, stmt, count_stmt, convert, params=stored
    ), errors

"""The search's map (:func:`map_points`) and the home page's counter (:func:`count_available`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Application, AppState, Offer, OfferState
from mystage.services import weeks
from mystage.services.search.criteria import MAP_LIMIT, SearchCriteria, _as_int, normalize
from mystage.services.search.plan import _custom_plans, _plan
from mystage.services.search.sql import _T
from mystage.services.search.viewer import _viewer


def map_points(
    s: Session, criteria: SearchCriteria, viewer: Any = None, limit: int = MAP_LIMIT
) -> list[dict]:
    """Markers of the current search (same filters, no pagination, nearest/newest first):
    ``{"id", "title", "lat", "lon", "employer_name", "city"}``."""
    crit, errors = normalize(criteria)
    limit = max(1, min(_as_int(limit) or MAP_LIMIT, 10_000))
    _custom_plans(s)
    plan = _plan(s, crit, _viewer(s, viewer), errors, clock.today_paris())
    if plan.impossible:
        return []
    # The ids first (from the covering indexes), then the columns of those rows only.
    hav = plan.hav if plan.hav is not None else sa.null()
    order = plan.order(sa.literal_column("hav")) if plan.hav is not None else plan.order()
    ids = (
        sa.select(_T.id.label("oid"), hav.label("hav"))
        .where(*plan.where, _T.latitude.is_not(None), _T.longitude.is_not(None))
        .order_by(*order)
        .limit(limit)
        .subquery("pts")
    )
    stmt = (
        sa.select(_T.id, _T.title, _T.latitude, _T.longitude, _T.employer_name, _T.city)
        .select_from(ids)
        .join(Offer.__table__, _T.id == ids.c.oid)
        .order_by(*(plan.order(ids.c.hav) if plan.hav is not None else plan.order()))
    )
    return [
        {
            "id": r.id,
            "title": r.title,
            "lat": r.latitude,
            "lon": r.longitude,
            "employer_name": r.employer_name,
            "city": r.city,
        }
        for r in s.execute(stmt)
    ]


def count_available(s: Session, department_code: str | None = None) -> dict[str, int]:
    """Home page counter for a territory (a department code, or None for France):
    ``places`` (sum of places left of the offers a search shows), ``offers``,
    ``structures`` (distinct host structures of those offers) and ``placed`` (pupils with
    a confirmed internship in an offer of the territory this school year)."""
    today = clock.today_paris()
    dept = (department_code or "").strip().upper()[:3]
    if dept == "NATIONAL":
        dept = ""
    conds = [
        _T.state == OfferState.PUBLISHED.value,
        _T.places_left > 0,
        sa.or_(_T.application_start.is_(None), _T.application_start <= today),
        sa.or_(_T.application_end.is_(None), _T.application_end >= today),
        _T.reserved_schools == sa.false(),
    ]
    if dept:
        conds.append(_T.department_code == dept)
    row = s.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(_T.places_left), 0),
            sa.func.count(),
            sa.func.count(sa.distinct(_T.structure_id)),
        ).where(*conds)
    ).one()
    a = Application.__table__.c
    placed_stmt = sa.select(sa.func.count(sa.distinct(a.pupil_id))).where(
        a.state == AppState.CONFIRMED.value,
        a.school_year == weeks.active_school_year(today),
    )
    if dept:
        placed_stmt = placed_stmt.join(Offer.__table__, _T.id == a.offer_id).where(
            _T.department_code == dept
        )
    placed = int(s.execute(placed_stmt).scalar_one() or 0)
    return {
        "places": int(row[0] or 0),
        "offers": int(row[1] or 0),
        "structures": int(row[2] or 0),
        "placed": placed,
    }

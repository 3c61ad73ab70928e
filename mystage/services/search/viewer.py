"""Who is searching (:func:`viewer_context`): the pupil's school, REP/QPV and level decide
which reserved offers they may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Role, School, SchoolWeek, User


def viewer_context(s: Session, user: User | None) -> dict[str, Any] | None:
    """What eligibility needs to know about a logged-in pupil, or None (anonymous and every
    other role).  ``weeks``: the Mondays to come of the pupil's class if the class has
    weeks of its own, else of the school."""
    if (
        user is None
        or user.id is None
        or user.role != Role.ELEVE
        or user.deleted_at is not None
        or user.anonymized_at is not None
    ):
        return None
    school = s.get(School, user.school_id) if user.school_id else None
    if school is None:
        return {
            "school_id": None,
            "ep": "",
            "qpv": False,
            "lat": None,
            "lon": None,
            "weeks": [],
            "national": False,
        }
    monday = clock.monday_of(clock.today_paris())
    rows = s.execute(
        sa.select(SchoolWeek.class_id, SchoolWeek.week_start)
        .where(SchoolWeek.school_id == school.id, SchoolWeek.week_start >= monday)
        .where(
            sa.or_(SchoolWeek.class_id.is_(None), SchoolWeek.class_id == user.class_id)
            if user.class_id
            else SchoolWeek.class_id.is_(None)
        )
        .order_by(SchoolWeek.week_start)
    ).all()
    own = [r.week_start for r in rows if r.class_id is not None]
    mondays = own or [r.week_start for r in rows if r.class_id is None]
    return {
        "school_id": school.id,
        "ep": school.ep or "",
        "qpv": bool(school.qpv),
        "lat": school.latitude,
        "lon": school.longitude,
        "weeks": sorted(set(mondays)),
        "national": school.search_scope == "national",
    }


def _viewer(s: Session, viewer: Any) -> dict[str, Any] | None:
    if viewer is None:
        return None
    if isinstance(viewer, User):
        return viewer_context(s, viewer)
    if isinstance(viewer, Mapping):
        return dict(viewer)
    return None

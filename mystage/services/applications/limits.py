"""A pupil's limits on confirmed internships: one a week, two a school year.  Checked when
they apply (:func:`~mystage.services.applications.submit.apply`) and again, inside the
race-safe transaction, when they confirm
(:func:`~mystage.services.applications.machine.confirm`).

An application covers ``week_count`` consecutive weeks from ``week_start`` (a 2de pupil's
period of two weeks is ONE application): every per-week rule applies to each week it
covers (:func:`overlaps`), and it counts as one internship in the two a year.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Application, AppState
from mystage.services import weeks

MAX_CONFIRMED_PER_YEAR = 2
MAX_WEEK_COUNT = 2  # a 2de period: one or two weeks

MSG_WEEK_CONFIRMED = "Tu as déjà un stage confirmé pour cette semaine."
MSG_TWO_CONFIRMED = "Tu as déjà deux stages confirmés cette année scolaire."


def overlaps(monday: date, week_count: int = 1) -> sa.ColumnElement[bool]:
    """Applications covering at least one of the weeks ``monday`` … (``week_count``
    weeks): those starting on one of them, or two-week ones starting the Monday before
    one of them (index-friendly: ``week_start IN (…)``, no date arithmetic in SQL)."""
    covered = weeks.covered_mondays(monday, week_count)
    before = [m - timedelta(days=7 * k) for m in covered for k in range(1, MAX_WEEK_COUNT)]
    return sa.or_(
        Application.week_start.in_(covered),
        sa.and_(
            Application.week_start.in_(sorted(set(before) - set(covered))),
            Application.week_count >= 2,
        ),
    )


def _confirmed(s: Session, pupil_id: int, *where) -> int:
    """How many confirmed applications of the pupil match ``where``."""
    stmt = sa.select(sa.func.count(Application.id)).where(
        Application.pupil_id == pupil_id, Application.state == AppState.CONFIRMED, *where
    )
    return int(s.execute(stmt).scalar_one())


def confirmed_limit_error(
    s: Session,
    pupil_id: int,
    monday: date,
    school_year: int,
    exclude: int | None = None,
    week_count: int = 1,
) -> str:
    """The French error when the pupil already has a confirmed internship in one of the
    weeks ``monday`` … (``week_count`` weeks), or two that school year (not counting
    application ``exclude``; an application of two weeks is one internship); "" otherwise."""
    if _confirmed(s, pupil_id, overlaps(monday, week_count)):
        return MSG_WEEK_CONFIRMED
    others = [Application.id != exclude] if exclude is not None else []
    if _confirmed(s, pupil_id, Application.school_year == school_year, *others) >= (
        MAX_CONFIRMED_PER_YEAR
    ):
        return MSG_TWO_CONFIRMED
    return ""

"""A pupil's limits on confirmed internships: one a week, two a school year.  Checked when
they apply (:func:`~mystage.services.applications.submit.apply`) and again, inside the
race-safe transaction, when they confirm
(:func:`~mystage.services.applications.machine.confirm`)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Application, AppState

MAX_CONFIRMED_PER_YEAR = 2

MSG_WEEK_CONFIRMED = "Tu as déjà un stage confirmé pour cette semaine."
MSG_TWO_CONFIRMED = "Tu as déjà deux stages confirmés cette année scolaire."


def _confirmed(s: Session, pupil_id: int, *where) -> int:
    """How many confirmed applications of the pupil match ``where``."""
    stmt = sa.select(sa.func.count(Application.id)).where(
        Application.pupil_id == pupil_id, Application.state == AppState.CONFIRMED, *where
    )
    return int(s.execute(stmt).scalar_one())


def confirmed_limit_error(
    s: Session, pupil_id: int, monday: date, school_year: int, exclude: int | None = None
) -> str:
    """The French error when the pupil already has a confirmed internship that week, or
    two that school year (not counting application ``exclude``); "" otherwise."""
    if _confirmed(s, pupil_id, Application.week_start == monday):
        return MSG_WEEK_CONFIRMED
    others = [Application.id != exclude] if exclude is not None else []
    if _confirmed(s, pupil_id, Application.school_year == school_year, *others) >= (
        MAX_CONFIRMED_PER_YEAR
    ):
        return MSG_TWO_CONFIRMED
    return ""

"""Convention jobs: reminders to sign, and the school's warning before the week."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from mystage.jobs.runner import job
from mystage.services import conventions


@job("conventions_reminders", every=timedelta(hours=12))
def conventions_reminders(s: Session) -> int:
    """Every 3 days (3 times at most, before the week) to whoever has not signed."""
    return conventions.send_reminders(s)


@job("conventions_school_warning", every=timedelta(hours=6))
def conventions_school_warning(s: Session) -> int:
    """5 school days before a week: the school's list of pupils whose convention is not
    signed."""
    return conventions.warn_schools(s)

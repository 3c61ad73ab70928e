"""The school side's housekeeping: the class rosters of past school years."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from mystage.jobs.runner import job
from mystage.services import schools


@job("class_roster_purge", every=timedelta(days=1))
def class_roster_purge(s: Session) -> int:
    """Delete the listed pupils (names, contacts) of past school years: a roster serves the
    year's sign-ups only; the pupils' accounts stay.  Returns the rows deleted."""
    return schools.purge_roster(s)

"""Conventions de stage (tripartite): what each party fills in and the rules it must meet.

So far: :mod:`.hours`, the week's timetable checked against the rules for minors (7 h a day,
a 30-minute break after 4 h 30, nothing before 6 h or after 20 h, 35 h a week or the school's
lower limit, two consecutive days of rest), with French messages naming the rule broken.
"""

from mystage.services.conventions.hours import (
    DAYS,
    WEEK_MAX_HOURS,
    check_timetable,
    duration_label,
)

__all__ = ["DAYS", "WEEK_MAX_HOURS", "check_timetable", "duration_label"]

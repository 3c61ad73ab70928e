"""School years, internship weeks and French date labels.

- A school year ``Y`` runs from 1 September ``Y`` to 31 August ``Y+1``
  (:func:`school_year_of`).  Its internship weeks are the Mondays from the first week with
  a working day in September to the last week with a working day in June
  (:func:`weeks_of_school_year`).
- The *active* school year (:func:`active_school_year`) is the one whose weeks are still
  to come: in July and August it is already the next one, so an employer writing an
  offer in summer picks weeks of the coming year.
- 2de GT pupils have two national weeks in June (:func:`seconde_periods`): 15–19 and
  22–26 June 2026 for 2025-2026 (seed 004), otherwise the two last full weeks of June.
- Weeks are identified by their Monday (``date``); :func:`parse_week` reads a Monday
  ISO date (``2027-01-11``) or an ISO week (``2027-W02``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import SchoolWeek

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_ABBR = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

# National 2de GT weeks fixed by the ministry (seed 004); other years use the rule.
_SECONDE_FIXED: dict[int, tuple[date, date]] = {
    2025: (date(2026, 6, 15), date(2026, 6, 22)),
}

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{2})(?:-?1)?\s*$", re.IGNORECASE)


# --- school years ----------------------------------------------------------------------


def school_year_of(d: date) -> int:
    """School year of a date: 1 Sept Y → 31 Aug Y+1 is year Y."""
    return d.year if d.month >= 9 else d.year - 1


def school_year_label(year: int) -> str:
    return f"{year}-{year + 1}"


def first_week(year: int) -> date:
    """Monday of the first week of September of school year ``year`` with a working day
    in September (1 Sept on a Saturday or Sunday → the following Monday)."""
    sept1 = date(year, 9, 1)
    monday = clock.monday_of(sept1)
    if monday + timedelta(days=4) < sept1:
        monday += timedelta(days=7)
    return monday


def last_week(year: int) -> date:
    """Monday of the last week of June (of ``year + 1``) with a working day in June."""
    return clock.monday_of(date(year + 1, 6, 30))  # always a Monday in June (≥ 24 June)


def weeks_of_school_year(year: int) -> list[date]:
    """Every Monday from the first week of September to the last week of June."""
    out: list[date] = []
    monday, end = first_week(year), last_week(year)
    while monday <= end:
        out.append(monday)
        monday += timedelta(days=7)
    return out


def active_school_year(today: date | None = None) -> int:
    """The school year whose internship weeks are current or to come (next one in summer)."""
    today = today or clock.today_paris()
    year = school_year_of(today)
    if today > last_week(year) + timedelta(days=4):
        return year + 1
    return year


def seconde_periods(year: int) -> dict[str, date]:
    """The two national 2de GT weeks of school year ``year``: ``{"week1": monday,
    "week2": monday}`` (15–19 and 22–26 June 2026 for 2025; otherwise the two last
    Monday–Friday weeks fully inside June of ``year + 1``)."""
    fixed = _SECONDE_FIXED.get(year)
    if fixed:
        return {"week1": fixed[0], "week2": fixed[1]}
    june30 = date(year + 1, 6, 30)
    monday = clock.monday_of(june30)
    if monday + timedelta(days=4) > june30:
        monday -= timedelta(days=7)
    return {"week1": monday - timedelta(days=7), "week2": monday}


def upcoming_seconde_year(today: date | None = None) -> int:
    """School year of the next national 2de weeks that are not over yet."""
    today = today or clock.today_paris()
    year = school_year_of(today)
    if seconde_periods(year)["week2"] + timedelta(days=4) < today:
        return year + 1
    return year


def seconde_weeks(year: int, period: str) -> list[date]:
    """Mondays of the 2de weeks chosen: ``both``, ``week1`` or ``week2``."""
    p = seconde_periods(year)
    if period == "both":
        return [p["week1"], p["week2"]]
    if period in ("week1", "week2"):
        return [p[period]]
    return []


# --- parsing -------------------------------------------------------------------------


def parse_date(s: str | None) -> date | None:
    """``YYYY-MM-DD`` → date, else None."""
    if isinstance(s, date):
        return s
    if not isinstance(s, str):
        return None
    m = _ISO_DATE.match(s)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_week(s: str | None) -> date | None:
    """Monday of a week written ``2027-01-11`` (any day of that week is taken back to its
    Monday) or ``2027-W02`` (ISO week); None when it is neither."""
    if isinstance(s, date):
        return clock.monday_of(s)
    if not isinstance(s, str):
        return None
    d = parse_date(s)
    if d is not None:
        return clock.monday_of(d)
    m = _ISO_WEEK.match(s)
    if not m:
        return None
    try:
        return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        return None


def shift_to_next_year(monday: date) -> date:
    """Same ISO week number one ISO year later (week 53 → week 52 when it does not exist)."""
    iso_year, week, _ = monday.isocalendar()
    try:
        return date.fromisocalendar(iso_year + 1, week, 1)
    except ValueError:
        return date.fromisocalendar(iso_year + 1, 52, 1)


# --- labels --------------------------------------------------------------------------


def _day(d: date) -> str:
    return "1er" if d.day == 1 else str(d.day)


def date_label(d: date | None) -> str:
    """« 12 janvier 2027 », « 1er mars 2027 »; "" for None."""
    if d is None:
        return ""
    return f"{_day(d)} {MONTHS[d.month - 1]} {d.year}"


def short_date_label(d: date, with_year: bool = True) -> str:
    """« 11 janv. 2027 » (« 11 janv. » without the year)."""
    text = f"{_day(d)} {MONTHS_ABBR[d.month - 1]}"
    return f"{text} {d.year}" if with_year else text


def span_label(start: date, end: date, with_year: bool = True) -> str:
    """« du 12 au 16 janvier 2027 », « du 29 juin au 10 juillet 2026 », « du 28 décembre
    2026 au 1er janvier 2027 » (« du 15 au 19 juin » without the year)."""
    if start.year != end.year:
        return f"du {date_label(start)} au {date_label(end)}"
    year = f" {end.year}" if with_year else ""
    if start.month != end.month:
        return (
            f"du {_day(start)} {MONTHS[start.month - 1]} "
            f"au {_day(end)} {MONTHS[end.month - 1]}{year}"
        )
    return f"du {_day(start)} au {_day(end)} {MONTHS[end.month - 1]}{year}"


def week_label(monday: date) -> str:
    """« Semaine du 12 au 16 janvier 2027 », « Semaine du 29 juin au 3 juillet 2026 »,
    « Semaine du 28 décembre 2026 au 1er janvier 2027 » (Monday to Friday)."""
    return f"Semaine {span_label(monday, monday + timedelta(days=4))}"


def in_sentence(label: str) -> str:
    """A label written to start a line (« Semaine du 14 au 18 décembre 2026 », « Du 15 au
    26 juin 2026 (2 semaines) ») as it reads inside a sentence: « pour la semaine du 14 au
    18 décembre 2026 ».  Only a capital followed by a small letter is lowered (never an
    acronym)."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


# --- an application's weeks (a 2de pupil's period covers one or two weeks) ---------------

# The period choice of the 2de apply form: ``2026-06-15`` (one week) or ``2026-06-15/P2W``
# (two weeks from that Monday: an ISO 8601 start/duration interval).
_PERIOD = re.compile(r"^\s*(.+?)\s*/\s*P([12])W\s*$", re.IGNORECASE)


def is_lyceen(level: str | None) -> bool:
    """A pupil of 2de GT (a *lycéen*); every other level is a *collégien*."""
    return level == "2de_gt"


def offer_level_column(level: str | None) -> str:
    """The offer column opening it to a pupil of ``level``: ``level_2de``, ``level_4e`` or
    ``level_3e`` (every 3e variant); "" for an unknown level."""
    if is_lyceen(level):
        return "level_2de"
    if level == "4e":
        return "level_4e"
    if level in ("3e", "3e_segpa", "3e_prepa_metiers"):
        return "level_3e"
    return ""


def covered_mondays(week_start: date, week_count: int = 1) -> list[date]:
    """The Mondays an application covers: ``week_count`` consecutive weeks."""
    return [week_start + timedelta(days=7 * i) for i in range(max(int(week_count or 1), 1))]


def application_end(week_start: date, week_count: int = 1) -> date:
    """The Friday of the last week an application covers."""
    return covered_mondays(week_start, week_count)[-1] + timedelta(days=4)


def application_period_label(week_start: date | None, week_count: int = 1) -> str:
    """« Semaine du 15 au 19 juin 2026 » (one week), « Du 15 au 26 juin 2026 (2 semaines) »
    (a 2de period of two weeks); "" without a week."""
    if week_start is None:
        return ""
    if (week_count or 1) <= 1:
        return week_label(week_start)
    span = span_label(week_start, application_end(week_start, week_count))
    return f"{span[0].upper()}{span[1:]} ({week_count} semaines)"


def period_value(week_start: date, week_count: int = 1) -> str:
    """The form value of a period: ``2026-06-15`` or ``2026-06-15/P2W``."""
    iso = week_start.isoformat()
    return iso if week_count <= 1 else f"{iso}/P{week_count}W"


def parse_period(value: str | None) -> tuple[date | None, int]:
    """(Monday, number of weeks) of a form value: a week as :func:`parse_week` reads it
    (one week) or ``<week>/P2W`` (two weeks); ``(None, 1)`` when unreadable."""
    if not isinstance(value, str):
        return None, 1
    m = _PERIOD.match(value)
    if m:
        return parse_week(m.group(1)), int(m.group(2))
    return parse_week(value), 1


def period_label(first_monday: date | None, last_monday: date | None) -> str:
    """« Du 11 janv. au 5 févr. 2027 », « Du 16 au 27 nov. 2026 » (Monday of the first
    week to Friday of the last)."""
    if first_monday is None or last_monday is None:
        return ""
    end = last_monday + timedelta(days=4)
    if first_monday.year != end.year:
        return f"Du {short_date_label(first_monday)} au {short_date_label(end)}"
    if first_monday.month == end.month:
        return f"Du {_day(first_monday)} au {short_date_label(end)}"
    return f"Du {short_date_label(first_monday, with_year=False)} au {short_date_label(end)}"


def weeks_for_class(s: Session, school_id: int, class_id: int | None, year: int) -> list[date]:
    """The internship weeks a class follows: its own when it has some, else the school's."""
    rows = s.execute(
        sa.select(SchoolWeek.class_id, SchoolWeek.week_start).where(
            SchoolWeek.school_id == school_id,
            SchoolWeek.school_year == year,
            sa.or_(SchoolWeek.class_id.is_(None), SchoolWeek.class_id == class_id),
        )
    ).all()
    own = sorted(w for c, w in rows if c is not None)
    return own or sorted(w for c, w in rows if c is None)

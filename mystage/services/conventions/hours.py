"""The daily timetable of an observation week, checked against the rules for minors.

The rules (see the project's reference « observation rules », from the académies' published
conventions and the code du travail):
- at most 7 h of presence a day (breaks not counted);
- a break of at least 30 minutes once presence reaches 4 h 30: no stretch of presence longer
  than 4 h 30, and the break between two stretches lasts 30 minutes or more;
- no presence before 6 h or after 20 h (night work is forbidden for minors);
- at most 35 h a week, or the lower limit of the school's convention model (some académies
  set 30 h for pupils under 15);
- two consecutive days of rest in the week (code du travail, L. 3164-2).

:func:`check_timetable` reads what a form sent (any shape: nothing raises) and answers the
clean timetable and French errors keyed by day (« lundi » …), « semaine » and « repos »,
each message saying which rule the day breaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mystage.services.text import parse_time

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FIELDS = ("start", "end", "break_start", "break_end")

MAX_DAY_MIN = 7 * 60
MAX_STRETCH_MIN = 4 * 60 + 30
MIN_BREAK_MIN = 30
EARLIEST_MIN = 6 * 60
LATEST_MIN = 20 * 60
WEEK_MAX_HOURS = 35

MSG_TIME = "{day} : heure invalide (ex. : 9:00 ou 13h30)."
MSG_BOTH = "{day} : indiquez l'heure d'arrivée et l'heure de départ, ou laissez le jour vide."
MSG_ORDER = "{day} : l'heure de départ doit suivre l'heure d'arrivée."
MSG_BREAK_BOTH = "{day} : indiquez le début et la fin de la pause, ou aucune des deux."
MSG_BREAK_INSIDE = "{day} : la pause doit commencer après l'arrivée et finir avant le départ."
MSG_NIGHT = (
    "{day} : présence {when} — un élève mineur ne peut être présent ni avant 6 h ni après "
    "20 h (travail de nuit interdit aux mineurs)."
)
MSG_DAY = (
    "{day} : {presence} de présence — au plus 7 h de présence par jour pour un élève en "
    "séquence d'observation."
)
MSG_STRETCH = (
    "{day} : {stretch} de présence sans pause — une pause d'au moins 30 minutes est due après "
    "4 h 30 de présence."
)
MSG_SHORT_BREAK = (
    "{day} : pause de {pause} — après 4 h 30 de présence, la pause dure au moins 30 minutes."
)
MSG_WEEK = "{total} de présence dans la semaine — au plus {limit} h par semaine{why}."
MSG_REST = (
    "Deux jours de repos consécutifs sont dus chaque semaine (code du travail, L. 3164-2) : "
    "laissez par exemple le samedi et le dimanche libres."
)
MSG_EMPTY = "Indiquez les horaires d'au moins un jour."


@dataclass(frozen=True)
class Day:
    """One day's timetable, in minutes after midnight (``break_*`` None: no break)."""

    start: int
    end: int
    break_start: int | None = None
    break_end: int | None = None

    @property
    def pause(self) -> int:
        if self.break_start is None or self.break_end is None:
            return 0
        return self.break_end - self.break_start

    @property
    def presence(self) -> int:
        return self.end - self.start - self.pause

    @property
    def stretches(self) -> list[int]:
        if self.break_start is None or self.break_end is None:
            return [self.end - self.start]
        return [self.break_start - self.start, self.end - self.break_end]


def duration_label(minutes: int) -> str:
    """420 → « 7 h », 450 → « 7 h 30 », 20 → « 20 minutes »."""
    if minutes < 60:
        return f"{minutes} minutes"
    h, m = divmod(minutes, 60)
    return f"{h} h" if m == 0 else f"{h} h {m:02d}"


def _clock_label(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h" if m == 0 else f"{h} h {m:02d}"


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _read_day(name: str, raw: Any) -> tuple[dict[str, str], Day | None, str]:
    """(the day's clean strings, its parsed timetable or None when off, an error or "")."""
    label = name.capitalize()
    values = raw if isinstance(raw, dict) else {}
    typed = {k: values.get(k) if isinstance(values.get(k), str) else "" for k in FIELDS}
    typed = {k: v.strip()[:10] for k, v in typed.items()}
    parsed = {k: parse_time(v) if v else "" for k, v in typed.items()}
    clean = {k: parsed[k] or typed[k] for k in FIELDS}  # what was typed stays shown
    if any(typed[k] and parsed[k] is None for k in FIELDS):
        return clean, None, MSG_TIME.format(day=label)
    start, end, b_start, b_end = (parsed[k] for k in FIELDS)
    if not start and not end:
        if b_start or b_end:
            return clean, None, MSG_BOTH.format(day=label)
        return clean, None, ""
    if not (start and end):
        return clean, None, MSG_BOTH.format(day=label)
    day = Day(_minutes(start), _minutes(end))
    if day.end <= day.start:
        return clean, None, MSG_ORDER.format(day=label)
    if bool(b_start) != bool(b_end):
        return clean, None, MSG_BREAK_BOTH.format(day=label)
    if b_start:
        bs, be = _minutes(b_start), _minutes(b_end)
        if not (day.start < bs < be < day.end):
            return clean, None, MSG_BREAK_INSIDE.format(day=label)
        day = Day(day.start, day.end, bs, be)
    return clean, day, ""


def _day_rule_error(name: str, day: Day) -> str:
    """The first rule for minors that ``day`` breaks, in French, or ""."""
    label = name.capitalize()
    if day.start < EARLIEST_MIN:
        return MSG_NIGHT.format(day=label, when=f"dès {_clock_label(day.start)}")
    if day.end > LATEST_MIN:
        return MSG_NIGHT.format(day=label, when=f"jusqu'à {_clock_label(day.end)}")
    if day.presence > MAX_DAY_MIN:
        return MSG_DAY.format(day=label, presence=duration_label(day.presence))
    longest = max(day.stretches)
    if longest > MAX_STRETCH_MIN:
        return MSG_STRETCH.format(day=label, stretch=duration_label(longest))
    if day.pause and day.presence > MAX_STRETCH_MIN and day.pause < MIN_BREAK_MIN:
        return MSG_SHORT_BREAK.format(day=label, pause=duration_label(day.pause))
    return ""


def check_timetable(
    raw: Any, *, week_max_hours: int = WEEK_MAX_HOURS
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Check a week's timetable ``{"lundi": {"start": "9:00", "end": "17:00",
    "break_start": "12:00", "break_end": "13:00"}, …}`` (a day left empty is a day off).

    Returns ``(clean, errors)``: ``clean`` has every day with its times as "HH:MM" (or as
    typed when unreadable, so the form shows them again); ``errors`` maps a day, « semaine »
    or « repos » to a French message naming the rule broken (empty when all is well).
    ``week_max_hours`` is the school's weekly limit (35 h at most, lower when its convention
    model says so)."""
    source = raw if isinstance(raw, dict) else {}
    limit = max(1, min(WEEK_MAX_HOURS, int(week_max_hours or WEEK_MAX_HOURS)))
    clean: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    days: dict[str, Day] = {}
    unreadable = False
    for name in DAYS:
        clean[name], day, error = _read_day(name, source.get(name))
        if error:
            errors[name] = error
            unreadable = True
        elif day is not None:
            days[name] = day
            if rule := _day_rule_error(name, day):
                errors[name] = rule
    if unreadable:
        return clean, errors  # week totals would mislead while a day cannot be read
    if not days:
        return clean, {"semaine": MSG_EMPTY}
    total = sum(d.presence for d in days.values())
    if total > limit * 60:
        why = "" if limit == WEEK_MAX_HOURS else " (modèle de convention de l'établissement)"
        errors["semaine"] = MSG_WEEK.format(total=duration_label(total), limit=limit, why=why)
    off = [name not in days for name in DAYS]
    if not any(off[i] and off[(i + 1) % len(DAYS)] for i in range(len(DAYS))):
        errors["repos"] = MSG_REST
    return clean, errors

"""The school's internship weeks (for the whole school or one class) per school year."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    Role,
    SchoolWeek,
    User,
)
from mystage.services import audit, weeks
from mystage.services.permissions import PermissionDenied
from mystage.services.schools.classes import classes
from mystage.services.schools.constants import MAX_WEEKS
from mystage.services.schools.messages import (
    MSG_TOO_MANY_WEEKS,
    MSG_WEEK_INVALID,
    MSG_WEEK_OUTSIDE,
    MSG_WEEK_WEEKEND,
    MSG_YEAR,
)
from mystage.services.schools.scope import caller_scope, school_year_asked, visible_class


def school_weeks(
    s: Session, actor: User | None, *, year: Any = None, school_id: Any = None
) -> dict[str, Any]:
    """The week calendar of the school year (``year`` None → the active one): every
    Monday of the year, the school's weeks and each visible class's own weeks (ISO dates),
    and whether the caller may change them (the head)."""
    sc = caller_scope(s, actor, school_id)
    y = school_year_asked(year, for_edit=False)
    if y is None:
        raise PermissionDenied(MSG_YEAR)
    rows = s.execute(
        sa.select(SchoolWeek.class_id, SchoolWeek.week_start)
        .where(SchoolWeek.school_id == sc.school.id, SchoolWeek.school_year == y)
        .order_by(SchoolWeek.week_start)
    ).all()
    school_list = [w.isoformat() for c, w in rows if c is None]
    by_class: dict[int, list[str]] = {}
    for c, w in rows:
        if c is not None and sc.sees_class(c):
            by_class.setdefault(c, []).append(w.isoformat())
    today = clock.today_paris()
    calendar = [
        {
            "value": m.isoformat(),
            "label": weeks.week_label(m),
            "month": f"{weeks.MONTHS[m.month - 1]} {m.year}",
            "past": m + timedelta(days=4) < today,
        }
        for m in weeks.weeks_of_school_year(y)
    ]
    active = weeks.active_school_year()
    return {
        "year": y,
        "year_label": weeks.school_year_label(y),
        "years": [{"value": v, "label": weeks.school_year_label(v)} for v in (active, active + 1)],
        "calendar": calendar,
        "school": school_list,
        "classes": [
            {"id": c["id"], "name": c["name"], "weeks": by_class.get(c["id"], [])}
            for c in classes(s, actor, sc.school.id if actor.role == Role.ADMIN else None)
        ],
        "can_edit": sc.manage,
    }


def set_weeks(
    s: Session,
    actor: User | None,
    week_values: Any,
    *,
    class_id: Any = None,
    year: Any = None,
    school_id: Any = None,
) -> dict[str, str]:
    """The head sets the internship weeks of the school (``class_id`` None) or of one class
    (an empty list: the class follows the school's weeks again) for a school year (the
    active one or the next).  ``week_values``: ISO dates (any weekday of the week) or ISO
    weeks.  Errors keyed ``weeks`` (or ``year``); the list replaces the previous one."""
    sc = caller_scope(s, actor, school_id, manage=True)
    target = visible_class(s, sc, class_id).id if class_id not in (None, "", 0, "0") else None
    y = school_year_asked(year, for_edit=True)
    if y is None:
        return {"year": MSG_YEAR}
    if isinstance(week_values, str):
        week_values = [v for v in week_values.replace(";", ",").split(",") if v.strip()]
    if not isinstance(week_values, list | tuple | set | frozenset):
        return {"weeks": MSG_WEEK_INVALID}
    values = list(week_values)
    if len(values) > MAX_WEEKS:
        return {"weeks": MSG_TOO_MANY_WEEKS.format(n=MAX_WEEKS)}
    allowed = set(weeks.weeks_of_school_year(y))
    chosen: set[date] = set()
    for value in values:
        d = weeks.parse_date(value) if isinstance(value, str | date) else None
        if d is None and isinstance(value, str):
            d = weeks.parse_week(value)
        if d is None:
            return {"weeks": MSG_WEEK_INVALID}
        if d.weekday() >= 5:
            return {"weeks": MSG_WEEK_WEEKEND.format(label=weeks.date_label(d))}
        monday = clock.monday_of(d)
        if monday not in allowed:
            return {
                "weeks": MSG_WEEK_OUTSIDE.format(
                    label=weeks.date_label(monday), year=weeks.school_year_label(y)
                )
            }
        chosen.add(monday)
    s.execute(
        sa.delete(SchoolWeek).where(
            SchoolWeek.school_id == sc.school.id,
            SchoolWeek.school_year == y,
            SchoolWeek.class_id.is_(None) if target is None else SchoolWeek.class_id == target,
        )
    )
    for monday in sorted(chosen):
        s.add(SchoolWeek(school_id=sc.school.id, class_id=target, week_start=monday, school_year=y))
    audit.record(
        s, "school", sc.school.id, "weeks", sc.user,
        message=json.dumps(
            {"class_id": target, "year": y, "weeks": [m.isoformat() for m in sorted(chosen)]}
        ),
    )  # fmt: skip
    s.commit()
    return {}

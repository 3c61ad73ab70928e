"""« Relancer »: the staff remind the pupils of a class who have not applied yet this school
year (a mail, or an SMS to a pupil with only a phone), at most once a week per pupil.

Set-based: one query finds the pupils and their last reminder (the outbox rows of the
``class_reminder`` templates), one multi-row INSERT queues the messages.  The dedupe key
(pupil, day) keeps two clicks at the same moment from sending twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Application, Channel, Outbox, User
from mystage.notify import templates
from mystage.notify.outbox import queue_many
from mystage.services import audit, weeks
from mystage.services.schools.scope import scope_for_class, visible_class
from mystage.services.schools.values import fmt_date

REMIND_EVERY = timedelta(days=7)
REMINDER_TEMPLATES = ("class_reminder", "sms_class_reminder")
SEARCH_URL = "/offres"


def remind_class(s: Session, actor: User | None, class_id: Any) -> dict[str, Any]:
    """Remind the class's pupils without an application: ``{"reminded", "waiting" (reminded
    less than a week ago, left out), "without" (pupils without an application), "next_on"
    (dd/mm/yyyy: when the next reminder of those left out, or of everyone, is possible;
    "" when nobody is to remind)}``."""
    sc = scope_for_class(s, actor, class_id, manage=False)
    cls = visible_class(s, sc, class_id)
    now = clock.now()
    year = weeks.school_year_of(clock.today_paris())
    applied = sa.exists().where(Application.pupil_id == User.id, Application.school_year == year)
    last = (
        sa.select(Outbox.user_id, sa.func.max(Outbox.created_at).label("at"))
        .where(Outbox.template.in_(REMINDER_TEMPLATES), Outbox.created_at > now - REMIND_EVERY)
        .group_by(Outbox.user_id)
        .subquery("last_reminder")
    )
    rows = s.execute(
        sa.select(User.id, User.email, User.phone, User.first_name, last.c.at)
        .outerjoin(last, last.c.user_id == User.id)
        .where(*sc.pupil_conditions(), User.class_id == cls.id, User.anonymized_at.is_(None))
        .where(~applied)
        .order_by(User.id)
    ).all()
    due = [r for r in rows if r.at is None]
    waiting = [r for r in rows if r.at is not None]
    day = clock.today_paris().isoformat()
    messages = []
    for r in due:
        key = f"class_reminder:{r.id}:{day}"
        if r.email:
            subject, body = templates.render(
                "class_reminder", url=SEARCH_URL, first_name=r.first_name or "", class_name=cls.name
            )
            messages.append(
                {"to": r.email, "subject": subject, "body": body, "template": "class_reminder",
                 "action_url": templates.link(SEARCH_URL), "user_id": r.id, "dedupe_key": key}
            )  # fmt: skip
        elif r.phone:
            _, body = templates.render("sms_class_reminder", url=SEARCH_URL)
            messages.append(
                {"channel": Channel.SMS, "to": r.phone, "body": body,
                 "template": "sms_class_reminder", "action_url": templates.link(SEARCH_URL),
                 "user_id": r.id, "dedupe_key": key}
            )  # fmt: skip
    queued = queue_many(s, messages) if messages else set()
    if waiting:
        next_at = min(clock.as_utc(r.at) for r in waiting) + REMIND_EVERY
    elif queued:
        next_at = now + REMIND_EVERY
    else:
        next_at = None
    if queued:
        audit.record(s, "school_class", cls.id, "remind", sc.user,
                     message=f"{len(queued)} élève(s) relancé(s)")  # fmt: skip
    s.commit()
    return {
        "reminded": len(queued),
        "waiting": len(waiting),
        "without": len(rows),
        "next_on": fmt_date(next_at) if next_at is not None else "",
    }

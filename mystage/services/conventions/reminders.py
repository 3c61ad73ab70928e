"""The conventions' jobs: spaced reminders to whoever has not signed (every 3 days, at most
3, only before the week), and the school's warning 5 school days before a week with the
pupils whose convention is not signed (« le stage ne peut pas avoir lieu »).

Idempotent: a reminder is claimed by a guarded UPDATE of ``reminded_at`` /
``reminder_count``, a warning by ``school_warned_at IS NULL``; the mails carry dedupe
keys.  No commit here: the job runner commits."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Application, Convention, School, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import weeks
from mystage.services.conventions import machine
from mystage.services.conventions.access import head_of, load
from mystage.services.conventions.signing import issue_link

C = machine.C
REMINDER_EVERY = timedelta(days=3)
REMINDERS_MAX = 3
WARN_DAYS_BEFORE = 7  # the Monday before the week: 5 school days
SCHOOL_LIST_URL = "/espace/etablissement/conventions"


def send_reminders(s: Session) -> int:
    """Remind the signatories who have not signed; returns the conventions reminded."""
    now = clock.now()
    today = clock.today_paris()
    cutoff = now - REMINDER_EVERY
    due = sa.and_(
        Convention.state.in_(sorted(machine.SIGNABLE_STATES)),
        Convention.validated_at <= cutoff,
        sa.or_(Convention.reminded_at.is_(None), Convention.reminded_at <= cutoff),
        Convention.reminder_count < REMINDERS_MAX,
        Convention.week_start >= today,
    )
    ids = list(s.execute(sa.select(Convention.id).where(due).order_by(Convention.id)).scalars())
    done = 0
    for cid in ids:
        claimed = s.execute(
            sa.update(Convention)
            .where(Convention.id == cid, due)
            .values(reminded_at=now, reminder_count=Convention.reminder_count + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        x = load(s, cid)
        if x is None:
            continue
        s.refresh(x.conv)
        signed = {sig.signatory_role for sig in machine.live_signatures(s, cid)}
        for person in machine.signatories(s, x):
            if person["role"] in signed:
                continue
            url = person["url"]
            if person["role"].startswith("legal_rep"):
                url = machine.LINK_URL.format(token=issue_link(s, x, person["role"]))
            machine.mail(s, x, person, "reminder", url, f"r{x.conv.reminder_count}")
        done += 1
    return done


def warn_schools(s: Session) -> int:
    """One mail per school and week starting within 5 school days, listing the pupils whose
    convention is not signed; returns the conventions listed."""
    today = clock.today_paris()
    rows = s.execute(
        sa.select(Convention.id, Convention.week_start, Application.school_id, User.first_name,
                  User.last_name)
        .join(Application, Application.id == Convention.application_id)
        .join(User, User.id == Application.pupil_id)
        .where(
            Convention.state.in_(sorted(machine.OPEN_STATES)),
            Convention.school_warned_at.is_(None),
            Convention.week_start > today,
            Convention.week_start <= today + timedelta(days=WARN_DAYS_BEFORE),
            Application.school_id.is_not(None),
        )
        .order_by(Application.school_id, Convention.week_start, User.last_name)
    ).all()  # fmt: skip
    groups: dict[tuple[int, object], list[tuple[int, str]]] = defaultdict(list)
    for cid, week, school_id, first, last in rows:
        groups[(school_id, week)].append((cid, f"{last.upper()} {first}".strip()))
    count = 0
    for (school_id, week), items in groups.items():
        ids = [cid for cid, _ in items]
        claimed = s.execute(
            sa.update(Convention)
            .where(Convention.id.in_(ids), Convention.school_warned_at.is_(None))
            .values(school_warned_at=clock.now())
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:
            continue
        head = head_of(s, school_id)
        school = s.get(School, school_id)
        to = (head.email if head else "") or (school.referent_email if school else "")
        to = to or (school.email if school else "")
        if not to:
            continue
        label = weeks.week_label(week)
        subject, body = templates.render(
            "conv_school_warning", url=SCHOOL_LIST_URL, week_label=label,
            pupils=[name for _, name in items], first_name=head.first_name if head else "",
        )  # fmt: skip
        queue_mail(
            s, to=to, subject=subject, body=body, action_url=templates.link(SCHOOL_LIST_URL),
            template="conv_school_warning", user_id=head.id if head else None,
            dedupe_key=f"conv:warn:{school_id}:{week.isoformat()}",
        )  # fmt: skip
        count += len(items)
    return count

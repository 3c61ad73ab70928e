"""Application jobs: expiry, the pupil's 15 days to confirm, reminders.

Set-based and idempotent (ARCHITECTURE §3): the state changes go through
:func:`mystage.services.applications._move` (one conditional UPDATE guarded by the
from-states of :data:`TRANSITIONS`, an audit row and a mail per application, with dedupe
keys), the reminders through a guarded UPDATE of ``employer_reminded_at`` /
``pupil_reminded_at`` and outbox dedupe keys: a second run changes and sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.jobs.runner import job
from mystage.models import Application, AppState, Offer, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services.applications import PUPIL_URL, _move

A = AppState
EXPIRY = timedelta(days=15)
EXPIRY_UNDER_REVIEW = timedelta(days=30)
PUPIL_CONFIRM_DELAY = timedelta(days=15)
EMPLOYER_REMINDER_AFTER = timedelta(days=7)
EMPLOYER_REMINDER_GAP = timedelta(days=3, hours=12)  # at most twice a week
PUPIL_REMINDER_AFTER = timedelta(days=2)
EMPLOYER_DASHBOARD_URL = "/espace/employeur/candidatures"


@job("applications_expire", every=timedelta(hours=1))
def applications_expire(s: Session) -> int:
    """No answer: sent/read 15 days after sending, « à l'étude » 30 days → expired."""
    now = clock.now()
    cond = sa.or_(
        sa.and_(Application.state.in_((A.SENT, A.READ)), Application.sent_at <= now - EXPIRY),
        sa.and_(
            Application.state == A.UNDER_REVIEW, Application.sent_at <= now - EXPIRY_UNDER_REVIEW
        ),
    )
    return len(_move(s, "expire", [cond]))


@job("applications_pupil_expire", every=timedelta(hours=1))
def applications_pupil_expire(s: Session) -> int:
    """Accepted but not confirmed within 15 days → expired_by_pupil."""
    now = clock.now()
    return len(_move(s, "expire_by_pupil", [Application.accepted_at <= now - PUPIL_CONFIRM_DELAY]))


@job("applications_employer_reminders", every=timedelta(hours=12))
def applications_employer_reminders(s: Session) -> int:
    """One digest per employer address with applications waiting for more than 7 days; an
    employer reminded less than 3.5 days ago is skipped (at most twice a week)."""
    now = clock.now()
    creator = sa.orm.aliased(User)
    to = sa.func.coalesce(sa.func.nullif(Offer.contact_email, ""), creator.email)
    rows = s.execute(
        sa.select(
            Application.id,
            Application.employer_reminded_at,
            Offer.title,
            to.label("to"),
            creator.first_name,
            creator.id.label("user_id"),
        )  # fmt: skip
        .join(Offer, Offer.id == Application.offer_id)
        .outerjoin(creator, creator.id == Offer.created_by_id)
        .where(
            Application.state.in_((A.SENT, A.READ, A.UNDER_REVIEW)),
            Application.sent_at <= now - EMPLOYER_REMINDER_AFTER,
        )
        .order_by(Application.id)
    ).all()
    by_to: dict[str, list] = defaultdict(list)
    for r in rows:
        if r.to:
            by_to[r.to].append(r)
    reminded: list[int] = []
    iso_year, iso_week, weekday = clock.today_paris().isocalendar()
    half = 0 if weekday <= 3 else 1  # Monday–Wednesday, Thursday–Sunday
    for address, apps in by_to.items():
        last = max((clock.as_utc(r.employer_reminded_at) for r in apps if r.employer_reminded_at),
                   default=None)  # fmt: skip
        if last is not None and last > now - EMPLOYER_REMINDER_GAP:
            continue
        titles = sorted({r.title for r in apps})
        subject, body = templates.render(
            "app_employer_reminder", url=EMPLOYER_DASHBOARD_URL, count=len(apps), titles=titles,
            first_name=apps[0].first_name or "",
        )  # fmt: skip
        queued = queue_mail(
            s, to=address, subject=subject, body=body,
            action_url=templates.link(EMPLOYER_DASHBOARD_URL), template="app_employer_reminder",
            user_id=apps[0].user_id,
            dedupe_key=f"app_employer_reminder:{address}:{iso_year}-{iso_week}:{half}",
        )  # fmt: skip
        if queued is not None:
            reminded.extend(r.id for r in apps)
    if not reminded:
        return 0
    return (
        s.execute(
            sa.update(Application)
            .where(Application.id.in_(reminded))
            .values(employer_reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )


@job("applications_pupil_confirm_reminder", every=timedelta(hours=6))
def applications_pupil_confirm_reminder(s: Session) -> int:
    """Accepted for 2 days or more, never reminded: one mail and one SMS to the pupil."""
    now = clock.now()
    rows = s.execute(
        sa.select(
            Application.id,
            Application.contact_email,
            Application.contact_phone,
            Offer.title,
            User.id.label("user_id"),
            User.email,
            User.phone,
            User.first_name,
        )  # fmt: skip
        .join(Offer, Offer.id == Application.offer_id)
        .join(User, User.id == Application.pupil_id)
        .where(
            Application.state == A.ACCEPTED,
            Application.accepted_at <= now - PUPIL_REMINDER_AFTER,
            Application.pupil_reminded_at.is_(None),
        )
        .order_by(Application.id)
        .with_for_update(of=Application)
    ).all()
    if not rows:
        return 0
    for r in rows:
        email = r.email or r.contact_email
        phone = r.contact_phone or r.phone
        key = f"app_confirm_reminder:{r.id}"
        if email:
            subject, body = templates.render(
                "app_pupil_event", url=PUPIL_URL, event="confirm_reminder",
                offer_title=r.title, first_name=r.first_name or "",
            )  # fmt: skip
            queue_mail(
                s, to=email, subject=subject, body=body, action_url=templates.link(PUPIL_URL),
                template="app_confirm_reminder", user_id=r.user_id, dedupe_key=key + ":mail",
            )  # fmt: skip
        if phone:
            _, body = templates.render(
                "sms_app_pupil_event", url=PUPIL_URL, event="confirm_reminder", offer_title=r.title
            )
            queue_sms(
                s, to=phone, body=body, template="sms_app_confirm_reminder", user_id=r.user_id,
                dedupe_key=key + ":sms", action_url=templates.link(PUPIL_URL),
            )  # fmt: skip
    return (
        s.execute(
            sa.update(Application)
            .where(
                Application.id.in_([r.id for r in rows]),
                Application.state == A.ACCEPTED,
                Application.pupil_reminded_at.is_(None),
            )
            .values(pupil_reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )

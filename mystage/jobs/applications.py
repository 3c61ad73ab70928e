"""Application jobs: expiry, the pupil's 15 days to confirm, reminders and nudges.

Set-based and idempotent (ARCHITECTURE §3, §5): the state changes go through
:func:`mystage.services.applications.move` (one conditional UPDATE per from-state of
:data:`TRANSITIONS`, an audit row and a mail per application, with dedupe keys, all in
multi-row statements), the reminders through a guarded UPDATE of ``employer_reminded_at`` /
``pupil_reminded_at`` and outbox dedupe keys, the nudge through its dedupe key per pupil
and school year: a second run changes and sends nothing.  Messages are queued in bulk
(:func:`mystage.notify.outbox.queue_many`); lists of ids are sent by chunks (SQLite and
PostgreSQL limit the parameters of one statement).  ``bench/jobs.py`` measures them on
1,000,000 applications.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.jobs.runner import job
from mystage.models import (
    PENDING_STATES,
    Application,
    AppState,
    Channel,
    Offer,
    Outbox,
    Role,
    School,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_many
from mystage.services import weeks
from mystage.services.applications import PupilMessages, among, move, queue_pupil_messages
from mystage.services.structures import recipients_for_offers

A = AppState
EXPIRY = timedelta(days=15)
EXPIRY_UNDER_REVIEW = timedelta(days=30)
PUPIL_CONFIRM_DELAY = timedelta(days=15)
EMPLOYER_REMINDER_AFTER = timedelta(days=7)
EMPLOYER_REMINDER_GAP = timedelta(days=3, hours=12)  # at most twice a week
PUPIL_REMINDER_AFTER = timedelta(days=2)
NUDGE_AFTER = timedelta(days=5)
EMPLOYER_DASHBOARD_URL = "/espace/employeur?onglet=a_traiter"
SEARCH_URL = "/offres"
CHUNK = 20000  # ids per query (one parameter: services.applications.among)
# States where the employer has the application and has not answered yet.
WAITING_EMPLOYER = (A.SENT, A.READ, A.UNDER_REVIEW)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


@job("applications_expire", every=timedelta(hours=1))
def applications_expire(s: Session) -> int:
    """No answer: sent/read 15 days after sending, « à l'étude » 30 days → expired (the
    pupil gets a mail, or an SMS without an e-mail address)."""
    now = clock.now()
    cond = sa.or_(
        sa.and_(Application.state.in_((A.SENT, A.READ)), Application.sent_at <= now - EXPIRY),
        sa.and_(
            Application.state == A.UNDER_REVIEW, Application.sent_at <= now - EXPIRY_UNDER_REVIEW
        ),
    )
    return len(move(s, "expire", [cond]))


@job("applications_pupil_expire", every=timedelta(hours=1))
def applications_pupil_expire(s: Session) -> int:
    """Accepted but not confirmed within 15 days → expired_by_pupil (mail to the pupil)."""
    now = clock.now()
    return len(move(s, "expire_by_pupil", [Application.accepted_at <= now - PUPIL_CONFIRM_DELAY]))


def _last_digests(s: Session, since: datetime) -> dict[str, datetime]:
    """Address → time of the last employer digest queued after ``since``."""
    rows = s.execute(
        sa.select(Outbox.recipient, sa.func.max(Outbox.created_at))
        .where(Outbox.template == "app_employer_reminder", Outbox.created_at > since)
        .group_by(Outbox.recipient)
    ).all()
    return {r[0]: clock.as_utc(r[1]) for r in rows}


@job("applications_employer_reminders", every=timedelta(hours=12))
def applications_employer_reminders(s: Session) -> int:
    """One digest per employer address with applications waiting for an answer for 7 days
    or more.  An address that got a digest less than 3.5 days ago is skipped, and the
    dedupe key allows one per half-week (Monday–Wednesday, Thursday–Sunday): at most twice
    in any 7 days.  Returns the number of applications reminded."""
    now = clock.now()
    apps_t, offers_t = Application.__table__, Offer.__table__  # Core rows: no ORM loading
    rows = s.execute(
        sa.select(apps_t.c.id, apps_t.c.employer_reminded_at, apps_t.c.offer_id, offers_t.c.title)
        .join(offers_t, offers_t.c.id == apps_t.c.offer_id)
        .where(
            apps_t.c.state.in_(WAITING_EMPLOYER),
            apps_t.c.sent_at <= now - EMPLOYER_REMINDER_AFTER,
        )
        .order_by(apps_t.c.id)
    ).all()
    # Who receives each offer's applications (services.structures.recipients: the members
    # of the offer's space who did not opt out, else the owner), a few queries per chunk.
    offer_ids = sorted({r.offer_id for r in rows})
    recipients: dict[int, list] = {}
    for ids in _chunks(offer_ids):
        found = s.execute(
            sa.select(
                Offer.id, Offer.structure_id, Offer.space_id, Offer.contact_email,
                Offer.recipient_user_id, Offer.created_by_id,
            ).where(among(s, Offer.id, ids))
        ).all()  # fmt: skip
        recipients.update(recipients_for_offers(s, found))
    by_to: dict[str, list] = defaultdict(list)
    who: dict[str, tuple[str, int | None]] = {}
    for r in rows:
        for address, first_name, user_id in recipients.get(r.offer_id, []):
            if address:
                by_to[address].append(r)
                who.setdefault(address, (first_name, user_id))
    if not by_to:
        return 0
    recent = _last_digests(s, now - EMPLOYER_REMINDER_GAP)
    iso_year, iso_week, weekday = clock.today_paris().isocalendar()
    half = 0 if weekday <= 3 else 1  # Monday–Wednesday, Thursday–Sunday
    messages: list[dict] = []
    ids_by_key: dict[str, list[int]] = {}
    for address, apps in by_to.items():
        stamps = [clock.as_utc(r.employer_reminded_at) for r in apps if r.employer_reminded_at]
        if address in recent:
            stamps.append(recent[address])
        if stamps and max(stamps) > now - EMPLOYER_REMINDER_GAP:
            continue
        titles = sorted({r.title for r in apps})
        subject, body = templates.render(
            "app_employer_reminder", url=EMPLOYER_DASHBOARD_URL, count=len(apps), titles=titles,
            first_name=who[address][0] or "",
        )  # fmt: skip
        key = f"app_employer_reminder:{address}:{iso_year}-{iso_week}:{half}"
        messages.append(
            {
                "to": address, "subject": subject, "body": body,
                "action_url": templates.link(EMPLOYER_DASHBOARD_URL),
                "template": "app_employer_reminder", "user_id": who[address][1],
                "dedupe_key": key,
            }
        )  # fmt: skip
        ids_by_key.setdefault(key[:200], []).extend(r.id for r in apps)
    queued = queue_many(s, messages)
    reminded = sorted({i for key in queued for i in ids_by_key.get(key, ())})
    count = 0
    for ids in _chunks(reminded):
        count += (
            s.execute(
                sa.update(Application)
                .where(among(s, Application.id, ids), Application.state.in_(WAITING_EMPLOYER))
                .values(employer_reminded_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            or 0
        )
    return count


@job("applications_pupil_confirm_reminder", every=timedelta(hours=6))
def applications_pupil_confirm_reminder(s: Session) -> int:
    """Accepted for 2 days or more, never reminded: one mail and one SMS to the pupil.
    The guarded UPDATE of ``pupil_reminded_at`` comes first (it locks the rows until the
    commit), then the messages of the rows it stamped.  Returns the applications reminded."""
    now = clock.now()
    stamped = sorted(
        s.execute(
            sa.update(Application)
            .where(
                Application.state == A.ACCEPTED,
                Application.accepted_at <= now - PUPIL_REMINDER_AFTER,
                Application.pupil_reminded_at.is_(None),
            )
            .values(pupil_reminded_at=now)
            .returning(Application.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    spec = PupilMessages(
        event="confirm_reminder", key="app_confirm_reminder:",
        mail_template="app_confirm_reminder", sms_template="sms_app_confirm_reminder",
        sms_always=True,
    )  # fmt: skip
    queue_pupil_messages(s, stamped, spec)
    return len(stamped)


def nudge_key(pupil_id: int, school_year: int) -> str:
    return f"app_single_nudge:{pupil_id}:{school_year}"


def search_url(city: str | None) -> str:
    """``/offres``, around the school's commune when it is known."""
    city = (city or "").strip()
    return f"{SEARCH_URL}?{urlencode({'lieu': city})}" if city else SEARCH_URL


@job("applications_single_nudge", every=timedelta(hours=12))
def applications_single_nudge(s: Session) -> int:
    """« Augmente tes chances » to pupils with a single application this school year, still
    waiting for an answer 5 days after it was sent (or submitted, while the school
    validates it), and no confirmed internship: one mail (an SMS to a pupil with only a
    phone), once per pupil and school year (dedupe key).  Returns the messages queued."""
    now = clock.now()
    year = weeks.school_year_of(clock.today_paris())
    other = sa.orm.aliased(Application)
    single = (
        sa.select(other.pupil_id)
        .where(other.school_year == year)
        .group_by(other.pupil_id)
        .having(sa.func.count(other.id) == 1)
    )
    confirmed = sa.exists().where(
        other.pupil_id == User.id, other.state == A.CONFIRMED, other.school_year == year
    )
    key = sa.literal("app_single_nudge:") + sa.cast(User.id, sa.String) + sa.literal(f":{year}")
    nudged = sa.exists().where(Outbox.dedupe_key == key)
    rows = s.execute(
        sa.select(
            User.id,
            User.email,
            User.phone,
            User.first_name,
            Application.contact_email,
            Application.contact_phone,
            Offer.title,
            School.commune,
        )
        .select_from(Application)
        .join(User, User.id == Application.pupil_id)
        .join(Offer, Offer.id == Application.offer_id)
        .outerjoin(School, School.id == User.school_id)
        .where(
            Application.school_year == year,
            Application.pupil_id.in_(single),
            Application.state.in_(PENDING_STATES),
            sa.func.coalesce(Application.sent_at, Application.submitted_at) <= now - NUDGE_AFTER,
            User.role == Role.ELEVE,
            User.deleted_at.is_(None),
            User.anonymized_at.is_(None),
            ~confirmed,
            ~nudged,
        )
        .order_by(User.id)
    ).all()
    messages: list[dict] = []
    for r in rows:
        url = search_url(r.commune)
        email = r.email or r.contact_email
        phone = r.phone or r.contact_phone
        if email:
            subject, body = templates.render(
                "app_single_nudge", url=url, offer_title=r.title, first_name=r.first_name or "",
                near_school=url != SEARCH_URL,
            )  # fmt: skip
            messages.append(
                {
                    "to": email, "subject": subject, "body": body,
                    "action_url": templates.link(url), "template": "app_single_nudge",
                    "user_id": r.id, "dedupe_key": nudge_key(r.id, year),
                }
            )  # fmt: skip
        elif phone:
            _, body = templates.render("sms_app_single_nudge", url=url)
            messages.append(
                {
                    "channel": Channel.SMS, "to": phone, "body": body,
                    "action_url": templates.link(url), "template": "sms_app_single_nudge",
                    "user_id": r.id, "dedupe_key": nudge_key(r.id, year),
                }
            )  # fmt: skip
    return len(queue_many(s, messages))

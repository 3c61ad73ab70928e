"""Retention: what is kept how long (the « Données personnelles » page says the same).
Run by the job « retention » (jobs/privacy.py) every day: each step is set-based and
idempotent (a second run changes 0 rows), so running it daily acts once a year for the
pupils (the first run :attr:`~Settings.retention_pupil_grace_days` after 1 September).

Steps and their settings (``mystage/settings.py``, defaults in brackets):

1. pupils with no login since the end of the last school year (31 August), counted from
   RETENTION_PUPIL_GRACE_DAYS [60] days after it: anonymised (:func:`~.erasure.anonymise_users`:
   names, contacts, CV and its file, motivation… go; the rows stay, anonymous);
2. mails and SMS: subject, body and link emptied RETENTION_OUTBOX_BODY_DAYS [30] days after
   being sent or given up; the rows deleted after RETENTION_OUTBOX_DAYS [365] days;
3. audit rows: the actor's account and the free text anonymised after
   RETENTION_AUDIT_YEARS [5] years (entity, action, states and dates stay);
4. conventions: RETENTION_CONVENTION_YEARS [5] years after the internship week, the
   parties' details, the PDF and the signatures' details erased (dates and states stay).

One-time tokens, login attempts and sessions are purged hourly by the job
« purge_expired_tokens » (RETENTION_TOKEN_DAYS [1], RETENTION_LOGIN_ATTEMPT_DAYS [1],
RETENTION_SESSION_DAYS [30]).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    Application,
    AuditLog,
    Convention,
    ConventionLink,
    Outbox,
    OutboxStatus,
    Role,
    Signature,
    User,
)
from mystage.services.privacy.erasure import CHUNK, _after_commit, _exec, anonymise_users
from mystage.settings import get_settings

DONE = (OutboxStatus.SENT, OutboxStatus.FAILED)


def pupil_cutoff(now: datetime, grace_days: int | None = None) -> datetime:
    """The end of the last school year whose grace period is over (1 September, 0:00
    UTC): pupils with no login since then are anonymised."""
    grace = timedelta(days=get_settings().retention_pupil_grace_days if grace_days is None
                      else grace_days)  # fmt: skip
    year = now.year
    while True:
        end = datetime(year, 9, 1, tzinfo=UTC)
        if end + grace <= now:
            return end
        year -= 1


def pupils_due(s: Session, now: datetime, grace_days: int | None = None) -> list[int]:
    """Pupils not anonymised yet with no login (nor sign-up) since :func:`pupil_cutoff`."""
    cutoff = pupil_cutoff(now, grace_days)
    last = sa.func.coalesce(User.last_login_at, User.created_at)
    return list(
        s.execute(
            sa.select(User.id)
            .where(User.role == Role.ELEVE, User.anonymized_at.is_(None), last < cutoff)
            .order_by(User.id)
        ).scalars()
    )


def anonymise_inactive_pupils(s: Session, now: datetime) -> int:
    ids = pupils_due(s, now)
    done = 0
    for i in range(0, len(ids), CHUNK * 20):  # commit every 10,000 pupils
        done += anonymise_users(s, ids[i : i + CHUNK * 20], now)
        s.commit()
    return done


def purge_outbox(s: Session, now: datetime) -> int:
    conf = get_settings()
    body_before = now - timedelta(days=max(1, conf.retention_outbox_body_days))
    rows_before = now - timedelta(days=max(1, conf.retention_outbox_days))
    ob = Outbox.__table__.c
    emptied = _exec(
        s,
        sa.update(Outbox.__table__)
        .where(
            ob.created_at < body_before,
            ob.status.in_(DONE),
            sa.or_(ob.body != "", ob.subject != "", ob.action_url != ""),
        )
        .values(subject="", body="", action_url="", last_error=""),
    )
    deleted = _exec(
        s, sa.delete(Outbox.__table__).where(ob.created_at < rows_before, ob.status.in_(DONE))
    )
    return emptied + deleted


def anonymise_old_audit(s: Session, now: datetime) -> int:
    before = now - timedelta(days=365 * max(1, get_settings().retention_audit_years))
    return _exec(
        s,
        sa.update(AuditLog)
        .where(
            AuditLog.created_at < before,
            sa.or_(AuditLog.actor_id.is_not(None), AuditLog.message != ""),
        )
        .values(actor_id=None, message=""),
    )


def erase_old_conventions(s: Session, now: datetime) -> int:
    years = max(1, get_settings().retention_convention_years)
    before = (clock.paris(now) or now).date() - timedelta(days=365 * years)
    old = sa.select(Convention.id).where(
        sa.func.coalesce(
            Convention.week_start,
            sa.select(Application.week_start)
            .where(Application.id == Convention.application_id)
            .scalar_subquery(),
        )
        < before,
    )
    old_ids = old.where(
        sa.or_(Convention.school_fields != "", Convention.employer_fields != "",
               Convention.pdf_path != "")
    ).scalar_subquery()  # fmt: skip
    files = [
        *s.execute(sa.select(Convention.pdf_path).where(Convention.id.in_(old_ids))).scalars(),
        *s.execute(
            sa.select(Signature.image_path).where(
                Signature.convention_id.in_(old.scalar_subquery()), Signature.image_path != ""
            )
        ).scalars(),
    ]
    _after_commit(s, [f for f in files if f])
    _exec(
        s,
        sa.update(Signature)
        .where(
            Signature.convention_id.in_(old.scalar_subquery()),
            sa.or_(Signature.signer_name != "", Signature.email != "", Signature.ip != ""),
        )
        .values(
            signer_name="", email="", phone="", sent_to="", ip="", user_agent="",
            typed_name="", image_path="",
        ),
    )  # fmt: skip
    _exec(s, sa.delete(ConventionLink).where(ConventionLink.convention_id.in_(old_ids)))
    return _exec(
        s,
        sa.update(Convention)
        .where(Convention.id.in_(old_ids))
        .values(school_fields="", employer_fields="", legal_terms="", pdf_path="", updated_at=now),
    )


def run_retention(s: Session, now: datetime | None = None) -> dict[str, int]:
    """Every step, committed one by one; the rows changed per step."""
    now = now or clock.now()
    out = {"pupils": anonymise_inactive_pupils(s, now)}
    for name, step in (
        ("outbox", purge_outbox),
        ("audit", anonymise_old_audit),
        ("conventions", erase_old_conventions),
    ):
        out[name] = step(s, now)
        s.commit()
    return out

"""Application jobs: expiry (15/30 days), the pupil's 15 days to confirm, reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from mystage import clock
from mystage.jobs import applications as jobs
from mystage.jobs.runner import REGISTRY
from mystage.models import Application, AppState, AuditLog
from mystage.services import applications as apps
from tests.unit.test_applications import (
    mails,
    make_pupil,
    offer_of,
    post,
    school_fixture,  # noqa: F401  (the « school » fixture)
)
from tests.unit.test_offers import NOW, W2

A = AppState
DAY = timedelta(days=1)


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def at(delta: timedelta) -> None:
    clock.freeze(NOW + delta)


def state(s, app_id) -> str:
    s.expire_all()
    return s.get(Application, app_id).state


def run(s, fn) -> int:
    n = fn(s)
    s.commit()
    return n


def test_jobs_are_registered():
    for name in (
        "applications_expire",
        "applications_pupil_expire",
        "applications_employer_reminders",
        "applications_pupil_confirm_reminder",
    ):
        assert name in REGISTRY


def test_expiry_15_days_and_30_when_under_review(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    zoe = make_pupil(s, school, "zoe@exemple.fr", first_name="Zoé")
    sent, _ = post(s, lea, offer_id)
    read, _ = post(s, tom, offer_id)
    review, _ = post(s, zoe, offer_id)
    assert apps.transition(s, emp, read, "read") == ""
    assert apps.transition(s, emp, review, "review") == ""

    at(15 * DAY - timedelta(minutes=1))
    assert run(s, jobs.applications_expire) == 0
    at(15 * DAY)
    assert run(s, jobs.applications_expire) == 2
    assert state(s, sent) == A.EXPIRED and state(s, read) == A.EXPIRED
    assert state(s, review) == A.UNDER_REVIEW
    assert s.get(Application, sent).expired_at is not None
    assert len(mails(s, "app_expired", to="lea@exemple.fr")) == 1
    assert len(mails(s, "app_expired", to="tom@exemple.fr")) == 1
    assert run(s, jobs.applications_expire) == 0  # idempotent
    at(29 * DAY)
    assert run(s, jobs.applications_expire) == 0
    at(30 * DAY)
    assert run(s, jobs.applications_expire) == 1
    assert state(s, review) == A.EXPIRED
    assert run(s, jobs.applications_expire) == 0
    assert len(mails(s, "app_expired")) == 3
    audit = s.exec(select(AuditLog).where(AuditLog.action == "expire")).all()
    assert len(audit) == 3 and {a.actor_role for a in audit} == {"system"}
    # an expired application cannot be accepted any more
    assert apps.transition(s, emp, sent, "accept") == apps.MSG_ALREADY


def test_pupil_has_15_days_to_confirm(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id, _ = post(s, lea, offer_id)
    at(3 * DAY)
    assert apps.transition(s, emp, app_id, "accept") == ""
    at(18 * DAY - timedelta(minutes=1))
    assert run(s, jobs.applications_pupil_expire) == 0
    assert run(s, jobs.applications_expire) == 0  # accepted: not the employer's expiry
    at(18 * DAY)
    assert run(s, jobs.applications_pupil_expire) == 1
    assert state(s, app_id) == A.EXPIRED_BY_PUPIL
    assert len(mails(s, "app_expired_by_pupil", to="lea@exemple.fr")) == 1
    assert run(s, jobs.applications_pupil_expire) == 0
    assert apps.confirm(s, lea, app_id) == apps.MSG_ALREADY


def test_employer_reminders_twice_a_week_at_most(s, school):
    emp, offer_id = offer_of(s)
    emp2, offer2 = offer_of(s, email="bob@garage.fr", siret="35600000000048")
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    a1, _ = post(s, lea, offer_id)
    a2, _ = post(s, tom, offer_id)
    a3, _ = post(s, lea, offer2, week=W2)
    assert apps.transition(s, emp2, a3, "accept") == ""  # answered: no reminder

    at(7 * DAY - timedelta(minutes=1))
    assert run(s, jobs.applications_employer_reminders) == 0
    at(7 * DAY)  # Monday 12 October
    assert run(s, jobs.applications_employer_reminders) == 2
    digest = mails(s, "app_employer_reminder")
    assert len(digest) == 1 and digest[0].recipient == emp.email
    assert "2 candidature(s)" in digest[0].subject
    assert run(s, jobs.applications_employer_reminders) == 0  # idempotent
    s.expire_all()
    assert s.get(Application, a3).employer_reminded_at is None

    # every 6 hours for two weeks: never more than 2 digests in any 7 days
    sent_at = [clock.now()]
    for hours in range(6, 14 * 24, 6):
        at(7 * DAY + timedelta(hours=hours))
        if run(s, jobs.applications_employer_reminders):
            sent_at.append(clock.now())
    assert len(mails(s, "app_employer_reminder")) == len(sent_at)
    assert len(sent_at) >= 3
    for i, t in enumerate(sent_at):
        assert sum(1 for u in sent_at[i:] if u < t + 7 * DAY) <= 2, sent_at


def test_pupil_confirm_reminder(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr", phone="+33612345678")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    lea_app, _ = post(s, lea, offer_id)
    tom_app, _ = post(s, tom, offer_id, contact_phone="")
    assert apps.transition(s, emp, lea_app, "accept") == ""
    assert apps.transition(s, emp, tom_app, "accept") == ""
    assert apps.confirm(s, tom, tom_app) == ""  # confirmed: no reminder

    at(2 * DAY - timedelta(minutes=1))
    assert run(s, jobs.applications_pupil_confirm_reminder) == 0
    at(2 * DAY)
    assert run(s, jobs.applications_pupil_confirm_reminder) == 1
    assert len(mails(s, "app_confirm_reminder", to="lea@exemple.fr")) == 1
    assert len(mails(s, "sms_app_confirm_reminder", to="+33612345678")) == 1
    s.expire_all()
    assert s.get(Application, lea_app).pupil_reminded_at is not None
    at(5 * DAY)
    assert run(s, jobs.applications_pupil_confirm_reminder) == 0
    assert len(mails(s, "app_confirm_reminder")) == 1

"""Application jobs: expiry (15/30 days), the pupil's 15 days to confirm, reminders, the
nudge to pupils with a single application.  The clock moves; every job runs twice."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.jobs import applications as jobs
from mystage.jobs.runner import REGISTRY
from mystage.models import Application, AppState, AuditLog, Offer, Outbox
from mystage.notify import outbox
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


def snapshot(s) -> tuple:
    """Everything a job may change: application rows, audit rows, queued messages."""
    s.expire_all()
    rows = s.execute(
        sa.select(
            Application.id,
            Application.state,
            Application.updated_at,
            Application.employer_reminded_at,
            Application.pupil_reminded_at,
        ).order_by(Application.id)  # fmt: skip
    ).all()
    audit = s.execute(sa.select(sa.func.count(AuditLog.id))).scalar_one()
    messages = s.execute(sa.select(sa.func.count(Outbox.id))).scalar_one()
    return tuple(rows), audit, messages


def run_twice(s, fn) -> int:
    """Run ``fn``; a second run right after changes and sends nothing."""
    n = run(s, fn)
    before = snapshot(s)
    assert run(s, fn) == 0
    assert snapshot(s) == before
    return n


def test_jobs_are_registered():
    for name in (
        "applications_expire",
        "applications_pupil_expire",
        "applications_employer_reminders",
        "applications_pupil_confirm_reminder",
        "applications_single_nudge",
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

    at(14 * DAY)
    assert run(s, jobs.applications_expire) == 0
    at(15 * DAY - timedelta(minutes=1))
    assert run(s, jobs.applications_expire) == 0
    at(15 * DAY)
    assert run_twice(s, jobs.applications_expire) == 2
    assert state(s, sent) == A.EXPIRED and state(s, read) == A.EXPIRED
    assert state(s, review) == A.UNDER_REVIEW
    assert s.get(Application, sent).expired_at is not None
    assert len(mails(s, "app_expired", to="lea@exemple.fr")) == 1
    assert len(mails(s, "app_expired", to="tom@exemple.fr")) == 1
    assert run(s, jobs.applications_expire) == 0  # idempotent
    at(29 * DAY)
    assert run(s, jobs.applications_expire) == 0
    at(30 * DAY - timedelta(minutes=1))
    assert run(s, jobs.applications_expire) == 0
    at(30 * DAY)
    assert run_twice(s, jobs.applications_expire) == 1
    assert state(s, review) == A.EXPIRED
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
    at(17 * DAY)  # 14 days after the acceptance
    assert run(s, jobs.applications_pupil_expire) == 0
    at(18 * DAY - timedelta(minutes=1))
    assert run(s, jobs.applications_pupil_expire) == 0
    assert run(s, jobs.applications_expire) == 0  # accepted: not the employer's expiry
    at(18 * DAY)
    assert run_twice(s, jobs.applications_pupil_expire) == 1
    assert state(s, app_id) == A.EXPIRED_BY_PUPIL
    assert len(mails(s, "app_expired_by_pupil", to="lea@exemple.fr")) == 1
    audit = s.exec(select(AuditLog).where(AuditLog.action == "expire_by_pupil")).one()
    assert (audit.from_state, audit.to_state, audit.actor_role) == (
        A.ACCEPTED, A.EXPIRED_BY_PUPIL, "system",
    )  # fmt: skip
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
    assert run_twice(s, jobs.applications_employer_reminders) == 2
    digest = mails(s, "app_employer_reminder")
    assert len(digest) == 1 and digest[0].recipient == emp.email
    assert digest[0].subject == "2 candidatures attendent votre réponse"
    assert digest[0].action_url.endswith("/espace/employeur?onglet=a_traiter")
    assert "/espace/employeur?onglet=a_traiter" in digest[0].body
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
    assert run_twice(s, jobs.applications_pupil_confirm_reminder) == 1
    assert len(mails(s, "app_confirm_reminder", to="lea@exemple.fr")) == 1
    assert len(mails(s, "sms_app_confirm_reminder", to="+33612345678")) == 1
    s.expire_all()
    assert s.get(Application, lea_app).pupil_reminded_at is not None
    at(5 * DAY)
    assert run(s, jobs.applications_pupil_confirm_reminder) == 0
    assert len(mails(s, "app_confirm_reminder")) == 1


def test_expiry_sends_an_sms_to_a_pupil_with_only_a_phone(s, school):
    _, offer_id = offer_of(s)
    sam = make_pupil(s, school, None, phone="+33698765432", first_name="Sam")
    app_id, errors = post(s, sam, offer_id, contact_phone="06 98 76 54 32")
    assert errors == {}
    at(15 * DAY)
    assert run_twice(s, jobs.applications_expire) == 1
    assert state(s, app_id) == A.EXPIRED
    sms = mails(s, "sms_app_expired")
    assert len(sms) == 1 and sms[0].recipient == "+33698765432" and sms[0].channel == "sms"
    assert not mails(s, "app_expired")


def test_expiry_notifiers_read_rows_like_models(s, school, monkeypatch):
    """_move hands the notifiers read-only rows: every column and property of the model."""
    _, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id, _ = post(s, lea, offer_id)
    seen = []

    def notify(_s, action, c):
        seen.append((action, c.app.id, c.app.state, c.from_state, c.pupil.full_name, c.offer.title))
        # columns not read up front: the whole row is read
        seen.append((c.app.motivation[:7], c.app.expired_at is not None, c.pupil.level))
        with pytest.raises(AttributeError):
            c.app.no_such_column  # noqa: B018

    t = apps.TRANSITIONS["expire"]
    monkeypatch.setitem(apps.TRANSITIONS, "expire", type(t)(**{**vars(t), "notify": notify}))
    at(15 * DAY)
    assert run(s, jobs.applications_expire) == 1
    title = s.get(Offer, offer_id).title
    assert seen == [
        ("expire", app_id, A.EXPIRED, A.SENT, "Léa Petit", title),
        ("J'aime ", True, "3e"),
    ]


def test_employer_digest_to_the_offer_contact_at_most_every_3_days_and_a_half(s, school):
    emp, offer_id = offer_of(s)
    offer = s.get(Offer, offer_id)
    offer.contact_email = "rh@boulangerie-martin.fr"
    s.commit()
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    lea_app, _ = post(s, lea, offer_id)
    at(1 * DAY)
    tom_app, _ = post(s, tom, offer_id)

    at(7 * DAY)  # Monday: Léa's application waits for 7 days
    assert run_twice(s, jobs.applications_employer_reminders) == 1
    digest = mails(s, "app_employer_reminder")
    # The space's members (here the owner) and the offer's contact address, not an account's.
    assert sorted(m.recipient for m in digest) == [
        "claire@boulangerie-martin.fr",
        "rh@boulangerie-martin.fr",
    ]
    assert digest[0].subject == "Une candidature attend votre réponse"
    assert apps.transition(s, emp, lea_app, "refuse", reason="full") == ""  # answered
    # Thursday: Tom's application waits for 7 days, but the last digest is 3 days old.
    at(10 * DAY)
    assert run(s, jobs.applications_employer_reminders) == 0
    at(10 * DAY + timedelta(hours=12))
    assert run_twice(s, jobs.applications_employer_reminders) == 1
    assert len(mails(s, "app_employer_reminder")) == 4
    s.expire_all()
    assert s.get(Application, tom_app).employer_reminded_at is not None


def test_employer_digest_lists_many_offers(s):
    subject, body = jobs.templates.render(
        "app_employer_reminder", url=jobs.EMPLOYER_DASHBOARD_URL, count=30,
        titles=[f"Offre {i:02d}" for i in range(25)],
    )  # fmt: skip
    assert subject == "30 candidatures attendent votre réponse"
    assert "- Offre 19" in body and "- Offre 20" not in body and "et 5 autre(s) offre(s)" in body
    assert body.rstrip().endswith("L'équipe MyStage")


def test_nudge_pupils_with_a_single_application(s, school):
    emp, offer_id = offer_of(s)
    emp2, offer2 = offer_of(s, email="bob@garage.fr", siret="35600000000048")
    lea = make_pupil(s, school, "lea@exemple.fr")  # one application: nudged
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")  # two applications
    zoe = make_pupil(s, school, "zoe@exemple.fr", first_name="Zoé")  # confirmed internship
    ana = make_pupil(s, school, "ana@exemple.fr", first_name="Ana")  # refused
    sam = make_pupil(s, school, None, phone="+33698765432", first_name="Sam")  # phone only
    post(s, lea, offer_id)
    post(s, tom, offer_id)
    post(s, tom, offer2, week=W2)
    zoe_app, _ = post(s, zoe, offer2)
    assert apps.transition(s, emp2, zoe_app, "accept") == ""
    assert apps.confirm(s, zoe, zoe_app) == ""
    ana_app, _ = post(s, ana, offer2, week=W2)
    assert apps.transition(s, emp2, ana_app, "refuse", reason="full") == ""
    post(s, sam, offer_id, week=W2, contact_phone="06 98 76 54 32")

    at(5 * DAY - timedelta(minutes=1))
    assert run(s, jobs.applications_single_nudge) == 0
    at(5 * DAY)
    assert run_twice(s, jobs.applications_single_nudge) == 2
    mail = mails(s, "app_single_nudge")
    assert [m.recipient for m in mail] == ["lea@exemple.fr"]
    assert mail[0].subject == "Augmente tes chances : postule à d'autres offres"
    assert school.commune
    url = "/offres?lieu=" + quote(school.commune, safe="").replace("%20", "+")
    assert mail[0].action_url.endswith(url) and url in mail[0].body
    assert s.get(Offer, offer_id).title in mail[0].body
    assert "Pour voir les offres près de ton établissement" in mail[0].body
    sms = mails(s, "sms_app_single_nudge")
    assert [m.recipient for m in sms] == ["+33698765432"] and url in sms[0].body
    # once per pupil and school year, even if Léa still waits
    at(12 * DAY)
    assert run(s, jobs.applications_single_nudge) == 0
    assert len(mails(s, "app_single_nudge")) == 1


def test_nudge_while_the_school_validates(s, school):
    school.validation_required = True
    s.add(school)
    s.commit()
    _, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id, _ = post(s, lea, offer_id)
    assert state(s, app_id) == A.AWAITING_SCHOOL
    at(4 * DAY)
    assert run(s, jobs.applications_single_nudge) == 0
    at(5 * DAY)
    assert run_twice(s, jobs.applications_single_nudge) == 1
    assert len(mails(s, "app_single_nudge", to="lea@exemple.fr")) == 1


def test_nudge_without_a_school_links_to_the_search(s):
    _, body = jobs.templates.render("app_single_nudge", url=jobs.search_url(""), offer_title="X")
    assert "Pour chercher d'autres offres" in body and body.count("/offres") == 1


def test_search_url():
    assert jobs.search_url("") == "/offres"
    assert jobs.search_url(None) == "/offres"
    assert jobs.search_url("Saint-Étienne") == "/offres?lieu=Saint-%C3%89tienne"
    assert jobs.search_url("Le Mans") == "/offres?lieu=Le+Mans"


def test_outbox_batches(s):
    outbox.queue_mail(s, to="a@exemple.fr", subject="A", body="a", dedupe_key="k1")
    with outbox.batched(s):
        queued = outbox.queue_mail(s, to="b@exemple.fr", subject="B", body="b", dedupe_key="k1")
        assert queued is None
        outbox.queue_mail(s, to="c@exemple.fr", subject="C", body="c", dedupe_key="k2")
        outbox.queue_sms(s, to="06 12 34 56 78", body="d", dedupe_key="k2")  # the first wins
        outbox.queue_sms(s, to="06 12 34 56 78", body="e")
        with outbox.batched(s):  # nested: joins the outer block
            outbox.queue_mail(s, to="f@exemple.fr", subject="F", body="f")
        assert len(mails(s)) == 1  # nothing inserted before the end of the block
    s.commit()
    assert [(m.recipient, m.channel, m.body, m.dedupe_key) for m in mails(s)] == [
        ("a@exemple.fr", "mail", "a", "k1"),
        ("c@exemple.fr", "mail", "c", "k2"),
        ("+33612345678", "sms", "e", None),
        ("f@exemple.fr", "mail", "f", None),
    ]
    assert all(m.status == "pending" and m.next_attempt_at is not None for m in mails(s))
    new = [
        {"to": "c@exemple.fr", "subject": "C", "body": "c", "dedupe_key": "k2"},
        {"to": "d@exemple.fr", "subject": "D", "body": "d", "dedupe_key": "k3"},
        {"channel": "sms", "to": "0698765432", "body": "g", "dedupe_key": "k4"},
    ]
    assert outbox.queue_many(s, new) == {"k3", "k4"}
    assert mails(s, to="+33698765432")[0].channel == "sms"
    with pytest.raises(RuntimeError), outbox.batched(s):
        outbox.queue_mail(s, to="e@exemple.fr", subject="E", body="e")
        raise RuntimeError
    assert not mails(s, to="e@exemple.fr")


def test_offers_leave_the_search_once_their_last_week_is_over(s):
    from mystage.jobs.offers import offers_housekeeping
    from mystage.models import OfferState

    emp, offer_id = offer_of(s)  # weeks of 16 and 23 November 2026
    at(timedelta(days=55))  # Sunday 29 November
    run(s, offers_housekeeping)
    s.expire_all()
    assert s.get(Offer, offer_id).state == OfferState.PUBLISHED
    at(timedelta(days=56))  # Monday 30 November
    assert run_twice(s, offers_housekeeping) == 3  # places_left 0, mark_past, the mail
    s.expire_all()
    assert s.get(Offer, offer_id).state == OfferState.PAST
    assert [m.recipient for m in mails(s, "offer_left_search")] == [emp.email]
    audit = s.exec(
        select(AuditLog).where(AuditLog.entity == "offer", AuditLog.actor_role == "system")
    ).all()
    assert [(a.action, a.from_state, a.actor_role) for a in audit] == [
        ("mark_past", OfferState.PUBLISHED, "system")
    ]


def test_outbox_bulk_insert_of_many_rows(s):
    """From 1,000 rows PostgreSQL takes them through COPY: same rules, same order."""
    outbox.queue_mail(s, to="a@exemple.fr", subject="A", body="a", dedupe_key="bulk:7")
    messages = [
        {"to": f"p{i}@exemple.fr", "subject": f"S{i}", "body": "b", "dedupe_key": f"bulk:{i}"}
        for i in range(1200)
    ]
    messages.append({"to": "dup@exemple.fr", "subject": "D", "body": "d", "dedupe_key": "bulk:3"})
    messages.append({"channel": "sms", "to": "06 12 34 56 78", "body": "sms", "user_id": None})
    queued = outbox.queue_many(s, messages)
    assert queued == {f"bulk:{i}" for i in range(1200)} - {"bulk:7"}
    s.commit()
    rows = mails(s)
    assert len(rows) == 1 + 1199 + 1
    assert [m.recipient for m in rows[1:4]] == ["p0@exemple.fr", "p1@exemple.fr", "p2@exemple.fr"]
    assert rows[-1].recipient == "+33612345678" and rows[-1].channel == "sms"
    assert all(m.status == "pending" and m.attempts == 0 for m in rows)
    assert outbox.queue_many(s, messages[:1100]) == set()  # a second run queues nothing

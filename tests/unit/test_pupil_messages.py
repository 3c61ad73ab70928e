"""The pupil's messages of a set of moved applications, queued set-based
(``services/applications/pupil_messages.py``): the same outbox rows, in the same order, as
the notifier called for each application (``notifications._mail_pupil``), with first
names, titles and messages that test the shortcuts (spaces around a first name, none, a
title with a line break, braces, quotes and an en dash, too long for one SMS)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from mystage import clock
from mystage.jobs import applications as jobs
from mystage.models import Application, AppState, Offer, Outbox, User
from mystage.notify import templates
from mystage.notify.outbox import normalize_phone
from mystage.services import applications as apps
from tests.unit.test_application_jobs import at, run
from tests.unit.test_applications import (
    make_pupil,
    offer_of,
    post,
    school_fixture,  # noqa: F401  (the « school » fixture)
)
from tests.unit.test_offers import NOW

A = AppState
TITLE = "Découverte – « boulangerie » {pâtisserie}\nau fournil, " + "très " * 18 + "tôt"
COLUMNS = (
    Outbox.channel, Outbox.recipient, Outbox.user_id, Outbox.template, Outbox.subject,
    Outbox.body, Outbox.action_url, Outbox.dedupe_key, Outbox.status, Outbox.attempts,
    Outbox.next_attempt_at, Outbox.created_at,
)  # fmt: skip


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def outbox_after(s, first_id: int) -> list[tuple]:
    return [
        tuple(r)
        for r in s.execute(
            sa.select(*COLUMNS).where(Outbox.id > first_id).order_by(Outbox.id)
        ).all()
    ]


def last_id(s) -> int:
    return s.execute(sa.select(sa.func.coalesce(sa.func.max(Outbox.id), 0))).scalar_one()


def applications(s, school) -> tuple[object, list[int]]:
    """Four pupils applied to one offer with a difficult title: a first name with spaces
    around it and an e-mail; only a phone and no first name; an e-mail and no phone; no
    account address but one typed in the application."""
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr", first_name="  Léa ")
    tom = make_pupil(s, school, None, phone="+33611111111", first_name="")
    zoe = make_pupil(s, school, "zoe@exemple.fr", first_name="Zoé")
    sam = make_pupil(s, school, None, phone="+33622222222", first_name="Sam")
    ids = [
        post(s, lea, offer_id)[0],
        post(s, tom, offer_id, contact_phone="06 11 11 11 11")[0],
        post(s, zoe, offer_id, contact_phone="")[0],
        post(s, sam, offer_id, contact_phone="", contact_email="sam@exemple.fr")[0],
    ]
    s.execute(sa.update(Offer).where(Offer.id == offer_id).values(title=TITLE))
    assert all(ids)
    s.commit()
    return emp, ids


CASES = [
    ("expire", "", {}),
    ("cancel_by_employer", "Désolé : « fermeture » {exceptionnelle}\n", {}),
    ("refuse", "Bon courage", {"refuse_reason": next(iter(apps.REFUSE_REASONS))}),
    ("place_unavailable", "", {}),
]


@pytest.mark.parametrize(("action", "message", "values"), CASES)
def test_same_rows_as_per_application(s, school, monkeypatch, action, message, values):
    emp, ids = applications(s, school)
    if action == "place_unavailable":
        for app_id in ids:
            assert apps.transition(s, emp, app_id, "accept") == ""
    at(timedelta(days=20))
    where = [Application.id.in_(ids)]
    first = last_id(s)

    t = apps.TRANSITIONS[action]
    notifier = t.notify
    assert isinstance(notifier, apps.notifications.PupilNotifier)
    with monkeypatch.context() as m:  # a plain function: the mover calls it per application
        per_row = type(t)(**{**vars(t), "notify": lambda *a: notifier(*a)})
        m.setitem(apps.TRANSITIONS, action, per_row)
        assert len(apps.move(s, action, where, message=message, values=values)) == 4
        expected = outbox_after(s, first)
    s.rollback()

    assert len(apps.move(s, action, where, message=message, values=values)) == 4
    got = outbox_after(s, first)
    s.commit()
    assert got == expected
    assert [r[0] for r in got] == ["mail", "sms", "mail", "mail"]
    assert got[0][5].startswith("Bonjour Léa,\n\n") and got[1][5].endswith("/candidatures")
    assert got[3][1] == "sam@exemple.fr"


def test_confirm_reminder_mail_and_sms(s, school):
    emp, ids = applications(s, school)
    for app_id in ids:
        assert apps.transition(s, emp, app_id, "accept") == ""
    first = last_id(s)
    at(timedelta(days=2))
    assert run(s, jobs.applications_pupil_confirm_reminder) == 4
    link = templates.link(apps.PUPIL_URL)
    expected = []
    for app_id in ids:
        app = s.get(Application, app_id)
        pupil = s.get(User, app.pupil_id)
        email = pupil.email or app.contact_email
        phone = app.contact_phone or pupil.phone
        if email:
            subject, body = templates.render(
                "app_pupil_event", url=apps.PUPIL_URL, event="confirm_reminder",
                offer_title=TITLE, first_name=pupil.first_name,
            )  # fmt: skip
            expected.append(("mail", email, pupil.id, "app_confirm_reminder", subject, body,
                             link, f"app_confirm_reminder:{app_id}:mail"))  # fmt: skip
        if phone:
            _, body = templates.render(
                "sms_app_pupil_event", url=apps.PUPIL_URL, event="confirm_reminder",
                offer_title=TITLE,
            )  # fmt: skip
            expected.append(("sms", normalize_phone(phone), pupil.id, "sms_app_confirm_reminder",
                             "", body, link, f"app_confirm_reminder:{app_id}:sms"))  # fmt: skip
    assert [r[:8] for r in outbox_after(s, first)] == expected
    assert [r[0] for r in expected] == ["mail", "sms", "sms", "mail", "mail", "sms"]

"""Conventions (issue 14, first part): one per confirmed application, created in the same
transaction as the confirmation, pre-filled from the school, the pupil, the offer and its
structure; cancelled with its application; an audit row per change."""

from __future__ import annotations

import json
from datetime import date, timedelta

import sqlalchemy as sa

from mystage.models import Application, AppState, AuditLog, Convention, ConventionState, Offer
from mystage.services import applications as apps
from mystage.services import conventions
from tests.unit import test_applications as base
from tests.unit.test_applications import W1, W2, accepted, make_pupil, offer_of

# The applications tests' fixtures: a frozen clock on a clean database, a reference school.
s = base.s
school = base.school_fixture

C = ConventionState


def conventions_of(s, app_id) -> list[Convention]:
    s.expire_all()
    return list(
        s.execute(sa.select(Convention).where(Convention.application_id == app_id)).scalars()
    )


def convention_audit(s, conv_id) -> list[str]:
    return list(
        s.execute(
            sa.select(AuditLog.action)
            .where(AuditLog.entity == "convention", AuditLog.entity_id == conv_id)
            .order_by(AuditLog.id)
        ).scalars()
    )


def test_confirming_creates_one_prefilled_convention(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id = accepted(s, emp, lea, offer_id)
    assert conventions_of(s, app_id) == []  # accepted is not enough
    assert apps.confirm(s, lea, app_id) == ""

    (conv,) = conventions_of(s, app_id)
    assert conv.state == C.DRAFT and conv.week_start.isoformat() == W1 and len(conv.uuid) == 36
    employer = json.loads(conv.employer_fields)
    school_part = json.loads(conv.school_fields)
    offer = s.get(Offer, offer_id)
    assert employer["structure"]["siret"] == "73282932000074"
    assert employer["tutor"]["name"] == offer.tutor_name and offer.tutor_name
    assert employer["place"]["city"] == offer.city
    friday = (date.fromisoformat(W1) + timedelta(days=4)).isoformat()
    assert employer["week"] == {"start": W1, "end": friday}
    assert employer["activities"] == offer.description
    # The offer's hours become the timetable the employer starts from, Monday to Friday.
    monday = employer["timetable"]["lundi"]
    assert monday["start"] and monday["end"] and employer["timetable"]["samedi"]["start"] == ""
    assert school_part["school"]["uai"] == school.uai
    assert school_part["pupil"]["last_name"] == lea.last_name
    assert school_part["referent_email"] == "referent@college.fr"
    assert school_part["legal_representatives"] == []  # the school fills them in
    assert convention_audit(s, conv.id) == ["create"]


def test_a_refused_confirmation_creates_nothing(s, school):
    emp, offer_id = offer_of(s, places="1")
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    lea_app = accepted(s, emp, lea, offer_id)
    tom_app = accepted(s, emp, tom, offer_id)
    assert apps.confirm(s, lea, lea_app) == ""
    assert apps.confirm(s, tom, tom_app) == apps.MSG_LAST_PLACE
    assert len(conventions_of(s, lea_app)) == 1 and conventions_of(s, tom_app) == []


def test_a_cancelled_internship_cancels_its_convention(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    lea_app = accepted(s, emp, lea, offer_id, W1)
    tom_app = accepted(s, emp, tom, offer_id, W2)
    assert apps.confirm(s, lea, lea_app) == "" and apps.confirm(s, tom, tom_app) == ""

    assert apps.transition(s, emp, lea_app, "cancel_by_employer", "Fermeture.") == ""
    (lea_conv,) = conventions_of(s, lea_app)
    assert lea_conv.state == C.CANCELLED and lea_conv.cancelled_at is not None
    assert convention_audit(s, lea_conv.id) == ["create", "cancel"]
    (tom_conv,) = conventions_of(s, tom_app)
    assert tom_conv.state == C.DRAFT  # the other pupil's convention is untouched

    assert apps.transition(s, tom, tom_app, "cancel_by_pupil") == ""
    assert conventions_of(s, tom_app)[0].state == C.CANCELLED


def test_creation_is_idempotent_and_cancel_is_set_based(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id = accepted(s, emp, lea, offer_id)
    assert apps.confirm(s, lea, app_id) == ""
    app = s.get(Application, app_id)
    again = conventions.create_for_application(s, app)
    s.commit()
    assert len(conventions_of(s, app_id)) == 1 and again.application_id == app_id
    # Unknown ids and already cancelled conventions are skipped.
    assert conventions.cancel_for_applications(s, [app_id, 999_999]) != []
    assert conventions.cancel_for_applications(s, [app_id]) == []
    s.commit()
    assert conventions_of(s, app_id)[0].state == C.CANCELLED
    assert s.get(Application, app_id).state == AppState.CONFIRMED  # only the convention


def test_offer_timetable_per_day_and_unreadable_hours():
    per_day = Offer(
        hours_mode="per_day",
        hours=json.dumps({"lundi": {"start": "8h", "end": "12h"}, "samedi": {"start": "9:00"}}),
    )
    table = conventions.offer_timetable(per_day)
    assert table["lundi"] == {"start": "08:00", "end": "12:00", "break_start": "", "break_end": ""}
    assert table["mardi"]["start"] == "" and table["samedi"]["start"] == "09:00"
    for broken in ("{", "[1, 2]", '"texte"', ""):
        assert conventions.offer_timetable(Offer(hours=broken))["lundi"]["start"] == ""

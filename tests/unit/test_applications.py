"""Applications: « Postuler », the transition table, permissions and the confirmation."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import (
    Application,
    AppState,
    AuditLog,
    Offer,
    OfferWeek,
    Outbox,
    PupilCV,
    Role,
    School,
    SchoolWeek,
    User,
)
from mystage.services import applications as apps
from mystage.services.applications import TRANSITIONS
from tests.unit.test_offers import NOW, W1, W2, complete_offer, employer, make_user

A = AppState
MOTIVATION = "J'aime le pain et je voudrais découvrir le métier de boulanger."
W3 = "2026-11-30"  # not offered


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


@pytest.fixture(name="school")
def school_fixture(s):
    """A reference school (kept between tests): its settings are restored afterwards."""
    sch = s.exec(
        select(School).where(School.ep == "", School.qpv.is_(False)).order_by(School.uai)
    ).first()  # noqa: E501
    saved = (
        sch.validation_required, sch.referent_email, sch.email, sch.convention_mode,
        sch.convention_preset, sch.search_scope,
    )  # fmt: skip
    sch.validation_required = False
    # The test offers are in Nantes, the school in the Ain: applying needs national scope
    # (seed 002: a school's default 60 km radius is enforced when applying).
    sch.search_scope = "national"
    sch.referent_email = "referent@college.fr"
    sch.convention_mode, sch.convention_preset = "online", ""  # the defaults
    s.add(sch)
    s.commit()
    yield sch
    sch = s.get(School, sch.id)
    (
        sch.validation_required, sch.referent_email, sch.email, sch.convention_mode,
        sch.convention_preset, sch.search_scope,
    ) = saved  # fmt: skip
    s.add(sch)
    s.commit()


@pytest.fixture
def other_school(s, school):
    return s.exec(
        select(School).where(School.id != school.id, School.ep == "", School.qpv.is_(False))
    ).first()


def make_pupil(s, school: School, email: str, phone: str | None = None, **kw) -> User:
    user = User(
        email=email,
        phone=phone,
        role=Role.ELEVE,
        status="active",
        first_name=kw.pop("first_name", "Léa"),
        last_name="Petit",
        school_id=school.id,
        level="3e",
        parental_authorization_at=NOW,
        **kw,
    )
    s.add(user)
    s.commit()
    return user


def staff(s, school: School, email: str, role=Role.PROFESSEUR_PRINCIPAL) -> User:
    """A staff member of ``school`` with an active membership (whole school)."""
    from mystage.models import StaffMembership

    user = User(email=email, role=role, status="active", first_name="Marc", school_id=school.id)
    s.add(user)
    s.commit()
    s.add(StaffMembership(user_id=user.id, school_id=school.id, status="active"))
    s.commit()
    return user


def offer_of(s, email="claire@boulangerie-martin.fr", siret="73282932000074", places="2"):
    user, _ = employer(s, email=email, siret=siret)
    return user, complete_offer(s, user, places=places)


def post(s, pupil, offer_id, week=W1, **kw):
    data = {
        "week": week,
        "motivation": MOTIVATION,
        "contact_phone": "06 12 34 56 78",
        "contact_email": "",
        "referent_email": "",
    }
    data.update(kw)
    return apps.apply(s, pupil, offer_id, **data)


def app(s, app_id) -> Application:
    s.expire_all()
    return s.get(Application, app_id)


def mails(s, template=None, to=None) -> list[Outbox]:
    s.expire_all()
    stmt = select(Outbox)
    if template:
        stmt = stmt.where(Outbox.template == template)
    if to:
        stmt = stmt.where(Outbox.recipient == to)
    return list(s.exec(stmt.order_by(Outbox.id)))


def audit_actions(s, app_id) -> list[str]:
    s.expire_all()
    rows = s.exec(
        select(AuditLog)
        .where(AuditLog.entity == "application", AuditLog.entity_id == app_id)
        .order_by(AuditLog.id)
    )
    return [r.action for r in rows]


def week_row(s, offer_id, week=W1) -> OfferWeek:
    s.expire_all()
    return s.exec(
        select(OfferWeek).where(
            OfferWeek.offer_id == offer_id, OfferWeek.week_start == date.fromisoformat(week)
        )
    ).one()


def accepted(s, emp, pupil, offer_id, week=W1) -> int:
    app_id, errors = post(s, pupil, offer_id, week=week)
    assert errors == {}, errors
    assert apps.transition(s, emp, app_id, "accept") == ""
    return app_id


# --- apply ------------------------------------------------------------------------------------


def test_apply_wrong_values_are_refused_and_nothing_is_stored(s, school):
    _, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    before = len(mails(s))
    cases = [
        ({"motivation": ""}, "motivation", apps.MSG_MOTIVATION),
        ({"motivation": "Trop court."}, "motivation", apps.MSG_MOTIVATION),
        ({"motivation": "x" * 3001}, "motivation", apps.MSG_MOTIVATION_LONG),
        ({"week": W3}, "week", apps.MSG_WEEK),
        ({"week": ""}, "week", apps.MSG_WEEK),
        ({"week": "pas une date"}, "week", apps.MSG_WEEK),
        ({"contact_phone": "12"}, "contact_phone", apps.MSG_PHONE),
        ({"contact_email": "lea@"}, "contact_email", apps.MSG_EMAIL),
        ({"referent_email": "prof"}, "referent_email", apps.MSG_EMAIL),
    ]
    for over, field, message in cases:
        app_id, errors = post(s, lea, offer_id, **over)
        assert app_id is None and errors.get(field) == message, (over, errors)
    assert s.exec(select(Application)).all() == []
    assert s.exec(select(AuditLog).where(AuditLog.entity == "application")).all() == []
    assert len(mails(s)) == before


def test_apply_contact_needed_and_eligibility(s, school):
    _, offer_id = offer_of(s)
    no_mail = make_pupil(s, school, None, phone=None)
    _, errors = post(s, no_mail, offer_id, contact_phone="")
    assert errors == {"contact_email": apps.MSG_CONTACT}
    no_auth = make_pupil(s, school, "tom@exemple.fr")
    no_auth.parental_authorization_at = None
    s.add(no_auth)
    s.commit()
    app_id, errors = post(s, no_auth, offer_id)
    assert app_id is None and "autorisation" in errors["form"]
    emp, _ = employer(s, email="autre@exemple.fr", siret="35600000000048")
    _, errors = apps.apply(
        s, emp, offer_id, week=W1, motivation=MOTIVATION, contact_phone="", contact_email="",
        referent_email="",
    )  # fmt: skip
    assert "élèves" in errors["form"]
    assert s.exec(select(Application)).all() == []


def test_apply_once_per_week_and_school_weeks(s, school):
    _, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id, errors = post(s, lea, offer_id)
    assert errors == {} and app_id
    again, errors = post(s, lea, offer_id)
    assert again is None and errors == {"week": apps.MSG_DUPLICATE}
    # the school has internship weeks: only those may be chosen
    s.add(SchoolWeek(school_id=school.id, week_start=date(2026, 11, 16), school_year=2026))
    s.commit()
    _, errors = post(s, lea, offer_id, week=W2)
    assert errors == {"week": apps.MSG_WEEK_SCHOOL}
    assert len(s.exec(select(Application)).all()) == 1


def test_happy_path_sent_read_review_accept_confirm(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr", phone="+33612345678")
    s.add(PupilCV(user_id=lea.id, schooling="3e B", interests="Cuisine", pdf_path="cv/1.pdf"))
    s.commit()
    places_before = s.get(Offer, offer_id).places_left

    app_id, errors = post(s, lea, offer_id, contact_email="Lea.Petit@Exemple.fr")
    assert errors == {}
    a = app(s, app_id)
    assert a.state == A.SENT and a.sent_at and a.submitted_at
    assert a.contact_email == "lea.petit@exemple.fr" and a.contact_phone == "+33612345678"
    assert a.referent_email == "referent@college.fr" and a.school_year == 2026
    assert json.loads(a.cv_snapshot)["interests"] == "Cuisine" and a.cv_file == "cv/1.pdf"
    new = mails(s, "app_employer_new")
    assert len(new) == 1 and new[0].recipient == emp.email
    assert new[0].action_url.endswith(f"/espace/employeur/candidatures/{app_id}")

    assert apps.transition(s, emp, app_id, "read") == ""
    assert app(s, app_id).state == A.READ and app(s, app_id).read_at
    assert apps.transition(s, emp, app_id, "review", "Je regarde ça.") == ""
    a = app(s, app_id)
    assert a.state == A.UNDER_REVIEW and a.review_message == "Je regarde ça." and a.reviewed_at
    assert len(mails(s, "app_reviewed", to="lea@exemple.fr")) == 1

    assert apps.transition(s, emp, app_id, "accept", "Bienvenue !") == ""
    a = app(s, app_id)
    assert a.state == A.ACCEPTED and a.accepted_at and a.decided_by_id == emp.id
    assert a.accept_message == "Bienvenue !"
    mail = mails(s, "app_accepted", to="lea@exemple.fr")
    assert len(mail) == 1 and mail[0].action_url.endswith("/espace/eleve/candidatures")
    assert "Bienvenue" in mail[0].body
    sms = mails(s, "sms_app_accepted", to="+33612345678")
    assert len(sms) == 1 and "/espace/eleve/candidatures" in sms[0].body
    assert len(mails(s, "app_school_accepted", to="referent@college.fr")) == 1

    assert apps.transition(s, lea, app_id, "confirm") == ""
    a = app(s, app_id)
    assert a.state == A.CONFIRMED and a.confirmed_at
    assert week_row(s, offer_id).places_taken == 1
    assert s.get(Offer, offer_id).places_left == places_before - 1
    assert len(mails(s, "app_employer_confirmed", to=emp.email)) == 1
    assert len(mails(s, "app_school_confirmed", to="referent@college.fr")) == 1
    assert audit_actions(s, app_id) == ["submit", "send", "read", "review", "accept", "confirm"]
    # a double click changes nothing
    assert apps.confirm(s, lea, app_id) == apps.MSG_ALREADY
    assert apps.transition(s, emp, app_id, "accept") == apps.MSG_ALREADY
    assert week_row(s, offer_id).places_taken == 1
    assert len(audit_actions(s, app_id)) == 6


def test_school_validation_path(s, school, other_school):
    school.validation_required = True
    s.add(school)
    s.commit()
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    prof = staff(s, school, "prof@college.fr")
    outsider = staff(s, other_school, "prof@ailleurs.fr")

    app_id, errors = post(s, lea, offer_id)
    assert errors == {}
    assert app(s, app_id).state == A.AWAITING_SCHOOL and app(s, app_id).sent_at is None
    req = mails(s, "app_school_validate")
    assert len(req) == 1 and req[0].recipient == "referent@college.fr"
    assert req[0].action_url.endswith(f"/espace/etablissement/candidatures/{app_id}")
    assert mails(s, "app_employer_new") == []
    # the employer cannot act yet; staff of another school may not validate
    assert apps.transition(s, emp, app_id, "accept") == apps.MSG_DENIED
    assert apps.transition(s, outsider, app_id, "school_validate") == apps.MSG_DENIED
    assert apps.transition(s, lea, app_id, "school_validate") == apps.MSG_DENIED
    assert app(s, app_id).state == A.AWAITING_SCHOOL

    assert apps.transition(s, prof, app_id, "school_validate", "Bon courage") == ""
    a = app(s, app_id)
    assert a.state == A.SENT and a.school_validated_at and a.sent_at and a.decided_by_id == prof.id
    assert len(mails(s, "app_employer_new", to=emp.email)) == 1
    assert len(mails(s, "app_school_validated", to="lea@exemple.fr")) == 1
    assert apps.transition(s, prof, app_id, "school_validate") == apps.MSG_ALREADY

    tom_app, _ = post(s, tom, offer_id)
    assert apps.transition(s, prof, tom_app, "school_refuse", "Semaine d'examens.") == ""
    t = app(s, tom_app)
    assert t.state == A.REFUSED_BY_SCHOOL and t.school_refused_at
    assert t.school_message == "Semaine d'examens."
    assert len(mails(s, "app_school_refused", to="tom@exemple.fr")) == 1
    assert len(mails(s, "app_employer_new")) == 1


def test_confirm_withdraws_the_pupils_other_applications_that_week(s, school):
    emp, offer_id = offer_of(s)
    emp2, offer2 = offer_of(s, email="bob@garage.fr", siret="35600000000048")
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id = accepted(s, emp, lea, offer_id)
    other, _ = post(s, lea, offer2)  # same week, another offer, still pending
    other_w2, _ = post(s, lea, offer2, week=W2)  # another week: kept
    assert apps.transition(s, emp2, other, "read") == ""

    assert apps.confirm(s, lea, app_id) == ""
    o = app(s, other)
    assert o.state == A.WITHDRAWN and o.withdrawn_at
    assert app(s, other_w2).state == A.SENT
    withdrawn = mails(s, "app_employer_withdrawn")
    assert len(withdrawn) == 1 and withdrawn[0].recipient == emp2.email
    assert audit_actions(s, other)[-1] == "withdraw"
    # and the pupil cannot apply again for a week already confirmed
    emp3, offer3 = offer_of(s, email="cafe@exemple.fr", siret="40483304800022")
    _, errors = post(s, lea, offer3)
    assert errors == {"form": apps.MSG_WEEK_CONFIRMED}


def test_last_place_taken(s, school):
    emp, offer_id = offer_of(s, places="1")
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    zoe = make_pupil(s, school, "zoe@exemple.fr", first_name="Zoé")
    lea_app = accepted(s, emp, lea, offer_id)
    tom_app = accepted(s, emp, tom, offer_id)
    zoe_app, _ = post(s, zoe, offer_id)

    assert apps.confirm(s, lea, lea_app) == ""
    assert app(s, tom_app).state == A.PLACE_UNAVAILABLE
    assert len(mails(s, "app_place_unavailable", to="tom@exemple.fr")) == 1
    assert apps.confirm(s, tom, tom_app) == apps.MSG_LAST_PLACE
    assert apps.transition(s, emp, zoe_app, "accept") == apps.MSG_NO_PLACE
    assert app(s, zoe_app).state == A.SENT
    assert week_row(s, offer_id).places_taken == 1

    # a confirmed pupil cancels: the place is free again
    assert apps.transition(s, lea, lea_app, "cancel_by_pupil", "Je suis malade.") == ""
    assert app(s, lea_app).state == A.CANCELLED_BY_PUPIL and app(s, lea_app).cancelled_at
    assert week_row(s, offer_id).places_taken == 0
    assert len(mails(s, "app_employer_cancelled_by_pupil", to=emp.email)) == 1
    assert apps.transition(s, emp, zoe_app, "accept") == ""


def test_confirm_without_place_left_marks_the_application(s, school):
    emp, offer_id = offer_of(s, places="1")
    lea = make_pupil(s, school, "lea@exemple.fr")
    lea_app = accepted(s, emp, lea, offer_id)
    ow = week_row(s, offer_id)
    ow.places_taken = 1  # taken by an application imported from elsewhere
    s.add(ow)
    s.commit()
    assert apps.confirm(s, lea, lea_app) == apps.MSG_LAST_PLACE
    assert app(s, lea_app).state == A.PLACE_UNAVAILABLE
    assert week_row(s, offer_id).places_taken == 1


def test_two_confirmed_per_school_year_at_most(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    assert apps.confirm(s, lea, accepted(s, emp, lea, offer_id, W1)) == ""
    assert apps.confirm(s, lea, accepted(s, emp, lea, offer_id, W2)) == ""
    _, offer2 = offer_of(s, email="bob@garage.fr", siret="35600000000048", places="1")
    s.add(OfferWeek(offer_id=offer2, week_start=date(2026, 12, 7), places=1))
    s.commit()
    _, errors = post(s, lea, offer2, week="2026-12-07")
    assert errors == {"form": apps.MSG_TWO_CONFIRMED}


def test_cancel_by_employer_needs_a_message(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id = accepted(s, emp, lea, offer_id)
    assert apps.confirm(s, lea, app_id) == ""
    assert apps.transition(s, emp, app_id, "cancel_by_employer", "  ") == apps.MSG_MESSAGE_REQUIRED
    assert app(s, app_id).state == A.CONFIRMED
    assert apps.transition(s, emp, app_id, "cancel_by_employer", "Fermeture.") == ""
    a = app(s, app_id)
    assert a.state == A.CANCELLED_BY_EMPLOYER and a.cancel_message == "Fermeture."
    assert week_row(s, offer_id).places_taken == 0
    assert len(mails(s, "app_cancelled_by_employer", to="lea@exemple.fr")) == 1


def test_refuse_mails_the_pupil(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id = accepted(s, emp, lea, offer_id)
    assert apps.transition(s, emp, app_id, "refuse", "Désolé.", reason="full") == ""
    a = app(s, app_id)
    assert a.state == A.REFUSED and a.refused_at and a.refuse_message == "Désolé."
    assert len(mails(s, "app_refused", to="lea@exemple.fr")) == 1


def test_every_disallowed_transition_is_refused(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    prof = staff(s, school, "prof@college.fr")
    people = {"pupil": lea, "employer": emp, "school": prof}
    monday = date.fromisoformat(W1)
    checked = 0
    for state in AppState:
        a = Application(
            pupil_id=lea.id, offer_id=offer_id, week_start=monday, state=state,
            school_id=school.id, school_year=2026,
        )  # fmt: skip
        s.add(a)
        s.commit()
        for action, t in TRANSITIONS.items():
            actor = people.get(t.actor, emp)
            if t.actor == "system":
                assert apps.transition(s, actor, a.id, action) == apps.MSG_UNKNOWN_ACTION
                continue
            if state in t.from_states:
                continue
            err = apps.transition(s, actor, a.id, action, "message")
            assert err, (state, action)
            assert app(s, a.id).state == state, (state, action)
            checked += 1
        assert audit_actions(s, a.id) == []
        s.delete(app(s, a.id))
        s.commit()
    assert checked > 50
    assert apps.transition(s, emp, 10**6, "read") == apps.MSG_DENIED
    assert apps.transition(s, emp, 1, "nope") == apps.MSG_UNKNOWN_ACTION
    assert mails(s, "app_employer_new") == []


def test_others_cannot_act(s, school, other_school):
    emp, offer_id = offer_of(s)
    stranger, _ = employer(s, email="autre@concurrent.fr", siret="35600000000048")
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    outsider = staff(s, other_school, "prof@ailleurs.fr")
    admin = make_user(s, role=Role.ADMIN, email="admin@mystage.fr")
    app_id, _ = post(s, lea, offer_id)
    n_mails = len(mails(s))
    for actor, action in [
        (tom, "cancel_by_pupil"),
        (emp, "cancel_by_pupil"),
        (stranger, "read"),
        (stranger, "accept"),
        (stranger, "refuse"),
        (tom, "accept"),
        (lea, "accept"),
        (outsider, "accept"),
        (None, "accept"),
    ]:
        assert apps.transition(s, actor, app_id, action, "message") == apps.MSG_DENIED, action
    assert app(s, app_id).state == A.SENT
    assert audit_actions(s, app_id) == ["submit", "send"]
    assert len(mails(s)) == n_mails
    # admins may act as the employer; then only Léa may confirm
    assert apps.transition(s, admin, app_id, "accept") == ""
    assert apps.confirm(s, tom, app_id) == apps.MSG_DENIED
    assert apps.confirm(s, emp, app_id) == apps.MSG_DENIED
    assert app(s, app_id).state == A.ACCEPTED
    assert week_row(s, offer_id).places_taken == 0
    assert apps.confirm(s, lea, app_id) == ""


def test_actions_for_lists_the_buttons(s):
    assert apps.actions_for(A.SENT, "employer") == [
        "read", "review", "accept", "refuse", "cancel_by_employer",
    ]  # fmt: skip
    assert apps.actions_for(A.ACCEPTED, "pupil") == ["confirm", "cancel_by_pupil"]
    assert apps.actions_for(A.EXPIRED, "pupil") == []


def test_school_validation_needs_an_active_membership(s, school):
    """A teacher whose membership is still pending (or was removed) cannot validate through
    the service, even with the school's id on the account."""
    from mystage.models import StaffMembership

    school.validation_required = True
    s.add(school)
    s.commit()
    _, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    prof = staff(s, school, "prof@college.fr")
    membership = s.exec(select(StaffMembership).where(StaffMembership.user_id == prof.id)).one()
    app_id, _ = post(s, lea, offer_id)
    for status in ("pending", "removed"):
        membership.status = status
        s.add(membership)
        s.commit()
        assert apps.transition(s, prof, app_id, "school_validate") == apps.MSG_DENIED
        assert app(s, app_id).state == A.AWAITING_SCHOOL
    membership.status = "active"
    s.add(membership)
    s.commit()
    assert apps.transition(s, prof, app_id, "school_validate") == ""

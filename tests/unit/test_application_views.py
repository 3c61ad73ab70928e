"""The employer's and the school's view of one application, the school's list, and the
decisions taken from those pages: who may see and act, which actions, read-on-open."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import (
    Application,
    AppState,
    AuditLog,
    PupilCV,
    Role,
    School,
    SchoolClass,
    StaffClass,
    StaffMembership,
    User,
)
from mystage.services import applications as apps
from mystage.services import applications as views
from tests.unit.test_applications import (
    MOTIVATION,
    W2,
    app,
    audit_actions,
    make_pupil,
    offer_of,
    post,
)
from tests.unit.test_offers import NOW, make_user

A = AppState
CRAFTED_IDS = ["1", True, None, -1, 0, 10**30, 1.0, {"id": 1}, [1]]


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


@pytest.fixture
def school(s):
    """A reference school (kept between tests): its settings are restored afterwards."""
    sch = s.exec(
        select(School).where(School.ep == "", School.qpv.is_(False)).order_by(School.uai)
    ).first()
    saved = (sch.validation_required, sch.referent_email, sch.search_scope)
    # National scope: the test offers are in Nantes, the school in the Ain (seed 002).
    sch.validation_required, sch.referent_email = False, "referent@college.fr"
    sch.search_scope = "national"
    s.add(sch)
    s.commit()
    yield sch
    sch = s.get(School, sch.id)
    sch.validation_required, sch.referent_email, sch.search_scope = saved
    s.add(sch)
    s.commit()


@pytest.fixture
def other_school(s, school):
    return s.exec(
        select(School).where(School.id != school.id, School.ep == "", School.qpv.is_(False))
    ).first()


def head(s, school: School, email: str) -> User:
    user = User(
        email=email, role=Role.CHEF_ETABLISSEMENT, status="active", first_name="Anne",
        last_name="Proviseur", school_id=school.id,
    )  # fmt: skip
    s.add(user)
    s.commit()
    return user


def member(s, school: School, email: str, role=Role.PROFESSEUR, scope="school") -> User:
    user = User(
        email=email, role=role, status="active", first_name="Marc", school_id=school.id,
        staff_scope=scope,
    )  # fmt: skip
    s.add(user)
    s.flush()
    s.add(StaffMembership(user_id=user.id, school_id=school.id, status="active"))
    s.commit()
    return user


def admin(s) -> User:
    return make_user(s, role=Role.ADMIN, email="admin@mystage.fr")


def fingerprint(s, app_id):
    s.expire_all()
    a = s.get(Application, app_id)
    n = len(s.exec(select(AuditLog).where(AuditLog.entity == "application")).all())
    return (a.state, a.accept_message, a.refuse_message, a.cancel_message, a.decided_by_id, n)


@pytest.fixture
def world(s, school):
    """An employer with an offer, a pupil of ``school`` who applied (sent), with a CV."""
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr", phone="+33612345678")
    s.add(
        PupilCV(
            user_id=lea.id, schooling="3e B au collège", interests="Cuisine, vélo",
            languages="", qualities="Curieuse", pdf_path="cv/lea.pdf",
        )
    )  # fmt: skip
    s.commit()
    app_id, errors = post(s, lea, offer_id)
    assert errors == {}
    return emp, offer_id, lea, app_id


# --- employer view -----------------------------------------------------------------------------


def test_employer_view_shows_the_application(s, school, world):
    emp, offer_id, _lea, app_id = world
    v = views.employer_view(s, emp, app_id)
    assert v["id"] == app_id and v["state"] == A.SENT
    assert v["state_label"] == "Transmise à l'employeur"
    assert v["pupil_first_name"] == "Léa" and v["pupil_last_name"] == "Petit"
    assert v["level_label"] == "3e générale"
    assert v["school_name"] == school.name and v["school_city"] == school.commune
    assert v["motivation"] == MOTIVATION
    assert v["week_label"] == "Semaine du 16 au 20 novembre 2026"
    assert [c["label"] for c in v["cv"]] == ["Scolarité", "Centres d'intérêt", "Qualités"]
    assert v["cv_url"] == f"/api/candidatures/{app_id}/cv"
    # contact hidden until accepted
    assert v["contact_visible"] is False and v["contact_email"] == "" and v["contact_phone"] == ""
    # Before an answer: what the employer can answer, in words that say it (issue 16).
    assert [a["action"] for a in v["actions"]] == ["accept", "review", "refuse"]
    assert [a["label"] for a in v["actions"]] == ["Accepter", "Mettre à l'étude", "Refuser"]
    assert [h["label"] for h in v["history"]] == ["Envoyée", "Transmise à l'employeur"]
    assert v["offer_id"] == offer_id


def test_employer_view_badges_and_cv_without_file(s, world):
    emp, offer_id, lea, app_id = world
    s.expire_all()
    rep = s.exec(select(School).where(School.ep == "REP+", School.qpv.is_(True))).first()
    if rep is None:
        rep = s.exec(select(School).where(School.ep == "REP+")).first()
    a = s.get(Application, app_id)
    saved = a.school_id
    a.school_id, a.cv_file, a.cv_snapshot = rep.id, "", json.dumps(["not", "a", "dict"])
    s.add(a)
    s.commit()
    v = views.employer_view(s, emp, app_id)
    assert v["rep"] == "REP+" and v["qpv"] == bool(rep.qpv)
    assert v["cv"] == [] and v["cv_url"] == ""
    a = s.get(Application, app_id)
    a.school_id, a.cv_snapshot = saved, "{pas du json"
    s.add(a)
    s.commit()
    assert views.employer_view(s, emp, app_id)["cv"] == []


def test_employer_view_denied_to_everyone_else(s, school, other_school, world):
    emp, _offer_id, lea, app_id = world
    stranger, _ = offer_of(s, email="autre@concurrent.fr", siret="35600000000048")
    tom = make_pupil(s, school, "tom@exemple.fr")
    principal = head(s, school, "ce.principal@ac-test.fr")
    for who in (stranger, lea, tom, principal, None):
        assert views.employer_view(s, who, app_id) is None
        assert views.open_as_employer(s, who, app_id) is None
    for crafted in CRAFTED_IDS:
        assert views.employer_view(s, emp, crafted) is None
        assert views.open_as_employer(s, emp, crafted) is None
    assert views.employer_view(s, emp, app_id + 1000) is None
    assert app(s, app_id).state == A.SENT


def test_application_awaiting_the_school_is_not_the_employers_yet(s, school):
    school.validation_required = True
    s.add(school)
    s.commit()
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id, _ = post(s, lea, offer_id)
    assert app(s, app_id).state == A.AWAITING_SCHOOL
    assert views.employer_view(s, emp, app_id) is None
    assert views.open_as_employer(s, emp, app_id) is None
    assert views.decide_as_employer(s, emp, app_id, "accept") == {"form": apps.MSG_DENIED}
    assert app(s, app_id).state == A.AWAITING_SCHOOL


def test_open_marks_read_once_for_the_deciding_employer_only(s, world):
    emp, _offer_id, _lea, app_id = world
    boss = admin(s)
    # an administrator only looking changes nothing
    assert views.open_as_employer(s, boss, app_id)["state"] == A.SENT
    assert app(s, app_id).state == A.SENT
    v = views.open_as_employer(s, emp, app_id)
    assert v["state"] == A.READ and v["state_label"] == "Lue par l'employeur"
    first_read = app(s, app_id).read_at
    assert first_read is not None
    for _ in range(3):
        assert views.open_as_employer(s, emp, app_id)["state"] == A.READ
    assert audit_actions(s, app_id).count("read") == 1
    assert app(s, app_id).read_at == first_read
    # an employer view alone (print) never changes the state
    assert views.employer_view(s, emp, app_id)["state"] == A.READ


def test_open_does_not_touch_other_states(s, world):
    emp, _offer_id, _lea, app_id = world
    assert apps.transition(s, emp, app_id, "review", "Je regarde.") == ""
    before = audit_actions(s, app_id)
    assert views.open_as_employer(s, emp, app_id)["state"] == A.UNDER_REVIEW
    assert audit_actions(s, app_id) == before


# --- employer decisions -----------------------------------------------------------------------


def test_accept_shows_the_contact_and_history(s, world):
    emp, _offer_id, _lea, app_id = world
    assert views.decide_as_employer(s, emp, app_id, "accept", "  Bienvenue au fournil !  ") == {}
    a = app(s, app_id)
    assert a.state == A.ACCEPTED and a.accept_message == "Bienvenue au fournil !"
    v = views.employer_view(s, emp, app_id)
    assert v["contact_visible"] is True
    assert v["contact_email"] == "lea@exemple.fr" and v["contact_phone"] == "06 12 34 56 78"
    assert v["contact_phone_tel"] == "+33612345678"
    assert v["history"][-1]["label"] == "Acceptée : à confirmer"
    assert v["history"][-1]["message"] == "Bienvenue au fournil !"
    assert v["history"][-1]["who"] == "Employeur"
    assert v["actions"] == [{"action": "cancel_by_employer", "label": "Annuler mon accord"}]
    # « Refuser » after acceptance is not offered, by the page nor by the service
    before = fingerprint(s, app_id)
    assert views.decide_as_employer(s, emp, app_id, "refuse", "x", "week") == {
        "form": views.MSG_NOT_OFFERED
    }
    assert fingerprint(s, app_id) == before


@pytest.mark.parametrize(
    "action",
    ["confirm", "school_validate", "school_refuse", "withdraw", "expire", "read", "send",
     "cancel_by_pupil", "place_unavailable", "inconnue", "", 5, None, True, {"a": 1}, ["accept"]],
)  # fmt: skip
def test_employer_cannot_fire_other_actions(s, world, action):
    emp, _offer_id, _lea, app_id = world
    before = fingerprint(s, app_id)
    assert views.decide_as_employer(s, emp, app_id, action, "x") == {
        "form": apps.MSG_UNKNOWN_ACTION
    }
    assert fingerprint(s, app_id) == before


def test_employer_decisions_are_checked(s, world):
    emp, _offer_id, lea, app_id = world
    stranger, _ = offer_of(s, email="autre@concurrent.fr", siret="35600000000048")
    before = fingerprint(s, app_id)
    for who in (stranger, lea, None):
        assert views.decide_as_employer(s, who, app_id, "accept") == {"form": apps.MSG_DENIED}
    for crafted in CRAFTED_IDS:
        assert views.decide_as_employer(s, emp, crafted, "accept") == {"form": apps.MSG_DENIED}
    # « Annuler » is not offered before an answer; a too long message is refused; nothing stored
    assert views.decide_as_employer(s, emp, app_id, "cancel_by_employer", "Fermeture.") == {
        "form": views.MSG_NOT_OFFERED
    }
    assert views.decide_as_employer(s, emp, app_id, "refuse", "x" * 2001) == {
        "message": views.MSG_MESSAGE_LONG
    }
    assert fingerprint(s, app_id) == before
    # a crafted non-string message counts as no message
    assert views.decide_as_employer(s, emp, app_id, "refuse", {"evil": 1}, "profile") == {}
    assert app(s, app_id).state == A.REFUSED and app(s, app_id).refuse_message == ""
    # accept on a refused application: refused by the state machine, nothing changed
    before = fingerprint(s, app_id)
    assert views.decide_as_employer(s, emp, app_id, "accept") == {"form": apps.MSG_ALREADY}
    assert views.decide_as_employer(s, emp, app_id, "refuse") == {"form": apps.MSG_ALREADY}
    assert fingerprint(s, app_id) == before
    assert views.employer_view(s, emp, app_id)["actions"] == []


def test_admin_may_decide_as_employer(s, world):
    _emp, _offer_id, _lea, app_id = world
    assert views.decide_as_employer(s, admin(s), app_id, "review", "") == {}
    assert app(s, app_id).state == A.UNDER_REVIEW


# --- school -------------------------------------------------------------------------------------


@pytest.fixture
def waiting(s, school):
    school.validation_required = True
    s.add(school)
    s.commit()
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id, errors = post(s, lea, offer_id)
    assert errors == {} and app(s, app_id).state == A.AWAITING_SCHOOL
    return emp, offer_id, lea, app_id


def test_school_view_and_validation(s, school, waiting):
    emp, _offer_id, _lea, app_id = waiting
    principal = head(s, school, "ce.principal@ac-test.fr")
    v = views.school_view(s, principal, app_id)
    assert v["state"] == A.AWAITING_SCHOOL and "attend votre validation" in v["hint"]
    assert [a["action"] for a in v["actions"]] == ["school_validate", "school_refuse"]
    assert [a["label"] for a in v["actions"]] == ["Valider", "Refuser"]
    assert v["offer_title"] and v["employer_name"] == "Boulangerie Martin"
    assert views.decide_as_school(s, principal, app_id, "school_validate", "Bonne chance !") == {}
    a = app(s, app_id)
    assert a.state == A.SENT and a.school_message == "Bonne chance !"
    v = views.school_view(s, principal, app_id)
    assert v["actions"] == [] and v["history"][-1]["message"] == "Bonne chance !"
    assert v["history"][-1]["who"] == "Établissement"
    # the school's word to the pupil is not shown to the employer
    e = views.employer_view(s, emp, app_id)
    assert e["history"][-1]["label"] == "Transmise à l'employeur"
    assert e["history"][-1]["message"] == ""
    # a double click
    assert views.decide_as_school(s, principal, app_id, "school_validate") == {
        "form": apps.MSG_ALREADY
    }


def test_school_refusal_with_optional_message(s, school, waiting):
    _emp, _offer_id, _lea, app_id = waiting
    teacher = member(s, school, "prof@college.fr")
    assert views.decide_as_school(s, teacher, app_id, "school_refuse", "") == {}
    assert app(s, app_id).state == A.REFUSED_BY_SCHOOL


def test_school_view_denied_to_others(s, school, other_school, waiting):
    emp, _offer_id, lea, app_id = waiting
    outsider_head = head(s, other_school, "ce.ailleurs@ac-test.fr")
    outsider = member(s, other_school, "prof@ailleurs.fr")
    pending = User(
        email="pending@college.fr", role=Role.PROFESSEUR, status="active", school_id=school.id
    )  # no active membership of the school
    s.add(pending)
    s.commit()
    before = fingerprint(s, app_id)
    for who in (outsider_head, outsider, pending, emp, lea, None):
        assert views.school_view(s, who, app_id) is None
        assert views.decide_as_school(s, who, app_id, "school_validate") == {
            "form": apps.MSG_DENIED
        }
    principal = head(s, school, "ce.principal@ac-test.fr")
    for crafted in CRAFTED_IDS:
        assert views.school_view(s, principal, crafted) is None
        assert views.decide_as_school(s, principal, crafted, "school_validate") == {
            "form": apps.MSG_DENIED
        }
    for action in ("accept", "refuse", "read", "confirm", "withdraw", "expire", 3, None, {}):
        assert views.decide_as_school(s, principal, app_id, action) == {
            "form": apps.MSG_UNKNOWN_ACTION
        }
    assert views.decide_as_school(s, principal, app_id, "school_refuse", "y" * 2001) == {
        "message": views.MSG_MESSAGE_LONG
    }
    assert fingerprint(s, app_id) == before


def test_restricted_teacher_sees_only_their_classes(s, school, waiting):
    _emp, _offer_id, lea, app_id = waiting
    c1 = SchoolClass(school_id=school.id, name="3e Test A", level="3e")
    c2 = SchoolClass(school_id=school.id, name="3e Test B", level="3e")
    s.add_all([c1, c2])
    s.commit()
    a = s.get(Application, app_id)
    a.class_id = c1.id
    lea = s.get(User, lea.id)
    lea.class_id = c1.id
    s.add_all([a, lea])
    s.commit()
    teacher = member(s, school, "prof.b@college.fr", scope="classes")
    s.add(StaffClass(user_id=teacher.id, class_id=c2.id))
    s.commit()
    assert views.school_view(s, teacher, app_id) is None
    assert views.school_list(s, teacher, "attente")["rows"] == []
    s.add(StaffClass(user_id=teacher.id, class_id=c1.id))
    s.commit()
    v = views.school_view(s, teacher, app_id)
    assert v["class_name"] == "3e Test A"
    assert [r["id"] for r in views.school_list(s, teacher, "attente")["rows"]] == [app_id]


def test_admin_may_validate(s, waiting):
    _emp, _offer_id, _lea, app_id = waiting
    boss = admin(s)
    assert views.school_view(s, boss, app_id) is not None
    assert views.decide_as_school(s, boss, app_id, "school_validate") == {}
    assert app(s, app_id).state == A.SENT


def test_school_list(s, school, other_school, waiting):
    emp, offer_id, lea, first = waiting
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    second, _ = post(s, tom, offer_id)
    third, _ = post(s, lea, offer_id, week=W2)
    principal = head(s, school, "ce.principal@ac-test.fr")
    assert views.decide_as_school(s, principal, third, "school_validate") == {}
    elsewhere = make_pupil(s, other_school, "zoe@ailleurs.fr", first_name="Zoé")
    foreign, _ = post(s, elsewhere, offer_id)

    waiting_list = views.school_list(s, principal, "attente")
    assert waiting_list["school_name"] == school.name
    assert [r["id"] for r in waiting_list["rows"]] == [second, first]  # newest first
    assert waiting_list["rows"][0]["pupil_name"] == "Tom Petit"
    assert waiting_list["total"] == 2
    done = views.school_list(s, principal, "traitees")
    assert [r["id"] for r in done["rows"]] == [third]
    assert done["rows"][0]["state_label"] == "Transmise à l'employeur"
    assert foreign not in [r["id"] for r in done["rows"] + waiting_list["rows"]]
    # crafted tab and page: defaults, no crash
    assert views.school_list(s, principal, {"x": 1}, page="2")["tab"] == "attente"
    assert views.school_list(s, principal, "attente", page=999)["page"] == 1
    # not school staff: nothing
    for who in (emp, lea, None, admin(s)):
        assert views.school_list(s, who, "attente") is None

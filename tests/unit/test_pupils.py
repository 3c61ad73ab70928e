"""The pupil's space service: « Postuler » context, « Mes candidatures », « Mon CV » and
its private PDF, « Mes favoris »."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.jobs import applications as app_jobs
from mystage.models import (
    Application,
    AppState,
    Favorite,
    OfferWeek,
    PupilCV,
    Role,
    SchoolClass,
    SchoolWeek,
    User,
)
from mystage.services import applications as apps
from mystage.services import offers, pupils, weeks
from mystage.settings import get_settings
from tests.unit.test_applications import (
    MOTIVATION,
    make_pupil,
    offer_of,
    other_school,  # noqa: F401  (fixture)
    post,
    school_fixture,  # noqa: F401  (fixture « school »)
)
from tests.unit.test_offers import NOW, W1, W2, complete_offer, employer

A = AppState
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CRAFTED = [None, "", "abc", "12abc", -1, 0, 1.5, True, [], {}, [1], {"id": 1}, "9" * 40]


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


@pytest.fixture
def world(s, school):
    """A published offer (weeks W1 and W2, 2 places each) and an authorised pupil."""
    owner, offer_id = offer_of(s)
    pupil = make_pupil(s, school, "lea@exemple.fr", phone="+33612345678")
    return owner, offer_id, pupil


def _weeks(ctx) -> list[str]:
    return [w["iso"] for w in ctx["weeks"]]


def _set_state(s, app_id: int, state: str, **stamps) -> None:
    s.execute(sa.update(Application).where(Application.id == app_id).values(state=state, **stamps))
    s.commit()


# --- « Postuler »: the form's context ---------------------------------------------------------


def test_context_lists_all_future_weeks_when_the_school_has_none(s, world, school):
    _owner, offer_id, pupil = world
    ctx = pupils.apply_context(s, pupil, offer_id)
    assert ctx["found"] and ctx["allowed"] and ctx["reason"] == ""
    assert _weeks(ctx) == [W1, W2]
    assert ctx["weeks"][0]["label"] == weeks.week_label(date.fromisoformat(W1))
    assert ctx["weeks"][0]["places_left"] == 2 and not ctx["weeks"][0]["disabled"]
    assert ctx["offer"]["title"].startswith("Boulangerie Martin")
    assert ctx["offer"]["city"] == "Nantes"
    assert ctx["defaults"] == {
        "contact_phone": "06 12 34 56 78",
        "contact_email": "lea@exemple.fr",
        "referent_email": "referent@college.fr",
    }
    assert ctx["cv"]["empty"] and not ctx["to_school"]


def test_context_weeks_are_the_common_weeks_of_offer_and_school(s, world, school):
    _owner, offer_id, pupil = world
    s.add(SchoolWeek(school_id=school.id, week_start=date.fromisoformat(W2), school_year=2026))
    s.commit()
    assert _weeks(pupils.apply_context(s, pupil, offer_id)) == [W2]
    # …and apply() agrees: W1 is refused for this pupil.
    _id, errors = post(s, pupil, offer_id, week=W1)
    assert errors == {"week": apps.MSG_WEEK_SCHOOL}


def test_context_class_weeks_count_only_for_that_class(s, world, school):
    _owner, offer_id, pupil = world
    mine = SchoolClass(school_id=school.id, name="3e B test", level="3e")
    other = SchoolClass(school_id=school.id, name="3e C test", level="3e")
    s.add_all([mine, other])
    s.commit()
    pupil.class_id = mine.id
    s.add(pupil)
    s.add(
        SchoolWeek(
            school_id=school.id,
            class_id=other.id,
            week_start=date.fromisoformat(W2),
            school_year=2026,
        )
    )
    s.commit()
    # Another class's week: the school has no week for this pupil → every week.
    assert _weeks(pupils.apply_context(s, pupil, offer_id)) == [W1, W2]
    s.add(
        SchoolWeek(
            school_id=school.id,
            class_id=mine.id,
            week_start=date.fromisoformat(W1),
            school_year=2026,
        )
    )
    s.commit()
    assert _weeks(pupils.apply_context(s, pupil, offer_id)) == [W1]


def test_context_full_and_applied_weeks_are_disabled(s, world, school):
    _owner, offer_id, pupil = world
    row = s.exec(
        select(OfferWeek).where(
            OfferWeek.offer_id == offer_id, OfferWeek.week_start == date.fromisoformat(W1)
        )
    ).one()
    row.places_taken = row.places
    s.add(row)
    s.commit()
    ctx = pupils.apply_context(s, pupil, offer_id)
    w1, w2 = ctx["weeks"]
    assert w1["full"] and w1["disabled"] and w1["note"] == "complète" and w1["places_left"] == 0
    assert not w2["disabled"]
    app_id, errors = post(s, pupil, offer_id, week=W2)
    assert errors == {}
    w1, w2 = pupils.apply_context(s, pupil, offer_id)["weeks"]
    assert w2["disabled"] and w2["note"] == "déjà postulé"


def test_context_past_weeks_are_not_offered(s, world):
    _owner, offer_id, pupil = world
    clock.freeze(NOW + timedelta(days=45))  # after W1's Monday, before W2's
    assert _weeks(pupils.apply_context(s, pupil, offer_id)) == [W2]


def test_context_reasons(s, world, school):
    owner, offer_id, pupil = world
    anonymous = pupils.apply_context(s, None, offer_id)
    assert anonymous["found"] and not anonymous["allowed"] and anonymous["blocked"] == "login"
    assert anonymous["weeks"] == [] and anonymous["defaults"]["contact_email"] == ""
    employer_ctx = pupils.apply_context(s, owner, offer_id)
    assert employer_ctx["blocked"] == "role" and "élèves" in employer_ctx["reason"]
    waiting = make_pupil(s, school, "sans.autorisation@exemple.fr")
    waiting.parental_authorization_at = None
    s.add(waiting)
    s.commit()
    ctx = pupils.apply_context(s, waiting, offer_id)
    assert ctx["blocked"] == "authorization" and "autorisation" in ctx["reason"]
    assert ctx["weeks"] == []
    assert offers.transition(s, owner, offer_id, "unpublish") == ""
    ctx = pupils.apply_context(s, pupil, offer_id)
    assert not ctx["found"]  # unpublished, never applied: not visible
    _id, errors = post(s, pupil, offer_id)
    assert "form" in errors


def test_context_and_submit_with_crafted_ids(s, world):
    _owner, offer_id, pupil = world
    for raw in CRAFTED:
        assert pupils.apply_context(s, pupil, raw) in ({"found": False}, {})
        app_id, errors, _ = pupils.submit_application(s, pupil, raw, {"week": W1})
        assert app_id is None and errors == {"form": pupils.MSG_OFFER_MISSING}
    assert pupils.apply_context(s, pupil, str(offer_id))["found"]


def test_submit_keys_errors_and_stores_nothing(s, world):
    _owner, offer_id, pupil = world
    app_id, errors, _ = pupils.submit_application(
        s, pupil, offer_id, {"week": "", "motivation": "court", "contact_email": "pas-un-mail"}
    )
    assert app_id is None
    assert set(errors) == {"week", "motivation", "contact_email"}
    for form in (None, "x", [], {"week": 3, "motivation": ["a"], "contact_phone": {}}):
        app_id, errors, _ = pupils.submit_application(s, pupil, offer_id, form)
        assert app_id is None and "week" in errors and "motivation" in errors
    assert s.exec(select(Application)).all() == []


def test_submit_straight_to_the_employer_or_to_the_school(s, world, school):
    _owner, offer_id, pupil = world
    form = {"week": W1, "motivation": MOTIVATION, "contact_phone": "06 12 34 56 78"}
    app_id, errors, to_school = pupils.submit_application(s, pupil, offer_id, form)
    assert errors == {} and app_id and not to_school
    assert s.get(Application, app_id).state == A.SENT
    school.validation_required = True
    s.add(school)
    s.commit()
    app_id, errors, to_school = pupils.submit_application(s, pupil, offer_id, {**form, "week": W2})
    assert errors == {} and to_school
    s.expire_all()
    assert s.get(Application, app_id).state == A.AWAITING_SCHOOL
    assert pupils.apply_context(s, pupil, offer_id)["to_school"]


# --- « Mes candidatures » ---------------------------------------------------------------------


def test_my_applications_rows_newest_first_with_next_step(s, world, school):
    owner, offer_id, pupil = world
    _owner2, offer2 = offer_of(s, email="garage@exemple.fr", siret="35600000000048")
    first, _ = post(s, pupil, offer_id, week=W1)
    clock.freeze(NOW + timedelta(hours=1))
    second, _ = post(s, pupil, offer2, week=W1)
    other_pupil = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    post(s, other_pupil, offer_id, week=W1)

    assert apps.transition(s, owner, first, "accept", "Rendez-vous lundi à 8 h.") == ""
    rows = pupils.my_applications(s, pupil)
    assert [r["id"] for r in rows] == [second, first]  # only mine, newest first
    sent, accepted = rows
    assert sent["state_label"] == "Transmise à l'employeur" and sent["color"] == "blue"
    until = weeks.date_label((clock.paris(NOW) + timedelta(days=15)).date())
    assert sent["next_step"] == f"L'employeur a 15 jours pour répondre (jusqu'au {until})."
    assert sent["can_cancel"] and not sent["can_confirm"]
    assert accepted["state"] == A.ACCEPTED and accepted["color"] == "orange"
    until = weeks.date_label((clock.paris(NOW + timedelta(hours=1)) + timedelta(days=15)).date())
    assert accepted["next_step"] == (
        f"L'employeur t'a accepté·e : confirme ton stage avant le {until} (15 jours)."
    )
    assert accepted["employer_message"] == "Rendez-vous lundi à 8 h."
    assert accepted["can_confirm"] and accepted["can_cancel"]
    assert accepted["offer_title"].startswith("Boulangerie") and accepted["city"] == "Nantes"
    assert accepted["week_label"] == weeks.week_label(date.fromisoformat(W1))

    # Confirming withdraws the other application of that week.
    assert pupils.act_on_application(s, pupil, first, "confirm") == ""
    rows = {r["id"]: r for r in pupils.my_applications(s, pupil)}
    assert rows[first]["state_label"] == "Stage confirmé" and rows[first]["color"] == "green"
    assert rows[second]["state"] == A.WITHDRAWN
    assert rows[second]["next_step"] == (
        "Retirée car tu as confirmé un autre stage pour cette semaine."
    )
    assert not rows[second]["can_confirm"] and not rows[second]["can_cancel"]
    counts = pupils.application_counts(s, pupil)
    assert counts == {"total": 2, "pending": 0, "to_confirm": 0, "confirmed": 1}


def test_next_step_for_every_state(s, world):
    _owner, offer_id, pupil = world
    app_id, _ = post(s, pupil, offer_id)
    expected = {
        A.AWAITING_SCHOOL: "Ton établissement doit valider ta candidature",
        A.REFUSED_BY_SCHOOL: "professeur principal",
        A.READ: "a lu ta candidature",
        A.UNDER_REVIEW: "étudie ta candidature",
        A.REFUSED: "n'a pas retenu",
        A.CANCELLED_BY_PUPIL: "Tu as annulé",
        A.CANCELLED_BY_EMPLOYER: "L'employeur a annulé",
        A.PLACE_UNAVAILABLE: "dernière place",
        A.EXPIRED: "pas répondu à temps",
        A.EXPIRED_BY_PUPIL: "pas confirmé ton stage",
        A.CONFIRMED: "convention",
    }
    for state in AppState:
        _set_state(s, app_id, state, refuse_message="Complet, désolé.")
        s.expire_all()
        (row,) = pupils.my_applications(s, pupil)
        assert row["next_step"], state
        assert row["color"] in {"blue", "amber", "red", "indigo", "orange", "green", "gray"}
        if state in expected:
            assert expected[state] in row["next_step"], state
        assert row["employer_message"] == ("Complet, désolé." if state == A.REFUSED else "")


def test_delays_shown_match_the_jobs():
    assert timedelta(days=pupils.EMPLOYER_ANSWER_DAYS) == app_jobs.EXPIRY
    assert timedelta(days=pupils.EMPLOYER_ANSWER_DAYS_UNDER_REVIEW) == app_jobs.EXPIRY_UNDER_REVIEW
    assert timedelta(days=pupils.PUPIL_CONFIRM_DAYS) == app_jobs.PUPIL_CONFIRM_DELAY


def test_act_on_application_guards(s, world, school):
    owner, offer_id, pupil = world
    app_id, _ = post(s, pupil, offer_id)
    other = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    assert pupils.act_on_application(s, other, app_id, "cancel_by_pupil") == apps.MSG_DENIED
    assert pupils.act_on_application(s, owner, app_id, "cancel_by_pupil") == pupils.MSG_PUPILS_ONLY
    assert pupils.act_on_application(s, None, app_id, "confirm") == pupils.MSG_PUPILS_ONLY
    for action in ("accept", "refuse", "withdraw", "expire", None, 3, ["confirm"]):
        assert pupils.act_on_application(s, pupil, app_id, action) == apps.MSG_UNKNOWN_ACTION
    for raw in CRAFTED:
        assert pupils.act_on_application(s, pupil, raw, "cancel_by_pupil") == apps.MSG_DENIED
    assert pupils.act_on_application(s, pupil, app_id, "confirm").startswith("Cette action")
    s.expire_all()
    assert s.get(Application, app_id).state == A.SENT
    assert pupils.act_on_application(s, pupil, str(app_id), "cancel_by_pupil", ["x"]) == ""
    s.expire_all()
    assert s.get(Application, app_id).state == A.CANCELLED_BY_PUPIL
    assert pupils.my_applications(s, owner) == [] and pupils.my_applications(s, None) == []


# --- « Mon CV » -------------------------------------------------------------------------------


def test_save_cv_limits_and_nothing_saved_on_error(s, world):
    owner, _offer_id, pupil = world
    assert pupils.get_cv(s, pupil) == {
        "schooling": "",
        "interests": "",
        "languages": "",
        "qualities": "",
        "has_pdf": False,
        "updated": "",
    }
    errors = pupils.save_cv(s, pupil, {"schooling": "3e B", "interests": "x" * 1001})
    assert errors == {"interests": pupils.MSG_CV_TOO_LONG}
    assert s.exec(select(PupilCV)).all() == []
    data = {
        "schooling": "  3e B au collège Jules Verne  ",
        "interests": "x" * 1000,
        "languages": "Anglais, espagnol",
        "qualities": 42,  # crafted: ignored (empty)
    }
    assert pupils.save_cv(s, pupil, data) == {}
    cv = pupils.get_cv(s, pupil)
    assert cv["schooling"] == "3e B au collège Jules Verne" and cv["qualities"] == ""
    assert cv["updated"] == weeks.date_label(clock.today_paris())
    assert pupils.save_cv(s, pupil, "pas un dict") == {"form": pupils.MSG_FORM}
    assert pupils.get_cv(s, pupil)["schooling"] == "3e B au collège Jules Verne"
    assert pupils.save_cv(s, pupil, {}) == {}  # an empty form clears every section
    assert pupils.get_cv(s, pupil)["schooling"] == ""
    assert len(s.exec(select(PupilCV)).all()) == 1
    assert pupils.save_cv(s, owner, data) == {"form": pupils.MSG_PUPILS_ONLY}
    assert pupils.get_cv(s, owner) == {} and pupils.get_cv(s, None) == {}


def test_cv_snapshot_goes_with_the_application(s, world):
    _owner, offer_id, pupil = world
    pupils.save_cv(s, pupil, {"schooling": "3e B", "languages": "Anglais"})
    assert pupils.apply_context(s, pupil, offer_id)["cv"] == {
        "has_text": True,
        "has_pdf": False,
        "empty": False,
    }
    app_id, _ = post(s, pupil, offer_id)
    sections = pupils.application_cv_sections(s.get(Application, app_id))
    assert sections == [
        {"label": "Scolarité", "text": "3e B"},
        {"label": "Langues", "text": "Anglais"},
    ]


def test_check_pdf_magic_and_size():
    assert pupils.check_pdf(PDF) == ""
    assert pupils.check_pdf(bytearray(PDF)) == ""
    assert pupils.check_pdf(b"") == pupils.MSG_PDF_EMPTY
    assert pupils.check_pdf(None) == pupils.MSG_PDF_EMPTY
    assert pupils.check_pdf("%PDF-1.4") == pupils.MSG_PDF_EMPTY  # text, not bytes
    assert pupils.check_pdf(b"\x89PNG\r\n\x1a\n" + b"0" * 100) == pupils.MSG_PDF_FORMAT
    assert pupils.check_pdf(b" %PDF-1.4") == pupils.MSG_PDF_FORMAT
    assert pupils.check_pdf(b"<html>%PDF-</html>") == pupils.MSG_PDF_FORMAT
    assert pupils.check_pdf(b"%PDF-" + b"0" * (2 * 1024 * 1024 - 5)) == ""
    assert pupils.check_pdf(b"%PDF-" + b"0" * (2 * 1024 * 1024)) == pupils.MSG_PDF_SIZE


def _cv_files() -> list:
    folder = get_settings().private_dir / "cv"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_pdf_stored_privately_replaced_and_deleted(s, world):
    owner, offer_id, pupil = world
    before = set(_cv_files())
    assert pupils.store_cv_pdf(s, pupil, b"GIF89a...") == pupils.MSG_PDF_FORMAT
    assert set(_cv_files()) == before and pupils.own_cv_pdf(s, pupil) is None
    assert pupils.store_cv_pdf(s, pupil, PDF) == ""
    (path,) = set(_cv_files()) - before
    cv = s.exec(select(PupilCV).where(PupilCV.user_id == pupil.id)).one()
    assert cv.pdf_path == f"cv/{path.name}" and path.name.startswith(f"{pupil.id}-")
    assert len(path.stem.split("-", 1)[1]) == 32  # random part
    assert get_settings().private_dir.resolve() in path.resolve().parents
    assert pupils.own_cv_pdf(s, pupil) == PDF and pupils.get_cv(s, pupil)["has_pdf"]
    assert pupils.apply_context(s, pupil, offer_id)["cv"]["has_pdf"]

    # Replacing deletes the old file…
    assert pupils.store_cv_pdf(s, pupil, PDF + b"v2") == ""
    assert not path.exists()
    # …unless an application was sent with it.
    app_id, _ = post(s, pupil, offer_id)
    sent_with = s.get(Application, app_id).cv_file
    assert sent_with and (get_settings().private_dir / sent_with).is_file()
    assert pupils.store_cv_pdf(s, pupil, PDF + b"v3") == ""
    assert (get_settings().private_dir / sent_with).is_file()
    assert pupils.own_cv_pdf(s, pupil) == PDF + b"v3"
    assert pupils.application_cv_pdf(s, pupil, app_id) == PDF + b"v2"

    assert pupils.delete_cv_pdf(s, pupil) == ""
    assert pupils.own_cv_pdf(s, pupil) is None and not pupils.get_cv(s, pupil)["has_pdf"]
    assert pupils.delete_cv_pdf(s, pupil) == pupils.MSG_NO_PDF
    assert pupils.application_cv_pdf(s, pupil, app_id) == PDF + b"v2"  # still sent
    assert pupils.store_cv_pdf(s, owner, PDF) == pupils.MSG_PUPILS_ONLY
    assert pupils.delete_cv_pdf(s, None) == pupils.MSG_PUPILS_ONLY


def test_cv_path_outside_the_cv_folder_is_never_read(s, world):
    _owner, _offer_id, pupil = world
    secret = get_settings().private_dir / "logos" / "secret.pdf"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(PDF)
    s.add(PupilCV(user_id=pupil.id, pdf_path="cv/../logos/secret.pdf"))
    s.commit()
    assert pupils.own_cv_pdf(s, pupil) is None
    assert not pupils.get_cv(s, pupil)["has_pdf"]


def test_application_cv_readers(s, world, school, other_school):  # noqa: F811
    owner, offer_id, pupil = world
    pupils.store_cv_pdf(s, pupil, PDF)
    app_id, _ = post(s, pupil, offer_id)
    stranger, _ = employer(s, email="autre@concurrent.fr", siret="35600000000048")
    other_pupil = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    head = User(
        email="ce.head@ac-test.fr",
        role=Role.CHEF_ETABLISSEMENT,
        status="active",
        school_id=school.id,
    )
    other_head = User(
        email="ce.other@ac-test.fr",
        role=Role.CHEF_ETABLISSEMENT,
        status="active",
        school_id=other_school.id,
    )
    admin = User(email="admin@exemple.fr", role=Role.ADMIN, status="active")
    # A teacher of that school whose membership the head never accepted.
    teacher = User(
        email="prof@ac-test.fr", role=Role.PROFESSEUR, status="active", school_id=school.id
    )
    s.add_all([head, other_head, admin, teacher])
    s.commit()
    for reader in (pupil, owner, head, admin):
        assert pupils.application_cv_pdf(s, reader, app_id) == PDF, reader.email
    for reader in (stranger, other_pupil, other_head, teacher, None):
        assert pupils.application_cv_pdf(s, reader, app_id) is None
    for raw in CRAFTED:
        assert pupils.application_cv_pdf(s, pupil, raw) is None
    # Before the school validated it, the employer does not see the application.
    _set_state(s, app_id, A.AWAITING_SCHOOL)
    assert pupils.application_cv_pdf(s, owner, app_id) is None
    assert pupils.application_cv_pdf(s, head, app_id) == PDF


# --- « Mes favoris » --------------------------------------------------------------------------


def test_favorites_toggle_is_idempotent(s, world):
    _owner, offer_id, pupil = world
    assert not pupils.is_favorite(s, pupil, offer_id)
    assert pupils.toggle_favorite(s, pupil, offer_id) == (True, "")
    assert pupils.set_favorite(s, pupil, offer_id, True) == (True, "")  # double click
    assert len(s.exec(select(Favorite)).all()) == 1
    assert pupils.is_favorite(s, pupil, str(offer_id))
    assert pupils.toggle_favorite(s, pupil, offer_id) == (False, "")
    assert pupils.set_favorite(s, pupil, offer_id, False) == (False, "")
    assert s.exec(select(Favorite)).all() == []
    assert pupils.toggle_favorite(s, pupil, offer_id) == (True, "")
    assert pupils.apply_context(s, pupil, offer_id)["is_favorite"]


def test_favorites_guards_and_list(s, world, school):
    owner, offer_id, pupil = world
    for raw in CRAFTED:
        assert pupils.set_favorite(s, pupil, raw, True) == (False, pupils.MSG_FAVORITE_UNAVAILABLE)
        assert pupils.set_favorite(s, pupil, raw, False) == (False, "")
    assert pupils.set_favorite(s, owner, offer_id, True) == (False, pupils.MSG_PUPILS_ONLY)
    assert pupils.set_favorite(s, None, offer_id, True) == (False, pupils.MSG_PUPILS_ONLY)
    draft = complete_offer(s, owner, publish=False)
    assert pupils.set_favorite(s, pupil, draft, True) == (False, pupils.MSG_FAVORITE_UNAVAILABLE)
    assert s.exec(select(Favorite)).all() == []

    _owner2, offer2 = offer_of(s, email="garage@exemple.fr", siret="35600000000048")
    pupils.set_favorite(s, pupil, offer_id, True)
    clock.freeze(NOW + timedelta(minutes=5))
    pupils.set_favorite(s, pupil, offer2, True)
    other = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    pupils.set_favorite(s, other, offer_id, True)
    rows = pupils.list_favorites(s, pupil)
    assert [r["offer_id"] for r in rows] == [offer2, offer_id]
    assert rows[1]["places_left"] == 4 and rows[1]["available"] and rows[1]["city"] == "Nantes"
    assert offers.transition(s, owner, offer_id, "unpublish") == ""
    rows = {r["offer_id"]: r for r in pupils.list_favorites(s, pupil)}
    assert not rows[offer_id]["available"] and rows[offer2]["available"]
    assert pupils.list_favorites(s, owner) == [] and pupils.list_favorites(s, None) == []
    overview = pupils.pupil_overview(s, pupil)
    assert overview["favorites"] == 2 and overview["authorized"]
    assert overview["targeted"] == {}
    assert pupils.pupil_overview(s, owner) == {}


def test_overview_brings_the_pupil_back_to_the_offer_they_came_from(s, world):
    owner, offer_id, pupil = world
    pupil.targeted_offer_id = offer_id
    s.add(pupil)
    s.commit()
    targeted = pupils.pupil_overview(s, pupil)["targeted"]
    assert targeted["id"] == str(offer_id) and targeted["title"]
    # Once applied, or once the offer left the search, the card goes.
    form = {"week": W1, "motivation": MOTIVATION, "contact_phone": "06 12 34 56 78"}
    app_id, errors, _ = pupils.submit_application(s, pupil, offer_id, form)
    assert errors == {} and app_id
    assert pupils.pupil_overview(s, pupil)["targeted"] == {}
    other_owner, offer2 = offer_of(s, email="garage@exemple.fr", siret="35600000000048")
    pupil.targeted_offer_id = offer2
    s.add(pupil)
    s.commit()
    assert pupils.pupil_overview(s, pupil)["targeted"]["id"] == str(offer2)
    assert offers.transition(s, other_owner, offer2, "unpublish") == ""
    assert pupils.pupil_overview(s, pupil)["targeted"] == {}

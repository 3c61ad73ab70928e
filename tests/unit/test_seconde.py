"""Levels and the 2de GT internship (issue 15): who may apply to which offer, the weeks each
level sees (offer page, « Postuler », apply), and a two-week 2de period as ONE application
(apply, accept, confirm, withdrawals, cancel, limits, labels, convention dates)."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from sqlmodel import select

from mystage.models import Application, AppState, Convention, Offer, Role, User
from mystage.services import applications as apps
from mystage.services import conventions, offers, pupils, weeks
from mystage.services.applications.limits import confirmed_limit_error
from tests.unit import test_applications as base
from tests.unit.test_applications import MOTIVATION, W1, W2, app, mails, post, week_row
from tests.unit.test_offers import NOW, complete_offer, employer

s = base.s
school = base.school_fixture

A = AppState
JUNE1, JUNE2 = date(2027, 6, 14), date(2027, 6, 21)  # the national 2de weeks of 2026-2027
BOTH = "2027-06-14/P2W"


def pupil(s, school, email: str, level: str = "2de_gt", first_name: str = "Inès") -> User:
    user = User(
        email=email, role=Role.ELEVE, status="active", first_name=first_name, last_name="Roux",
        school_id=school.id, level=level, parental_authorization_at=NOW,
    )  # fmt: skip
    s.add(user)
    s.commit()
    return user


def offer(s, email="claire@boulangerie-martin.fr", siret="73282932000074", **step3):
    """An offer open to 3e (W1, W2) and to 2de (both June weeks) unless told otherwise."""
    values = {"level_3e": True, "level_2de": True, "seconde_period": "both", "places": "1"}
    values.update(step3)
    user, _ = employer(s, email=email, siret=siret)
    return user, complete_offer(s, user, **values)


def accepted2(s, emp, who, offer_id, week=BOTH) -> int:
    app_id, errors = post(s, who, offer_id, week=week)
    assert errors == {}, errors
    assert apps.transition(s, emp, app_id, "accept") == ""
    return app_id


def fill(s, offer_id, monday: date) -> None:
    row = week_row(s, offer_id, monday.isoformat())
    row.places_taken = row.places
    s.add(row)
    s.commit()


# --- levels -----------------------------------------------------------------------------------


def test_a_pupil_applies_only_to_offers_open_to_their_level(s, school):
    _, college_only = offer(s, level_2de=False, seconde_period="")
    _, lycee_only = offer(s, "bob@garage.fr", "35600000000048", level_3e=False)
    seconde = pupil(s, school, "ines@exemple.fr")
    troisieme = pupil(s, school, "tom@exemple.fr", level="3e")
    segpa = pupil(s, school, "zoe@exemple.fr", level="3e_segpa")
    quatrieme = pupil(s, school, "noe@exemple.fr", level="4e")

    assert apps.can_apply(s, seconde, college_only) == (
        False, "Cette offre n'est pas ouverte aux élèves de 2de."
    )  # fmt: skip
    assert apps.can_apply(s, troisieme, lycee_only) == (
        False, "Cette offre n'est pas ouverte aux élèves de 3e."
    )  # fmt: skip
    assert apps.can_apply(s, quatrieme, college_only) == (
        False, "Cette offre n'est pas ouverte aux élèves de 4e."
    )  # fmt: skip
    assert apps.can_apply(s, seconde, lycee_only) == (True, "")
    assert apps.can_apply(s, troisieme, college_only) == (True, "")
    assert apps.can_apply(s, segpa, college_only) == (True, "")
    _, errors = post(s, seconde, college_only, week=W1)
    assert errors == {"form": "Cette offre n'est pas ouverte aux élèves de 2de."}
    ctx = pupils.apply_context(s, troisieme, lycee_only)
    assert not ctx["allowed"] and "3e" in ctx["reason"]
    assert weeks.is_lyceen("2de_gt") and not weeks.is_lyceen("3e") and not weeks.is_lyceen("")


# --- weeks per level --------------------------------------------------------------------------


def test_the_offer_page_shows_the_weeks_of_the_viewers_level(s, school):
    _, offer_id = offer(s)
    seconde = pupil(s, school, "ines@exemple.fr")
    troisieme = pupil(s, school, "tom@exemple.fr", level="3e")

    def mondays(view):
        return [w["monday"] for w in view["weeks"]]

    assert mondays(offers.offer_view(s, offer_id, seconde)) == [
        JUNE1.isoformat(),
        JUNE2.isoformat(),
    ]
    assert mondays(offers.offer_view(s, offer_id, troisieme)) == [W1, W2]
    anonymous = offers.offer_view(s, offer_id, None)
    assert mondays(anonymous) == [W1, W2, JUNE1.isoformat(), JUNE2.isoformat()]
    assert [w["heading"] for w in anonymous["weeks"]] == [
        "Semaines des collégiens", "", "Semaines des lycéens de 2de", "",
    ]  # fmt: skip
    # « Places restantes »: a pupil counts the places of the weeks they may take.
    by_week = {w["monday"]: w["places_left"] for w in anonymous["weeks"]}
    assert offers.offer_view(s, offer_id, seconde)["places_left"] == (
        by_week[JUNE1.isoformat()] + by_week[JUNE2.isoformat()]
    )
    assert offers.offer_view(s, offer_id, troisieme)["places_left"] == by_week[W1] + by_week[W2]
    assert anonymous["places_left"] == s.get(Offer, offer_id).places_left


def test_apply_form_offers_the_periods_of_the_pupils_level(s, school):
    _, offer_id = offer(s)
    _, week1_only = offer(s, "bob@garage.fr", "35600000000048", seconde_period="week1")
    seconde = pupil(s, school, "ines@exemple.fr")
    troisieme = pupil(s, school, "tom@exemple.fr", level="3e")

    ctx = pupils.apply_context(s, seconde, offer_id)
    assert ctx["seconde"] is True
    assert [(w["iso"], w["label"]) for w in ctx["weeks"]] == [
        (BOTH, "Les 2 semaines (du 14 au 25 juin 2027)"),
        ("2027-06-14", "1re semaine seulement (du 14 au 18 juin)"),
        ("2027-06-21", "2e semaine seulement (du 21 au 25 juin)"),
    ]
    assert [w["iso"] for w in pupils.apply_context(s, seconde, week1_only)["weeks"]] == [
        "2027-06-14"
    ]
    ctx = pupils.apply_context(s, troisieme, offer_id)
    assert ctx["seconde"] is False and [w["iso"] for w in ctx["weeks"]] == [W1, W2]

    # after applying to both weeks, every choice overlapping them is « déjà postulé »
    assert post(s, seconde, offer_id, week=BOTH)[1] == {}
    notes = [w["note"] for w in pupils.apply_context(s, seconde, offer_id)["weeks"]]
    assert notes == ["déjà postulé"] * 3


def test_apply_refuses_a_week_of_the_other_kind(s, school):
    _, offer_id = offer(s)
    _, week1_only = offer(s, "bob@garage.fr", "35600000000048", seconde_period="week1")
    seconde = pupil(s, school, "ines@exemple.fr")
    troisieme = pupil(s, school, "tom@exemple.fr", level="3e")
    for who, week, oid in [
        (troisieme, "2027-06-14", offer_id),  # a June 2de week for a collégien
        (troisieme, BOTH, offer_id),
        (seconde, W1, offer_id),  # a collège week for a lycéen
        (seconde, BOTH, week1_only),  # the offer takes one week only
        (seconde, "2027-06-21", week1_only),
        (seconde, "2027-06-14/P3W", offer_id),
    ]:
        app_id, errors = post(s, who, oid, week=week)
        assert app_id is None and errors == {"week": apps.MSG_WEEK}, (who.level, week, errors)
    assert s.exec(select(Application)).all() == []


# --- a two-week period: one application -------------------------------------------------------


def test_two_weeks_one_application_accepted_confirmed_and_cancelled(s, school):
    emp, offer_id = offer(s)
    ines = pupil(s, school, "ines@exemple.fr")
    places = s.get(Offer, offer_id).places_left

    app_id, errors = post(s, ines, offer_id, week=BOTH)
    assert errors == {}
    a = app(s, app_id)
    assert (a.week_start, a.week_count, a.school_year) == (JUNE1, 2, 2026)
    (new,) = mails(s, "app_employer_new")
    assert "« Boulangerie Martin" in new.body and "du 14 au 25 juin 2027 (2 semaines)" in new.body
    # another period overlapping it on the same offer is a duplicate
    assert post(s, ines, offer_id, week="2027-06-21") == (None, {"week": apps.MSG_DUPLICATE})
    assert post(s, ines, offer_id, week="2027-06-14") == (None, {"week": apps.MSG_DUPLICATE})

    assert apps.transition(s, emp, app_id, "accept") == ""
    assert apps.confirm(s, ines, app_id) == ""
    assert app(s, app_id).state == A.CONFIRMED
    assert [week_row(s, offer_id, m.isoformat()).places_taken for m in (JUNE1, JUNE2)] == [1, 1]
    assert s.get(Offer, offer_id).places_left == places - 2
    (row,) = pupils.my_applications(s, ines)
    assert row["week_label"] == "Du 14 au 25 juin 2027 (2 semaines)"
    assert apps.employer_view(s, emp, app_id)["week_label"] == row["week_label"]

    # the convention runs from the first Monday to the last Friday
    conv = s.execute(sa.select(Convention).where(Convention.application_id == app_id)).scalar_one()
    employer_part = json.loads(conv.employer_fields)
    assert employer_part["week"] == {"start": "2027-06-14", "end": "2027-06-25"}
    text = " ".join(p for sec in conventions.sections(
        employer_part, json.loads(conv.school_fields)) for p in sec["paragraphs"])  # fmt: skip
    assert "Du 14 juin 2027 au 25 juin 2027." in text and "chaque semaine" in text

    # cancelling releases both weeks
    assert apps.transition(s, ines, app_id, "cancel_by_pupil", "Je suis malade.") == ""
    assert [week_row(s, offer_id, m.isoformat()).places_taken for m in (JUNE1, JUNE2)] == [0, 0]
    assert s.get(Offer, offer_id).places_left == places


def test_accept_needs_a_place_in_both_weeks(s, school):
    emp, offer_id = offer(s)
    ines = pupil(s, school, "ines@exemple.fr")
    app_id, _ = post(s, ines, offer_id, week=BOTH)
    fill(s, offer_id, JUNE2)
    assert apps.transition(s, emp, app_id, "accept") == apps.MSG_NO_PLACE
    assert app(s, app_id).state == A.SENT
    # and a new two-week application is refused outright
    lou = pupil(s, school, "lou@exemple.fr", first_name="Lou")
    assert post(s, lou, offer_id, week=BOTH) == (None, {"week": apps.MSG_PERIOD_FULL})
    assert post(s, lou, offer_id, week="2027-06-14")[1] == {}


def test_confirm_with_the_second_week_full_takes_nothing(s, school):
    emp, offer_id = offer(s)
    ines = pupil(s, school, "ines@exemple.fr")
    app_id = accepted2(s, emp, ines, offer_id)
    fill(s, offer_id, JUNE2)
    assert apps.confirm(s, ines, app_id) == apps.MSG_LAST_PLACE
    assert app(s, app_id).state == A.PLACE_UNAVAILABLE
    assert week_row(s, offer_id, JUNE1.isoformat()).places_taken == 0
    assert week_row(s, offer_id, JUNE2.isoformat()).places_taken == 1
    assert s.execute(sa.select(Convention)).all() == []


def test_confirm_withdraws_every_overlapping_application_and_frees_no_one_else(s, school):
    emp, offer_id = offer(s)
    emp2, offer2 = offer(s, "bob@garage.fr", "35600000000048")
    _, offer3 = offer(s, "cafe@exemple.fr", "40483304800022", places="3")
    ines = pupil(s, school, "ines@exemple.fr")
    lou = pupil(s, school, "lou@exemple.fr", first_name="Lou")
    mine = accepted2(s, emp, ines, offer_id)
    week2_elsewhere, _ = post(s, ines, offer2, week="2027-06-21")
    week1_elsewhere, _ = post(s, ines, offer3, week="2027-06-14")
    # another pupil accepted for the 2nd week only of the same offer (1 place a week)
    lou_week2 = accepted2(s, emp, lou, offer_id, week="2027-06-21")

    assert apps.confirm(s, ines, mine) == ""
    assert app(s, week2_elsewhere).state == A.WITHDRAWN
    assert app(s, week1_elsewhere).state == A.WITHDRAWN
    assert app(s, lou_week2).state == A.PLACE_UNAVAILABLE  # the 2nd week is full now

    # the other way round: confirming one week withdraws a two-week application
    tom = pupil(s, school, "tom@exemple.fr", first_name="Tom")
    two_weeks = accepted2(s, emp2, tom, offer2)
    _, errors = post(s, tom, offer3, week="2027-06-21")
    one_week = s.execute(
        sa.select(Application.id).where(
            Application.pupil_id == tom.id, Application.offer_id == offer3
        )
    ).scalar_one()
    assert errors == {}
    emp3 = s.get(User, s.get(Offer, offer3).created_by_id)
    assert apps.transition(s, emp3, one_week, "accept") == ""
    assert apps.confirm(s, tom, one_week) == ""
    assert app(s, two_weeks).state == A.WITHDRAWN


def test_a_two_week_internship_counts_as_one_and_covers_both_weeks(s, school):
    emp, offer_id = offer(s, places="2")
    ines = pupil(s, school, "ines@exemple.fr")
    assert apps.confirm(s, ines, accepted2(s, emp, ines, offer_id)) == ""
    # one internship: a second one is allowed that school year…
    assert confirmed_limit_error(s, ines.id, date(2027, 6, 28), 2026) == ""
    # …but not during either week it covers
    for monday, count in [(JUNE2, 1), (JUNE1, 1), (date(2027, 6, 7), 2)]:
        assert confirmed_limit_error(s, ines.id, monday, 2026, week_count=count) == (
            apps.MSG_WEEK_CONFIRMED
        ), monday
    # with another confirmed internship, that makes two
    s.add(Application(
        pupil_id=ines.id, offer_id=offer_id, week_start=date.fromisoformat(W1), state=A.CONFIRMED,
        school_year=2026, motivation=MOTIVATION,
    ))  # fmt: skip
    s.commit()
    assert confirmed_limit_error(s, ines.id, date(2027, 6, 28), 2026) == apps.MSG_TWO_CONFIRMED


def test_period_labels():
    assert weeks.application_period_label(JUNE1, 1) == "Semaine du 14 au 18 juin 2027"
    assert weeks.application_period_label(date(2026, 6, 15), 2) == (
        "Du 15 au 26 juin 2026 (2 semaines)"
    )
    assert weeks.application_period_label(date(2026, 6, 29), 2) == (
        "Du 29 juin au 10 juillet 2026 (2 semaines)"
    )
    assert weeks.parse_period("2026-06-15/P2W") == (date(2026, 6, 15), 2)
    assert weeks.parse_period("2026-06-15") == (date(2026, 6, 15), 1)
    assert weeks.period_value(date(2026, 6, 15), 2) == "2026-06-15/P2W"


def test_demo_gives_seconde_pupils_a_two_week_application(s, school):
    from mystage.demo_seconde import seed_seconde_applications
    from mystage.models import Outbox

    assert seed_seconde_applications(s) == 0  # no 2de pupil yet: nothing
    _, offer_id = offer(s, places="2")
    ines = pupil(s, school, "ines@exemple.fr")
    lou = pupil(s, school, "lou@exemple.fr", first_name="Lou")
    pupil(s, school, "tom@exemple.fr", level="3e")
    assert seed_seconde_applications(s) == 2
    rows = s.exec(select(Application).order_by(Application.pupil_id)).all()
    assert [(a.pupil_id, a.week_start, a.week_count, a.state) for a in rows] == [
        (ines.id, JUNE1, 2, A.CONFIRMED),
        (lou.id, JUNE1, 2, A.ACCEPTED),
    ]
    assert s.exec(select(Convention)).all() and s.exec(select(Outbox)).all() == []

"""Rules of the seeds (issue 15, part 2): deactivating closes accepted applications and a
confirmation needs a published offer (003), a suspended offer stays in the search (003),
the school's radius when applying (002), the référent's copy and the mandatory school
validation (000), the age rule (observation rules), refusal reasons (000)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage.models import Application, AppState, AuditLog, Offer, OfferState, School
from mystage.services import applications as apps
from mystage.services import offers
from tests.unit.test_applications import (  # noqa: F401  (fixtures)
    accepted,
    app,
    mails,
    make_pupil,
    offer_of,
    post,
    s,
    school_fixture,
    week_row,
)
from tests.unit.test_offers import W1, W2

A = AppState


@pytest.fixture
def set_school(s, school):
    """``set_school(s, school, **columns)``: the reference school's columns, restored after
    the test."""
    saved: dict[str, object] = {}

    def change(s, school: School, **values) -> School:
        for k, v in values.items():
            saved.setdefault(k, getattr(school, k))
            setattr(school, k, v)
        s.add(school)
        s.commit()
        return school

    yield change
    change(s, s.get(School, school.id), **saved)


# --- 1. Désactiver / Supprimer close accepted applications; confirm needs a published offer --


def test_deactivate_refuses_accepted_not_confirmed_applications(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    zoe = make_pupil(s, school, "zoe@exemple.fr", first_name="Zoé")
    a_lea = accepted(s, emp, lea, offer_id)
    a_tom, _ = post(s, tom, offer_id)
    a_zoe = accepted(s, emp, zoe, offer_id, week=W2)
    assert apps.confirm(s, zoe, a_zoe) == ""
    assert offers.pending_applications_count(s, offer_id) == 2  # Léa accepted, Tom sent
    assert offers.transition(s, emp, offer_id, "deactivate") == ""
    a = app(s, a_lea)
    assert a.state == A.REFUSED and a.refuse_message == offers.MSG_DEACTIVATED
    assert app(s, a_tom).state == A.REFUSED
    assert app(s, a_zoe).state == A.CONFIRMED  # a confirmed internship is cancelled explicitly
    mail = mails(s, "offer_withdrawn_pupil", to="lea@exemple.fr")
    assert len(mail) == 1 and "ne pouvez plus confirmer" in mail[0].body
    assert mail[0].subject == "Ce stage n'est plus possible"
    other = mails(s, "offer_withdrawn_pupil", to="tom@exemple.fr")
    assert len(other) == 1 and other[0].subject == "Votre candidature n'a pas été retenue"
    audit = s.exec(
        select(AuditLog).where(AuditLog.entity == "application", AuditLog.entity_id == a_lea)
    ).all()
    assert [(r.from_state, r.to_state) for r in audit][-1] == (A.ACCEPTED, A.REFUSED)
    # Léa cannot confirm any more.
    assert apps.confirm(s, lea, a_lea) == apps.MSG_OFFER_GONE
    assert app(s, a_lea).state == A.REFUSED
    assert week_row(s, offer_id).places_taken == 0


def test_remove_refuses_accepted_applications(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    a_lea = accepted(s, emp, lea, offer_id)
    assert offers.transition(s, emp, offer_id, "remove") == ""
    a = app(s, a_lea)
    assert a.state == A.REFUSED and a.refuse_message == offers.MSG_REMOVED_REFUSAL
    assert "supprimé" in mails(s, "offer_withdrawn_pupil", to="lea@exemple.fr")[0].body


def test_confirm_needs_a_published_offer(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    a_lea = accepted(s, emp, lea, offer_id)
    # « Dépublier » is a pause: the accepted application stays, but cannot be confirmed.
    assert offers.transition(s, emp, offer_id, "unpublish") == ""
    assert app(s, a_lea).state == A.ACCEPTED
    assert apps.confirm(s, lea, a_lea) == apps.MSG_OFFER_GONE
    assert apps.transition(s, lea, a_lea, "confirm") == apps.MSG_OFFER_GONE
    assert app(s, a_lea).state == A.ACCEPTED and week_row(s, offer_id).places_taken == 0
    # A removed or past offer too (state changed behind the services' back).
    for state in (OfferState.REMOVED, OfferState.PAST, OfferState.DRAFT):
        s.execute(sa.update(Offer).where(Offer.id == offer_id).values(state=state))
        s.commit()
        assert apps.confirm(s, lea, a_lea) == apps.MSG_OFFER_GONE
    s.execute(sa.update(Offer).where(Offer.id == offer_id).values(state=OfferState.UNPUBLISHED))
    s.commit()
    assert offers.transition(s, emp, offer_id, "republish") == ""
    assert apps.confirm(s, lea, a_lea) == ""
    assert app(s, a_lea).state == A.CONFIRMED


# --- 3. the school's radius when applying (seed 002) ------------------------------------------


def test_school_radius_is_enforced_when_applying(s, school, set_school):
    _, offer_id = offer_of(s)  # Nantes; the school is in the Ain (about 500 km away)
    lea = make_pupil(s, school, "lea@exemple.fr")
    set_school(s, school, search_scope="radius", search_radius_km=60)
    msg = (
        "Cette offre est à plus de 60 km de ton établissement. Ton établissement peut ouvrir "
        "la recherche à toute la France."
    )
    assert apps.can_apply(s, lea, offer_id) == (False, msg)
    assert post(s, lea, offer_id) == (None, {"form": msg})
    set_school(s, school, search_radius_km=30)
    assert apps.can_apply(s, lea, offer_id)[1].startswith("Cette offre est à plus de 30 km")
    # A school near Nantes (Rezé, about 5 km): allowed with the same radius.
    set_school(s, school, latitude=47.18, longitude=-1.55)
    assert apps.can_apply(s, lea, offer_id) == (True, "")
    set_school(s, school, search_radius_km=1)
    assert apps.can_apply(s, lea, offer_id)[0] is False
    # National scope: every offer.
    set_school(s, school, latitude=45.96, longitude=5.36, search_scope="national")
    assert apps.can_apply(s, lea, offer_id) == (True, "")
    app_id, errors = post(s, lea, offer_id)
    assert errors == {} and app_id


# --- 5. the age rule ---------------------------------------------------------------------------


def test_under_14_only_public_or_family_business(s, school):
    emp, offer_id = offer_of(s)  # a bakery (private), weeks of 16 and 23 November 2026
    # 14 on Tuesday 24 November 2026: under 14 on both Mondays.
    young = make_pupil(s, school, "young@exemple.fr", birth_date=date(2012, 11, 24))
    assert apps.can_apply(s, young, offer_id) == (False, apps.MSG_UNDER_14)
    assert post(s, young, offer_id) == (None, {"form": apps.MSG_UNDER_14})
    # 14 on Monday 23 November: may apply, for that week only.
    almost = make_pupil(s, school, "almost@exemple.fr", birth_date=date(2012, 11, 23))
    assert apps.can_apply(s, almost, offer_id) == (True, "")
    assert post(s, almost, offer_id, week=W1) == (None, {"week": apps.MSG_UNDER_14})
    app_id, errors = post(s, almost, offer_id, week=W2)
    assert errors == {} and app_id
    # Born on 29 February: 14 on 1 March.
    assert apps.fourteenth_birthday(date(2012, 2, 29)) == date(2026, 3, 1)
    # Family business, public employer: allowed; unknown birth date: not checked.
    s.execute(sa.update(Offer).where(Offer.id == offer_id).values(family_business=True))
    s.commit()
    assert apps.can_apply(s, young, offer_id) == (True, "")
    s.execute(
        sa.update(Offer).where(Offer.id == offer_id).values(family_business=False, is_public=True)
    )
    s.commit()
    app_id, errors = post(s, young, offer_id)
    assert errors == {} and app_id
    nobody = make_pupil(s, school, "nobody@exemple.fr")
    assert nobody.birth_date is None
    s.execute(sa.update(Offer).where(Offer.id == offer_id).values(is_public=False))
    s.commit()
    assert apps.can_apply(s, nobody, offer_id) == (True, "")


# --- 2. a suspended offer stays in the search (seed 003) ---------------------------------------


def test_suspended_offer_stays_listed_with_applications_closed(s, school):
    from mystage.services import search

    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    a_lea, _ = post(s, lea, offer_id)

    def row():
        found = search.search(s, search.SearchCriteria(where="Nantes"))
        return next((r for r in found.results if r["id"] == offer_id), None)

    assert row()["applications_closed"] is False
    assert offers.offer_view(s, offer_id)["applications_closed"] is False
    assert offers.transition(s, emp, offer_id, "close_applications") == ""
    assert row()["applications_closed"] is True  # still listed
    view = offers.offer_view(s, offer_id)
    assert view["applications_closed"] is True and view["application_open"] is False
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    assert apps.can_apply(s, tom, offer_id)[0] is False
    assert app(s, a_lea).state == A.SENT  # the applications received stay
    # Deactivated: gone from the search.
    assert offers.transition(s, emp, offer_id, "deactivate") == ""
    assert row() is None


# --- 5. the search for pupils under 14 ----------------------------------------------------------


def test_search_under_14_criterion(s, school):
    from mystage.services import search
    from tests.unit.test_search import make_offer

    bakery = make_offer(s, "Boulangerie")
    town_hall = make_offer(s, "Mairie", is_public=True)
    family = make_offer(s, "Ferme familiale", family_business=True)

    def found(**kw):
        return sorted(r["id"] for r in search.search(s, search.SearchCriteria(**kw)).results)

    assert found() == sorted([bakery.id, town_hall.id, family.id])
    assert found(under_14=True) == sorted([town_hall.id, family.id])
    crit, errors = search.from_query({"moins14": "1"})
    assert crit.under_14 is True and errors == {} and crit.to_query() == {"moins14": "1"}
    assert search.map_points(s, crit) and {p["id"] for p in search.map_points(s, crit)} == {
        town_hall.id,
        family.id,
    }
    # The viewer's context says whether to tick it by default: under 14 on every school week
    # to come (today when the school has none).
    young = make_pupil(s, school, "young@exemple.fr", birth_date=date(2012, 11, 24))
    older = make_pupil(s, school, "older@exemple.fr", birth_date=date(2012, 10, 1))
    nobody = make_pupil(s, school, "nobody@exemple.fr")
    assert search.viewer_context(s, young)["under_14"] is True
    assert search.viewer_context(s, older)["under_14"] is False
    assert search.viewer_context(s, nobody)["under_14"] is False
    # The page pre-ticks it for such a pupil arriving without criteria (kept in the URL).
    from mystage.state.search import _run_search

    assert _run_search(s, {}, young.id, False)["criteria"].get("moins14") == "1"
    assert "moins14" not in _run_search(s, {}, older.id, False)["criteria"]
    assert "moins14" not in _run_search(s, {"q": "mairie"}, young.id, False)["criteria"]

"""Offers: the 4-step form, lifecycle, offer page, duplication, dashboard, housekeeping job."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.jobs.offers import offers_housekeeping
from mystage.models import (
    Application,
    AppState,
    AuditLog,
    Offer,
    OfferSchool,
    OfferState,
    OfferWeek,
    Outbox,
    Role,
    School,
    Sector,
    Structure,
    StructureMember,
    User,
)
from mystage.services import accounts, offers, weeks
from mystage.services.permissions import PermissionDenied

PW = "un stage à la boulangerie"
NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # Monday 5 October 2026
TODAY = date(2026, 10, 5)
W1, W2 = "2026-11-16", "2026-11-23"


# --- helpers (also used by test_offer_permissions) ------------------------------------------


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def make_user(s, role=Role.EMPLOYEUR, email="claire@boulangerie-martin.fr", **kw) -> User:
    user, errors = accounts.create_active_account(
        s, role=role, email=email, password=PW, first_name=kw.pop("first_name", "Claire"),
        last_name=kw.pop("last_name", "Martin"), **kw,
    )  # fmt: skip
    assert not errors, errors
    s.commit()
    return user


def make_structure(s, owner: User, name="Boulangerie Martin", siret="73282932000074") -> Structure:
    st = Structure(
        name=name,
        siret=siret,
        naf_code="10.71C",
        address="3 quai Ceineray",
        postal_code="44000",
        city="Nantes",
        department_code="44",
        latitude=47.22,
        longitude=-1.55,
        website="https://boulangerie-martin.fr",
        description="Boulangerie du centre-ville.",
        owner_id=owner.id,
    )
    s.add(st)
    s.flush()
    s.add(StructureMember(structure_id=st.id, user_id=owner.id, role="owner", status="active"))
    s.commit()
    return st


def add_member(s, structure: Structure, user: User, status="active") -> None:
    s.add(StructureMember(structure_id=structure.id, user_id=user.id, role="member", status=status))
    s.commit()


def employer(s, email="claire@boulangerie-martin.fr", siret="73282932000074", name=None):
    user = make_user(s, email=email)
    st = make_structure(s, user, name=name or f"Structure {email}", siret=siret)
    return user, st


def sector_id(s) -> int:
    return s.exec(select(Sector).order_by(Sector.id)).first().id


def step_data(s, step: int, **over) -> dict:
    data = {
        1: {
            "employer_name": "Boulangerie Martin",
            "employer_description": "Boulangerie artisanale du centre-ville.",
            "employer_website": "boulangerie-martin.fr",
            "street": "3 quai Ceineray",
            "postal_code": "44000",
            "city": "Nantes",
            "is_public": False,
        },
        2: {
            "title": "Boulangerie Martin – Alimentation – Boulanger",
            "description": "Découvrir la fabrication du pain et la vente en boutique.",
            "sector_id": str(sector_id(s)),
            "work_environment": "Fournil chaud, boutique lumineuse.",
            "accessibility_text": "Boutique de plain-pied.",
            "handicap_motor": True,
        },
        3: {
            "level_3e": True,
            "level_4e": False,
            "level_2de": False,
            "weeks": [W1, W2],
            "places": "2",
            "group_kind": "individual",
            "application_start": "",
            "application_end": "",
        },
        4: {
            "hours_mode": "same",
            "hours_start": "09:00",
            "hours_end": "17:00",
            "lunch_break": "Pause d'une heure.",
            "meals_on_site": True,
            "meals": "Repas offert.",
            "travel": "Aucun déplacement.",
            "tutor_name": "Paul Martin",
            "tutor_role": "Boulanger",
            "tutor_email": "paul@boulangerie-martin.fr",
            "tutor_phone": "02 40 99 15 44",
            "contact_email": "",
            "show_contact": True,
        },
    }[step]
    data.update(over)
    return data


def complete_offer(s, user: User, publish=True, **step3) -> int:
    offer_id = offers.create_draft(s, user)
    for step in (1, 2, 3, 4):
        over = step3 if step == 3 else {}
        assert offers.save_step(s, user, offer_id, step, step_data(s, step, **over)) == {}
    if publish:
        assert offers.transition(s, user, offer_id, "publish") == ""
    return offer_id


def pupil(s, email="eleve@exemple.fr", **kw) -> User:
    return make_user(s, role=Role.ELEVE, email=email, first_name="Léa", last_name="Petit", **kw)


def apply(s, pupil_user, offer_id, week=W1, state=AppState.SENT, **kw) -> Application:
    app = Application(
        pupil_id=pupil_user.id,
        offer_id=offer_id,
        week_start=date.fromisoformat(week),
        state=state,
        **kw,
    )
    s.add(app)
    s.commit()
    return app


def get(s, offer_id) -> Offer:
    s.expire_all()
    return s.get(Offer, offer_id)


def audits(s, offer_id, action=None) -> list[AuditLog]:
    s.expire_all()
    stmt = select(AuditLog).where(AuditLog.entity == "offer", AuditLog.entity_id == offer_id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return list(s.exec(stmt.order_by(AuditLog.id)))


def outbox(s, template=None) -> list[Outbox]:
    s.expire_all()
    stmt = select(Outbox)
    if template:
        stmt = stmt.where(Outbox.template == template)
    return list(s.exec(stmt.order_by(Outbox.id)))


# --- create and steps -----------------------------------------------------------------------


def test_create_draft_prefills_from_structure(s):
    user, st = employer(s)
    offer_id = offers.create_draft(s, user)
    offer = get(s, offer_id)
    assert offer.state == OfferState.DRAFT and offer.draft_step == 1
    assert offer.structure_id == st.id and offer.created_by_id == user.id
    assert offer.school_year == 2026
    assert offers.missing_steps(s, offer_id) == [1, 2, 3, 4]
    step1 = offers.load_step(s, user, offer_id, 1)
    assert step1["employer_name"] == st.name
    assert step1["street"] == "3 quai Ceineray" and step1["postal_code"] == "44000"
    assert step1["unsaved_draft"] is False
    step4 = offers.load_step(s, user, offer_id, 4)
    assert step4["contact_email"] == user.email and step4["tutor_name"] == "Claire Martin"


def test_poster_without_structure_gets_a_personal_one(s):
    referent = make_user(
        s, role=Role.REFERENT_DEPARTEMENTAL, email="ref@ac-nantes.fr", department_code="44"
    )
    offer_id = offers.create_draft(s, referent)
    offer = get(s, offer_id)
    st = s.get(Structure, offer.structure_id)
    assert st.owner_id == referent.id and st.validation_status == "validated"
    assert offers.create_draft(s, referent) != offer_id
    assert len(s.exec(select(Structure)).all()) == 1  # reused the second time


def test_pending_member_cannot_create(s):
    owner, st = employer(s)
    newcomer = make_user(s, email="paul@boulangerie-martin.fr")
    add_member(s, st, newcomer, status="pending")
    with pytest.raises(PermissionDenied, match="attend l'accord"):
        offers.create_draft(s, newcomer)
    with pytest.raises(PermissionDenied):
        offers.create_draft(s, pupil(s))


def test_steps_must_be_saved_in_order(s):
    user, _ = employer(s)
    offer_id = offers.create_draft(s, user)
    errors = offers.save_step(s, user, offer_id, 3, step_data(s, 3))
    assert "form" in errors and "étape 1" in errors["form"]
    assert get(s, offer_id).draft_step == 1


def test_full_form_fills_the_offer(s):
    user, _ = employer(s)
    offer_id = complete_offer(s, user, publish=False)
    offer = get(s, offer_id)
    assert offer.draft_step == 5 and offers.missing_steps(s, offer_id) == []
    assert offer.latitude and offer.department_code == "44" and offer.academy
    assert offer.employer_website == "https://boulangerie-martin.fr"
    assert offer.is_accessible is True
    assert offer.first_week == date(2026, 11, 16) and offer.last_week == date(2026, 11, 23)
    assert offer.places_total == 2 and offer.places_left == 4
    assert offer.tutor_phone == "+33240991544"
    assert offer.contact_email == user.email  # default: the creator
    assert json.loads(offer.hours) == {"start": "09:00", "end": "17:00"}
    assert "boulang" in offer.search_text.split() and "nant" in offer.search_text
    assert offer.draft_form == ""
    step3 = offers.load_step(s, user, offer_id, 3)
    assert step3["weeks"] == [W1, W2] and step3["places"] == "2" and step3["week_places"] == {}
    step4 = offers.load_step(s, user, offer_id, 4)
    assert step4["tutor_phone"] == "02 40 99 15 44"


@pytest.mark.parametrize(
    "step,over,key",
    [
        (1, {"employer_name": ""}, "employer_name"),
        (1, {"postal_code": "4400"}, "postal_code"),
        (1, {"postal_code": "99999", "city": "Nullepart"}, "street"),
        (1, {"employer_website": "ftp://exemple.fr"}, "employer_website"),
        (1, {"employer_description": "x" * 1001}, "employer_description"),
        (2, {"title": ""}, "title"),
        (2, {"title": "x" * 151}, "title"),
        (2, {"description": ""}, "description"),
        (2, {"sector_id": "999999"}, "sector_id"),
        (2, {"sector_id": "abc"}, "sector_id"),
        (3, {"level_3e": False}, "levels"),
        (3, {"level_2de": True, "seconde_period": ""}, "seconde_period"),
        (3, {"weeks": []}, "weeks"),
        (3, {"weeks": ["2026-09-28"]}, "weeks"),  # in the past
        (3, {"weeks": ["2026-10-05"]}, "weeks"),  # started today
        (3, {"weeks": ["2028-11-13"]}, "weeks"),  # too far
        (3, {"weeks": ["2027-07-12"]}, "weeks"),  # summer holidays
        (3, {"weeks": ["pas une semaine"]}, "weeks"),
        (3, {"places": "0"}, "places"),
        (3, {"places": "500"}, "places"),
        (3, {"places": "deux"}, "places"),
        (3, {"week_places": {W1: "0"}}, "week_places"),
        (3, {"group_kind": "group", "max_per_group": ""}, "max_per_group"),
        (3, {"group_kind": "group", "max_per_group": "5"}, "max_per_group"),
        (3, {"application_start": "2026-11-10", "application_end": "2026-11-01"}, "application_end"),
        (3, {"application_start": "10/11/2026"}, "application_start"),
        (3, {"reserved_school_ids": [99999999]}, "reserved_school_ids"),
        (4, {"hours_start": "17:00", "hours_end": "09:00"}, "hours_end"),
        (4, {"hours_start": ""}, "hours_start"),
        (4, {"hours_end": "25:00"}, "hours_end"),
        (4, {"hours_mode": "per_day", "per_day": {}}, "per_day"),
        (4, {"hours_mode": "per_day", "per_day": {"lundi": {"start": "12:00", "end": "10:00"}}}, "lundi_end"),
        (4, {"tutor_email": "paul@"}, "tutor_email"),
        (4, {"tutor_email": ""}, "tutor_email"),
        (4, {"tutor_name": ""}, "tutor_name"),
        (4, {"tutor_phone": "12 34"}, "tutor_phone"),
        (4, {"contact_email": "pas une adresse"}, "contact_email"),
        (4, {"lunch_break": "x" * 501}, "lunch_break"),
    ],
)  # fmt: skip
def test_step_errors(s, step, over, key):
    user, _ = employer(s)
    offer_id = offers.create_draft(s, user)
    for previous in range(1, step):
        assert offers.save_step(s, user, offer_id, previous, step_data(s, previous)) == {}
    before = get(s, offer_id)
    snapshot_fields = {k: getattr(before, k) for k in ("title", "places_total", "hours", "street")}
    errors = offers.save_step(s, user, offer_id, step, step_data(s, step, **over))
    assert key in errors, errors
    assert all(isinstance(v, str) and v for v in errors.values())
    after = get(s, offer_id)
    assert after.draft_step == step  # not saved
    assert {k: getattr(after, k) for k in snapshot_fields} == snapshot_fields
    assert str(step) in json.loads(after.draft_form)
    if step == 3:
        assert s.exec(select(OfferWeek)).all() == []


def test_failing_step_keeps_what_was_typed(s):
    user, _ = employer(s)
    offer_id = offers.create_draft(s, user)
    offers.save_step(s, user, offer_id, 1, step_data(s, 1))
    typed = step_data(s, 2, title="", description="Ce que j'ai tapé", handicap_visual=True)
    errors = offers.save_step(s, user, offer_id, 2, typed)
    assert errors == {"title": offers.MSG_TITLE}
    offer = get(s, offer_id)
    assert offer.description == "" and offer.title == ""
    values = offers.load_step(s, user, offer_id, 2)
    assert values["unsaved_draft"] is True
    assert values["description"] == "Ce que j'ai tapé" and values["handicap_visual"] is True
    # Step 1 is unaffected; a successful save clears the snapshot of step 2 only.
    assert offers.load_step(s, user, offer_id, 1)["unsaved_draft"] is False
    offers.save_step(s, user, offer_id, 3, {"weeks": []})  # refused: step order
    assert offers.save_step(s, user, offer_id, 2, step_data(s, 2)) == {}
    values = offers.load_step(s, user, offer_id, 2)
    assert values["unsaved_draft"] is False and values["description"].startswith("Découvrir")
    assert get(s, offer_id).draft_form == ""


def test_step3_snapshot_keeps_weeks_and_schools(s):
    user, _ = employer(s)
    offer_id = offers.create_draft(s, user)
    for step in (1, 2):
        offers.save_step(s, user, offer_id, step, step_data(s, step))
    school = s.exec(select(School).where(School.ep == "REP+")).first()
    typed = step_data(s, 3, places="0", weeks=[W2], reserved_school_ids=[school.id])
    assert "places" in offers.save_step(s, user, offer_id, 3, typed)
    values = offers.load_step(s, user, offer_id, 3)
    assert values["places"] == "0" and values["weeks"] == [W2]
    assert values["reserved_schools"] == [
        {"id": str(school.id), "label": values["reserved_schools"][0]["label"]}
    ]
    assert school.name in values["reserved_schools"][0]["label"]


def test_step3_variants(s):
    user, _ = employer(s)
    offer_id = offers.create_draft(s, user)
    for step in (1, 2):
        offers.save_step(s, user, offer_id, step, step_data(s, step))
    school = s.exec(select(School).order_by(School.id)).first()
    data = step_data(
        s,
        3,
        level_4e=True,
        level_2de=True,
        seconde_period="both",
        weeks=["2026-W47"],
        places="3",
        week_places={W1: "5", "2030-01-07": "9"},  # weeks not chosen are ignored
        group_kind="group",
        max_per_group="3",
        application_start="2026-10-01",
        application_end="2026-11-13",
        reserved_rep=True,
        reserved_school_ids=[str(school.id)],
    )
    assert offers.save_step(s, user, offer_id, 3, data) == {}
    rows = {r.week_start: r.places for r in s.exec(select(OfferWeek))}
    assert rows == {date(2026, 11, 16): 5, date(2027, 6, 14): 3, date(2027, 6, 21): 3}
    offer = get(s, offer_id)
    assert offer.places_left == 11 and offer.reserved_schools and offer.reserved_rep
    assert offer.max_per_group == 3 and offer.application_end == date(2026, 11, 13)
    values = offers.load_step(s, user, offer_id, 3)
    assert values["weeks"] == [W1]  # the 2de weeks are shown by the period, not the list
    assert values["week_places"] == {W1: "5"}
    assert values["reserved_school_ids"] == [school.id]
    # « Toute l'année »: every remaining week of the school year.
    data = step_data(s, 3, all_year=True, weeks=[])
    assert offers.save_step(s, user, offer_id, 3, data) == {}
    mondays = sorted(r.week_start for r in s.exec(select(OfferWeek)))
    assert mondays[0] == date(2026, 10, 12) and mondays[-1] == date(2027, 6, 28)
    assert len(mondays) == len([m for m in weeks.weeks_of_school_year(2026) if m > TODAY])
    assert s.exec(select(OfferSchool)).all() == []  # reservations removed


def test_weeks_with_confirmed_pupils_are_protected(s):
    user, _ = employer(s)
    offer_id = complete_offer(s, user)
    week = s.exec(select(OfferWeek).where(OfferWeek.week_start == date(2026, 11, 16))).one()
    week.places_taken = 2
    s.commit()
    errors = offers.save_step(s, user, offer_id, 3, step_data(s, 3, weeks=[W2]))
    assert "confirmé" in errors["weeks"]
    errors = offers.save_step(s, user, offer_id, 3, step_data(s, 3, places="1"))
    assert "moins de 2" in errors["weeks"]
    # Adding a week and keeping the others is fine; places_taken is kept.
    data = step_data(s, 3, weeks=[W1, W2, "2026-11-30"], places="3")
    assert offers.save_step(s, user, offer_id, 3, data) == {}
    rows = {r.week_start: (r.places, r.places_taken) for r in s.exec(select(OfferWeek))}
    assert rows[date(2026, 11, 16)] == (3, 2) and len(rows) == 3
    offer = get(s, offer_id)
    assert offer.state == OfferState.PUBLISHED and offer.places_left == 1 + 3 + 3


def test_published_offer_stays_published_when_edited(s):
    user, _ = employer(s)
    offer_id = complete_offer(s, user)
    assert offers.save_step(s, user, offer_id, 2, step_data(s, 2, title="Nouveau titre")) == {}
    offer = get(s, offer_id)
    assert offer.state == OfferState.PUBLISHED and offer.title == "Nouveau titre"
    assert audits(s, offer_id, "edit")
    # A past application end is refused on a published offer (unless unchanged).
    errors = offers.save_step(s, user, offer_id, 3, step_data(s, 3, application_end="2026-10-01"))
    assert errors == {"application_end": offers.MSG_WINDOW_PAST}


# --- lifecycle ------------------------------------------------------------------------------


def test_publish_requires_every_step(s):
    user, _ = employer(s)
    offer_id = offers.create_draft(s, user)
    for step in (1, 2, 3):
        offers.save_step(s, user, offer_id, step, step_data(s, step))
    assert offers.transition(s, user, offer_id, "publish") == offers.MSG_INCOMPLETE
    assert get(s, offer_id).state == OfferState.DRAFT
    offers.save_step(s, user, offer_id, 4, step_data(s, 4))
    assert offers.transition(s, user, offer_id, "publish") == ""
    offer = get(s, offer_id)
    assert offer.state == OfferState.PUBLISHED and offer.published_at is not None


def test_publish_blocked_while_structure_awaits_validation(s):
    user, st = employer(s)
    st.validation_status = "pending"
    s.commit()
    offer_id = complete_offer(s, user, publish=False)
    from mystage.services import structures

    assert offers.transition(s, user, offer_id, "publish") == structures.MSG_PENDING_VALIDATION
    assert get(s, offer_id).state == OfferState.DRAFT


def test_double_publish_applies_once(s):
    user, _ = employer(s)
    offer_id = complete_offer(s, user, publish=False)
    assert offers.transition(s, user, offer_id, "publish") == ""
    assert offers.transition(s, user, offer_id, "publish") == "Cette offre est déjà publiée."
    assert len(audits(s, offer_id, "publish")) == 1


def test_conditional_update_loses_the_race(s):
    """Two requests read the draft; the second UPDATE finds the state changed."""
    user, _ = employer(s)
    offer_id = complete_offer(s, user, publish=False)
    stale = get(s, offer_id)  # loaded as a draft
    s.execute(  # another worker removed it meanwhile
        sa.update(Offer)
        .where(Offer.id == offer_id)
        .values(state=OfferState.REMOVED)
        .execution_options(synchronize_session=False)
    )
    s.commit()
    assert stale.state == OfferState.DRAFT  # not refreshed
    assert offers.transition(s, user, offer_id, "publish") == offers.MSG_CONFLICT
    assert get(s, offer_id).state == OfferState.REMOVED
    assert audits(s, offer_id, "publish") == []


def test_unpublish_republish(s):
    user, _ = employer(s)
    offer_id = complete_offer(s, user)
    assert offers.transition(s, user, offer_id, "republish") == "Cette offre est déjà publiée."
    assert offers.transition(s, user, offer_id, "close_applications") == ""
    assert offers.transition(s, user, offer_id, "close_applications") == (
        offers.MSG_NO_WINDOW_TO_CLOSE
    )
    assert offers.transition(s, user, offer_id, "unpublish") == ""
    assert get(s, offer_id).state == OfferState.UNPUBLISHED
    assert offers.transition(s, user, offer_id, "unpublish") == "Cette offre est déjà dépubliée."
    assert offers.available_actions(OfferState.UNPUBLISHED) == [
        "publish", "republish", "deactivate", "close_applications", "remove",
    ]  # fmt: skip
    assert offers.transition(s, user, offer_id, "republish") == ""
    assert get(s, offer_id).state == OfferState.PUBLISHED
    # Republishing needs a week to come with places.
    offers.transition(s, user, offer_id, "unpublish")
    for week in s.exec(select(OfferWeek)):
        week.places_taken = week.places
    s.commit()
    assert offers.transition(s, user, offer_id, "republish") == offers.MSG_NO_FUTURE_WEEK
    assert offers.transition(s, user, offer_id, "mark_full") == offers.MSG_UNKNOWN_ACTION
    assert offers.transition(s, user, offer_id, "fly") == offers.MSG_UNKNOWN_ACTION


def test_deactivate_refuses_pending_applications(s):
    user, _ = employer(s)
    offer_id = complete_offer(s, user)
    lea = pupil(s)
    tom = pupil(s, email="tom@exemple.fr")
    sam = make_user(s, role=Role.ELEVE, email=None, phone="07 98 76 54 32")
    a1 = apply(s, lea, offer_id, W1, AppState.SENT)
    a2 = apply(s, lea, offer_id, W2, AppState.UNDER_REVIEW)
    a3 = apply(s, tom, offer_id, W1, AppState.READ)
    a4 = apply(s, sam, offer_id, W2, AppState.SUBMITTED)
    kept = apply(s, tom, offer_id, W2, AppState.CONFIRMED)
    assert offers.pending_applications_count(s, offer_id) == 4
    assert offers.transition(s, user, offer_id, "deactivate", "Plus d'accueil possible") == ""
    s.expire_all()
    assert get(s, offer_id).state == OfferState.UNPUBLISHED
    for app in (a1, a2, a3, a4):
        row = s.get(Application, app.id)
        assert row.state == AppState.REFUSED and row.refused_at is not None
        assert row.refuse_message == "L'offre a été désactivée par l'employeur."
    assert s.get(Application, kept.id).state == AppState.CONFIRMED
    mails = outbox(s, "offer_withdrawn_pupil")
    assert sorted(m.recipient for m in mails) == ["eleve@exemple.fr", "tom@exemple.fr"]
    assert [m.recipient for m in outbox(s, "sms_offer_withdrawn_pupil")] == ["+33798765432"]
    app_audits = s.exec(select(AuditLog).where(AuditLog.entity == "application")).all()
    assert len(app_audits) == 4 and {a.to_state for a in app_audits} == {"refused"}
    assert "4 candidature(s)" in audits(s, offer_id, "deactivate")[0].message
    assert offers.pending_applications_count(s, offer_id) == 0
    # Deactivating again refuses nothing more and sends nothing.
    assert offers.transition(s, user, offer_id, "deactivate") == ""
    assert len(outbox(s, "offer_withdrawn_pupil")) == 2


def test_close_applications(s):
    user, _ = employer(s)
    offer_id = complete_offer(s, user, application_start="2026-10-10", application_end="2026-11-10")
    assert offers.offer_view(s, offer_id)["application_open"] is False  # not yet open
    assert offers.transition(s, user, offer_id, "close_applications") == ""
    offer = get(s, offer_id)
    assert offer.state == OfferState.PUBLISHED
    assert offer.application_end == TODAY - timedelta(days=1)
    assert offer.application_start == TODAY - timedelta(days=1)
    assert offers.offer_view(s, offer_id)["application_open"] is False
    assert offers.transition(s, user, offer_id, "close_applications") == (
        offers.MSG_NO_WINDOW_TO_CLOSE
    )


def test_remove(s):
    user, _ = employer(s)
    offer_id = complete_offer(s, user)
    lea = pupil(s)
    apply(s, lea, offer_id)
    assert offers.transition(s, user, offer_id, "remove") == ""
    offer = get(s, offer_id)
    assert offer.state == OfferState.REMOVED and offer.removed_at is not None
    assert offers.offer_view(s, offer_id, viewer=lea) is None
    assert offers.offer_view(s, offer_id, viewer=user)["state_label"] == "Supprimée"
    assert "supprimé" in outbox(s, "offer_withdrawn_pupil")[0].body
    assert offers.transition(s, user, offer_id, "remove") == "Cette offre est déjà supprimée."
    assert offers.save_step(s, user, offer_id, 2, step_data(s, 2)) == {"form": offers.MSG_REMOVED}
    rows, total = offers.employer_offers(s, user)
    assert total == 0
    rows, total = offers.employer_offers(s, user, state="removed")
    assert total == 1


# --- offer page -----------------------------------------------------------------------------


def test_offer_view(s):
    user, st = employer(s)
    st.logo_path = "logos/x.png"
    s.commit()
    offer_id = complete_offer(s, user)
    lea = pupil(s)
    view = offers.offer_view(s, offer_id, viewer=lea)
    assert view["title"].startswith("Boulangerie Martin")
    assert view["logo_url"] == f"/api/logos/{st.id}"
    assert view["levels"] == ["3e"] and view["handicaps"] == ["Handicap moteur"]
    assert [w["label"] for w in view["weeks"]] == [
        "Semaine du 16 au 20 novembre 2026",
        "Semaine du 23 au 27 novembre 2026",
    ]
    assert view["weeks"][0]["places_left"] == 2 and view["places_left"] == 4
    assert view["hours"] == "Du lundi au vendredi, de 9 h à 17 h"
    assert view["application_open"] is True and view["state_label"] == "Publiée"
    assert view["contact"] == {}  # not applied yet
    assert view["reserved"] == ""
    apply(s, lea, offer_id)
    contact = offers.offer_view(s, offer_id, viewer=lea)["contact"]
    assert contact == {
        "name": "Paul Martin",
        "email": "paul@boulangerie-martin.fr",
        "phone": "02 40 99 15 44",
    }
    assert offers.offer_view(s, offer_id)["contact"] == {}  # anonymous
    assert offers.offer_view(s, offer_id, viewer=user)["contact"]["name"] == "Paul Martin"
    # Without the employer's consent, nobody sees it on the page.
    offers.save_step(s, user, offer_id, 4, step_data(s, 4, show_contact=False))
    assert offers.offer_view(s, offer_id, viewer=lea)["contact"] == {}
    assert offers.offer_view(s, 999999) is None


def test_offer_view_texts(s):
    user, _ = employer(s)
    offer_id = offers.create_draft(s, user)
    for step in (1, 2):
        offers.save_step(s, user, offer_id, step, step_data(s, step))
    school = s.exec(select(School).order_by(School.id)).first()
    offers.save_step(
        s,
        user,
        offer_id,
        3,
        step_data(s, 3, reserved_rep=True, reserved_qpv=True, reserved_school_ids=[school.id]),
    )
    per_day = {"lundi": {"start": "9h", "end": "12h30"}, "mardi": {"start": "", "end": ""}}
    offers.save_step(s, user, offer_id, 4, step_data(s, 4, hours_mode="per_day", per_day=per_day))
    assert offers.offer_view(s, offer_id) is None  # draft: editors only
    view = offers.offer_view(s, offer_id, viewer=user, preview=True)
    assert view["hours"].startswith("Lundi : de 9 h à 12 h 30 ; Mardi : fermé")
    assert "Réservé aux élèves des collèges REP/REP+" in view["reserved"]
    assert "Réservé aux lycées en QPV" in view["reserved"]
    assert school.name in view["reserved"]
    assert offers.load_step(s, user, offer_id, 4)["per_day"] == {
        "lundi": {"start": "09:00", "end": "12:30"}
    }


def test_increment_views(s):
    user, _ = employer(s)
    offer_id = complete_offer(s, user)
    offers.increment_views(s, offer_id)
    offers.increment_views(s, offer_id)
    assert get(s, offer_id).view_count == 2
    assert offers.offer_stats(s, user, offer_id)["views"] == 2


# --- duplication ----------------------------------------------------------------------------


def test_duplicate_keeps_future_weeks(s):
    user, _ = employer(s)
    school = s.exec(select(School).order_by(School.id)).first()
    offer_id = complete_offer(s, user, reserved_school_ids=[school.id])
    clock.freeze(NOW + timedelta(days=45))  # 19 Nov 2026: the first week is over
    new_id, error = offers.duplicate(s, user, offer_id)
    assert error == ""
    copy = get(s, new_id)
    assert copy.state == OfferState.DRAFT and copy.mother_id == offer_id
    assert copy.title == get(s, offer_id).title + " (copie)"
    assert copy.draft_step == 5
    rows = s.exec(select(OfferWeek).where(OfferWeek.offer_id == new_id)).all()
    assert [r.week_start for r in rows] == [date(2026, 11, 23)]
    assert all(r.places_taken == 0 for r in rows)
    assert s.exec(select(OfferSchool.school_id).where(OfferSchool.offer_id == new_id)).all() == [
        school.id
    ]
    assert audits(s, new_id, "duplicate")
    # Once every week is over, the copy must go through step 3 again.
    clock.freeze(NOW + timedelta(days=60))
    new_id, error = offers.duplicate(s, user, offer_id)
    copy = get(s, new_id)
    assert copy.draft_step == 3 and offers.missing_steps(s, new_id) == [3, 4]


def test_renew_for_next_year(s):
    user, _ = employer(s)
    offer_id = complete_offer(s, user, level_2de=True, seconde_period="week2",
                              application_end="2026-11-10")  # fmt: skip
    assert offers.transition(s, user, offer_id, "unpublish") == ""
    new_id, error = offers.duplicate(s, user, offer_id, next_year=True)
    assert error == ""
    copy = get(s, new_id)
    mondays = [r.week_start for r in s.exec(select(OfferWeek).where(OfferWeek.offer_id == new_id))]
    # ISO weeks 47 and 48 of 2027, and the 2de week 2 of June 2028.
    assert sorted(mondays) == [date(2027, 11, 22), date(2027, 11, 29), date(2028, 6, 26)]
    assert copy.school_year == 2027 and copy.application_end == date(2027, 11, 10)
    assert copy.state == OfferState.DRAFT and copy.mother_id == offer_id
    assert audits(s, new_id, "renew")


# --- dashboard ------------------------------------------------------------------------------


def test_employer_dashboard(s):
    user, st = employer(s)
    colleague = make_user(s, email="paul@boulangerie-martin.fr", first_name="Paul")
    add_member(s, st, colleague)
    first = complete_offer(s, user)
    second = complete_offer(s, colleague, publish=False)
    other_user, _ = employer(s, email="autre@exemple.fr", siret="35600000000048")
    complete_offer(s, other_user)

    rows, total = offers.employer_offers(s, user)
    assert total == 2 and [r["id"] for r in rows] == [second, first]
    row = rows[1]
    assert row["state_label"] == "Publiée" and row["period"] == "Du 16 au 27 nov. 2026"
    assert row["places_total"] == 4 and row["places_left"] == 4 and row["city"] == "Nantes"
    assert row["published_at"] == "05/10/2026"
    rows, total = offers.employer_offers(s, colleague, state="draft")
    assert total == 1 and rows[0]["id"] == second and rows[0]["state_label"] == "Brouillon"
    rows, total = offers.employer_offers(s, user, offer_id=first)
    assert total == 1
    rows, total = offers.employer_offers(s, user, sort="oldest", per_page=1, page=2)
    assert total == 2 and [r["id"] for r in rows] == [second]

    school = s.exec(select(School).where(School.ep == "REP+")).first()
    lea = pupil(s)
    tom = pupil(s, email="tom@exemple.fr")
    apply(s, lea, first, W1, AppState.SENT, school_id=school.id)
    apply(s, tom, first, W1, AppState.UNDER_REVIEW)
    apply(s, lea, first, W2, AppState.CONFIRMED, accepted_at=NOW, confirmed_at=NOW)
    apply(s, tom, first, W2, AppState.REFUSED)
    apply(s, pupil(s, email="zoe@exemple.fr"), first, W1, AppState.AWAITING_SCHOOL)

    rows, total = offers.employer_offers(s, user, offer_id=first)
    assert rows[0]["applications"] == 4 and rows[0]["pending"] == 2
    stats = offers.offer_stats(s, user, first)
    assert stats == {
        "places_offered": 4,
        "places_left": 4,
        "received": 4,
        "accepted": 1,
        "confirmed": 1,
        "pending": 2,
        "refused": 1,
        "views": 0,
    }
    todo, total = offers.employer_applications(s, colleague, tab="todo")
    assert total == 2 and {r["state"] for r in todo} == {"sent", "under_review"}
    sent = next(r for r in todo if r["state"] == "sent")
    assert sent["rep"] == "REP+" and school.name in sent["school"]
    assert sent["pupil_name"] == "Léa Petit" and sent["offer_id"] == first
    assert sent["week_label"] == "Semaine du 16 au 20 novembre 2026"
    assert sent["state_label"] == "Transmise à l'employeur"
    done, total = offers.employer_applications(s, user, tab="done")
    assert total == 2 and {r["state"] for r in done} == {"confirmed", "refused"}
    done, total = offers.employer_applications(s, user, tab="done", state="refused")
    assert total == 1
    _, total = offers.employer_applications(s, user, tab="todo", offer_id=second)
    assert total == 0
    _, total = offers.employer_applications(s, other_user, tab="todo")
    assert total == 0
    with pytest.raises(PermissionDenied):
        offers.employer_offers(s, lea)
    with pytest.raises(PermissionDenied):
        offers.employer_applications(s, None)


# --- housekeeping job -----------------------------------------------------------------------


def test_housekeeping_job(s):
    user, _ = employer(s)
    past = complete_offer(s, user)  # weeks of November 2026
    full = complete_offer(s, user, weeks=["2027-01-11"], places="1")
    fine = complete_offer(s, user, weeks=["2027-01-11"], places="2")
    draft = complete_offer(s, user, publish=False)
    week = s.exec(
        select(OfferWeek).where(
            OfferWeek.offer_id == full, OfferWeek.week_start == date(2027, 1, 11)
        )
    ).one()
    week.places_taken = 1  # confirmed pupil (the application workflow keeps this)
    s.commit()
    clock.freeze(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    count = offers_housekeeping(s)
    s.commit()
    assert count > 0
    assert get(s, past).state == OfferState.PAST and get(s, past).places_left == 0
    assert get(s, full).state == OfferState.FULL and get(s, full).places_left == 0
    assert get(s, fine).state == OfferState.PUBLISHED and get(s, fine).places_left == 2
    assert get(s, draft).state == OfferState.DRAFT
    mails = outbox(s, "offer_left_search")
    assert len(mails) == 2 and {m.recipient for m in mails} == {user.email}
    assert any("toutes ses semaines de stage sont passées" in m.body for m in mails)
    assert all(m.action_url.endswith("/espace/employeur/offres") for m in mails)
    system = s.exec(
        select(AuditLog).where(AuditLog.actor_role == "system", AuditLog.entity == "offer")
    ).all()
    assert {(a.entity_id, a.action) for a in system} == {(past, "mark_past"), (full, "mark_full")}
    # Idempotent.
    assert offers_housekeeping(s) == 0
    s.commit()
    assert len(outbox(s, "offer_left_search")) == 2
    # A freed place puts the full offer back in the search, without a new mail.
    week = s.get(OfferWeek, week.id)
    week.places_taken = 0
    s.commit()
    assert offers_housekeeping(s) == 2  # places_left + mark_available
    s.commit()
    assert get(s, full).state == OfferState.PUBLISHED
    assert len(outbox(s, "offer_left_search")) == 2
    # Full again after a republication: the owner is told again (once).
    week = s.get(OfferWeek, week.id)
    week.places_taken = 1
    s.commit()
    offers.transition(s, user, full, "unpublish")
    week.places_taken = 0
    s.commit()
    assert offers.transition(s, user, full, "republish") == ""
    week = s.get(OfferWeek, week.id)
    week.places_taken = 1
    s.commit()
    offers_housekeeping(s)
    s.commit()
    assert get(s, full).state == OfferState.FULL
    assert len(outbox(s, "offer_left_search")) == 3
    offers_housekeeping(s)
    s.commit()
    assert len(outbox(s, "offer_left_search")) == 3


def test_job_is_registered():
    from mystage.jobs import job_names

    assert "offers_housekeeping" in job_names()


# --- « Institution de tutelle » (step 1) --------------------------------------------------------


def test_step1_public_employer_needs_its_ministry(s):
    from mystage.services import ministries

    user, st = employer(s)
    offer_id = offers.create_draft(s, user)
    assert get(s, offer_id).ministry == "" and get(s, offer_id).is_public is False
    errors = offers.save_step(s, user, offer_id, 1, step_data(s, 1, is_public=True))
    assert errors == {"ministry": ministries.MSG_REQUIRED}
    assert get(s, offer_id).draft_step == 1 and get(s, offer_id).is_public is False
    # What was typed is shown again.
    typed = step_data(s, 1, is_public=True, ministry="ministere-de-la-magie", city="Nantes")
    errors = offers.save_step(s, user, offer_id, 1, typed)
    assert errors == {"ministry": ministries.MSG_UNKNOWN}
    values = offers.load_step(s, user, offer_id, 1)
    assert values["unsaved_draft"] is True
    assert values["is_public"] is True and values["ministry"] == "ministere-de-la-magie"
    # A listed ministry is saved with the offer.
    assert (
        offers.save_step(s, user, offer_id, 1, step_data(s, 1, is_public=True, ministry="culture"))
        == {}
    )
    offer = get(s, offer_id)
    assert (offer.is_public, offer.ministry, offer.draft_step) == (True, "culture", 2)
    assert offers.load_step(s, user, offer_id, 1)["ministry"] == "culture"
    # Private again: the ministry is cleared, whatever is sent.
    assert offers.save_step(s, user, offer_id, 1, step_data(s, 1, ministry="culture")) == {}
    offer = get(s, offer_id)
    assert (offer.is_public, offer.ministry) == (False, "")


def test_offer_takes_the_ministry_of_its_structure_and_keeps_it_when_duplicated(s):
    user, st = employer(s)
    st.is_public, st.ministry = True, "justice"
    s.add(st)
    s.commit()
    offer_id = offers.create_draft(s, user)
    offer = get(s, offer_id)
    assert (offer.is_public, offer.ministry) == (True, "justice")
    values = offers.load_step(s, user, offer_id, 1)
    assert values["is_public"] is True and values["ministry"] == "justice"
    for step in (1, 2, 3, 4):
        data = values if step == 1 else step_data(s, step)
        data = {k: v for k, v in data.items() if k != "unsaved_draft"}
        assert offers.save_step(s, user, offer_id, step, data) == {}
    assert offers.transition(s, user, offer_id, "publish") == ""
    copy_id, error = offers.duplicate(s, user, offer_id)
    assert error == "" and get(s, copy_id).ministry == "justice"


def test_ministry_bound_referent_posts_for_its_ministry(s):
    central = make_user(
        s, role=Role.REFERENT_CENTRAL, email="central@justice.gouv.fr", ministry="justice"
    )
    offer = get(s, offers.create_draft(s, central))
    assert (offer.is_public, offer.ministry) == (True, "justice")
    unbound = make_user(s, role=Role.REFERENT_CENTRAL, email="central@education.gouv.fr")
    offer = get(s, offers.create_draft(s, unbound))
    assert (offer.is_public, offer.ministry) == (True, "")

"""The conventions' pages' handlers driven in-process with real session cookies (issue 14):
anonymous callers, another employer, another school's staff and a pupil get « not found »
or a redirect from every handler, whatever id or values a crafted event carries, and nothing
changes in the database; the convention's employer and the pupil's school see it, and a
timetable that breaks a rule comes back next to its day with the typed values kept."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from mystage import clock
from mystage.models import AuditLog, Convention, Role, School
from mystage.services import accounts
from mystage.services import applications as apps
from mystage.state.conventions.base import conv_id_from_path
from mystage.state.conventions.employer import EMPLOYER_KEYS, EmployerConventionState
from mystage.state.conventions.lists import EmployerConventionsState, SchoolConventionsState
from mystage.state.conventions.preset import ConventionPresetState
from mystage.state.conventions.school import SCHOOL_KEYS, SchoolConventionState
from mystage.state.schools import SchoolClassState
from tests.state.conftest import make_state
from tests.unit.test_applications import accepted, make_pupil, offer_of, staff
from tests.unit.test_offers import NOW

EMP = "/espace/employeur/conventions/{}"
SCH = "/espace/etablissement/conventions/{}"


def _cookie(s, user) -> str:
    if user is None:
        return ""
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


def _redirect(events) -> str:
    return " ".join(str(getattr(e, "args", None) or e) for e in events if e is not None)


def _fingerprint(s, conv_id):
    s.expire_all()
    c = s.get(Convention, conv_id)
    n = s.execute(
        sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.entity == "convention")
    ).scalar()
    return (c.state, c.employer_fields, c.school_fields, c.paper, c.version, n)


@pytest.fixture
def world(reference_db, dbs):
    clock.freeze(NOW)
    s = dbs
    school = (
        s.execute(
            sa.select(School).where(School.ep == "", School.qpv.is_(False)).order_by(School.uai)
        )
        .scalars()
        .first()
    )
    other_school = (
        s.execute(
            sa.select(School).where(School.id != school.id, School.ep == "").order_by(School.uai)
        )
        .scalars()
        .first()
    )
    scope = school.search_scope
    school.search_scope = "national"  # the offer is in Nantes, the school in the Ain
    s.add(school)
    s.commit()
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id = accepted(s, emp, lea, offer_id)
    assert apps.confirm(s, lea, app_id) == ""
    conv_id = s.execute(
        sa.select(Convention.id).where(Convention.application_id == app_id)
    ).scalar_one()
    people = {
        "owner": emp,
        "head": staff(s, school, "chef@college.fr", role=Role.CHEF_ETABLISSEMENT),
        "anonymous": None,
        "stranger": offer_of(s, email="autre@concurrent.fr", siret="35600000000048")[0],
        "other_head": staff(s, other_school, "chef@autre.fr", role=Role.CHEF_ETABLISSEMENT),
        "other_staff": staff(s, other_school, "prof@autre.fr"),
        "other_pupil": make_pupil(s, school, "tom@exemple.fr", first_name="Tom"),
    }
    saved = (school.convention_mode, school.convention_preset)
    yield s, conv_id, app_id, people
    clock.freeze(None)
    school = s.get(School, school.id)  # a reference school, kept between tests
    school.convention_mode, school.convention_preset = saved
    school.search_scope = scope
    s.add(school)
    s.commit()


def _employer_values(**over) -> dict[str, str]:
    values = {k: "" for k in EMPLOYER_KEYS}
    values.update(
        rep_name="Pirate", rep_function="Gérant", rep_email="pirate@exemple.fr",
        tutor_name="Pirate", tutor_function="Chef", tutor_email="p@exemple.fr",
        tutor_phone="0612345678", activities="Rien", lunch="", preparation="", learning="",
    )  # fmt: skip
    for day in ("lundi", "mardi", "mercredi", "jeudi", "vendredi"):
        values.update({f"{day}_start": "09:00", f"{day}_end": "16:00"})
        values.update({f"{day}_break_start": "12:00", f"{day}_break_end": "13:00"})
    values.update(over)
    return values


def _school_values() -> dict[str, str]:
    values = {k: "" for k in SCHOOL_KEYS}
    values.update(
        rep1_name="Pirate", rep1_email="pirate@exemple.fr", rep1_phone="0612345678",
        emergency_name="X", emergency_phone="0612345678", pupil_address="1 rue X",
        teacher_name="Y", teacher_email="y@exemple.fr", teacher_phone="0612345678",
    )  # fmt: skip
    return values


def test_conv_id_from_path():
    assert conv_id_from_path("/espace/employeur/conventions/12") == 12
    assert conv_id_from_path("/espace/etablissement/conventions/12?x=1") == 12
    for bad in (
        "/espace/employeur/conventions/",
        "/x/conventions/abc",
        None,
        5,
        "/espace/employeur/conventions/-3",
        "/espace/employeur/conventions/99999999999",
    ):
        assert conv_id_from_path(bad) == 0  # fmt: skip


OUTSIDERS = ["anonymous", "stranger", "other_head", "other_staff", "other_pupil"]


@pytest.mark.asyncio
@pytest.mark.parametrize("who", OUTSIDERS)
async def test_outsiders_get_nothing_and_change_nothing(world, who):
    s, conv_id, _app_id, people = world
    cookie = _cookie(s, people[who])
    before = _fingerprint(s, conv_id)

    for cls, path, values in (
        (EmployerConventionState, EMP, _employer_values()),
        (SchoolConventionState, SCH, _school_values()),
    ):
        st = make_state(cls, cookie=cookie, path=path.format(conv_id))
        events = [await st.load()]
        if who == "anonymous":
            assert "/connexion" in _redirect(events)
        else:
            assert st.denied and st.view == {} and st.values == {} and st.text == []
        st.conv_id = conv_id  # a crafted page state: the id of someone else's convention
        for submit in (False, True):
            if submit:
                st.mark_submit()
            await st.save(values)
            assert st.notice == ""
        assert st.sign_ids == []

    # The lists show none of it, and a crafted tick of its id is ignored.
    for cls in (EmployerConventionsState, SchoolConventionsState):
        lst = make_state(cls, cookie=cookie, path="/espace")
        await lst.load()
        assert lst.rows == []
        lst.toggle(str(conv_id), True)
        lst.toggle_all(True)
        assert lst.selected == []

    # « Convention signée (papier) » from the class table of another school (or none).
    table = make_state(SchoolClassState, cookie=cookie, path="/espace/etablissement/classe/0")
    table.class_id = 0
    await table.toggle_paper(str(conv_id), True)
    assert table.notice == ""

    assert _fingerprint(s, conv_id) == before


@pytest.mark.asyncio
async def test_crafted_event_arguments_are_bounded(world):
    s, conv_id, _app_id, people = world
    lst = make_state(EmployerConventionsState, cookie=_cookie(s, people["owner"]), path="/espace")
    await lst.load()
    for bad in (None, "", "abc", -1, 2**40, [conv_id], {"id": conv_id}, True):
        lst.toggle(bad, True)
        lst.toggle(conv_id, bad if bad is not True else "oui")
    assert lst.selected == []


@pytest.mark.asyncio
async def test_the_employer_sees_and_fills_its_part_errors_next_to_the_day(world):
    s, conv_id, _app_id, people = world
    cookie = _cookie(s, people["owner"])

    lst = make_state(EmployerConventionsState, cookie=cookie, path="/espace/employeur/conventions")
    await lst.load()
    assert [r["id"] for r in lst.rows] == [str(conv_id)]
    assert lst.rows[0]["state_label"] and lst.rows[0]["url"].endswith(f"/{conv_id}")

    st = make_state(EmployerConventionState, cookie=cookie, path=EMP.format(conv_id))
    await st.load()
    assert not st.denied and st.view["can_edit_employer"] == "1"
    assert st.values["tutor_name"] and st.values["lundi_start"]  # pre-filled from the offer
    before = _fingerprint(s, conv_id)

    # Monday of 8 h: refused next to Monday, what was typed is kept, nothing stored.
    typed = _employer_values(lundi_start="08:00", lundi_end="17:30", rep_name="Claire Martin")
    st.mark_submit()
    await st.save(typed)
    assert st.errors.get("lundi"), st.errors
    assert st.values["lundi_end"] == "17:30" and st.values["rep_name"] == "Claire Martin"
    assert st.notice == ""
    assert _fingerprint(s, conv_id) == before

    # Corrected and sent to the school.
    st.mark_submit()
    await st.save(_employer_values(rep_name="Claire Martin"))
    assert st.errors == {} and "envoyée" in st.notice
    s.expire_all()
    conv = s.get(Convention, conv_id)
    assert conv.state == "employer_done"
    assert json.loads(conv.employer_fields)["representative"]["name"] == "Claire Martin"

    # The school's head sees it in its list and on its page.
    head = _cookie(s, people["head"])
    slst = make_state(SchoolConventionsState, cookie=head, path="/espace/etablissement/conventions")
    await slst.load()
    assert [r["id"] for r in slst.rows] == [str(conv_id)]
    sst = make_state(SchoolConventionState, cookie=head, path=SCH.format(conv_id))
    await sst.load()
    assert not sst.denied and sst.view["can_edit_school"] == "1"


@pytest.mark.asyncio
@pytest.mark.parametrize("who", ["anonymous", "owner", "other_pupil"])
async def test_preset_is_the_schools_staff_only(world, who):
    s, _conv_id, _app_id, people = world
    school_id = people["head"].school_id
    s.expire_all()
    before = s.get(School, school_id).convention_preset
    st = make_state(ConventionPresetState, cookie=_cookie(s, people[who]), path="/x")
    events = [await st.load()]
    if who == "anonymous":
        assert "/connexion" in _redirect(events)
    else:
        assert st.denied and st.values == {}
    await st.save({"mode": "paper", "week_max_hours": "20", "clauses": "Piratée"})
    assert not st.saved
    s.expire_all()
    assert s.get(School, school_id).convention_preset == before


@pytest.mark.asyncio
async def test_the_head_edits_the_preset(world):
    s, _conv_id, _app_id, people = world
    st = make_state(ConventionPresetState, cookie=_cookie(s, people["head"]), path="/x")
    await st.load()
    assert not st.denied and st.values["mode"] in ("online", "paper")
    await st.save({**st.values, "week_max_hours": "99"})
    assert st.errors.get("week_max_hours") and st.values["week_max_hours"] == "99"
    await st.save({**st.values, "week_max_hours": "30", "mode": "paper"})
    assert st.errors == {} and st.saved and st.values["week_max_hours"] == "30"

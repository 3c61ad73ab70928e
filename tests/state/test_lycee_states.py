"""The lycée's pages driven in-process: the head's QPV declaration in the settings, the
admins' decision in /espace/admin, the 2de GT class levels, the « no 2de GT » sentence —
with crafted calls from every other role refused and nothing stored."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage.models import Role, School
from mystage.services import accounts, schools
from mystage.state.accounts import AdminState
from mystage.state.schools import SchoolClassesState, SchoolSettingsState
from tests.state.conftest import make_state
from tests.unit.test_lycees import MOISSAN, UTRILLO, lycee_db, seconde  # noqa: F401
from tests.unit.test_schools import UAI_A, account, head, klass, member, school

SETTINGS = "/espace/etablissement/parametres"


def cookie(s, user) -> str:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


def settings_page(s, user=None) -> SchoolSettingsState:
    return make_state(SchoolSettingsState, cookie=cookie(s, user) if user else "", path=SETTINGS)


def admin_page(s, user=None) -> AdminState:
    return make_state(AdminState, cookie=cookie(s, user) if user else "", path="/espace/admin")


def qpv_fields(s, uai: str) -> tuple:
    s.expire_all()
    sch = s.exec(select(School).where(School.uai == uai)).one()
    return sch.qpv, sch.qpv_declared_at is not None, sch.qpv_confirmed_at is not None


@pytest.mark.asyncio
async def test_head_declares_and_admin_confirms(s):
    lycee = school(s, UTRILLO)
    h = head(s, lycee)
    adm = account(s, Role.ADMIN, "admin@exemple.fr", None)
    st = settings_page(s, h)
    await st.load()
    assert st.school_kind == "lycee" and st.can_edit and st.no_seconde == ""
    assert st.qpv["status"] == "none" and st.qpv_declared is False
    await st.save_qpv({"qpv_declared": "on"})
    assert st.qpv_error == "" and st.qpv["status"] == "pending" and st.qpv_declared
    assert "va la vérifier" in st.qpv_message
    assert qpv_fields(s, UTRILLO) == (False, True, False)

    page = admin_page(s, adm)
    await page.load()
    assert [r["uai"] for r in page.qpv] == [UTRILLO]
    assert all(isinstance(v, str) for r in page.qpv for v in r.values())
    await page.decide_qpv(page.qpv[0]["id"], True)
    assert "confirmé" in page.message and page.qpv == []
    assert qpv_fields(s, UTRILLO) == (True, True, True)
    await page.decide_qpv(str(lycee.id), False)  # already decided
    assert page.message == schools.MSG_QPV_NOT_PENDING

    await st.load()
    assert st.qpv["status"] == "confirmed" and st.qpv["confirmed_at"]
    await st.save_qpv({})  # the box unchecked: declaration and confirmation withdrawn
    assert st.qpv["status"] == "none" and not st.qpv_declared
    assert qpv_fields(s, UTRILLO) == (False, False, False)


@pytest.mark.asyncio
async def test_admin_refuses(s):
    lycee = school(s, MOISSAN)
    h = head(s, lycee)
    adm = account(s, Role.ADMIN, "admin@exemple.fr", None)
    assert schools.declare_qpv(s, h, True) == ""
    page = admin_page(s, adm)
    await page.load()
    await page.decide_qpv(page.qpv[0]["id"], False)
    assert "refusée" in page.message and page.qpv == []
    assert qpv_fields(s, MOISSAN) == (False, False, False)


@pytest.mark.asyncio
async def test_crafted_qpv_calls_of_other_roles_are_refused(s):
    lycee = school(s, UTRILLO)
    h = head(s, lycee)
    teacher = member(s, lycee, "prof.lycee@ac-creteil.fr")
    pupil = seconde(s, lycee, None)
    other_head = head(s, school(s, MOISSAN))
    adm = account(s, Role.ADMIN, "admin@exemple.fr", None)
    # Only the head declares: a teacher, a pupil, an admin, an anonymous visitor cannot.
    for who in (teacher, pupil, adm, None):
        st = settings_page(s, who)
        result = await st.save_qpv({"qpv_declared": "on"})
        assert st.qpv_error or result is not None, who
    assert qpv_fields(s, UTRILLO) == (False, False, False)
    # A teacher sees the settings read-only.
    st = settings_page(s, teacher)
    await st.load()
    assert st.school_kind == "lycee" and st.can_edit is False
    # Only admins decide: the head, the other lycée's head, a pupil, an anonymous visitor.
    assert schools.declare_qpv(s, h, True) == ""
    for who in (h, other_head, teacher, pupil, None):
        page = admin_page(s, who)
        await page.load()
        assert page.allowed is False and page.qpv == []
        await page.decide_qpv(str(lycee.id), True)
        assert page.message == "Action réservée aux administrateurs."
    assert qpv_fields(s, UTRILLO) == (False, True, False)
    page = admin_page(s, adm)
    for bad in (None, "", "abc", -1, 0, 3.5, {"id": 1}, [1], 2**70):
        await page.decide_qpv(bad, True)
        assert page.message == "Demande invalide."
        await page.decide_qpv(str(lycee.id), bad)
        assert page.message == "Demande invalide."
    assert qpv_fields(s, UTRILLO) == (False, True, False)


@pytest.mark.asyncio
async def test_college_settings_show_the_files_flag_read_only(s):
    college = school(s, UAI_A)
    h = head(s, college)
    st = settings_page(s, h)
    await st.load()
    assert st.school_kind == "college"
    assert st.qpv["status"] == ("file_yes" if college.qpv else "file_no")
    await st.save_qpv({"qpv_declared": "on"})
    assert st.qpv_error == schools.MSG_QPV_COLLEGE


@pytest.mark.asyncio
async def test_no_seconde_sentence_and_class_levels(s):
    lycee = school(s, UTRILLO)
    h = head(s, lycee)
    lycee.seconde_gt = "no"
    s.add(lycee)
    s.commit()
    st = settings_page(s, h)
    await st.load()
    assert st.no_seconde == schools.MSG_NO_SECONDE
    classes = make_state(
        SchoolClassesState, cookie=cookie(s, h), path="/espace/etablissement/classes"
    )
    await classes.load()
    assert [c["value"] for c in classes.level_choices] == ["2de_gt"]
    await classes.create({"name": "2de 3", "level": ""})
    assert classes.create_errors == {}
    assert [(r["name"], r["level"]) for r in classes.rows] == [("2de 3", "2de_gt")]
    hc = head(s, school(s, UAI_A))
    klass(s, school(s, UAI_A), "3e A")
    college = make_state(
        SchoolClassesState, cookie=cookie(s, hc), path="/espace/etablissement/classes"
    )
    await college.load()
    assert [c["value"] for c in college.level_choices] == [
        "4e",
        "3e",
        "3e_segpa",
        "3e_prepa_metiers",
    ]
    assert college.no_seconde == ""

"""The school space's dashboard, class table, authorization form and pupil page, driven
in-process with real session cookies (mystage/state/schools/).

The cross-school proof through every handler: the head, a restricted teacher, a
whole-school CPE, a pending and a removed member of school A aim school B's class ids,
pupil ids and application ids at every handler (through the URL and as crafted
arguments) and get a denial while nothing of school B changes; a teacher restricted to
3e A cannot open 3e B; anonymous callers are sent to the login page; pupils, employers and
admins see a denial; crafted argument types never crash."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage.models import Application, AppState, Role, User
from mystage.services import accounts
from mystage.state.accounts import AccountState
from mystage.state.schools import (
    AuthorizationSheetState,
    SchoolClassState,
    SchoolDashboardState,
    SchoolPupilState,
)
from mystage.state.schools.space import NOT_STAFF
from mystage.state.schools.values import id_after
from tests.state.conftest import make_state
from tests.unit import test_school_isolation
from tests.unit.test_school_isolation import snapshot_b
from tests.unit.test_schools import (  # noqa: F401  (school_db: the « s » fixture)
    account,
    pupil,
    school_db,
)

A = AppState
SPACE = "/espace/etablissement"
# Schools A and B, their heads, staff, classes, pupils and applications.
world = test_school_isolation.world


@pytest.fixture(autouse=True)
def _reload_school_rows(s):
    """The pages run the services in their own sessions (opening the space registers the
    school): expire ``s`` so its teardown sees those changes and puts the reference row
    back (a rollback without a transaction expires nothing)."""
    yield
    s.expire_all()


CRAFTED = [None, "", "abc", -1, 0, True, 3.5, {"id": 1}, [1], "1 OR 1=1", 2**70, "٣"]


def cookie(s, user: User) -> str:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


def redirect_url(event) -> str:
    if event is None:
        return ""
    return str(getattr(event, "args", None) or event)


def dashboard(s, user):
    return make_state(SchoolDashboardState, cookie=cookie(s, user) if user else "", path=SPACE)


def class_page(s, user, class_id, query: str = ""):
    return make_state(
        SchoolClassState,
        cookie=cookie(s, user) if user else "",
        path=f"{SPACE}/classe/{class_id}",
        query=query,
    )


def sheet_page(s, user, class_id):
    return make_state(
        AuthorizationSheetState,
        cookie=cookie(s, user) if user else "",
        path=f"{SPACE}/classe/{class_id}/autorisation",
    )


def pupil_page(s, user, pupil_id):
    return make_state(
        SchoolPupilState, cookie=cookie(s, user) if user else "", path=f"{SPACE}/eleve/{pupil_id}"
    )


def authorized_at(s, user: User):
    s.expire_all()
    return s.get(User, user.id).parental_authorization_at


def app_state(s, app: Application) -> str:
    s.expire_all()
    return s.get(Application, app.id).state


def test_id_after():
    assert id_after("/espace/etablissement/classe/12", "classe") == 12
    assert id_after("/espace/etablissement/classe/0/", "classe") == 0
    assert id_after("/espace/etablissement/classe/12/autorisation", "classe") == 12
    assert id_after("/espace/etablissement/eleve/7?x=1", "eleve") == 7
    for bad in (
        "/espace/etablissement/classe", "/espace/etablissement/classe/abc",
        "/espace/etablissement/classe/-3", "/espace/etablissement/classe/١٢",
        "/espace/etablissement/classe/" + "9" * 40, "/espace/etablissement/classe/99999999999",
        None, 12, "/",
    ):  # fmt: skip
        assert id_after(bad, "classe") is None


# --- own school: everything works ----------------------------------------------------------------


@pytest.mark.asyncio
async def test_head_dashboard_shows_the_school_table_and_tabs(s, world):
    st = dashboard(s, world["ha"])
    await st.load()
    assert st.denied == "" and st.member_message == ""
    assert st.school["name"] == world["a"].name and st.school["ep"] == world["a"].ep
    assert st.is_head and not st.restricted
    ids = [r["id"] for r in st.classes]
    assert ids == [str(world["a1"].id), str(world["a2"].id)]
    assert st.total["pupils"] == "2" and st.total["authorized"] == "2"
    # Two applications await the school: the dashboard opens on « à valider ».
    assert st.tab == "valider" and st.awaiting == 2 and st.show_validation_tab
    assert {r["id"] for r in st.rows} == {str(world["app_a1"].id), str(world["app_a2"].id)}
    assert not st.weeks_set and st.missing_auth == []
    for tab in ("attente", "traitees", "referents"):
        await st.set_tab(tab)
        assert st.tab == tab
    assert [x["email"] for x in st.referents] == ["ce.0771029a@ac-creteil.fr"]
    assert str(world["app_b"].id) not in {r["id"] for r in st.rows}


@pytest.mark.asyncio
async def test_tab_from_the_query_string_and_pagination(s, world):
    st = make_state(
        SchoolDashboardState, cookie=cookie(s, world["ha"]), path=SPACE, query="onglet=traitees"
    )
    await st.load()
    assert st.tab == "traitees"
    st = make_state(
        SchoolDashboardState, cookie=cookie(s, world["ha"]), path=SPACE, query="onglet=%27;--"
    )
    await st.load()
    assert st.tab == "valider" and st.pages == 1
    for page in CRAFTED:
        await st.go_page(page)
        assert st.page == 1
    for tab in CRAFTED:
        await st.set_tab(tab)
        assert st.tab == "valider"


@pytest.mark.asyncio
async def test_class_table_filters_sorts_and_authorizations(s, world):
    ha, a1 = world["ha"], world["a1"]
    lina = pupil(s, world["a"], a1, last_name="Zola", first_name="Lina")
    noah = pupil(s, world["a"], a1, last_name="Abel", first_name="Noah")
    st = class_page(s, ha, a1.id)
    await st.load()
    assert st.denied == "" and st.cls["name"] == "3e A"
    assert [r["id"] for r in st.rows] == [str(noah.id), str(world["pa1"].id), str(lina.id)]
    assert st.is_real_class and st.missing_in_view == 2
    assert st.export_url == f"/api/etablissement/export/classe/{a1.id}?filtre=&tri=name"
    await st.set_filter("sans_autorisation")
    assert [r["id"] for r in st.rows] == [str(noah.id), str(lina.id)]
    assert "filtre=sans_autorisation" in st.export_url
    await st.set_filter("tous")
    await st.set_sort("name")
    assert st.descending and st.rows[0]["id"] == str(lina.id)
    await st.set_sort("state")
    assert st.sort == "state" and st.rows[0]["id"] == str(world["pa1"].id)
    # One pupil's authorization, at a chosen date, then undone.
    st.set_auth_date("2026-09-21")
    await st.toggle_auth(str(lina.id), True)
    assert st.auth_error == "" and st.auth_notice.startswith("Autorisation enregistrée pour Lina")
    when = authorized_at(s, lina)
    assert when is not None and when.date().isoformat() == "2026-09-21"
    await st.toggle_auth(lina.id, False)
    assert authorized_at(s, lina) is None and st.error == ""
    # A bad date: the error next to the date field, nothing stored.
    st.set_auth_date("2027-01-01")
    await st.toggle_auth(lina.id, True)
    assert "futur" in st.auth_error and authorized_at(s, lina) is None
    st.set_auth_date("31/02/2026")
    await st.toggle_auth(lina.id, True)
    assert st.auth_error and authorized_at(s, lina) is None
    # « Tout cocher pour la classe »: confirm, then every pupil without one gets it.
    st.set_auth_date("")
    st.ask_all()
    assert st.confirm_all
    await st.record_all()
    assert not st.confirm_all and st.notice.startswith("2 autorisation(s)")
    assert authorized_at(s, lina) is not None and authorized_at(s, noah) is not None
    await st.record_all()
    assert st.notice.startswith("Toute la classe")


@pytest.mark.asyncio
async def test_class_filter_and_sort_from_the_query_string(s, world):
    st = class_page(s, world["ha"], world["a1"].id, "filtre=confirme&tri=state&ordre=desc")
    await st.load()
    assert st.denied == "" and st.rows == []
    assert (st.filter_key, st.sort, st.descending) == ("confirme", "state", True)
    assert st.export_url.endswith("?filtre=confirme&tri=state&ordre=desc")
    st = class_page(s, world["ha"], world["a1"].id, "filtre=<script>&tri=password")
    await st.load()
    assert (st.filter_key, st.sort, st.descending) == ("tous", "name", False)
    assert [r["id"] for r in st.rows] == [str(world["pa1"].id)]


@pytest.mark.asyncio
async def test_pupils_without_a_class_for_whole_school_staff(s, world):
    alone = pupil(s, world["a"], None, last_name="Seul")
    for who in ("ha", "cpe"):
        st = class_page(s, world[who], 0)
        await st.load()
        assert st.denied == "" and [r["id"] for r in st.rows] == [str(alone.id)]
        assert not st.is_real_class
        st.ask_all()
        assert not st.confirm_all
        await st.record_all()
        assert authorized_at(s, alone) is None
    sheet = sheet_page(s, world["ha"], 0)
    await sheet.load()
    assert sheet.denied and sheet.sheets == []
    st = class_page(s, world["ta"], 0)
    await st.load()
    assert st.denied and st.rows == []


@pytest.mark.asyncio
async def test_authorization_sheet(s, world):
    st = sheet_page(s, world["ha"], world["a1"].id)
    await st.load()
    assert st.denied == "" and st.class_name == "3e A"
    (sheet,) = st.sheets
    assert sheet["id"] == str(world["pa1"].id) and sheet["authorized"] == "1"
    assert world["pa1"].first_name in sheet["text"] and "{pupil}" not in sheet["text"]
    assert st.paragraphs and st.sheet_title.startswith("Autorisation parentale")
    st.set_only_missing(True)
    assert st.shown == []
    st.set_only_missing("yes")
    assert not st.only_missing and len(st.shown) == 1


@pytest.mark.asyncio
async def test_pupil_page_validates_with_a_message(s, world):
    st = pupil_page(s, world["ha"], world["pa1"].id)
    await st.load()
    assert st.denied == "" and st.pupil["class_name"] == "3e A"
    assert st.class_url == f"{SPACE}/classe/{world['a1'].id}"
    app_id = str(world["app_a1"].id)
    assert [a["id"] for a in st.apps] == [app_id]
    assert [(x["app_id"], x["action"]) for x in st.actions] == [
        (app_id, "school_validate"),
        (app_id, "school_refuse"),
    ]
    st.open_dialog(app_id, "school_validate")
    assert st.dialog_action == "school_validate" and st.dialog_app == world["app_a1"].id
    await st.decide({"message": "x" * 5000})
    assert st.message_error and st.dialog_action == "school_validate"
    assert app_state(s, world["app_a1"]) == A.AWAITING_SCHOOL
    await st.decide({"message": "Bonne chance !"})
    assert st.notice.startswith("Candidature validée") and st.error == ""
    assert app_state(s, world["app_a1"]) == A.SENT and st.actions == []
    assert st.apps[0]["school_message"] == "Bonne chance !"


@pytest.mark.asyncio
async def test_staff_go_from_my_space_to_the_dashboard(s, world):
    for who in ("ha", "ta", "pending"):
        st = make_state(AccountState, cookie=cookie(s, world[who]), path="/espace")
        assert "/espace/etablissement" in redirect_url(await st.load())
    st = make_state(AccountState, cookie=cookie(s, world["ha"]), path="/espace/profil")
    assert redirect_url(await st.load()) == "" and st.profile["email"]


# --- school B's ids through every handler --------------------------------------------------------

CALLERS = ["ha", "ta", "cpe", "pending", "removed"]


async def _aim_at_school_b(s, w, user) -> None:
    """Every handler of the four pages, with school B's ids (URL and crafted arguments)."""
    b1, pb1, pb2, app_b = w["b1"], w["pb1"], w["pb2"], w["app_b"]
    # Dashboard: nothing of school B listed, whatever the tab.
    st = dashboard(s, user)
    await st.load()
    for tab in ("valider", "attente", "traitees", "referents"):
        await st.set_tab(tab)
        assert str(app_b.id) not in {r["id"] for r in st.rows}
        assert "ce.0440284v@ac-nantes.fr" not in {x["email"] for x in st.referents}
    assert str(b1.id) not in {r["id"] for r in st.classes}
    # Class page of a B class (URL), every filter and sort, authorizations.
    for cid in (b1.id, w["b2"].id):
        st = class_page(s, user, cid)
        await st.load()
        assert st.denied and st.rows == [] and st.cls == {}
        for key in ("sans_candidature", "en_attente", "confirme", "sans_autorisation", "tous"):
            await st.set_filter(key)
            assert st.denied and st.rows == []
        for key in ("state", "last_activity", "applications", "authorization", "name"):
            await st.set_sort(key)
            assert st.rows == []
        st.class_id = cid  # a crafted client cannot do this, but even so:
        st.cls = {"id": str(cid), "name": "x"}
        st.ask_all()
        await st.record_all()
        assert st.notice == ""
        await st.toggle_auth(pb2.id, True)
        await st.toggle_auth(str(pb2.id), True)
        await st.toggle_auth(pb1.id, False)
        assert st.notice == ""
    # A class of school A page, with school B's pupils in the checkboxes.
    st = class_page(s, user, w["a1"].id)
    await st.load()
    await st.toggle_auth(pb2.id, True)
    await st.toggle_auth(pb1.id, False)
    assert "enregistrée" not in st.notice and "retirée" not in st.notice
    # Authorization form of a B class.
    sh = sheet_page(s, user, b1.id)
    await sh.load()
    assert sh.denied and sh.sheets == [] and sh.school_name == ""
    # Pupil page of a B pupil; B's application through a crafted dialog.
    for pid in (pb1.id, pb2.id):
        pp = pupil_page(s, user, pid)
        await pp.load()
        assert pp.denied and pp.apps == [] and pp.pupil == {}
        pp.open_dialog(app_b.id, "school_validate")
        assert pp.dialog_action == ""
        pp.dialog_app, pp.dialog_action = app_b.id, "school_validate"
        await pp.decide({"message": "Intrus"})
        assert pp.notice == ""
    # Even from an A pupil's page (where dialogs open), B's application stays out of reach.
    pp = pupil_page(s, user, w["pa1"].id)
    await pp.load()
    pp.open_dialog(str(app_b.id), "school_refuse")
    assert pp.dialog_action == ""
    pp.dialog_app, pp.dialog_action = app_b.id, "school_refuse"
    await pp.decide({"message": "Intrus"})
    assert pp.notice == ""


@pytest.mark.asyncio
@pytest.mark.parametrize("who", CALLERS)
async def test_school_a_staff_cannot_reach_school_b(s, world, who):
    before = snapshot_b(s, world)
    await _aim_at_school_b(s, world, world[who])
    assert snapshot_b(s, world) == before
    assert app_state(s, world["app_b"]) == A.AWAITING_SCHOOL


@pytest.mark.asyncio
async def test_school_b_head_succeeds_where_school_a_is_refused(s, world):
    """The refusals above are not a broken page: B's own head opens B's class."""
    st = class_page(s, world["hb"], world["b1"].id)
    await st.load()
    assert st.denied == "" and {r["id"] for r in st.rows} == {
        str(world["pb1"].id),
        str(world["pb2"].id),
    }
    await st.toggle_auth(world["pb2"].id, True)
    assert authorized_at(s, world["pb2"]) is not None


# --- restricted teacher, pending member, anonymous, other roles ----------------------------------


@pytest.mark.asyncio
async def test_teacher_restricted_to_3e_a_cannot_open_3e_b(s, world):
    ta, a1, a2 = world["ta"], world["a1"], world["a2"]
    st = dashboard(s, ta)
    await st.load()
    assert st.restricted and not st.is_head
    assert [r["id"] for r in st.classes] == [str(a1.id)]
    assert {r["id"] for r in st.rows} == {str(world["app_a1"].id)}
    st = class_page(s, ta, a1.id)
    await st.load()
    assert st.denied == "" and [r["id"] for r in st.rows] == [str(world["pa1"].id)]
    before = authorized_at(s, world["pa2"])
    await st.toggle_auth(world["pa2"].id, False)  # a 3e B pupil from the 3e A page
    assert authorized_at(s, world["pa2"]) == before and st.error
    st = class_page(s, ta, a2.id)
    await st.load()
    assert st.denied and st.rows == []
    st.class_id, st.cls = a2.id, {"id": str(a2.id)}
    await st.record_all()
    sh = sheet_page(s, ta, a2.id)
    await sh.load()
    assert sh.denied and sh.sheets == []
    pp = pupil_page(s, ta, world["pa2"].id)
    await pp.load()
    assert pp.denied and pp.apps == []
    pp.dialog_app, pp.dialog_action = world["app_a2"].id, "school_validate"
    await pp.decide({"message": ""})
    assert app_state(s, world["app_a2"]) == A.AWAITING_SCHOOL
    assert authorized_at(s, world["pa2"]) == before


@pytest.mark.asyncio
@pytest.mark.parametrize("who", ["pending", "removed"])
async def test_pending_or_removed_member_sees_their_status_only(s, world, who):
    st = dashboard(s, world[who])
    await st.load()
    assert st.denied == "" and st.member_message
    assert st.classes == [] and st.rows == [] and st.tabs == []
    await st.set_tab("referents")
    assert st.rows == []
    before = authorized_at(s, world["pa1"])
    st = class_page(s, world[who], world["a1"].id)
    await st.load()
    assert st.denied and st.rows == []
    await st.toggle_auth(world["pa1"].id, False)
    await st.record_all()
    pp = pupil_page(s, world[who], world["pa1"].id)
    await pp.load()
    assert pp.denied
    pp.dialog_app, pp.dialog_action = world["app_a1"].id, "school_validate"
    await pp.decide({})
    assert authorized_at(s, world["pa1"]) == before
    assert app_state(s, world["app_a1"]) == A.AWAITING_SCHOOL


@pytest.mark.asyncio
async def test_anonymous_is_sent_to_login_and_changes_nothing(s, world):
    st = dashboard(s, None)
    assert "/connexion?suivant=/espace/etablissement" in redirect_url(await st.load())
    assert st.rows == [] and st.classes == []
    assert "/connexion" in redirect_url(await st.set_tab("referents"))
    cp = class_page(s, None, world["a1"].id)
    assert "/connexion" in redirect_url(await cp.load())
    assert cp.rows == []
    assert "/connexion" in redirect_url(await cp.toggle_auth(world["pa1"].id, False))
    cp.class_id = world["a1"].id
    assert "/connexion" in redirect_url(await cp.record_all())
    sh = sheet_page(s, None, world["a1"].id)
    assert "/connexion" in redirect_url(await sh.load())
    assert sh.sheets == []
    pp = pupil_page(s, None, world["pa1"].id)
    assert "/connexion" in redirect_url(await pp.load())
    pp.dialog_app, pp.dialog_action = world["app_a1"].id, "school_validate"
    assert "/connexion" in redirect_url(await pp.decide({}))
    assert authorized_at(s, world["pa1"]) is not None
    assert app_state(s, world["app_a1"]) == A.AWAITING_SCHOOL


@pytest.mark.asyncio
async def test_pupils_and_employers_are_refused(s, world):
    lea = world["pa1"]
    emp = s.exec(select(User).where(User.role == Role.EMPLOYEUR)).first()
    for user in (lea, emp):
        st = dashboard(s, user)
        await st.load()
        assert st.denied == NOT_STAFF and st.rows == [] and st.classes == []
        cp = class_page(s, user, world["a1"].id)
        await cp.load()
        assert cp.denied and cp.rows == []
        await cp.toggle_auth(world["pa2"].id, False)
        cp.class_id, cp.cls = world["a1"].id, {"id": "1"}
        await cp.record_all()
        sh = sheet_page(s, user, world["a1"].id)
        await sh.load()
        assert sh.denied
        pp = pupil_page(s, user, world["pa1"].id)
        await pp.load()
        assert pp.denied and pp.apps == []
        pp.dialog_app, pp.dialog_action = world["app_a1"].id, "school_validate"
        await pp.decide({})
    assert authorized_at(s, world["pa2"]) is not None
    assert app_state(s, world["app_a1"]) == A.AWAITING_SCHOOL


@pytest.mark.asyncio
async def test_admins_have_no_dashboard_but_open_any_class(s, world):
    """Admins belong to no school (no dashboard); the services let them read any class."""
    admin = account(s, Role.ADMIN, "admin@exemple.fr", None)
    st = dashboard(s, admin)
    await st.load()
    assert st.denied == NOT_STAFF and st.rows == []
    cp = class_page(s, admin, world["b1"].id)
    await cp.load()
    assert cp.denied == "" and len(cp.rows) == 2


# --- crafted arguments ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_crafted_arguments_never_crash(s, world):
    ha = world["ha"]
    st = dashboard(s, ha)
    await st.load()
    cp = class_page(s, ha, world["a1"].id)
    await cp.load()
    pp = pupil_page(s, ha, world["pa1"].id)
    await pp.load()
    sh = sheet_page(s, ha, world["a1"].id)
    await sh.load()
    before = authorized_at(s, world["pa1"])
    for bad in CRAFTED:
        await st.set_tab(bad)
        await st.go_page(bad)
        await cp.set_filter(bad)
        await cp.set_sort(bad)
        cp.set_auth_date(bad)
        await cp.toggle_auth(bad, True)
        await cp.toggle_auth(bad, False)
        if not isinstance(bad, bool):  # (True / False are the checkbox's real values)
            await cp.toggle_auth(world["pa1"].id, bad)
        cp.set_confirm_open(bad)
        pp.open_dialog(bad, bad)
        pp.open_dialog(world["app_a1"].id, bad)
        pp.set_dialog_open(bad)
        await pp.decide(bad)
        sh.set_only_missing(bad)
    assert st.tab == "valider" and cp.filter_key == "tous" and cp.sort == "name"
    assert pp.dialog_action == ""
    assert authorized_at(s, world["pa1"]) == before
    assert app_state(s, world["app_a1"]) == A.AWAITING_SCHOOL
    # Crafted URLs: not an id → the same denial as another school's class.
    for path in ("classe/abc", "classe/-1", "classe/" + "9" * 30, "classe/"):
        bad_page = make_state(SchoolClassState, cookie=cookie(s, ha), path=f"{SPACE}/{path}")
        await bad_page.load()
        assert bad_page.denied and bad_page.rows == []
    bad_pupil = make_state(SchoolPupilState, cookie=cookie(s, ha), path=f"{SPACE}/eleve/x")
    await bad_pupil.load()
    assert bad_pupil.denied
    # A forged cookie is anonymous.
    forged = make_state(SchoolDashboardState, cookie="mystage_session=forged", path=SPACE)
    assert "/connexion" in redirect_url(await forged.load())


@pytest.mark.asyncio
async def test_an_employer_pupil_id_or_a_staff_id_is_not_a_pupil(s, world):
    """Ids of users who are not pupils of the school (head, teacher, B's head)."""
    for target in ("ha", "ta", "hb", "pending"):
        pp = pupil_page(s, world["ha"], world[target].id)
        await pp.load()
        assert pp.denied and pp.pupil == {}
        cp = class_page(s, world["ha"], world["a1"].id)
        await cp.load()
        await cp.toggle_auth(world[target].id, True)
        assert authorized_at(s, world[target]) is None

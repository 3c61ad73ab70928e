"""The application pages' handlers driven in-process with real session cookies: only the
deciding employer and the pupil's school may see or act, only the actions the transition
table allows from the current state, whatever a crafted client sends."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import Application, AppState, AuditLog, Role, School, User
from mystage.services import accounts
from mystage.state.applications import (
    ApplicationsRedirectState,
    EmployerApplicationState,
    SchoolApplicationState,
    app_id_from_path,
)
from mystage.state.schools import SchoolDashboardState
from tests.state.conftest import make_state
from tests.unit.test_applications import make_pupil, offer_of, post
from tests.unit.test_offers import NOW, make_user

A = AppState
EMP_PATH = "/espace/employeur/candidatures/{}"
SCHOOL_PATH = "/espace/etablissement/candidatures/{}"
CRAFTED_ACTIONS = [
    "confirm", "school_validate", "school_refuse", "withdraw", "expire", "read", "send",
    "cancel_by_pupil", "inconnue", "", 7, None, True, {"action": "accept"}, ["accept"],
]  # fmt: skip


def _cookie(s, user) -> str:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


def _redirect_url(event) -> str:
    """The URL of an ``rx.redirect`` returned by a handler ("" when none)."""
    if event is None:
        return ""
    return str(getattr(event, "args", None) or event)


def _fingerprint(s, app_id):
    s.expire_all()
    a = s.get(Application, app_id)
    n = len(s.exec(select(AuditLog).where(AuditLog.entity == "application")).all())
    return (a.state, a.accept_message, a.refuse_message, a.school_message, a.decided_by_id, n)


def _state(s, app_id) -> str:
    s.expire_all()
    return s.get(Application, app_id).state


@pytest.fixture
def world(reference_db, dbs):
    clock.freeze(NOW)
    s = dbs
    school = s.exec(
        select(School).where(School.ep == "", School.qpv.is_(False)).order_by(School.uai)
    ).first()
    other = s.exec(
        select(School).where(School.id != school.id, School.ep == "").order_by(School.uai)
    ).first()
    saved = (school.validation_required, school.referent_email, school.search_scope)
    school.validation_required, school.referent_email = False, "referent@college.fr"
    school.search_scope = "national"  # the offers are in Nantes, the school in the Ain
    s.add(school)
    s.commit()
    emp, offer_id = offer_of(s)
    stranger, _ = offer_of(s, email="autre@concurrent.fr", siret="35600000000048")
    lea = make_pupil(s, school, "lea@exemple.fr", phone="+33612345678")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    principal = User(
        email="ce.principal@ac-test.fr", role=Role.CHEF_ETABLISSEMENT, status="active",
        first_name="Anne", school_id=school.id,
    )  # fmt: skip
    outsider = User(
        email="ce.ailleurs@ac-test.fr", role=Role.CHEF_ETABLISSEMENT, status="active",
        first_name="Paul", school_id=other.id,
    )  # fmt: skip
    s.add_all([principal, outsider])
    s.commit()
    boss = make_user(s, role=Role.ADMIN, email="admin@mystage.fr")
    app_id, errors = post(s, lea, offer_id)
    assert errors == {}
    w = {
        "s": s, "school": school, "emp": emp, "stranger": stranger, "lea": lea, "tom": tom,
        "principal": principal, "outsider": outsider, "admin": boss, "app_id": app_id,
        "offer_id": offer_id,
    }  # fmt: skip
    yield w
    school = s.get(School, school.id)
    school.validation_required, school.referent_email, school.search_scope = saved
    s.add(school)
    s.commit()
    clock.freeze(None)


def _waiting_app(w) -> int:
    s, school = w["s"], w["school"]
    school = s.get(School, school.id)
    school.validation_required = True
    s.add(school)
    s.commit()
    app_id, errors = post(s, w["tom"], w["offer_id"])
    assert errors == {} and _state(s, app_id) == A.AWAITING_SCHOOL
    return app_id


def test_app_id_from_path():
    assert app_id_from_path("/espace/employeur/candidatures/12") == 12
    assert app_id_from_path("/espace/employeur/candidatures/12/impression") == 12
    assert app_id_from_path("/espace/etablissement/candidatures/7/") == 7
    for bad in ("/espace/employeur/candidatures", "/espace/employeur/candidatures/abc",
                "/espace/employeur/candidatures/-3", "/espace/employeur/candidatures/١٢",
                "/espace/employeur/candidatures/" + "9" * 40, None, 12, "/"):  # fmt: skip
        assert app_id_from_path(bad) == 0


# --- employer page --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_anonymous_is_sent_to_login_and_gets_nothing(world):
    s, app_id = world["s"], world["app_id"]
    path = EMP_PATH.format(app_id)
    st = make_state(EmployerApplicationState, cookie="", path=path)
    event = await st.load()
    assert "/connexion?suivant=" + path in _redirect_url(event)
    assert st.view == {} and st.actions == []
    st.app_id, st.dialog_action = app_id, "accept"
    await st.decide({"message": "x"})
    sch = make_state(SchoolApplicationState, cookie="", path=SCHOOL_PATH.format(app_id))
    event = await sch.load()
    assert "/connexion?suivant=" in _redirect_url(event)
    sch.app_id, sch.dialog_action = app_id, "school_validate"
    await sch.decide({"message": "x"})
    lst = make_state(SchoolDashboardState, cookie="", path="/espace/etablissement")
    assert "/connexion" in _redirect_url(await lst.load())
    assert lst.rows == []
    assert _state(s, app_id) == A.SENT


@pytest.mark.asyncio
@pytest.mark.parametrize("who", ["stranger", "lea", "tom", "principal"])
async def test_others_cannot_view_or_decide_as_employer(world, who):
    s, app_id = world["s"], world["app_id"]
    before = _fingerprint(s, app_id)
    st = make_state(
        EmployerApplicationState, cookie=_cookie(s, world[who]), path=EMP_PATH.format(app_id)
    )
    await st.load()
    assert st.denied and st.view == {} and st.actions == []
    # a crafted client: opens the dialog, sets the id and the action, submits
    st.open_dialog("accept")
    assert st.dialog_action == ""
    for action in ("accept", "refuse", "review", "cancel_by_employer"):
        st.app_id, st.dialog_action = app_id, action
        await st.decide({"message": "Piraté"})
        assert st.notice == ""
    await st.load_print()
    assert st.denied and st.view == {}
    assert _fingerprint(s, app_id) == before


@pytest.mark.asyncio
async def test_owner_opens_reads_once_and_accepts(world):
    s, app_id, emp = world["s"], world["app_id"], world["emp"]
    cookie = _cookie(s, emp)
    st = make_state(EmployerApplicationState, cookie=cookie, path=EMP_PATH.format(app_id))
    await st.load()
    assert not st.denied and st.loaded
    assert st.view["state"] == A.READ and st.view["pupil_first_name"] == "Léa"
    assert st.view["contact_visible"] == "" and st.view["contact_email"] == ""
    assert [a["action"] for a in st.actions] == ["accept", "review", "refuse"]
    assert [a["label"] for a in st.actions] == ["Accepter", "Mettre à l'étude", "Refuser"]
    await st.load()
    other_tab = make_state(EmployerApplicationState, cookie=cookie, path=EMP_PATH.format(app_id))
    await other_tab.load()
    await other_tab.load_print()
    reads = s.exec(
        select(AuditLog).where(AuditLog.entity_id == app_id, AuditLog.action == "read")
    ).all()
    assert len(reads) == 1

    st.open_dialog("accept")
    assert st.dialog_action == "accept" and st.dialog_title == "Accepter la candidature"
    await st.decide({"message": "Rendez-vous lundi à 7 h."})
    assert st.dialog_action == "" and st.error == ""
    assert st.notice.startswith("Candidature acceptée")
    assert st.view["state"] == A.ACCEPTED and st.view["contact_visible"] == "1"
    assert st.view["contact_email"] == "lea@exemple.fr"
    s.expire_all()
    assert s.get(Application, app_id).accept_message == "Rendez-vous lundi à 7 h."

    # accept again (another tab still showing the button): refused, nothing changed
    before = _fingerprint(s, app_id)
    other_tab.open_dialog("accept")
    await other_tab.decide({"message": "Encore"})
    assert other_tab.error == "Cette candidature a déjà été traitée." and other_tab.notice == ""
    assert _fingerprint(s, app_id) == before


@pytest.mark.asyncio
async def test_admin_looking_does_not_mark_read(world):
    s, app_id = world["s"], world["app_id"]
    st = make_state(
        EmployerApplicationState, cookie=_cookie(s, world["admin"]), path=EMP_PATH.format(app_id)
    )
    await st.load()
    assert not st.denied and st.view["state"] == A.SENT
    assert _state(s, app_id) == A.SENT


@pytest.mark.asyncio
async def test_no_read_on_a_state_other_than_sent(world):
    s, app_id, emp = world["s"], world["app_id"], world["emp"]
    cookie = _cookie(s, emp)
    st = make_state(EmployerApplicationState, cookie=cookie, path=EMP_PATH.format(app_id))
    await st.load()
    st.open_dialog("review")
    await st.decide({"message": ""})
    assert _state(s, app_id) == A.UNDER_REVIEW
    before = _fingerprint(s, app_id)
    await st.load()
    assert _fingerprint(s, app_id) == before


@pytest.mark.asyncio
@pytest.mark.parametrize("action", CRAFTED_ACTIONS)
async def test_employer_handler_refuses_actions_outside_the_table(world, action):
    s, app_id = world["s"], world["app_id"]
    st = make_state(
        EmployerApplicationState, cookie=_cookie(s, world["emp"]), path=EMP_PATH.format(app_id)
    )
    await st.load()
    before = _fingerprint(s, app_id)
    st.open_dialog(action)
    assert st.dialog_action == ""
    if isinstance(action, str):
        st.dialog_action = action  # a client forcing the var (setvar)
    await st.decide({"message": "x"})
    await st.decide("pas un dict")
    assert st.notice == ""
    assert _fingerprint(s, app_id) == before


@pytest.mark.asyncio
async def test_employer_dialog_errors_stay_next_to_the_message(world):
    s, app_id = world["s"], world["app_id"]
    st = make_state(
        EmployerApplicationState, cookie=_cookie(s, world["emp"]), path=EMP_PATH.format(app_id)
    )
    await st.load()
    before = _fingerprint(s, app_id)
    # « Annuler » is not offered before an answer (« Refuser » is): no dialog opens
    st.open_dialog("cancel_by_employer")
    assert st.dialog_action == ""
    st.open_dialog("refuse")
    await st.decide({"message": "z" * 5000})
    assert st.message_error == "2000 caractères au maximum." and st.dialog_action == "refuse"
    assert _fingerprint(s, app_id) == before
    # A refusal needs a reason from the list (seed 000): none, or a crafted one, stores nothing.
    await st.decide({"message": "Nous avons déjà un stagiaire cette semaine-là."})
    assert st.reason_error == "Choisissez le motif du refus." and st.dialog_action == "refuse"
    await st.decide({"message": "Désolés.", "reason": "<script>"})
    assert st.reason_error == "Motif de refus inconnu : choisissez-en un dans la liste."
    assert _fingerprint(s, app_id) == before
    await st.decide({"message": "Nous avons déjà un stagiaire cette semaine-là.", "reason": "week"})
    assert st.message_error == st.reason_error == "" and st.notice.startswith("Candidature refusée")
    assert _state(s, app_id) == A.REFUSED
    assert st.view["refuse_reason"] == "Semaine indisponible"
    # accept on a refused application: no button, and a crafted call changes nothing
    assert st.actions == []
    before = _fingerprint(s, app_id)
    st.open_dialog("accept")
    assert st.dialog_action == ""
    st.dialog_action = "accept"
    await st.decide({"message": ""})
    assert st.error == "Cette candidature a déjà été traitée."
    assert _fingerprint(s, app_id) == before


@pytest.mark.asyncio
async def test_employer_withdraws_an_agreement_with_a_reason(world):
    """Issue 16: once accepted, the only button is « Annuler mon accord » (a reason is
    required, the dialog says what it does); « Refuser » is no longer offered."""
    s, app_id = world["s"], world["app_id"]
    st = make_state(
        EmployerApplicationState, cookie=_cookie(s, world["emp"]), path=EMP_PATH.format(app_id)
    )
    await st.load()
    st.open_dialog("accept")
    await st.decide({"message": ""})
    assert _state(s, app_id) == A.ACCEPTED
    assert st.actions == [{"action": "cancel_by_employer", "label": "Annuler mon accord"}]
    before = _fingerprint(s, app_id)
    st.open_dialog("refuse")
    assert st.dialog_action == ""
    st.dialog_action = "refuse"  # a crafted client
    await st.decide({"message": "x", "reason": "week"})
    assert st.error and _fingerprint(s, app_id) == before
    st.open_dialog("cancel_by_employer")
    assert st.dialog_title == "Annuler mon accord" and st.dialog_yes == "Annuler mon accord"
    assert st.dialog_required
    await st.decide({"message": "  "})
    assert st.message_error == "Indiquez à l'élève la raison de l'annulation."
    assert st.dialog_action == "cancel_by_employer"  # the dialog stays open
    await st.decide({"message": 12345})
    assert st.message_error
    assert _fingerprint(s, app_id) == before
    await st.decide({"message": "Le fournil ferme pour travaux cette semaine-là."})
    assert st.notice == "Votre accord est annulé. L'élève en est informé(e)."
    assert _state(s, app_id) == A.CANCELLED_BY_EMPLOYER and st.actions == []


@pytest.mark.asyncio
async def test_crafted_id_of_another_structure(world):
    """The stranger's own application page, then a crafted id of the owner's application."""
    s, app_id = world["s"], world["app_id"]
    cookie = _cookie(s, world["stranger"])
    for path in (EMP_PATH.format(app_id), EMP_PATH.format(app_id) + "/impression"):
        st = make_state(EmployerApplicationState, cookie=cookie, path=path)
        await (st.load() if path.endswith(str(app_id)) else st.load_print())
        assert st.denied and st.app_id == app_id and st.view == {}
    before = _fingerprint(s, app_id)
    st.denied = False
    st.actions = [{"action": "accept", "label": "Accepter"}]  # forged list
    st.open_dialog("accept")
    await st.decide({"message": ""})
    assert st.error == "Vous n'avez pas accès à cette candidature."
    assert _fingerprint(s, app_id) == before


# --- school page ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_school_validates_with_a_message(world):
    s = world["s"]
    app_id = _waiting_app(world)
    st = make_state(
        SchoolApplicationState,
        cookie=_cookie(s, world["principal"]),
        path=SCHOOL_PATH.format(app_id),
    )
    await st.load()
    assert not st.denied and st.view["state"] == A.AWAITING_SCHOOL
    assert [a["action"] for a in st.actions] == ["school_validate", "school_refuse"]
    st.open_dialog("school_validate")
    await st.decide({"message": "Bonne chance Tom !"})
    assert st.notice.startswith("Candidature validée") and st.error == ""
    assert st.view["state"] == A.SENT and st.actions == []
    s.expire_all()
    assert s.get(Application, app_id).school_message == "Bonne chance Tom !"


@pytest.mark.asyncio
@pytest.mark.parametrize("who", ["outsider", "emp", "stranger", "tom", "lea"])
async def test_others_cannot_view_or_validate(world, who):
    s = world["s"]
    app_id = _waiting_app(world)
    before = _fingerprint(s, app_id)
    st = make_state(
        SchoolApplicationState, cookie=_cookie(s, world[who]), path=SCHOOL_PATH.format(app_id)
    )
    await st.load()
    assert st.denied and st.view == {}
    st.actions = [{"action": "school_validate"}, {"action": "school_refuse"}]  # forged
    for action in ("school_validate", "school_refuse"):
        st.open_dialog(action)
        st.app_id = app_id
        await st.decide({"message": "x"})
        assert st.notice == ""
    assert _fingerprint(s, app_id) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "action", ["accept", "refuse", "review", "cancel_by_employer", *CRAFTED_ACTIONS]
)
async def test_school_handler_refuses_other_actions(world, action):
    s = world["s"]
    app_id = _waiting_app(world)
    st = make_state(
        SchoolApplicationState,
        cookie=_cookie(s, world["principal"]),
        path=SCHOOL_PATH.format(app_id),
    )
    await st.load()
    before = _fingerprint(s, app_id)
    if action in ("school_validate", "school_refuse"):
        return  # the two allowed ones are tested above
    st.open_dialog(action)
    assert st.dialog_action == ""
    if isinstance(action, str):
        st.dialog_action = action
    await st.decide({"message": "x"})
    assert st.notice == ""
    assert _fingerprint(s, app_id) == before


@pytest.mark.asyncio
async def test_school_dashboard_lists_the_applications(world):
    """The school's lists (formerly a page of their own) are the dashboard's tabs."""
    s = world["s"]
    app_id = _waiting_app(world)
    st = make_state(
        SchoolDashboardState,
        cookie=_cookie(s, world["principal"]),
        path="/espace/etablissement",
    )
    await st.load()
    assert st.denied == "" and st.tab == "valider"
    assert [r["id"] for r in st.rows] == [str(app_id)]
    await st.set_tab("attente")
    assert {r["id"] for r in st.rows} == {str(app_id), str(world["app_id"])}
    await st.set_tab({"evil": 1})
    await st.go_page("2")
    await st.go_page(True)
    await st.go_page(10**9)
    assert st.tab == "attente" and st.page == 1
    for who in ("emp", "lea", "admin"):
        other = make_state(
            SchoolDashboardState, cookie=_cookie(s, world[who]), path="/espace/etablissement"
        )
        await other.load()
        assert other.denied and other.rows == []
    outsider = make_state(
        SchoolDashboardState, cookie=_cookie(s, world["outsider"]), path="/espace/etablissement"
    )
    await outsider.load()
    assert outsider.denied == "" and outsider.rows == []


def test_applications_list_redirects_to_the_dashboard():
    st = make_state(ApplicationsRedirectState, path="/espace/employeur/candidatures")
    assert "/espace/employeur?onglet=a_traiter" in _redirect_url(st.to_dashboard())

"""Référent accounts (départemental, académique, central): sign-up on /inscription, e-mail
activation, validation by a platform administrator, then « Statistiques et exports » from
« Mon espace ».  Also: school staff cannot sign up on the generic form.

Driven through the real state handlers (anonymous or with a real session cookie) on a real
database; mails are read from the outbox table."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import func, select

from mystage.models import SCHOOL_STAFF_ROLES, AccountStatus, Outbox, Role, User
from mystage.services import accounts, ministries, stats
from mystage.services import accounts as admin_svc
from mystage.services.permissions import PermissionDenied
from mystage.state.accounts import (
    AccountState,
    ActivationState,
    AdminState,
    LoginState,
    SignupState,
)
from mystage.state.navigation import NavigationState
from mystage.state.schools.signup import _FUNCTIONS as SCHOOL_FUNCTIONS
from tests.state.conftest import make_state

PW = "une phrase de passe solide"
ADMIN_PW = "mot de passe administrateur 42"
CRAFTED = [None, 12, 3.5, True, [], ["77"], {"code": "77"}, "x" * 10_000, "\x00\x00"]


@pytest.fixture
def s(reference_db, dbs):
    return dbs


# --- helpers --------------------------------------------------------------------------------


def _redirect_url(event) -> str:
    if event is None:
        return ""
    return str(getattr(event, "args", None) or event)


def users(s) -> int:
    s.expire_all()
    return s.exec(select(func.count()).select_from(User)).one()


def user_by_email(s, email: str) -> User:
    s.expire_all()
    return s.exec(select(User).where(User.email == email)).one()


def mails(s, to: str, template: str | None = None) -> list[Outbox]:
    s.expire_all()
    stmt = select(Outbox).where(Outbox.recipient == to)
    if template:
        stmt = stmt.where(Outbox.template == template)
    return list(s.exec(stmt.order_by(Outbox.id)))


def token_of(mail: Outbox) -> str:
    return parse_qs(urlparse(mail.action_url).query)["token"][0]


def active(s, role: str, email: str, **profile) -> tuple[User, str]:
    """An active account and the cookie of a live session."""
    user, errors = accounts.create_active_account(
        s, role=role, email=email, password=ADMIN_PW, first_name="Camille", last_name=role,
        **profile,
    )  # fmt: skip
    assert errors == {}
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return user, f"mystage_session={token}"


def form(role: str, **over) -> dict:
    d = {
        "role": role,
        "first_name": "Nadia",
        "last_name": "Belkacem",
        "email": "nadia.belkacem@ac-creteil.fr",
        "phone": "",
        "password": PW,
        "password2": PW,
        "accept_terms": "on",
        "department_code": "",
        "academy": "",
        "job_title": "",
    }
    d.update(over)
    return d


async def signup_state(role: str) -> SignupState:
    st = make_state(SignupState, path="/inscription", query=f"role={role}")
    event = st.load()
    assert event is not None  # the lists are loaded by a follow-up event
    await st.load_referent_choices()
    return st


async def sign_up(role: str, **over) -> SignupState:
    st = await signup_state(role)
    await st.submit(form(role, **over))
    return st


async def activate(s, email: str) -> ActivationState:
    [mail] = mails(s, email, "activation")
    act = make_state(ActivationState, path="/activation", query=f"token={token_of(mail)}")
    await act.load()
    return act


async def pending_referent(s, role=Role.REFERENT_DEPARTEMENTAL, **over) -> User:
    email = over.pop("email", "nadia.belkacem@ac-creteil.fr")
    fields = {"department_code": "77"} if role == Role.REFERENT_DEPARTEMENTAL else {}
    if role == Role.REFERENT_ACADEMIQUE:
        fields = {"academy": "Créteil"}
    fields.update(over)
    st = await sign_up(role, email=email, **fields)
    assert st.errors == {} and st.step == "check_mail"
    act = await activate(s, email)
    assert act.done and act.pending
    return user_by_email(s, email)


# --- the form -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_referent_lists_come_from_the_departments_table(s):
    st = await signup_state(Role.REFERENT_DEPARTEMENTAL)
    assert st.is_referent and not st.is_pupil
    labels = {d["value"]: d["label"] for d in st.departments}
    assert labels["77"] == "77 – Seine-et-Marne"
    assert labels["2A"] == "2A – Corse-du-Sud" and "974" in labels
    assert len(labels) == len(st.departments) > 100
    academies = [a["value"] for a in st.academies]
    assert "Créteil" in academies and "Nancy-Metz" in academies and "" not in academies
    assert academies.index("Aix-Marseille") < academies.index("Créteil") < academies.index("Dijon")
    # Loaded once per tab; the pupil form does not load them.
    pupil = make_state(SignupState, path="/inscription", query="role=eleve")
    assert pupil.load() is None and pupil.departments == []


@pytest.mark.asyncio
async def test_choosing_a_referent_role_loads_the_lists(s):
    st = make_state(SignupState, path="/inscription")
    assert st.load() is None
    assert st.set_role(Role.REFERENT_ACADEMIQUE) is not None
    await st.load_referent_choices()
    assert st.is_referent and st.academies
    assert st.set_role(Role.REFERENT_CENTRAL) is None  # already loaded


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("role", "fields", "expected"),
    [
        (
            Role.REFERENT_DEPARTEMENTAL,
            {"department_code": "2a", "job_title": "IEN-IO"},
            {"department_code": "2A", "academy": "", "job_title": "IEN-IO"},
        ),
        (
            Role.REFERENT_ACADEMIQUE,
            {"academy": "Créteil", "department_code": "77"},  # a stray code is not kept
            {"department_code": "", "academy": "Créteil", "job_title": ""},
        ),
        (
            Role.REFERENT_CENTRAL,
            {"job_title": "  DGESCO, bureau de l'orientation  "},
            {"department_code": "", "academy": "", "job_title": "DGESCO, bureau de l'orientation"},
        ),
    ],
)
async def test_each_referent_kind_signs_up_and_gets_an_activation_link(s, role, fields, expected):
    st = await sign_up(role, **fields)
    assert st.errors == {}
    assert st.step == "check_mail" and st.sent_to == "nadia.belkacem@ac-creteil.fr"
    user = user_by_email(s, "nadia.belkacem@ac-creteil.fr")
    assert user.role == role and user.status == AccountStatus.PENDING_ACTIVATION
    got = {k: getattr(user, k) for k in expected}
    assert got == expected
    assert len(mails(s, user.email, "activation")) == 1
    # Nobody is asked to validate before the address is proven.
    assert s.exec(select(Outbox).where(Outbox.template == "referent_request")).all() == []


@pytest.mark.asyncio
async def test_unknown_departement_or_academie_refused_with_values_kept(s):
    st = await sign_up(
        Role.REFERENT_DEPARTEMENTAL, department_code="99", job_title="Chargée de mission"
    )
    assert st.errors == {"department_code": accounts.MSG_DEPARTMENT_INVALID}
    assert st.step == "form" and users(s) == 0
    assert st.values["department_code"] == "99"
    assert (
        st.values["first_name"] == "Nadia" and st.values["email"] == "nadia.belkacem@ac-creteil.fr"
    )
    assert st.values["job_title"] == "Chargée de mission" and st.role == Role.REFERENT_DEPARTEMENTAL

    st = await sign_up(Role.REFERENT_ACADEMIQUE, academy="Atlantide", last_name="")
    assert st.errors == {
        "academy": accounts.MSG_ACADEMY_INVALID,
        "last_name": accounts.MSG_LAST_NAME_REQUIRED,
    }
    assert st.values["academy"] == "Atlantide" and users(s) == 0
    # Nothing chosen at all.
    st = await sign_up(Role.REFERENT_DEPARTEMENTAL)
    assert st.errors == {"department_code": accounts.MSG_DEPARTMENT_INVALID}
    st = await sign_up(Role.REFERENT_ACADEMIQUE, academy="créteil")  # exact value only
    assert st.errors == {"academy": accounts.MSG_ACADEMY_INVALID}
    assert users(s) == 0


@pytest.mark.asyncio
async def test_referent_needs_an_email_and_a_short_function(s):
    st = await sign_up(Role.REFERENT_CENTRAL, email="", phone="06 12 34 56 78", job_title="x" * 151)
    assert st.errors == {
        "email": accounts.MSG_REFERENT_EMAIL,
        "job_title": accounts.MSG_JOB_TITLE_TOO_LONG,
    }
    st = await sign_up(Role.REFERENT_CENTRAL, email="", password2="autre chose")
    assert st.errors["email"] == accounts.MSG_REFERENT_EMAIL
    assert st.errors["password2"] == "Les deux mots de passe ne sont pas identiques."
    assert users(s) == 0


@pytest.mark.asyncio
async def test_crafted_referent_payloads_store_nothing(s):
    for bad in CRAFTED:
        st = await signup_state(Role.REFERENT_DEPARTEMENTAL)
        await st.submit(form(Role.REFERENT_DEPARTEMENTAL, department_code=bad, job_title=bad))
        assert "department_code" in st.errors
        assert all(isinstance(v, str) and len(v) <= 254 for v in st.values.values())
        st = await signup_state(Role.REFERENT_ACADEMIQUE)
        await st.submit(form(Role.REFERENT_ACADEMIQUE, academy=bad))
        assert "academy" in st.errors
    # Control characters (PostgreSQL refuses NUL) never reach the database.
    st = await sign_up(Role.REFERENT_CENTRAL, first_name="\x00\x00", job_title="\x00DGESCO")
    assert st.errors == {"first_name": accounts.MSG_FIRST_NAME_REQUIRED}
    st = await sign_up(Role.REFERENT_CENTRAL, job_title="\x00DGESCO\x7f")
    assert st.errors == {}
    assert user_by_email(s, "nadia.belkacem@ac-creteil.fr").job_title == "DGESCO"
    # The service itself, called with anything.
    for bad in CRAFTED:
        user, errors = accounts.register_referent(
            s, role=bad, email="a@b.fr", password=PW, first_name="A", last_name="B",
            accept_terms=True, department_code=bad, academy=bad, job_title=bad,
        )  # fmt: skip
        assert user is None and "role" in errors
    assert users(s) == 1  # only the account with a clean function


# --- activation, admins told, login while pending --------------------------------------------


@pytest.mark.asyncio
async def test_activation_puts_a_referent_in_pending_validation_and_tells_admins(s):
    admin1, _ = active(s, Role.ADMIN, "admin1@mystage.fr")
    admin2, _ = active(s, Role.ADMIN, "admin2@mystage.fr")
    gone, _ = active(s, Role.ADMIN, "ancien.admin@mystage.fr")
    gone.status = AccountStatus.DISABLED
    s.add(gone)
    s.commit()
    active(s, Role.EMPLOYEUR, "employeur@exemple.fr")

    st = await sign_up(Role.REFERENT_DEPARTEMENTAL, department_code="77", job_title="IEN-IO")
    assert st.errors == {}
    act = await activate(s, "nadia.belkacem@ac-creteil.fr")
    assert act.done is True and act.pending is True and act.error == ""

    user = user_by_email(s, "nadia.belkacem@ac-creteil.fr")
    assert user.status == AccountStatus.PENDING_VALIDATION
    assert user.email_verified_at is not None and user.validated_at is None
    requests = s.exec(select(Outbox).where(Outbox.template == "referent_request")).all()
    assert sorted(m.recipient for m in requests) == ["admin1@mystage.fr", "admin2@mystage.fr"]
    for m in requests:
        assert m.subject == "Nouvelle demande de compte référent"
        assert m.action_url.endswith("/espace/admin") and m.action_url in m.body
        assert "Nadia Belkacem" in m.body and "Seine-et-Marne (77)" in m.body
        assert "IEN-IO" in m.body and "référent départemental" in m.body
    assert {m.user_id for m in requests} == {admin1.id, admin2.id}

    # The same link again: refused, no second round of mails.
    [mail] = mails(s, user.email, "activation")
    again = make_state(ActivationState, path="/activation", query=f"token={token_of(mail)}")
    await again.load()
    assert again.done is False and again.pending is False and again.error
    assert len(s.exec(select(Outbox).where(Outbox.template == "referent_request")).all()) == 2


@pytest.mark.asyncio
async def test_other_profiles_are_active_after_activation(s):
    active(s, Role.ADMIN, "admin@mystage.fr")
    st = make_state(SignupState, path="/inscription", query="role=parent")
    assert st.load() is None
    await st.submit(form(Role.PARENT, email="parent@exemple.fr"))
    assert st.errors == {} and st.step == "check_mail"
    act = await activate(s, "parent@exemple.fr")
    assert act.done is True and act.pending is False
    assert user_by_email(s, "parent@exemple.fr").status == AccountStatus.ACTIVE
    assert mails(s, "admin@mystage.fr") == []


@pytest.mark.asyncio
async def test_login_refused_while_pending(s):
    user = await pending_referent(s)
    login = make_state(LoginState, path="/connexion")
    login.load()
    await login.submit({"identifier": user.email, "password": PW})
    assert login.error == accounts.MSG_PENDING_REFERENT
    assert "équipe MyStage" in login.error
    assert "établissement" not in login.error  # a référent has no établissement
    assert stats.can_view_stats(user_by_email(s, user.email)) is False


# --- validation by an administrator ----------------------------------------------------------


@pytest.mark.asyncio
async def test_admin_validates_a_referent(s):
    _, cookie = active(s, Role.ADMIN, "admin@mystage.fr")
    user = await pending_referent(s, job_title="IEN-IO")
    st = make_state(AdminState, cookie=cookie, path="/espace/admin")
    await st.load()
    [row] = st.pending
    assert row["id"] == user.id and row["role"] == "Référent départemental"
    assert row["territory"] == "Seine-et-Marne (77)" and row["job_title"] == "IEN-IO"

    await st.decide(user.id, True)
    assert st.message == "Compte validé." and st.pending == []
    user = user_by_email(s, user.email)
    assert user.status == AccountStatus.ACTIVE and user.validated_at is not None
    [mail] = mails(s, user.email, "account_validation_decision")
    assert mail.subject == "Votre compte référent MyStage est validé"
    assert mail.action_url.endswith("/espace/statistiques") and mail.action_url in mail.body

    # Now the référent logs in and may see the statistics of Seine-et-Marne.
    login = make_state(LoginState, path="/connexion")
    login.load()
    await login.submit({"identifier": user.email, "password": PW})
    assert login.error == ""
    # The page loads /api/session?grant=… as a document (components/browser, no eval).
    nav = await login.get_state(NavigationState)
    assert nav.document_url.startswith("/api/session?grant=")
    assert stats.can_view_stats(user)
    assert stats.scope_for(s, user).departments == frozenset({"77"})


@pytest.mark.asyncio
async def test_academic_and_central_referents_get_their_scope(s):
    admin, _ = active(s, Role.ADMIN, "admin@mystage.fr")
    aca = await pending_referent(s, Role.REFERENT_ACADEMIQUE, email="aca@ac-creteil.fr")
    cen = await pending_referent(
        s, Role.REFERENT_CENTRAL, email="cen@education.gouv.fr", job_title="DGESCO"
    )
    rows = {r["id"]: r for r in admin_svc.pending_accounts(s, admin)}
    assert rows[aca.id]["territory"] == "Académie de Créteil"
    assert rows[cen.id]["territory"] == "France entière" and rows[cen.id]["job_title"] == "DGESCO"
    for u in (aca, cen):
        assert admin_svc.decide_account(s, admin, u.id, True) == ""
        s.commit()
    aca, cen = user_by_email(s, aca.email), user_by_email(s, cen.email)
    assert stats.scope_for(s, aca).departments == frozenset({"77", "93", "94"})
    assert stats.scope_for(s, cen).national


@pytest.mark.asyncio
async def test_admin_refuses_politely(s):
    _, cookie = active(s, Role.ADMIN, "admin@mystage.fr")
    user = await pending_referent(s, Role.REFERENT_ACADEMIQUE)
    st = make_state(AdminState, cookie=cookie)
    await st.load()
    await st.decide(user.id, False)
    assert st.message == "Compte refusé."
    assert user_by_email(s, user.email).status == AccountStatus.REFUSED
    [mail] = mails(s, user.email, "account_validation_decision")
    assert mail.subject == "Votre demande de compte MyStage"
    assert "remercions" in mail.body and "référent académique" in mail.body
    assert mail.action_url == ""
    _, message = accounts.authenticate(s, user.email, PW, "203.0.113.9")
    assert message == accounts.MSG_REFUSED


@pytest.mark.asyncio
async def test_validated_employer_is_sent_to_its_space(s):
    _, cookie = active(s, Role.ADMIN, "admin@mystage.fr")
    employer, _ = active(s, Role.EMPLOYEUR, "patron@exemple.fr")
    employer.status = AccountStatus.PENDING_VALIDATION
    s.add(employer)
    s.commit()
    st = make_state(AdminState, cookie=cookie)
    await st.load()
    await st.decide(employer.id, True)
    [mail] = mails(s, "patron@exemple.fr", "account_validation_decision")
    assert mail.subject == "Votre compte MyStage est validé"
    assert mail.action_url.endswith("/espace") and "statistiques" not in mail.action_url


@pytest.mark.asyncio
async def test_non_admins_cannot_validate(s):
    user = await pending_referent(s)
    _, referent_cookie = active(s, Role.REFERENT_CENTRAL, "central@education.gouv.fr")
    _, employer_cookie = active(s, Role.EMPLOYEUR, "patron@exemple.fr")
    for cookie in ("", "mystage_session=forged", referent_cookie, employer_cookie):
        st = make_state(AdminState, cookie=cookie)
        await st.load()
        assert st.allowed is False and st.pending == []
        await st.decide(user.id, True)
        assert st.message == "Action réservée aux administrateurs."
    central = user_by_email(s, "central@education.gouv.fr")
    with pytest.raises(PermissionDenied):
        admin_svc.decide_account(s, central, user.id, True)
    s.rollback()
    assert user_by_email(s, user.email).status == AccountStatus.PENDING_VALIDATION
    assert mails(s, user.email, "account_validation_decision") == []


@pytest.mark.asyncio
async def test_crafted_ids_are_refused(s):
    _, cookie = active(s, Role.ADMIN, "admin@mystage.fr")
    user = await pending_referent(s)
    st = make_state(AdminState, cookie=cookie)
    await st.load()
    for bad in (None, "abc", "", -1, 0, 2**31, 10**30, True, False, 1.5, [user.id], {"id": 1}):
        await st.decide(bad, True)
        assert st.message == "Demande invalide.", bad
        await st.decide_structure(bad, True)
        assert st.message == "Demande invalide.", bad
    for bad_accept in ("true", 1, None, "oui", [True]):
        await st.decide(user.id, bad_accept)
        assert st.message == "Demande invalide."
    assert user_by_email(s, user.email).status == AccountStatus.PENDING_VALIDATION
    await st.decide(2**31 - 1, True)  # in range, no such account
    assert st.message == admin_svc.MSG_NOT_PENDING
    await st.decide(str(user.id), True)  # the page may send ids as strings
    assert st.message == "Compte validé."
    await st.decide(user.id, False)  # already decided
    assert st.message == admin_svc.MSG_NOT_PENDING
    assert user_by_email(s, user.email).status == AccountStatus.ACTIVE


# --- « Mon espace » ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_space_shows_statistics_to_referents_and_admins(s):
    _, ref_cookie = active(
        s, Role.REFERENT_DEPARTEMENTAL, "ref77@ac-creteil.fr", department_code="77"
    )
    st = make_state(AccountState, cookie=ref_cookie, path="/espace")
    assert await st.load() is None  # stays on « Mon espace » (not sent to /espace/employeur)
    assert st.is_referent and st.show_stats and not st.is_admin
    assert st.profile["territory"] == "Seine-et-Marne (77)"

    _, admin_cookie = active(s, Role.ADMIN, "admin@mystage.fr")
    st = make_state(AccountState, cookie=admin_cookie, path="/espace")
    assert await st.load() is None
    assert st.is_admin and st.show_stats and not st.is_referent

    _, employer_cookie = active(s, Role.EMPLOYEUR, "patron@exemple.fr")
    st = make_state(AccountState, cookie=employer_cookie, path="/espace")
    assert "/espace/employeur" in _redirect_url(await st.load())
    assert not st.show_stats

    _, parent_cookie = active(s, Role.PARENT, "parent@exemple.fr")
    st = make_state(AccountState, cookie=parent_cookie, path="/espace")
    assert await st.load() is None and not st.show_stats

    st = make_state(AccountState, cookie="", path="/espace")
    assert "/connexion" in _redirect_url(await st.load())
    assert not st.show_stats


def test_space_card_links_to_the_statistics_page():
    from mystage.pages.accounts.space import _stats_section

    rendered = str(_stats_section())
    assert "link-statistiques" in rendered and "/espace/statistiques" in rendered
    assert "Statistiques et exports" in rendered


# --- school staff go to /inscription/etablissement --------------------------------------------


@pytest.mark.asyncio
async def test_school_staff_roles_are_sent_to_the_school_signup(s):
    for role in SCHOOL_STAFF_ROLES:
        st = make_state(SignupState, path="/inscription", query=f"role={role}")
        url = _redirect_url(st.load())
        assert "/inscription/etablissement" in url, role
        st = make_state(SignupState, path="/inscription")
        assert st.load() is None
        assert "/inscription/etablissement" in _redirect_url(st.set_role(str(role)))
        target = accounts.signup_redirect(role)
        if "?fonction=" in target:
            assert target.split("=", 1)[1] in SCHOOL_FUNCTIONS
    assert accounts.signup_redirect(Role.CHEF_ETABLISSEMENT).endswith("?fonction=chef")
    assert "/inscription/employeur" in _redirect_url(
        make_state(SignupState, path="/inscription", query="role=employeur").load()
    )
    for role in (Role.ELEVE, Role.PARENT, Role.REFERENT_CENTRAL, "admin", None, [], 3):
        assert accounts.signup_redirect(role) == ""


@pytest.mark.asyncio
async def test_school_staff_refused_on_the_generic_form(s):
    for role in SCHOOL_STAFF_ROLES:
        st = make_state(SignupState, path="/inscription")
        st.load()
        await st.submit(form(str(role), email=f"{role}@ac-creteil.fr"))
        assert st.errors == {"role": accounts.MSG_STAFF_SIGNUP}, role
        assert st.values["email"] == f"{role}@ac-creteil.fr"
    for role in (Role.EMPLOYEUR, Role.ADMIN, Role.ELEVE):
        user, errors = accounts.register_generic(
            s, role=role, email="x@exemple.fr", password=PW, first_name="A", last_name="B",
            accept_terms=True,
        )  # fmt: skip
        assert user is None and "role" in errors
    assert users(s) == 0
    assert s.exec(select(Outbox)).all() == []


# --- référent central bound to one ministry ----------------------------------------------------


@pytest.mark.asyncio
async def test_central_referent_may_choose_one_ministry(s):
    from mystage.state.accounts import MINISTRY_OPTIONS

    assert ("armees", "Ministère des Armées") in MINISTRY_OPTIONS and len(MINISTRY_OPTIONS) >= 16
    admin, cookie = active(s, Role.ADMIN, "admin@mystage.fr")
    user = await pending_referent(
        s, Role.REFERENT_CENTRAL, email="cen@defense.gouv.fr", ministry="armees",
        job_title="Chargée de mission",
    )  # fmt: skip
    assert (user.ministry, user.job_title) == ("armees", "Chargée de mission")
    assert accounts.referent_territory(s, user) == "France entière — Ministère des Armées"
    [request] = mails(s, "admin@mystage.fr", "referent_request")
    assert "France entière — Ministère des Armées" in request.body
    # The administrator sees it in the pending list, then validates.
    st = make_state(AdminState, cookie=cookie, path="/espace/admin")
    await st.load()
    [row] = st.pending
    assert row["territory"] == "France entière — Ministère des Armées"
    assert row["job_title"] == "Chargée de mission"
    await st.decide(user.id, True)
    scope = stats.scope_for(s, user_by_email(s, user.email))
    assert scope.national and scope.ministry == "armees"


@pytest.mark.asyncio
async def test_central_referent_without_ministry_sees_every_offer(s):
    st = await sign_up(Role.REFERENT_CENTRAL, ministry="", job_title="DGESCO")
    assert st.errors == {}
    user = user_by_email(s, "nadia.belkacem@ac-creteil.fr")
    assert (user.ministry, user.job_title) == ("", "DGESCO")
    assert accounts.referent_territory(s, user) == "France entière"


@pytest.mark.asyncio
async def test_unknown_ministry_refused_with_values_kept(s):
    st = await sign_up(Role.REFERENT_CENTRAL, ministry="ministere-de-la-magie", job_title="IEN")
    assert st.errors == {"ministry": ministries.MSG_REFERENT_UNKNOWN}
    assert st.step == "form" and users(s) == 0
    assert st.values["ministry"] == "ministere-de-la-magie" and st.values["job_title"] == "IEN"
    assert st.values["first_name"] == "Nadia" and st.role == Role.REFERENT_CENTRAL
    # Crafted: whatever reaches the form is a string or nothing; unknown strings are refused.
    for bad in CRAFTED:
        st = await signup_state(Role.REFERENT_CENTRAL)
        await st.submit(form(Role.REFERENT_CENTRAL, ministry=bad, email=""))
        assert "email" in st.errors  # nothing created, whatever the ministry
        if isinstance(bad, str) and bad:
            assert st.errors["ministry"] == ministries.MSG_REFERENT_UNKNOWN
    assert users(s) == 0
    # The service itself, called with anything but a string.
    for bad in (12, 3.5, True, [], ["armees"], {"slug": "armees"}):
        user, errors = accounts.register_referent(
            s, role=Role.REFERENT_CENTRAL, email="a@b.fr", password=PW, first_name="A",
            last_name="B", accept_terms=True, ministry=bad,
        )  # fmt: skip
        assert user is None and errors == {"ministry": ministries.MSG_REFERENT_UNKNOWN}
    assert users(s) == 0


@pytest.mark.asyncio
async def test_ministry_is_only_for_central_referents(s):
    st = await sign_up(Role.REFERENT_DEPARTEMENTAL, department_code="77", ministry="armees")
    assert st.errors == {}
    user = user_by_email(s, "nadia.belkacem@ac-creteil.fr")
    assert (user.department_code, user.ministry) == ("77", "")

"""« Mon compte » handlers called directly: anonymous callers, crafted ids (another person's
session), a disabled account, and the happy paths (input kept, nothing half-done)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import select

from mystage.models import AuditLog, AuthSession, Outbox, Role, User
from mystage.services import accounts
from mystage.state.accounts import AccountState, EmailChangeState, MyAccountState
from mystage.state.navigation import NavigationState
from tests.state.conftest import make_state, run_handler

PW = "un stage à la boulangerie"
PATH = "/espace/compte"


def _account(s, email: str, role=Role.ELEVE, phone=None, first="Inès") -> tuple[User, str]:
    user, errors = accounts.create_active_account(
        s, role=role, email=email, phone=phone, password=PW, first_name=first, last_name="Martin"
    )
    assert not errors
    token = accounts.create_session(s, user, "203.0.113.7", "Mozilla/5.0 (X11; Linux) Firefox/1")
    s.commit()
    return user, token


def _state(token: str = "", cls=MyAccountState, query: str = ""):
    cookie = f"mystage_session={token}" if token else ""
    return make_state(cls, cookie=cookie, path=PATH, query=query)


def _url(events) -> str:
    return " ".join(str(getattr(e, "args", None) or e) for e in events)


def _fresh(s, user_id: int) -> User:
    s.expire_all()
    return s.get(User, user_id)


@pytest.mark.asyncio
async def test_anonymous_gets_the_login_page_and_nothing_changes(dbs):
    u, _ = _account(dbs, "ines@exemple.fr")
    st = _state()
    assert "/connexion" in _url(await run_handler(st.load()))
    assert st.loaded is False and st.sessions == []
    for call in (
        st.save_names({"first_name": "Pirate", "last_name": "X"}),
        st.request_email({"new_email": "pirate@exemple.fr"}),
        st.request_phone({"new_phone": "0611111111"}),
        st.confirm_phone({"code": "123456"}),
        st.revoke_session(1),
        st.revoke_others(),
        st.sign_out_everywhere(),
    ):
        assert "/connexion" in _url(await run_handler(call))
    me = _fresh(dbs, u.id)
    assert me.first_name == "Inès" and me.email == "ines@exemple.fr"
    assert dbs.exec(select(Outbox)).all() == []
    assert dbs.exec(select(AuthSession).where(AuthSession.revoked_at.is_not(None))).all() == []


@pytest.mark.asyncio
async def test_forged_or_revoked_cookie_is_anonymous(dbs):
    u, token = _account(dbs, "ines@exemple.fr")
    st = _state("forged-token")
    assert "/connexion" in _url(await run_handler(st.load()))
    accounts.revoke_session(dbs, token)
    st = _state(token)
    await run_handler(st.save_names({"first_name": "Autre", "last_name": "Nom"}))
    assert _fresh(dbs, u.id).first_name == "Inès"


@pytest.mark.asyncio
async def test_load_shows_own_account_and_sessions(dbs):
    u, token = _account(dbs, "ines@exemple.fr", phone="0611111111")
    _account(dbs, "autre@exemple.fr", first="Autre")
    accounts.create_session(dbs, u, "198.51.100.9", "Mozilla/5.0 (iPhone) Safari/1")
    st = _state(token)
    await run_handler(st.load())
    assert st.loaded and st.tu is True
    assert (st.first_name, st.email, st.phone) == ("Inès", "ines@exemple.fr", "06 11 11 11 11")
    assert len(st.sessions) == 2
    assert st.sessions[0]["current"] == "1" and st.sessions[0]["device"] == "Firefox sur Linux"
    assert st.sessions[1]["ip"] == "198.51.100.•••"


@pytest.mark.asyncio
async def test_names_errors_next_to_the_field_then_saved(dbs):
    u, token = _account(dbs, "ines@exemple.fr")
    st = _state(token)
    await run_handler(st.load())
    await run_handler(st.save_names({"first_name": "", "last_name": "Dupont"}))
    assert "first_name" in st.name_errors and st.name_saved is False
    assert _fresh(dbs, u.id).last_name == "Martin"  # nothing half-done
    await run_handler(st.save_names({"first_name": "Inès", "last_name": "Dupont"}))
    assert st.name_errors == {} and st.name_saved and st.last_name == "Dupont"
    assert _fresh(dbs, u.id).last_name == "Dupont"
    # A crafted payload (not text) is refused like an empty field.
    await run_handler(st.save_names({"first_name": ["x"], "last_name": {"a": 1}}))
    assert set(st.name_errors) == {"first_name", "last_name"}


@pytest.mark.asyncio
async def test_email_change_through_the_states(dbs):
    u, token = _account(dbs, "ines@exemple.fr")
    st = _state(token)
    await run_handler(st.load())
    await run_handler(st.request_email({"new_email": "pas-une-adresse"}))
    assert st.email_errors == {"email": accounts.MSG_EMAIL_INVALID} and st.email_sent_to == ""
    await run_handler(st.request_email({"new_email": "nouvelle@exemple.fr"}))
    assert st.email_errors == {} and st.email_sent_to == "nouvelle@exemple.fr"
    row = dbs.exec(select(Outbox).where(Outbox.recipient == "nouvelle@exemple.fr")).one()
    raw = parse_qs(urlparse(row.action_url).query)["token"][0]
    # The link's page: anonymous is fine (the link itself proves the mailbox).
    page = _state(cls=EmailChangeState, query=f"token={raw}")
    await run_handler(page.load())
    assert page.done and page.error == "" and page.tu
    assert _fresh(dbs, u.id).email == "nouvelle@exemple.fr"
    again = _state(cls=EmailChangeState, query=f"token={raw}")
    await run_handler(again.load())
    assert not again.done and "plus valide" in again.error
    empty = _state(cls=EmailChangeState)
    await run_handler(empty.load())
    assert not empty.done and empty.error


@pytest.mark.asyncio
async def test_phone_change_through_the_states(dbs):
    u, token = _account(dbs, "ines@exemple.fr")
    st = _state(token)
    await run_handler(st.load())
    await run_handler(st.confirm_phone({"code": "123456"}))  # no code asked yet
    assert "code" in st.phone_errors
    await run_handler(st.request_phone({"new_phone": "01 23 45 67 89"}))
    assert st.phone_errors == {"phone": accounts.MSG_PHONE_INVALID} and st.phone_pending == ""
    await run_handler(st.request_phone({"new_phone": "06 12 34 56 78"}))
    assert st.phone_pending == "06 12 34 56 78" and st._phone_pending == "+33612345678"
    sms = dbs.exec(select(Outbox).where(Outbox.recipient == "+33612345678")).one()
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    await run_handler(st.confirm_phone({"code": "000000" if code != "000000" else "111111"}))
    assert st.phone_errors == {"code": accounts.MSG_CODE_INVALID}
    await run_handler(st.confirm_phone({"code": code}))
    assert st.phone_errors == {} and st.phone_saved and st.phone == "06 12 34 56 78"
    assert st.phone_pending == ""
    assert _fresh(dbs, u.id).phone == "+33612345678"


@pytest.mark.asyncio
async def test_crafted_session_ids_of_another_person_are_refused(dbs):
    a, a_token = _account(dbs, "a@exemple.fr")
    b, b_token = _account(dbs, "b@exemple.fr", role=Role.EMPLOYEUR, first="Bob")
    b_row = dbs.exec(select(AuthSession).where(AuthSession.user_id == b.id)).one()
    st = _state(a_token)
    await run_handler(st.load())
    for crafted in (b_row.id, str(b_row.id), 2**63, -1, "1 OR 1=1", None, [b_row.id]):
        await run_handler(st.revoke_session(crafted))
        assert "n'existe plus" in st.sessions_message
    assert accounts.user_for_session(dbs, b_token) is not None
    assert accounts.user_for_session(dbs, a_token) is not None


@pytest.mark.asyncio
async def test_revoke_one_then_others_then_everywhere(dbs):
    u, token = _account(dbs, "ines@exemple.fr")
    t2 = accounts.create_session(dbs, u, "203.0.113.8", "Chrome/1")
    t3 = accounts.create_session(dbs, u, "203.0.113.9", "Chrome/1")
    st = _state(token)
    await run_handler(st.load())
    other = next(r for r in st.sessions if r["current"] != "1")
    await run_handler(st.revoke_session(other["id"]))
    assert st.sessions_message == "Session fermée." and len(st.sessions) == 2
    await run_handler(st.revoke_others())
    assert "1 autre(s)" in st.sessions_message and len(st.sessions) == 1
    dbs.expire_all()
    assert accounts.user_for_session(dbs, t2) is None
    assert accounts.user_for_session(dbs, t3) is None
    assert accounts.user_for_session(dbs, token) is not None
    await run_handler(st.sign_out_everywhere())
    nav = await st.get_state(NavigationState)
    assert nav.document_url == "/connexion"
    dbs.expire_all()
    assert accounts.user_for_session(dbs, token) is None
    actions = {r.action for r in dbs.exec(select(AuditLog).where(AuditLog.entity_id == u.id)).all()}
    assert {"session_revoked", "sessions_revoked_others", "sessions_revoked_all"} <= actions
    # The closed session is anonymous now.
    again = _state(token)
    assert "/connexion" in _url(await run_handler(again.load()))


@pytest.mark.asyncio
async def test_password_change_keeps_this_session_only(dbs):
    u, token = _account(dbs, "ines@exemple.fr")
    other = accounts.create_session(dbs, u, "203.0.113.8", "Chrome/1")
    st = _state(token, cls=AccountState)
    new = "trois hérons verts sur la digue"
    await run_handler(st.change_password({"current": PW, "password": new, "password2": new}))
    assert st.errors == {} and st.saved
    dbs.expire_all()
    assert accounts.user_for_session(dbs, token) is not None
    assert accounts.user_for_session(dbs, other) is None
    told = dbs.exec(select(Outbox).where(Outbox.recipient == "ines@exemple.fr")).all()
    assert [m.template for m in told] == ["password_changed"]


@pytest.mark.asyncio
async def test_disabled_account_loses_access_at_the_next_call(dbs):
    u, token = _account(dbs, "ines@exemple.fr")
    st = _state(token)
    await run_handler(st.load())
    assert st.loaded
    me = _fresh(dbs, u.id)
    me.status = "disabled"
    dbs.add(me)
    dbs.commit()
    assert "/connexion" in _url(
        await run_handler(st.save_names({"first_name": "X", "last_name": "Y"}))
    )
    assert st.loaded is False
    assert _fresh(dbs, u.id).first_name == "Inès"


def test_phone_shown_in_the_national_format():
    from mystage.state.accounts.account import display_phone

    assert display_phone("+33612345678") == "06 12 34 56 78"
    assert display_phone("+262692123456") == "06 92 12 34 56"
    assert display_phone("") == ""

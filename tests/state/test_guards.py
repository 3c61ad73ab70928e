"""Protected handlers called as an anonymous user, as the wrong role and as the right one."""

from __future__ import annotations

import pytest

from mystage.models import AccountStatus, Role, User
from mystage.services import accounts
from mystage.state.accounts import AccountState, AdminState, DevMailState
from tests.state.conftest import make_state

PW = "mot de passe de test 42"


def _account(s, role: str, email: str) -> tuple[User, str]:
    user, errors = accounts.create_active_account(
        s, role=role, email=email, password=PW, first_name="Test", last_name=role
    )
    assert not errors
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return user, f"mystage_session={token}"


def _pending_employer(s) -> User:
    user, errors = accounts.create_active_account(
        s, role=Role.EMPLOYEUR, email="attente@exemple.fr", password=PW, first_name="E"
    )
    user.status = AccountStatus.PENDING_VALIDATION
    s.add(user)
    s.commit()
    return user


@pytest.mark.asyncio
async def test_profile_handlers_refuse_anonymous(dbs):
    state = make_state(AccountState, path="/espace/profil")
    await state.load()
    assert state.profile == {}
    await state.change_password({"current": PW, "password": "x" * 20, "password2": "x" * 20})
    assert state.saved is False


@pytest.mark.asyncio
async def test_forged_cookie_is_anonymous(dbs):
    _account(dbs, Role.ELEVE, "eleve@exemple.fr")
    state = make_state(AccountState, cookie="mystage_session=forged-token-value")
    await state.load()
    assert state.profile == {}


@pytest.mark.asyncio
async def test_profile_loads_for_its_owner_only(dbs):
    _, cookie = _account(dbs, Role.ELEVE, "eleve@exemple.fr")
    state = make_state(AccountState, cookie=cookie)
    await state.load()
    assert state.profile["email"] == "eleve@exemple.fr"


@pytest.mark.asyncio
async def test_admin_handlers_refuse_anonymous_and_wrong_role(dbs):
    target = _pending_employer(dbs)
    for cookie in ("", _account(dbs, Role.EMPLOYEUR, "autre@exemple.fr")[1]):
        state = make_state(AdminState, cookie=cookie)
        await state.load()
        assert state.allowed is False and state.pending == []
        await state.decide(target.id, True)
        assert "réservée" in state.message
    dbs.expire_all()
    assert dbs.get(User, target.id).status == AccountStatus.PENDING_VALIDATION


@pytest.mark.asyncio
async def test_admin_validates_pending_account(dbs):
    target = _pending_employer(dbs)
    _, cookie = _account(dbs, Role.ADMIN, "admin@exemple.fr")
    state = make_state(AdminState, cookie=cookie)
    await state.load()
    assert [p["id"] for p in state.pending] == [target.id]
    await state.decide(target.id, True)
    assert state.message == "Compte validé."
    dbs.expire_all()
    assert dbs.get(User, target.id).status == AccountStatus.ACTIVE
    # A second decision on the same account is refused (conditional update).
    await state.decide(target.id, False)
    assert "n'attend pas" in state.message


@pytest.mark.asyncio
async def test_revoked_session_is_refused(dbs):
    _, cookie = _account(dbs, Role.ADMIN, "admin@exemple.fr")
    accounts.revoke_session(dbs, cookie.split("=", 1)[1])
    dbs.commit()
    state = make_state(AdminState, cookie=cookie)
    await state.load()
    assert state.allowed is False


@pytest.mark.asyncio
async def test_dev_mailbox_off_without_the_explicit_setting(dbs, monkeypatch):
    """Off unless DEV_MAILBOX=true (no SMTP nor SMS configured no longer turns it on: a
    staging copy with real data showed every mail), and never on an https address."""
    from mystage import settings

    for unset in ("DEV_MAILBOX", "SMTP_URL", "SMS_URL"):
        monkeypatch.delenv(unset, raising=False)
    settings.reload()
    try:
        state = make_state(DevMailState)
        await state.load()
        assert state.enabled is False and state.messages == []
        monkeypatch.setenv("DEV_MAILBOX", "true")
        monkeypatch.setenv("PUBLIC_URL", "https://mystage.exemple.fr")
        settings.reload()
        await state.load()
        assert state.enabled is False and state.messages == []
    finally:
        monkeypatch.setenv("DEV_MAILBOX", "true")
        monkeypatch.delenv("PUBLIC_URL", raising=False)
        settings.reload()
    state = make_state(DevMailState)
    await state.load()
    assert state.enabled is True

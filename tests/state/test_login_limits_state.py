"""Issue 12, through the real Reflex states: the client address of an event (built by
Reflex's own connection code from the websocket's headers, forged X-Forwarded-For included),
the shared-address login attack, and sign-ups that never reveal a taken address."""

from __future__ import annotations

import pytest
import reflex as rx
from reflex.app import EventNamespace
from reflex.istate.data import RouterData
from sqlmodel import select

from mystage.models import LoginAttempt, Outbox, User
from mystage.services import accounts
from mystage.state.accounts import LoginState, SignupState
from mystage.state.accounts import login as auth
from mystage.state.navigation import NavigationState
from mystage.state.session import client_ip

PW = "une phrase de passe solide"
NAT = "198.51.100.20"  # the collège's one public address


@pytest.fixture
def s(reference_db, dbs):
    return dbs


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The waits of slowed-down logins, recorded instead of slept."""
    recorded: list[float] = []

    async def record(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(auth, "sleep", record)
    return recorded


def state(cls, peer: str, headers: dict[str, str] | None = None, path: str = "/connexion"):
    """``cls`` of a fresh tree whose router comes from Reflex's own websocket-connect code
    (``EventNamespace._build_static_router_data``) fed with a raw ASGI scope."""
    scope = {
        "client": (peer, 50123),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    static = EventNamespace._build_static_router_data(None, "sid-test", {"asgi.scope": scope})
    router = RouterData.from_router_data({**static, "pathname": path, "asPath": path, "query": {}})
    root = rx.State()
    root.router = router
    return root.get_substate(cls.get_full_name().split(".")[1:])


FORGED = {"X-Forwarded-For": "6.6.6.6, 198.51.100.77", "asgi-scope-client": "10.9.9.9"}


def test_event_address_ignores_forged_headers_from_an_untrusted_peer(trusted):
    trusted(None)
    assert client_ip(state(LoginState, "203.0.113.5", FORGED)) == "203.0.113.5"
    trusted("10.9.9.9")  # the forged « asgi-scope-client » value: Reflex overwrites it
    assert client_ip(state(LoginState, "203.0.113.5", FORGED)) == "203.0.113.5"


def test_event_address_uses_the_trusted_proxy_header(trusted):
    trusted("127.0.0.1")
    assert client_ip(state(LoginState, "127.0.0.1", FORGED)) == "198.51.100.77"
    assert client_ip(state(LoginState, "127.0.0.1")) == "127.0.0.1"  # no header


@pytest.mark.asyncio
async def test_shared_address_attack_then_the_right_password_gets_in(s, trusted, waits):
    """Every pupil of a collège comes through the TLS proxy (127.0.0.1) from the NAT's
    address.  Someone there fails 40 logins on unknown addresses; a pupil then types the
    right password: slowed down, never refused."""
    trusted("127.0.0.1")
    user, errors = accounts.create_active_account(
        s, role="eleve", email="lina@exemple.fr", password=PW, first_name="Lina"
    )
    assert not errors
    s.commit()
    proxied = {"X-Forwarded-For": NAT}
    limit = accounts.LIMITS["login_ip"].limit
    for i in range(limit + 10):
        login = state(LoginState, "127.0.0.1", proxied)
        await login.submit({"identifier": f"inconnu{i}@exemple.fr", "password": "au hasard 1234"})
        assert login.error.startswith(accounts.MSG_BAD_CREDENTIALS)
        assert "Trop de tentatives" not in login.error
    # The first `limit` failures were not slowed; the next ones waited longer and longer.
    assert len(waits) == 10 and waits == sorted(waits) and waits[0] == accounts.LOGIN_DELAY_FIRST
    keys = {a.key for a in s.exec(select(LoginAttempt)).all()}
    assert "ip:" + NAT in keys and "ip:127.0.0.1" not in keys  # counted for the NAT

    login = state(LoginState, "127.0.0.1", proxied)
    await login.submit({"identifier": "lina@exemple.fr", "password": PW})
    assert login.error == ""
    nav = await login.get_state(NavigationState)
    assert nav.document_url.startswith("/api/session?grant=")  # the page opens the session
    assert len(waits) == 11  # it waited too, then got in
    # Another network behind the same proxy is not slowed at all.
    other = state(LoginState, "127.0.0.1", {"X-Forwarded-For": "192.0.2.44"})
    await other.submit({"identifier": "lina@exemple.fr", "password": PW})
    assert other.error == "" and len(waits) == 11


@pytest.mark.asyncio
async def test_signup_with_a_taken_address_looks_like_a_new_one(s):
    def signup_form(email: str = "", phone: str = "") -> dict:
        return {
            "role": "parent",
            "first_name": "Karim",
            "last_name": "Benali",
            "email": email,
            "phone": phone,
            "password": PW,
            "password2": PW,
            "accept_terms": "on",
        }

    new = state(SignupState, NAT, path="/inscription")
    await new.submit(signup_form(email="Nouveau@Exemple.fr"))
    taken = state(SignupState, NAT, path="/inscription")
    await taken.submit(signup_form(email="NOUVEAU@exemple.fr"))
    for st in (new, taken):
        assert st.errors == {} and st.step == "check_mail"
        assert st.sent_to == "nouveau@exemple.fr"
    s.expire_all()
    assert len(s.exec(select(User)).all()) == 1
    templates = [m.template for m in s.exec(select(Outbox).order_by(Outbox.id)).all()]
    assert templates == ["activation", "signup_existing"]

    # Phone only: the code step either way (the owner gets a short SMS, not a code).
    first = state(SignupState, NAT, path="/inscription")
    await first.submit(signup_form(phone="06 41 42 43 44"))
    again = state(SignupState, NAT, path="/inscription")
    await again.submit(signup_form(phone="0641424344"))
    for st in (first, again):
        assert st.errors == {} and st.step == "phone_code" and st.sent_to == "+33641424344"
    await again.submit_code({"code": "123456"})
    assert again.code_error == accounts.MSG_CODE_INVALID

"""« Supprimer mon compte » driven in-process with real session cookies: only the caller's
own account, the password again, nothing taken from the payload but the password and the
box; afterwards the cookie no longer opens anything."""

from __future__ import annotations

import pytest

from mystage import clock
from mystage.models import User
from mystage.services import accounts
from mystage.state.accounts.erasure import DONE_URL, ErasureState
from tests.state.conftest import make_state, run_handler
from tests.unit.test_erasure import PW, _pupil, _world

PATH = "/espace/compte/suppression"
OTHER_PW = "Autre-Mot-De-Passe-93!"


def _cookie(s, user) -> str:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


def _state(cookie: str = "") -> ErasureState:
    return make_state(ErasureState, cookie=cookie, path=PATH)


@pytest.fixture
def world(reference_db, dbs):
    w = _world(dbs)
    w["s"] = dbs
    w["other"] = _pupil(
        dbs, w["school"], "autre.eleve@exemple.fr", "+33611112222", "Ana", "Ilot", pw=OTHER_PW
    )
    yield w
    clock.freeze(None)


@pytest.mark.anyio
async def test_anonymous_is_sent_to_login(world):
    st = _state()
    events = await run_handler(st.load())
    assert events and "/connexion" in str(events[0])
    events = await run_handler(st.delete_account({"password": PW, "confirm": "on"}))
    assert events and "/connexion" in str(events[0])


@pytest.mark.anyio
async def test_crafted_payloads_touch_only_the_caller(world):
    s, pupil, other = world["s"], world["pupil"], world["other"]
    st = _state(_cookie(s, other))
    await run_handler(st.load())
    assert st.loaded and st.is_pupil and st.blockers == []
    # Another pupil's id, the victim's password: the caller's password is what counts.
    for payload in (
        {"password": PW, "confirm": "on", "user_id": pupil.id},
        {"password": ["x"], "confirm": "on"},
        {"password": None},
        "n'importe quoi",
        {"password": "faux", "confirm": "on", "id": pupil.id},
    ):
        await run_handler(st.delete_account(payload))
        assert st.errors, payload
    s.expire_all()
    assert s.get(User, pupil.id).anonymized_at is None
    assert s.get(User, other.id).anonymized_at is None


@pytest.mark.anyio
async def test_deletion_logs_out_for_good(world):
    s, pupil = world["s"], world["pupil"]
    cookie = _cookie(s, pupil)
    st = _state(cookie)
    await run_handler(st.load())
    await run_handler(st.delete_account({"password": PW}))
    assert "confirm" in st.errors  # the box is needed
    events = await run_handler(st.delete_account({"password": PW, "confirm": "on"}))
    assert st.errors == {} and any(DONE_URL in str(e) for e in events)
    s.expire_all()
    assert s.get(User, pupil.id).anonymized_at is not None
    again = _state(cookie)
    events = await run_handler(again.load())
    assert events and "/connexion" in str(events[0]) and not again.loaded

"""Back office « Utilisateurs » driven in-process with real session cookies and crafted
events: every handler refuses a moderator and every other role; the account acted upon is
the page's, never one named in the payload; each action needs its confirmation and leaves
an audit row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mystage.models import AuditLog, Role, User
from mystage.services import accounts
from mystage.state.admin.users import AdminUsersState, AdminUserState
from tests.state.conftest import make_state, run_handler
from tests.unit.test_admin_users import world  # noqa: F401  (fixture)

USERS = "/espace/admin/utilisateurs"


def _cookie(s, user) -> str:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


def _page(cookie: str, user_id) -> AdminUserState:
    return make_state(AdminUserState, cookie=cookie, path=f"{USERS}/{user_id}")


def _admin_rows(s) -> int:
    return s.execute(
        sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action.like("admin_%"))
    ).scalar()


@pytest.mark.anyio
async def test_every_handler_refused_to_non_admins(world):  # noqa: F811
    s, target = world["s"], world["teacher"]
    target.failed_logins = 4
    s.add(target)
    s.commit()
    for who in ("moderator", "pupil", "teacher", "emp", None):
        cookie = _cookie(s, world[who]) if who else ""
        search = make_state(AdminUsersState, cookie=cookie, path=USERS)
        await run_handler(search.load())
        assert not search.allowed and search.rows == []
        await run_handler(search.search({"q": "06 12 34 56 78"}))
        await run_handler(search.go_page(2))
        assert search.rows == []
        st = _page(cookie, target.id)
        await run_handler(st.load())
        assert not st.allowed and st.user == {}
        for action in ("unlock", "reset_link", "resend_activation", "unblock", "anonymise"):
            await run_handler(st.ask(action))
            assert st.confirm_action == ""
        await run_handler(st.ask_block({"reason": "x"}))
        await run_handler(st.ask_role({"role": Role.MODERATEUR}))
        assert st.confirm_action == ""
        # A crafted « Confirmer » with the action forced in the state: still refused.
        st.confirm_action = "unlock"
        await run_handler(st.confirm())
        assert st.user == {}
    s.expire_all()
    assert s.get(User, target.id).failed_logins == 4
    assert _admin_rows(s) == 0


@pytest.mark.anyio
async def test_admin_finds_and_unlocks_by_phone(world):  # noqa: F811
    s, admin, pupil = world["s"], world["admin"], world["pupil"]
    pupil.failed_logins = 2
    s.add(pupil)
    s.commit()
    cookie = _cookie(s, admin)
    search = make_state(AdminUsersState, cookie=cookie, path=USERS)
    events = await run_handler(search.search({"q": " 06 12 34 56 78 "}))
    assert "q=06%2012%2034%2056%2078" in str(events[0])
    st = _page(cookie, pupil.id)
    await run_handler(st.load())
    assert st.allowed and st.found and st.actions["unlock"]
    # Payload ids are ignored: the page's account is the one acted upon.
    await run_handler(st.ask("unlock"))
    assert st.confirm_action == "unlock"
    await run_handler(st.confirm())
    assert st.message == "Compte déverrouillé." and st.message_kind == "success"
    s.expire_all()
    assert s.get(User, pupil.id).failed_logins == 0
    assert _admin_rows(s) == 1
    # Nothing happens without the confirmation step.
    await run_handler(st.confirm())
    assert st.message and _admin_rows(s) == 1


@pytest.mark.anyio
async def test_bad_inputs_keep_nothing(world):  # noqa: F811
    s, admin, teacher = world["s"], world["admin"], world["teacher"]
    st = _page(_cookie(s, admin), teacher.id)
    await run_handler(st.load())
    await run_handler(st.ask_block({"reason": "  "}))
    assert st.errors.get("reason") and st.confirm_action == ""
    await run_handler(st.ask_block("pas un formulaire"))
    assert st.errors.get("reason")
    await run_handler(st.ask_role({"role": Role.ADMIN}))
    assert st.errors.get("role") and st.confirm_action == ""
    await run_handler(st.ask("drop_table"))
    assert st.confirm_action == "" and st.message
    await run_handler(st.ask("block"))  # block needs its form
    assert st.confirm_action == ""
    await run_handler(st.ask_role({"role": Role.MODERATEUR}))
    assert st.confirm_action == "role"
    await run_handler(st.confirm())
    s.expire_all()
    assert s.get(User, teacher.id).role == Role.MODERATEUR
    await run_handler(st.ask_block({"reason": "Comptes multiples"}))
    await run_handler(st.confirm())
    s.expire_all()
    assert s.get(User, teacher.id).blocked_at is not None
    assert _admin_rows(s) == 2
    # A page for an id out of range, or not a number: nothing found, nothing done.
    for bad in ("0", "-1", "abc", str(2**31)):
        other = _page(_cookie(s, admin), bad)
        await run_handler(other.load())
        assert not other.found
        other.confirm_action = "unblock"
        await run_handler(other.confirm())
    assert _admin_rows(s) == 2

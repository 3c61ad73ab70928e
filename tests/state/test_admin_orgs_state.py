"""Back office, structures and operators (issue 18), driven as crafted events: a moderator
may do structures but not operators; every other role nothing; every action writes its
audit row."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import AuditLog, Operator, OperatorToken, Role, Structure
from mystage.services import accounts
from mystage.state.admin.operators import OperatorsAdminState
from mystage.state.admin.orgs import StructuresAdminState
from tests.state.conftest import make_state
from tests.unit.test_offers import NOW, complete_offer, employer

PW = "mot de passe de test 42"


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def login(s, role, email) -> str:
    user, errors = accounts.create_active_account(
        s, role=role, email=email, password=PW, first_name="Test", last_name=str(role)
    )
    assert not errors
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


def actions(s) -> set[tuple[str, str]]:
    s.expire_all()
    return {(a.entity, a.action) for a in s.exec(select(AuditLog))}


@pytest.mark.asyncio
async def test_other_roles_can_do_nothing(s):
    owner, st = employer(s)
    st.validation_status = "pending"
    s.add(Operator(name="JobIRL"))
    s.commit()
    op_id = s.exec(select(Operator)).one().id
    before = actions(s)
    cookies = [""] + [
        login(s, role, f"{role}@exemple.fr") for role in set(Role) - {Role.ADMIN, Role.MODERATEUR}
    ]
    for cookie in cookies:
        st_state = make_state(StructuresAdminState, cookie=cookie)
        await st_state.load()
        assert st_state.allowed is False and st_state.pending == []
        for action in ("validate", "refuse", "suspend", "lift", "merge"):
            st_state.dialog_action, st_state.dialog_id = action, st.id  # forged
            await st_state.ask(action, st.id)
            await st_state.confirm()
            await st_state.submit_dialog({"reason": "x", "target": "#1"})
        await st_state.search({"q": "Structure"})
        await st_state.show_history(st.id)
        assert st_state.results == [] and st_state.history == []
        op_state = make_state(OperatorsAdminState, cookie=cookie)
        await op_state.load()
        assert op_state.allowed is False and op_state.operators == []
        op_state.selected = {"id": str(op_id)}  # forged
        await op_state.open_operator(op_id)
        await op_state.save_operator({"name": "Pirate"})
        op_state.selected = {"id": str(op_id)}
        await op_state.create_user({"first_name": "A", "last_name": "B", "email": "a@b.fr"})
        op_state.selected = {"id": str(op_id)}
        await op_state.create_token({"name": "t", "scope_offers:read": "on"})
        op_state.revoke_id = 1
        await op_state.confirm_revoke()
        assert op_state.new_token == ""
    s.expire_all()
    assert s.get(Structure, st.id).validation_status == "pending"
    assert s.exec(select(Operator)).one().name == "JobIRL"
    assert s.exec(select(OperatorToken)).all() == []
    assert actions(s) == before


@pytest.mark.asyncio
async def test_a_moderator_does_structures_but_not_operators(s):
    owner, st = employer(s)
    _, dup = employer(s, email="dup@exemple.fr", siret=None, name="Doublon")
    complete_offer(s, owner)
    st.validation_status = "pending"
    s.commit()
    cookie = login(s, Role.MODERATEUR, "moderation@mystage.fr")
    state = make_state(StructuresAdminState, cookie=cookie)
    await state.load()
    assert state.allowed and [r["id"] for r in state.pending] == [str(st.id)]
    assert state.pending[0]["siret_ok"] == "1"
    # Nothing happens before « Confirmer ».
    await state.ask("validate", st.id)
    assert state.dialog_title == "Valider cette structure ?" and state.dialog_name == st.name
    s.expire_all()
    assert s.get(Structure, st.id).validation_status == "pending"
    await state.confirm()
    assert "validée" in state.message and state.pending == []
    # Suspend: the reason is required (error next to the field, dialog kept open).
    await state.search({"q": "structure"})
    assert [r["id"] for r in state.results] == [str(st.id)]
    await state.ask("suspend", st.id)
    await state.submit_dialog({"reason": ""})
    assert state.reason_error and state.dialog_action == "suspend"
    await state.submit_dialog({"reason": "Annonces trompeuses"})
    assert state.dialog_action == "" and "suspendue" in state.message
    await state.ask("lift", st.id)
    await state.confirm()
    assert "levée" in state.message
    # Merge: the target is checked.
    await state.ask("merge", dup.id)
    await state.submit_dialog({"target": "#999999"})
    assert state.target_error and state.dialog_action == "merge"
    await state.submit_dialog({"target": f"#{st.id}"})
    assert "regroupé" in state.message
    await state.show_history(st.id)
    assert {h["action"] for h in state.history} >= {"validate", "suspend", "reinstate", "merge"}
    assert {
        ("structure", "validate"),
        ("structure", "suspend"),
        ("structure", "reinstate"),
        ("structure", "merge"),
        ("structure", "merge_in"),
        ("offer", "unpublish"),
    } <= actions(s)
    # Operators: refused to a moderator.
    ops = make_state(OperatorsAdminState, cookie=cookie)
    await ops.load()
    assert ops.allowed is False
    await ops.new_operator()
    await ops.save_operator({"name": "JobIRL"})
    assert ops.message.startswith("Action réservée") and s.exec(select(Operator)).all() == []


@pytest.mark.asyncio
async def test_an_admin_runs_the_operators_page(s):
    cookie = login(s, Role.ADMIN, "admin@mystage.fr")
    state = make_state(OperatorsAdminState, cookie=cookie)
    await state.load()
    assert state.allowed and state.operators == []
    await state.new_operator()
    assert state.is_new
    await state.save_operator({"name": "", "contact_email": "x"})
    assert set(state.errors) == {"name", "contact_email"}
    await state.save_operator({"name": "Tous en stage", "website": "tousenstage.fr"})
    assert state.errors == {} and state.selected["name"] == "Tous en stage"
    oid = int(state.selected["id"])
    await state.create_user({"first_name": "Léa", "last_name": "Roux", "email": "lea@tes.fr"})
    assert state.user_errors == {} and [u["email"] for u in state.users] == ["lea@tes.fr"]
    await state.create_token(
        {"name": "Prod", "scope_offers:read": "on", "scope_applications": True}
    )
    assert state.new_token.startswith("mst_")
    token = s.exec(select(OperatorToken)).one()
    assert token.scopes == "offers:read,applications" and token.operator_id == oid
    assert state.tokens[0]["prefix"].startswith(token.prefix)
    await state.create_token({"name": "Sans droit"})
    assert state.token_errors.get("scopes") and state.new_token == ""
    await state.ask_revoke(token.id)
    assert state.revoke_name == "Prod"
    await state.confirm_revoke()
    assert state.tokens[0]["revoked"] == "1" and state.revoke_id == 0
    assert {
        ("operator", "create"),
        ("user", "create"),
        ("operator_token", "create"),
        ("operator_token", "revoke"),
    } <= actions(s)

"""« Tous mes espaces »: the handlers called directly with crafted events — another
structure's space ids, a member who is not the owner, a removed member, anonymous —
are refused and change nothing; the owner's work; bad input keeps the typed value."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import AuditLog, EmployerSpace, Offer, SpaceMember, StructureMember
from mystage.services import accounts, structures
from mystage.services.structures import spaces as sp_mod
from mystage.state.offers import EmployerDashboardState
from mystage.state.structures_spaces import MSG_DENIED, SpacesState
from tests.state.conftest import make_state
from tests.unit.test_offers import NOW, add_member, complete_offer, employer, make_user


def _cookie(s, user) -> str:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


@pytest.fixture
def world(reference_db, dbs):
    clock.freeze(NOW)
    s = dbs
    owner, st = employer(s)
    offer_id = complete_offer(s, owner)
    paul = make_user(s, email="paul@boulangerie-martin.fr", first_name="Paul")
    add_member(s, st, paul)
    lyon, _ = structures.create_space(s, owner, "Agence de Lyon")
    stranger, other = employer(s, email="autre@concurrent.fr", siret="35600000000048")
    other_offer = complete_offer(s, stranger)
    yield {
        "s": s,
        "owner": owner,
        "st": st,
        "offer": offer_id,
        "paul": paul,
        "lyon": lyon,
        "main": structures.first_space(s, st.id).id,
        "stranger": stranger,
        "other_space": structures.first_space(s, other.id).id,
        "other_offer": other_offer,
    }
    clock.freeze(None)


def _fingerprint(s):
    s.expire_all()
    return (
        sorted((e.id, e.structure_id, e.name) for e in s.exec(select(EmployerSpace))),
        sorted((o.id, o.space_id) for o in s.exec(select(Offer))),
        sorted((m.space_id, m.user_id, m.notify, m.access) for m in s.exec(select(SpaceMember))),
        sorted((m.id, m.all_spaces) for m in s.exec(select(StructureMember))),
        len(s.exec(select(AuditLog)).all()),
    )


def _state(s, user):
    return make_state(
        SpacesState, cookie=_cookie(s, user) if user else "", path="/espace/employeur/espaces"
    )


async def _every_handler(st, w, member_id, stranger: bool):
    if not stranger:  # (a stranger may create spaces in their own structure)
        await st.create({"name": "Pirate"})
    st.start_rename(str(w["lyon"]), "Agence de Lyon")
    await st.rename({"name": "Piraté"})
    await st.delete(w["lyon"])
    await st.delete(w["other_space"])
    await st.move({"offer_" + str(w["offer"]): "on", "space_id": str(w["lyon"])})
    await st.move({"offer_" + str(w["other_offer"]): "on", "space_id": str(w["other_space"])})
    await st.set_access(
        {"member_id": str(member_id), "scope": "some", "space_" + str(w["lyon"]): "on"}
    )
    await st.set_notify(w["main"] if stranger else w["other_space"], False)


@pytest.mark.asyncio
@pytest.mark.parametrize("who", ["paul", "stranger", "anonymous", "removed"])
async def test_crafted_events_are_refused(world, who):
    s = world["s"]
    member_id = s.exec(
        select(StructureMember.id).where(StructureMember.user_id == world["paul"].id)
    ).one()
    if who == "removed":
        s.execute(
            sa.update(StructureMember)
            .where(StructureMember.id == member_id)
            .values(status="removed")
        )
        s.commit()
    user = {"paul": world["paul"], "stranger": world["stranger"], "removed": world["paul"]}.get(who)
    st = _state(s, user)
    await st.load()
    before = _fingerprint(s)
    await _every_handler(st, world, member_id, who == "stranger")
    if who in ("removed", "stranger"):
        # Nothing of the other structure is shown, nothing changes.
        assert all(sp["id"] not in (str(world["main"]), str(world["lyon"])) for sp in st.spaces)
    if who == "paul":
        assert st.error == MSG_DENIED or st.errors or st.error
    assert _fingerprint(s) == before


@pytest.mark.asyncio
async def test_owner_manages_spaces_and_members(world):
    s, owner = world["s"], world["owner"]
    st = _state(s, owner)
    await st.load()
    assert st.is_owner and [x["name"] for x in st.spaces] == ["Espace principal", "Agence de Lyon"]
    assert st.spaces[0]["offers"] == "1" and st.spaces[0]["notify"] == "1"
    # Bad input: the message next to the field, the value kept, nothing stored.
    before = _fingerprint(s)
    await st.create({"name": "agence de lyon"})
    assert st.errors == {"name": sp_mod.MSG_NAME_TAKEN} and st.new_name == "agence de lyon"
    assert _fingerprint(s) == before
    await st.create({"name": "Agence de Nantes"})
    assert st.errors == {} and st.new_name == "" and len(st.spaces) == 3
    nantes = st.spaces[2]["id"]
    st.start_rename(nantes, "Agence de Nantes")
    await st.rename({"name": ""})
    assert st.errors == {"rename": sp_mod.MSG_NAME_REQUIRED} and st.editing == nantes
    await st.rename({"name": "Nantes centre"})
    assert st.spaces[2]["name"] == "Nantes centre" and st.editing == ""
    await st.move({"offer_" + str(world["offer"]): "on", "space_id": nantes})
    assert st.message == "1 offre(s) déplacée(s)."
    await st.delete(world["main"])
    assert st.error == "" and len(st.spaces) == 2
    await st.set_notify(int(nantes), False)
    assert [x["notify"] for x in st.spaces if x["id"] == nantes] == [""]
    paul_row = [m for m in st.members if m["email"] == world["paul"].email][0]
    await st.set_access({"member_id": paul_row["id"], "scope": "some"})
    assert st.errors == {f"access_{paul_row['id']}": sp_mod.MSG_PICK_ONE}
    await st.set_access(
        {"member_id": paul_row["id"], "scope": "some", "space_" + str(world["lyon"]): "on"}
    )
    paul_row = [m for m in st.members if m["email"] == world["paul"].email][0]
    assert paul_row["all_spaces"] == "" and paul_row["spaces_label"] == "Agence de Lyon"

    # Paul now only sees Lyon (empty): the dashboard shows nothing of Nantes.
    paul_state = _state(s, world["paul"])
    await paul_state.load()
    assert [x["name"] for x in paul_state.spaces] == ["Agence de Lyon"] and paul_state.limited
    dash = make_state(
        EmployerDashboardState, cookie=_cookie(s, world["paul"]), path="/espace/employeur"
    )
    dash.tab = "offres"
    await dash._refresh()
    assert dash.rows == [] and [x["name"] for x in dash.spaces] == ["Agence de Lyon"]


@pytest.mark.asyncio
async def test_dashboard_space_filter(world):
    s, owner = world["s"], world["owner"]
    dash = make_state(EmployerDashboardState, cookie=_cookie(s, owner), path="/espace/employeur")
    dash.tab = "offres"
    await dash.apply_filters({"space_id": str(world["lyon"])})
    assert dash.rows == [] and dash.filter_space == str(world["lyon"])
    await dash.apply_filters({"space_id": str(world["main"])})
    assert [r["id"] for r in dash.rows] == [str(world["offer"])]
    await dash.apply_filters({"space_id": str(world["other_space"])})  # another structure's
    assert dash.rows == []
    await dash.apply_filters({"space_id": "abc"})
    assert dash.filter_space == "" and len(dash.rows) == 1

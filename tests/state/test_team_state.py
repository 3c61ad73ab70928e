"""« Mon équipe » handlers called directly with crafted events: another structure's ids,
a member who is not the owner, a removed member, anonymous callers; the invitation page."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import AuditLog, Offer, Structure, StructureMember
from mystage.services import accounts, structures
from mystage.state.structures_team import TeamInvitationState, TeamState
from tests.state.conftest import make_state, run_handler
from tests.unit.test_offers import NOW, complete_offer, employer
from tests.unit.test_team import invite, signup_data

CRAFTED = [None, "", "abc", -1, 0, True, 3.5, {"id": 1}, [1], "1 OR 1=1", 2**70, "9" * 40]


def _cookie(s, user) -> str:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


def _team(s, user=None) -> TeamState:
    cookie = _cookie(s, user) if user is not None else ""
    return make_state(TeamState, cookie=cookie, path="/espace/employeur/equipe")


def _row(s, structure_id, user_id):
    s.expire_all()
    return s.exec(
        select(StructureMember).where(
            StructureMember.structure_id == structure_id, StructureMember.user_id == user_id
        )
    ).first()


@pytest.fixture
def world(reference_db, dbs):
    s = dbs
    clock.freeze(NOW)
    owner, st = employer(s)
    offer_id = complete_offer(s, owner)
    paul, _ = structures.accept_with_signup(s, invite(s, owner), signup_data())
    other_owner, other = employer(s, email="jean@autre.fr", siret="35600000000048")
    other_member, _ = structures.accept_with_signup(
        s, invite(s, other_owner, "luc@autre.fr"), signup_data(first_name="Luc", phone_mobile="")
    )
    invite(s, other_owner, "eve@autre.fr")
    assert paul is not None and other_member is not None
    yield {
        "s": s, "owner": owner, "st": st, "paul": paul, "offer_id": offer_id,
        "other_owner": other_owner, "other": other, "other_member": other_member,
    }  # fmt: skip
    clock.freeze(None)


def _fingerprint(s):
    s.expire_all()
    members = sorted((m.id, m.status, m.role, m.user_id) for m in s.exec(select(StructureMember)))
    owners = sorted((x.id, x.owner_id) for x in s.exec(select(Structure)))
    offers = sorted((o.id, o.created_by_id) for o in s.exec(select(Offer)))
    return members, owners, offers, len(s.exec(select(AuditLog)).all())


@pytest.mark.asyncio
async def test_owner_sees_and_runs_the_team(world):
    w, s = world, world["s"]
    st = _team(s, w["owner"])
    await st.load()
    assert st.allowed and st.is_owner
    assert [m["user_id"] for m in st.members] == [str(w["owner"].id), str(w["paul"].id)]
    await st.invite({"email": "pas une adresse"})
    assert "invalide" in st.invite_error and st.invite_value == "pas une adresse"
    await st.invite({"email": "eve@boulangerie-martin.fr"})
    assert st.invite_error == "" and st.invite_value == ""
    assert [i["email"] for i in st.invitations] == ["eve@boulangerie-martin.fr"]
    iid = st.invitations[0]["id"]
    await st.resend(iid)
    assert st.error == "" and "nouvelle invitation" in st.message
    await st.cancel_invitation(iid)
    assert st.error == "" and st.invitations == []

    paul_mid = next(m["id"] for m in st.members if m["user_id"] == str(w["paul"].id))
    st.ask("hand_over", paul_mid, "Paul Durand")
    await st.confirm()
    assert st.error == "" and not st.is_owner
    s.expire_all()
    assert s.get(Structure, w["st"].id).owner_id == w["paul"].id


@pytest.mark.asyncio
async def test_member_leaves_and_loses_access(world):
    w, s = world, world["s"]
    st = _team(s, w["paul"])
    await st.load()
    assert st.allowed and not st.is_owner and st.invitations == [] and st.requests == []
    me = next(m["id"] for m in st.members if m["is_me"])
    st.ask("leave", me)
    events = await run_handler(st.confirm())
    assert st.error == "" and events  # back to the dashboard
    assert _row(s, w["st"].id, w["paul"].id).status == "removed"
    st2 = _team(s, w["paul"])
    await st2.load()
    assert not st2.allowed and st2.members == []


@pytest.mark.asyncio
@pytest.mark.parametrize("who", ["paul", "other_owner", "other_member", "anonymous"])
async def test_crafted_events_are_refused(world, who):
    """Every handler with every other structure's / person's ids: nothing changes."""
    w, s = world, world["s"]
    user = None if who == "anonymous" else w[who]
    ids = [m.id for m in s.exec(select(StructureMember).where(
        StructureMember.structure_id == w["st"].id))]  # fmt: skip
    invite(s, w["owner"], "zoe@exemple.fr")
    ids += [m.id for m in s.exec(select(StructureMember).where(
        StructureMember.structure_id == w["st"].id, StructureMember.status == "invited"))]  # fmt: skip
    before = _fingerprint(s)
    st = _team(s, user)
    await st.load()
    for mid in ids + CRAFTED:
        await st.resend(mid)
        await st.cancel_invitation(mid)
        await st.decide(mid, True)
        for action in ("remove", "hand_over"):
            st.ask(action, mid)
            await st.confirm()
    if who in ("anonymous", "other_owner"):  # members may leave their own team (no id)
        st.ask("leave", 0)
        await st.confirm()
    await st.invite({"email": "intrus@exemple.fr"} if who != "other_owner" else {"email": ""})
    after = _fingerprint(s)
    assert after == before


@pytest.mark.asyncio
async def test_removed_member_refused_at_next_call(world):
    w, s = world, world["s"]
    paul_state = _team(s, w["paul"])
    await paul_state.load()
    assert paul_state.allowed
    assert structures.remove_member(s, w["owner"], _row(s, w["st"].id, w["paul"].id).id) == ""
    # The same open page, next event: refused.
    await paul_state.invite({"email": "x@exemple.fr"})
    assert not paul_state.allowed
    from mystage.services import permissions

    s.expire_all()
    assert not permissions.can_edit_offer(s, w["paul"], s.get(Offer, w["offer_id"]))


def _invitation_state(s, token, user=None) -> TeamInvitationState:
    cookie = _cookie(s, user) if user is not None else ""
    return make_state(TeamInvitationState, cookie=cookie, path=f"/invitation/equipe/{token}")


@pytest.mark.asyncio
async def test_invitation_page_signup(world):
    w, s = world, world["s"]
    token = invite(s, w["owner"], "nina@boulangerie-martin.fr")
    page = _invitation_state(s, token)
    await page.load()
    assert page.invalid == "" and page.info["email"] == "nina@boulangerie-martin.fr"
    assert not page.logged_in
    await page.submit({**signup_data(first_name="Nina", phone_mobile=""), "password2": "autre"})
    assert page.errors.get("password2") and not page.done
    assert page.values["first_name"] == "Nina"  # input kept
    await page.submit({**signup_data(first_name="Nina", phone_mobile=""), "accept_privacy": "on"})
    assert page.errors == {} and page.done
    nina = s.exec(select(StructureMember).where(StructureMember.structure_id == w["st"].id)).all()
    assert len([m for m in nina if m.status == "active"]) == 3
    again = _invitation_state(s, token)
    await again.load()
    assert again.invalid == structures.MSG_LINK_USED


@pytest.mark.asyncio
async def test_invitation_page_wrong_person_and_right_person(world):
    w, s = world, world["s"]
    token = invite(s, w["owner"], "jean@autre.fr")  # the other structure's owner
    page = _invitation_state(s, token, w["other_member"])
    await page.load()
    assert page.logged_in
    await page.join()
    assert "jean@autre.fr" in page.refused
    assert _row(s, w["st"].id, w["other_member"].id) is None
    page = _invitation_state(s, token, w["other_owner"])
    await page.load()
    await page.join()
    assert page.refused == "" and page.done
    assert _row(s, w["st"].id, w["other_owner"].id).status == "active"
    bad = _invitation_state(s, "nimportequoi")
    await bad.load()
    assert bad.invalid == structures.MSG_LINK_INVALID
    await bad.submit(signup_data())
    assert not bad.done

"""« Mon équipe »: invitations (sign up or log in from the link), removing a member,
leaving, handing ownership over, the work moved to the owner, and what an active member may
do for the whole structure (offers, applications, conventions)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import (
    AuditLog,
    Offer,
    OneTimeToken,
    Outbox,
    Role,
    Structure,
    StructureMember,
    User,
)
from mystage.services import permissions, structures
from mystage.services.permissions import PermissionDenied
from mystage.services.structures import invitations, team
from tests.unit.test_offers import (
    NOW,
    PW,
    add_member,
    apply,
    complete_offer,
    employer,
    make_user,
    pupil,
)

COLLEAGUE = "paul.durand@boulangerie-martin.fr"


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def mails(s, to: str, template: str | None = None) -> list[Outbox]:
    s.expire_all()
    stmt = select(Outbox).where(Outbox.recipient == to)
    if template:
        stmt = stmt.where(Outbox.template == template)
    return list(s.exec(stmt.order_by(Outbox.id)))


def link_token(mail: Outbox) -> str:
    return re.search(r"/invitation/equipe/([A-Za-z0-9_-]+)", mail.body).group(1)


def signup_data(**over) -> dict:
    data = {
        "civility": "M.",
        "first_name": "Paul",
        "last_name": "Durand",
        "job_title": "Vendeur",
        "phone_mobile": "07 11 22 33 44",
        "password": PW,
        "password2": PW,
        "accept_privacy": True,
    }
    data.update(over)
    return data


def invite(s, owner, email=COLLEAGUE) -> str:
    assert structures.invite_colleague(s, owner, email, "198.51.100.1") == {}
    return link_token(mails(s, email, "team_invitation")[-1])


def member_row(s, structure_id, user_id) -> StructureMember | None:
    s.expire_all()
    return s.exec(
        select(StructureMember).where(
            StructureMember.structure_id == structure_id, StructureMember.user_id == user_id
        )
    ).first()


def test_invite_then_sign_up_joins_the_team(s):
    owner, st = employer(s)
    token = invite(s, owner)
    row = s.exec(select(StructureMember).where(StructureMember.status == "invited")).one()
    assert (row.invited_email, row.role, row.user_id) == (COLLEAGUE, "member", None)
    tok = s.exec(select(OneTimeToken).where(OneTimeToken.purpose == "invitation")).one()
    assert tok.token_hash != token and token not in tok.payload
    assert invitations.tokens.payload_of(tok) == {"member_id": row.id, "structure_id": st.id}
    assert clock.as_utc(tok.expires_at) - clock.now() == timedelta(days=14)
    [mail] = mails(s, COLLEAGUE, "team_invitation")
    assert "Claire Martin" in mail.body and st.name in mail.subject

    info, error = structures.invitation_info(s, token)
    assert error == "" and info["email"] == COLLEAGUE and info["structure_name"] == st.name

    # Bad input: French messages per field, nothing stored, the link still usable.
    user, errors = structures.accept_with_signup(
        s, token, signup_data(first_name="", password2="autre chose", accept_privacy=False)
    )
    assert user is None and set(errors) == {"first_name", "password2", "accept_privacy"}
    assert s.exec(select(User).where(User.email == COLLEAGUE)).first() is None

    user, errors = structures.accept_with_signup(s, token, signup_data(), "198.51.100.2")
    assert errors == {} and user.role == Role.EMPLOYEUR and user.status == "active"
    assert user.email == COLLEAGUE and user.phone == "+33711223344"
    m = member_row(s, st.id, user.id)
    assert (m.id, m.status, m.role) == (row.id, "active", "member")
    assert structures.structure_for_user(s, user).id == st.id
    assert structures.active_member_ids(s, st.id) == [owner.id, user.id]
    assert s.exec(
        select(AuditLog).where(AuditLog.action == "invitation_accepted", AuditLog.entity_id == m.id)
    ).first()

    # Single use.
    assert structures.invitation_info(s, token) == (None, structures.MSG_LINK_USED)
    user2, errors = structures.accept_with_signup(s, token, signup_data())
    assert user2 is None and errors == {"token": structures.MSG_LINK_USED}


def test_member_sees_and_edits_the_structure_offers(s):
    owner, st = employer(s)
    offer_id = complete_offer(s, owner)
    user, _ = structures.accept_with_signup(s, invite(s, owner), signup_data())
    offer = s.get(Offer, offer_id)
    assert permissions.can_edit_offer(s, user, offer)
    assert permissions.can_publish_offer(s, user, offer)
    # Applications and conventions follow the offer's editors.
    from mystage.services.conventions import access

    kid = pupil(s)
    app = apply(s, kid, offer_id)
    assert permissions.can_decide_application(s, user, app, offer)
    x = access.Loaded(None, app, offer, kid)
    assert access.is_employer(s, user, x)


def test_link_expired_and_invalid(s):
    owner, _st = employer(s)
    token = invite(s, owner)
    assert structures.invitation_info(s, "x" * 43) == (None, structures.MSG_LINK_INVALID)
    assert structures.invitation_info(s, None) == (None, structures.MSG_LINK_INVALID)
    clock.freeze(NOW + timedelta(days=15))
    assert structures.invitation_info(s, token) == (None, structures.MSG_LINK_EXPIRED)
    user, errors = structures.accept_with_signup(s, token, signup_data())
    assert user is None and errors == {"token": structures.MSG_LINK_EXPIRED}


def test_school_invitation_links_are_not_team_links(s):
    owner, _st = employer(s)
    raw = invitations.tokens.issue(
        s, "invitation", target=COLLEAGUE, payload={"school_id": 1, "email": COLLEAGUE}
    )
    s.commit()
    assert structures.invitation_info(s, raw) == (None, structures.MSG_LINK_INVALID)


def test_logged_in_right_person_joins_wrong_person_refused(s):
    owner, st = employer(s)
    other_owner, other = employer(s, email="jean@autre.fr", siret="35600000000048")
    token = invite(s, owner, "jean@autre.fr")
    stranger = make_user(s, email="intrus@exemple.fr")
    msg = structures.accept_as_user(s, stranger, token)
    assert "jean@autre.fr" in msg and "autre adresse" in msg
    assert structures.invitation_info(s, token)[1] == ""  # still usable
    kid = pupil(s, email="JEAN2@autre.fr")
    token2 = invite(s, owner, "jean2@autre.fr")
    assert structures.accept_as_user(s, kid, token2) == invitations.MSG_WRONG_ROLE
    with pytest.raises(PermissionDenied):
        structures.accept_as_user(s, None, token)

    assert structures.accept_as_user(s, other_owner, token) == ""
    assert member_row(s, st.id, other_owner.id).status == "active"
    # Still the owner of their own structure, where they keep acting first.
    assert structures.structure_for_user(s, other_owner).id == other.id
    assert st.id in permissions.member_structure_ids(s, other_owner)
    # A signed-up account on the invited address cannot sign up again: log in instead.
    token3 = invite(s, owner, "intrus@exemple.fr")
    _u, errors = structures.accept_with_signup(s, token3, signup_data())
    assert errors == {"form": invitations.MSG_HAS_ACCOUNT}


def test_invite_errors_and_owner_only(s):
    owner, st = employer(s)
    stranger, _ = employer(s, email="jean@autre.fr", siret="35600000000048")
    assert structures.invite_colleague(s, owner, "") == {"email": invitations.MSG_EMAIL_REQUIRED}
    assert "invalide" in structures.invite_colleague(s, owner, "pas-une-adresse")["email"]
    assert structures.invite_colleague(s, owner, owner.email) == {
        "email": invitations.MSG_ALREADY_MEMBER
    }
    invite(s, owner)
    assert structures.invite_colleague(s, owner, COLLEAGUE.upper()) == {
        "email": invitations.MSG_ALREADY_INVITED
    }
    user, _ = structures.accept_with_signup(s, invite(s, owner, "eve@exemple.fr"), signup_data())
    with pytest.raises(PermissionDenied):  # a member is not the owner
        structures.invite_colleague(s, user, "x@exemple.fr")
    with pytest.raises(PermissionDenied):
        structures.invite_colleague(s, None, "x@exemple.fr")
    [inv] = structures.pending_invitations(s, st.id)
    for actor in (stranger, user, None):
        with pytest.raises(PermissionDenied):
            structures.resend_invitation(s, actor, inv["id"])
        with pytest.raises(PermissionDenied):
            structures.cancel_invitation(s, actor, inv["id"])
    for crafted in (None, "abc", -1, 0, True, 2**70, {"id": 1}):
        with pytest.raises(PermissionDenied):
            structures.cancel_invitation(s, owner, crafted)
    # an active member's row is not an invitation
    with pytest.raises(PermissionDenied):
        structures.cancel_invitation(s, owner, member_row(s, st.id, user.id).id)


def test_invitation_rate_limit(s):
    owner, _st = employer(s)
    invite(s, owner)
    [inv] = structures.pending_invitations(s, _st.id)
    for _ in range(4):
        assert structures.resend_invitation(s, owner, inv["id"], "198.51.100.1") == ""
    assert structures.resend_invitation(s, owner, inv["id"]) == invitations.MSG_TOO_MANY


def test_resend_kills_the_old_link_and_cancel(s):
    owner, st = employer(s)
    old = invite(s, owner)
    [inv] = structures.pending_invitations(s, st.id)
    assert inv["email"] == COLLEAGUE and not inv["expired"]
    assert structures.resend_invitation(s, owner, inv["id"]) == ""
    new = link_token(mails(s, COLLEAGUE, "team_invitation")[-1])
    assert new != old
    assert structures.invitation_info(s, old) == (None, structures.MSG_LINK_USED)
    assert structures.invitation_info(s, new)[1] == ""
    assert structures.cancel_invitation(s, owner, inv["id"]) == ""
    assert structures.cancel_invitation(s, owner, inv["id"]) == invitations.MSG_INVITATION_DONE
    assert structures.resend_invitation(s, owner, inv["id"]) == invitations.MSG_INVITATION_DONE
    assert structures.invitation_info(s, new) == (None, structures.MSG_LINK_USED)
    assert structures.pending_invitations(s, st.id) == []
    # Re-inviting the same address after a cancel works.
    invite(s, owner)


def _team(s):
    owner, st = employer(s)
    paul, _ = structures.accept_with_signup(s, invite(s, owner), signup_data())
    return owner, st, paul


def test_remove_member_moves_work_and_access_ends(s):
    owner, st, paul = _team(s)
    offer_id = complete_offer(s, paul)
    offer = s.get(Offer, offer_id)
    offer.recipient_user_id = paul.id
    offer.contact_email = paul.email
    s.commit()
    other_owner, other = employer(s, email="jean@autre.fr", siret="35600000000048")
    other_offer = complete_offer(s, other_owner)
    mid = member_row(s, st.id, paul.id).id

    with pytest.raises(PermissionDenied):
        structures.remove_member(s, paul, mid)  # not the owner
    with pytest.raises(PermissionDenied):
        structures.remove_member(s, other_owner, mid)  # another structure's owner
    owner_mid = member_row(s, st.id, owner.id).id
    assert structures.remove_member(s, owner, owner_mid) == team.MSG_NOT_YOURSELF

    assert permissions.can_edit_offer(s, paul, s.get(Offer, offer_id))
    assert structures.remove_member(s, owner, mid) == ""
    assert structures.remove_member(s, owner, mid) == structures.MSG_MEMBER_GONE
    s.expire_all()
    assert member_row(s, st.id, paul.id).status == "removed"
    offer = s.get(Offer, offer_id)
    assert (offer.created_by_id, offer.recipient_user_id, offer.contact_email) == (
        owner.id,
        owner.id,
        owner.email,
    )
    assert s.get(Offer, other_offer).created_by_id == other_owner.id  # untouched
    # The removed member loses access at the next call.
    assert not permissions.can_edit_offer(s, paul, offer)
    assert structures.structure_for_user(s, paul) is None
    with pytest.raises(PermissionDenied):
        structures.team_overview(s, paul)
    assert len(mails(s, paul.email, "team_removed")) == 1
    actions = {a.action for a in s.exec(select(AuditLog)).all()}
    assert {"remove", "transfer_work"} <= actions
    assert structures.active_member_ids(s, st.id) == [owner.id]


def test_leave_team(s):
    owner, st, paul = _team(s)
    offer_id = complete_offer(s, paul)
    assert structures.leave_team(s, owner) == structures.MSG_OWNER_CANNOT_LEAVE
    assert structures.leave_team(s, paul) == ""
    s.expire_all()
    assert member_row(s, st.id, paul.id).status == "removed"
    assert s.get(Offer, offer_id).created_by_id == owner.id
    with pytest.raises(PermissionDenied):
        structures.leave_team(s, paul)
    # Invited again later: the old row is replaced, active again.
    assert structures.accept_as_user(s, paul, invite(s, owner, paul.email)) == ""
    assert member_row(s, st.id, paul.id).status == "active"


def test_hand_over(s):
    owner, st, paul = _team(s)
    mid = member_row(s, st.id, paul.id).id
    with pytest.raises(PermissionDenied):
        structures.hand_over(s, paul, mid)
    assert structures.hand_over(s, owner, member_row(s, st.id, owner.id).id) == (
        team.MSG_NOT_YOURSELF
    )
    assert structures.hand_over(s, owner, mid) == ""
    s.expire_all()
    assert s.get(Structure, st.id).owner_id == paul.id
    assert member_row(s, st.id, paul.id).role == "owner"
    assert member_row(s, st.id, owner.id).role == "member"
    assert structures.owner_of(s, s.get(Structure, st.id)).id == paul.id
    assert structures.active_member_ids(s, st.id) == [paul.id, owner.id]
    assert len(mails(s, paul.email, "team_ownership")) == 1
    assert len(mails(s, owner.email, "team_ownership")) == 1
    # The former owner has lost the owner's actions at once.
    with pytest.raises(PermissionDenied):
        structures.hand_over(s, owner, mid)
    with pytest.raises(PermissionDenied):
        structures.invite_colleague(s, owner, "x@exemple.fr")
    assert structures.team_overview(s, paul)["is_owner"] is True
    assert structures.leave_team(s, owner) == ""


def test_overview(s):
    owner, st, paul = _team(s)
    invite(s, owner, "eve@exemple.fr")
    o = structures.team_overview(s, owner)
    assert o["is_owner"] and [m["user_id"] for m in o["members"]] == [owner.id, paul.id]
    assert [i["email"] for i in o["invitations"]] == ["eve@exemple.fr"]
    p = structures.team_overview(s, paul)
    assert not p["is_owner"] and p["invitations"] == [] and p["requests"] == []
    assert [m["is_me"] for m in p["members"]] == [False, True]


def test_same_siret_join_request_accepted_is_an_active_membership(s):
    owner, st = employer(s)
    offer_id = complete_offer(s, owner)
    req = make_user(s, email="req@boulangerie-martin.fr")
    add_member(s, st, req, status="pending")
    assert not permissions.can_edit_offer(s, req, s.get(Offer, offer_id))
    [r] = structures.join_requests(s, owner)
    assert structures.decide_join_request(s, owner, r["id"], True) == ""
    assert member_row(s, st.id, req.id).status == "active"
    assert permissions.can_edit_offer(s, req, s.get(Offer, offer_id))
    assert structures.structure_for_user(s, req).id == st.id

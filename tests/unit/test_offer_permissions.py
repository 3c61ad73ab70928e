"""Who may act on an offer: another employer, anonymous, pupils, pending members cannot
(PermissionDenied or an error, nothing changes); team members and admins can."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import AuditLog, Offer, OfferState, OfferWeek, Role
from mystage.services import offers, permissions, structures
from mystage.services.permissions import PermissionDenied
from tests.unit.test_offers import (
    NOW,
    add_member,
    apply,
    complete_offer,
    employer,
    make_user,
    pupil,
    step_data,
)

USER_ACTIONS = ["publish", "unpublish", "republish", "deactivate", "close_applications", "remove"]


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


@pytest.fixture
def world(s):
    owner, st = employer(s)
    published = complete_offer(s, owner)
    draft = complete_offer(s, owner, publish=False)
    stranger, _ = employer(s, email="autre@concurrent.fr", siret="35600000000048")
    member = make_user(s, email="paul@boulangerie-martin.fr", first_name="Paul")
    add_member(s, st, member)
    waiting = make_user(s, email="nouveau@boulangerie-martin.fr", first_name="Nina")
    add_member(s, st, waiting, status="pending")
    admin = make_user(s, role=Role.ADMIN, email="admin@mystage.fr")
    lea = pupil(s)
    apply(s, lea, published)
    return {
        "owner": owner,
        "structure": st,
        "published": published,
        "draft": draft,
        "stranger": stranger,
        "member": member,
        "waiting": waiting,
        "admin": admin,
        "pupil": lea,
    }


def _snapshot(s, offer_id):
    s.expire_all()
    offer = s.get(Offer, offer_id)
    weeks = [
        (w.week_start, w.places)
        for w in s.exec(select(OfferWeek).where(OfferWeek.offer_id == offer_id))
    ]
    audit = len(s.exec(select(AuditLog).where(AuditLog.entity == "offer")).all())
    return (offer.state, offer.title, offer.draft_form, offer.application_end, weeks, audit,
            len(s.exec(select(Offer)).all()))  # fmt: skip


@pytest.mark.parametrize("who", ["stranger", "anonymous", "pupil", "waiting"])
@pytest.mark.parametrize("which", ["published", "draft"])
def test_outsiders_can_do_nothing(s, world, who, which):
    actor = None if who == "anonymous" else world[who]
    offer_id = world[which]
    before = _snapshot(s, offer_id)
    for step in (1, 2, 3, 4):
        with pytest.raises(PermissionDenied):
            offers.load_step(s, actor, offer_id, step)
        with pytest.raises(PermissionDenied):
            offers.save_step(s, actor, offer_id, step, step_data(s, step, title="Piraté"))
    for action in USER_ACTIONS:
        assert offers.transition(s, actor, offer_id, action) == offers.MSG_DENIED
    assert offers.duplicate(s, actor, offer_id) == (None, offers.MSG_DENIED)
    assert offers.duplicate(s, actor, offer_id, next_year=True) == (None, offers.MSG_DENIED)
    with pytest.raises(PermissionDenied):
        offers.offer_stats(s, actor, offer_id)
    assert offers.offer_view(s, offer_id, viewer=actor, preview=True) is None
    assert not permissions.can_edit_offer(s, actor, s.get(Offer, offer_id))
    assert _snapshot(s, offer_id) == before
    # The public page: published offers only, without the tutor's contact.
    view = offers.offer_view(s, offer_id, viewer=actor)
    if which == "draft":
        assert view is None
    else:
        assert view["contact"] == ({"name": "Paul Martin", "email": "paul@boulangerie-martin.fr",
                                    "phone": "02 40 99 15 44"} if who == "pupil" else {})  # fmt: skip
        assert view["can_edit"] is False


@pytest.mark.parametrize("who", ["stranger", "anonymous", "pupil", "waiting"])
def test_outsiders_see_nothing_of_the_dashboard(s, world, who):
    actor = None if who == "anonymous" else world[who]
    if who in ("anonymous", "pupil"):
        with pytest.raises(PermissionDenied):
            offers.employer_offers(s, actor)
        with pytest.raises(PermissionDenied):
            offers.employer_applications(s, actor)
        with pytest.raises(PermissionDenied):
            offers.create_draft(s, actor)
    else:
        assert offers.employer_offers(s, actor) == ([], 0)
        assert offers.employer_applications(s, actor) == ([], 0)
    if who == "stranger":  # owner of another structure: sees only its own requests
        assert structures.join_requests(s, actor) == []
    else:
        with pytest.raises(PermissionDenied):
            structures.join_requests(s, actor)
    with pytest.raises(PermissionDenied):
        structures.update_structure(
            s, actor, {"name": "Piraté"}, structure_id=world["structure"].id
        )


def test_unknown_offer_ids(s, world):
    owner = world["owner"]
    for bad in (999999, "1", None, True):
        with pytest.raises(PermissionDenied):
            offers.load_step(s, owner, bad, 1)
        assert offers.transition(s, owner, bad, "publish") == offers.MSG_DENIED
        assert offers.offer_view(s, bad, viewer=owner) is None


@pytest.mark.parametrize("who", ["member", "admin", "owner"])
def test_team_members_and_admins_can(s, world, who):
    actor = world[who]
    offer_id = world["published"]
    assert offers.load_step(s, actor, offer_id, 2)["title"]
    assert offers.save_step(s, actor, offer_id, 2, step_data(s, 2, title=f"Titre {who}")) == {}
    assert offers.offer_view(s, offer_id, viewer=actor, preview=True)["can_edit"] is True
    assert offers.offer_stats(s, actor, offer_id)["received"] == 1
    new_id, error = offers.duplicate(s, actor, offer_id)
    assert error == "" and new_id
    assert offers.transition(s, actor, offer_id, "unpublish") == ""
    assert offers.transition(s, actor, offer_id, "republish") == ""
    assert offers.transition(s, actor, offer_id, "deactivate") == ""
    assert offers.transition(s, actor, world["draft"], "remove") == ""
    s.expire_all()
    assert s.get(Offer, offer_id).state == OfferState.UNPUBLISHED
    assert s.get(Offer, world["draft"]).state == OfferState.REMOVED


def test_member_sees_the_shared_dashboard(s, world):
    rows, total = offers.employer_offers(s, world["member"])
    assert total == 2
    rows, total = offers.employer_applications(s, world["member"], tab="todo")
    assert total == 1


def test_permission_functions_as_every_role(s, world):
    offer = s.get(Offer, world["published"])
    for role in Role:
        user = make_user(s, role=role, email=f"role-{role.value}@exemple.fr")
        assert permissions.can_create_offer(user) == (role in permissions.OFFER_POSTERS)
        assert permissions.can_edit_offer(s, user, offer) == (role == Role.ADMIN)
        assert permissions.can_publish_offer(s, user, offer) == (role == Role.ADMIN)
        assert permissions.can_validate_structures(user) == (role in permissions.MODERATORS)
        assert permissions.can_manage_structure(s, user, world["structure"]) == (role == Role.ADMIN)
    assert permissions.can_manage_structure(s, world["owner"], world["structure"])
    assert not permissions.can_manage_structure(s, world["member"], world["structure"])
    assert not permissions.can_create_offer(None)
    assert not permissions.can_edit_offer(s, world["owner"], None)

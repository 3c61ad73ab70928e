"""Crafted events from another employer's session (or none) against an offer's handlers:
every one refused, nothing changed in the database."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import AuditLog, Offer
from mystage.services import accounts
from mystage.state.offers import EmployerDashboardState, OfferFormState, OfferPreviewState
from tests.state.conftest import make_state
from tests.unit.test_offers import NOW, complete_offer, employer


def _cookie(s, user) -> str:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


@pytest.fixture
def world(reference_db, dbs):
    clock.freeze(NOW)
    owner, _ = employer(dbs)
    offer_id = complete_offer(dbs, owner)
    stranger, _ = employer(dbs, email="autre@concurrent.fr", siret="35600000000048")
    yield dbs, owner, offer_id, stranger
    clock.freeze(None)


def _fingerprint(s, offer_id):
    s.expire_all()
    offer = s.get(Offer, offer_id)
    audits = len(s.exec(select(AuditLog).where(AuditLog.entity == "offer")).all())
    return (offer.state, offer.title, offer.draft_form, offer.application_end, audits)


@pytest.mark.asyncio
@pytest.mark.parametrize("who", ["stranger", "anonymous"])
async def test_offer_handlers_refuse_other_employers(world, who):
    s, _owner, offer_id, stranger = world
    cookie = _cookie(s, stranger) if who == "stranger" else ""
    before = _fingerprint(s, offer_id)

    form = make_state(OfferFormState, cookie=cookie, path="/espace/employeur/offre")
    form.offer_id, form.step, form.loaded = offer_id, 2, True
    await form._load()
    assert form.values == {} or form.denied
    await form.submit({"title": "Piratée", "description": "x", "sector_id": "1"})
    assert form.denied or who == "anonymous"

    preview = make_state(OfferPreviewState, cookie=cookie)
    preview.offer_id = offer_id
    await preview.publish()

    dash = make_state(EmployerDashboardState, cookie=cookie, path="/espace/employeur")
    for action in ("unpublish", "republish", "close_applications"):
        await dash.act(action, offer_id)
    dash.confirm_action, dash.confirm_offer = "deactivate", offer_id
    await dash.confirm()
    dash.confirm_action, dash.confirm_offer = "remove", offer_id
    await dash.confirm()
    await dash.show_stats(offer_id, "x")
    assert dash.stats_offer == 0
    await dash.duplicate(offer_id, False)

    assert _fingerprint(s, offer_id) == before
    assert len(s.exec(select(Offer)).all()) == 1  # no duplicate created


@pytest.mark.asyncio
async def test_owner_can_act(world):
    s, owner, offer_id, _ = world
    dash = make_state(EmployerDashboardState, cookie=_cookie(s, owner), path="/espace/employeur")
    await dash.act("unpublish", offer_id)
    assert dash.error == ""
    s.expire_all()
    assert s.get(Offer, offer_id).state == "unpublished"


@pytest.mark.asyncio
async def test_form_errors_scroll_without_script(world):
    """A step with errors brings the error summary into view through a state var the page
    watches (components/browser.scroll_into_view), not a script to eval."""
    s, owner, offer_id, _ = world
    form = make_state(OfferFormState, cookie=_cookie(s, owner), path="/espace/employeur/offre")
    form.offer_id, form.step, form.loaded = offer_id, 2, True
    assert await form.submit({"title": "", "description": "", "sector_id": ""}) is None
    assert form.errors and form.scroll_to_id.startswith("form-errors#")
    first = form.scroll_to_id
    await form.submit({"title": "", "description": "", "sector_id": ""})
    assert form.scroll_to_id != first  # asked again: scrolls again

"""Issue 16 through the handlers: the offer form's step 3 warning (saved, shown once, then
« continuer quand même »), the form's heading for a copy, the login redirect keeping the
whole address of the page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from mystage import clock
from mystage.services import offers
from mystage.state.offers import EmployerDashboardState, OfferFormState
from tests.state.conftest import make_state
from tests.state.test_employer_guards import _cookie
from tests.unit.test_offers import NOW, W2, complete_offer, employer, get


@pytest.fixture
def world(reference_db, dbs):
    clock.freeze(NOW)
    owner, _ = employer(dbs)
    offer_id = complete_offer(dbs, owner)
    yield dbs, owner, offer_id
    clock.freeze(None)


def _step3(form: OfferFormState, end: str, *isos: str) -> dict:
    data = {"level_3e": "on", "places": "2", "application_end": end, "group_kind": "individual"}
    data.update({f"week_{iso}": "on" for iso in isos})
    return data


@pytest.mark.asyncio
async def test_step3_warns_once_then_goes_on(world):
    s, owner, offer_id = world
    form = make_state(OfferFormState, cookie=_cookie(s, owner), path="/espace/employeur/offre")
    form.offer_id, form.step = offer_id, 3
    await form._load()
    assert form.window_warning == ""
    far = "2027-01-11"
    assert any(w["iso"] == far for w in form.weeks)
    data = _step3(form, "2026-10-06", W2, far)
    await form.submit(data)
    assert form.errors == {} and form.step == 3  # saved, but stays on step 3 once
    assert "6 octobre 2026" in form.window_warning
    assert form.scroll_to_id.startswith("f-application_end-warn#")
    s.expire_all()
    assert str(get(s, offer_id).application_end) == "2026-10-06"  # the step is saved
    await form.submit(data)  # « Enregistrer et continuer quand même »
    assert form.step == 4
    # a window that suits the weeks: no warning, no stop
    form.step = 3
    await form._load()
    assert form.window_warning  # shown again when coming back to step 3
    await form.submit(_step3(form, "2026-12-20", W2, far))
    assert form.window_warning == "" and form.step == 4


@pytest.mark.asyncio
async def test_form_heading_of_a_copy(world):
    s, owner, offer_id = world
    new_id, _ = offers.duplicate(s, owner, offer_id)
    form = make_state(OfferFormState, cookie=_cookie(s, owner), path="/espace/employeur/offre")
    form.offer_id, form.step = new_id, 2
    await form._load()
    assert form.heading == f"Copie de l'offre n° {offer_id}"
    assert form.values["title"].endswith(" (copie)")


@pytest.mark.asyncio
async def test_dashboard_login_redirect_keeps_the_query():
    dash = make_state(EmployerDashboardState, path="/espace/employeur", query="onglet=traitees")
    event = await dash.load()
    url = str(getattr(event, "args", None) or event)
    target = url[url.index("/connexion") :].split("'")[0].split('"')[0]
    assert parse_qs(urlsplit(target).query)["suivant"] == ["/espace/employeur?onglet=traitees"]

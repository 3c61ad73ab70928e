"""Every map of the product gets its document through the map store, by URL: the offer
page, the « Carte » view of /offres, the employer's address map and the statistics map.
An offer typed through the real form with hostile title, employer name and city reaches
each of them only as JSON data read by the fixed marker script (tests/unit/test_maps.py)."""

from __future__ import annotations

import pytest

from mystage import clock
from mystage.models import Role
from mystage.services import accounts, map_store, offers
from mystage.state.offers import OfferFormState, OfferPageState
from mystage.state.search import SearchState
from mystage.state.stats import StatsState
from tests.state.conftest import make_state
from tests.unit.test_maps import _split
from tests.unit.test_offers import NOW, employer, step_data
from tests.unit.test_stats import user

TITLE = "Vendeur ${top.__x=document.domain} en boutique `+alert(1)+` </script><b>"
NAME = 'Garage `+alert(1)+` <img src=x onerror=alert(1)> "l\'atelier"'
CITY = "Nantes <img src=x onerror=top.__x=1>"


def _cookie(s, u) -> str:
    token = accounts.create_session(s, u, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


@pytest.fixture
def world(reference_db, dbs):
    clock.freeze(NOW)
    owner, _ = employer(dbs)
    offer_id = offers.create_draft(dbs, owner)
    over = {1: {"employer_name": NAME, "city": CITY}, 2: {"title": TITLE}}
    for step in (1, 2, 3, 4):
        data = step_data(dbs, step, **over.get(step, {}))
        assert offers.save_step(dbs, owner, offer_id, step, data) == {}
    assert offers.transition(dbs, owner, offer_id, "publish") == ""
    yield dbs, owner, offer_id
    clock.freeze(None)


def _labels(url: str) -> list[str]:
    assert url.startswith(map_store.URL_PREFIX)
    document = map_store.get(map_store.key_from_url(url))
    assert document is not None
    _code, points = _split(document)
    return [p[2] for p in points]


@pytest.mark.asyncio
async def test_offer_page_map(world):
    s, _owner, offer_id = world
    st = make_state(OfferPageState, path=f"/offres/{offer_id}")
    await st.load()
    assert st.found and st.view["title"] == TITLE
    assert _labels(st.map_url) == [NAME]


@pytest.mark.asyncio
async def test_search_map_links_to_the_offer(world):
    s, _owner, offer_id = world
    st = make_state(SearchState, path="/offres", query="lieu=44000&rayon=20&vue=carte")
    await st.load()
    assert st.view == "map" and st.total == 1
    document = map_store.get(map_store.key_from_url(st.map_url))
    _code, points = _split(document)
    assert [(p[2], p[3]) for p in points] == [(f"{TITLE} — {NAME}", f"/offres/{offer_id}")]


@pytest.mark.asyncio
async def test_search_view_comes_from_the_address_only(world):
    """« Carte » is ``vue=carte`` in the address: the next address without it shows the
    list (not sticky in the tab's state); a map view with no offer renders no map."""
    st = make_state(SearchState, path="/offres", query="lieu=44000&vue=carte")
    await st.load()
    assert st.view == "map" and st.map_url
    assert "vue=carte" in st.map_href and "vue" not in st.list_href
    st.router = make_state(SearchState, path="/offres", query="q=astronaute").router
    await st.load()
    assert st.view == "list" and st.map_url == "" and st.total == 0
    st.router = make_state(SearchState, path="/offres", query="q=astronaute&vue=carte").router
    await st.load()
    assert st.view == "map" and st.map_url == "" and st.total == 0


@pytest.mark.asyncio
async def test_employer_address_map(world):
    s, owner, offer_id = world
    st = make_state(OfferFormState, cookie=_cookie(s, owner), path="/espace/employeur/offre")
    st.offer_id, st.step = offer_id, 1
    await st._load()
    assert st.denied == ""
    assert _labels(st.map_url) == [NAME]
    # Another employer gets no map (nor anything else) of this offer.
    stranger, _ = employer(s, email="autre@concurrent.fr", siret="35600000000048")
    other = make_state(OfferFormState, cookie=_cookie(s, stranger), path="/espace/employeur/offre")
    other.offer_id, other.step = offer_id, 1
    await other._load()
    assert other.denied and other.map_url == ""


@pytest.mark.asyncio
async def test_statistics_map(world):
    s, _owner, _offer_id = world
    ref = user(s, "ref44@ac-nantes.fr", Role.REFERENT_DEPARTEMENTAL, department_code="44")
    st = make_state(StatsState, cookie=_cookie(s, ref), path="/espace/statistiques")
    await st.load()
    assert st.allowed
    assert [label.split(" : ")[0] for label in _labels(st.map_url)] == [CITY]

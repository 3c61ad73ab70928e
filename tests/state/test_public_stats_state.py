"""Public statistics page (state/stats/public.py) and the home figure of pupils placed,
driven in-process against the hand-counted world of tests/unit/test_stats.py: the state
shows exactly what ``stats.public_figures`` computes, a junk school year never crashes
(current year instead), a departmental deployment shows its département, nothing
personal reaches the page."""

from __future__ import annotations

import pytest

from mystage import settings
from mystage.models import Role
from mystage.services import stats
from mystage.state.home import HomeState
from mystage.state.stats import PublicStatsState, parse_year
from mystage.state.stats import public as public_stats
from tests.state.conftest import make_state
from tests.unit import test_stats as hand
from tests.unit.test_stats import NOV, YEAR, app, user

CRAFTED = [
    None,
    "",
    "abc",
    -1,
    0,
    True,
    3.5,
    {"id": 1},
    [2025],
    "2025 OR 1=1",
    2**70,
    "9" * 40,
    "1999",
    "2031",
    YEAR + 1,
]


# The hand-counted world of tests/unit/test_stats.py (offers in 77 and 44, applications,
# registered schools) and its database fixture « s » (clock frozen on 5 October 2026).
s = hand.s
world = hand.world


@pytest.fixture(autouse=True)
def _fresh_cache():
    public_stats.clear_cache()
    yield
    public_stats.clear_cache()


@pytest.fixture
def departmental(monkeypatch):
    monkeypatch.setenv("TERRITORY", "77")
    settings.reload()
    yield "77"
    monkeypatch.delenv("TERRITORY")
    settings.reload()


def _page(query: str = "") -> PublicStatsState:
    return make_state(PublicStatsState, path="/statistiques", query=query)


def _expected_rows(f: dict) -> dict:
    """The service's rows, as the page must show them (ten first sectors with offers)."""
    sectors = [r for r in f["by_sector"] if r["offers"]][:10]
    return {
        "month": [(r["label"], r["offered"], r["filled"]) for r in f["by_month"]],
        "sector": [(r["label"], r["offers"], r["places"], r["filled"], r["fill_rate"]) for r in sectors],
        "structure": [
            (r["label"], r["offers"], r["places"], r["filled"], r["fill_rate"])
            for r in f["by_structure"]
        ],
    }  # fmt: skip


def _shown_rows(st: PublicStatsState) -> dict:
    return {
        "month": [(r["label"], r["offered"], r["filled"]) for r in st.by_month],
        "sector": [(r["label"], r["offers"], r["places"], r["filled"], r["fill_rate"]) for r in st.by_sector],
        "structure": [
            (r["label"], r["offers"], r["places"], r["filled"], r["fill_rate"])
            for r in st.by_structure
        ],
    }  # fmt: skip


@pytest.mark.asyncio
async def test_page_shows_the_service_figures(s, world):
    st = _page()
    assert await st.load() is None
    f = stats.public_figures(s, YEAR)
    assert st.loaded and st.year == str(YEAR) and st.year_label == "2026-2027"
    assert st.national and st.territory_label == "France entière"
    assert st.tiles == f["tiles_list"]
    assert (
        (st.offers, st.places_offered, st.places_filled, st.pupils_confirmed)
        == (
            f["offers"],
            f["places_offered"],
            f["places_filled"],
            f["pupils_confirmed"],
        )
        == (4, 18, 4, 3)
    )
    assert st.off_platform == f["off_platform"]
    assert _shown_rows(st) == _expected_rows(f)
    assert [r["label"] for r in st.by_structure] == ["Public", "Privé", "Association"]
    assert st.by_month and all(isinstance(r["offered"], int) for r in st.by_month)
    assert all(isinstance(r["fill_rate"], float) for r in st.by_sector)
    # The tables under the charts write rates the French way.
    rates = {r["label"]: r["rate_label"] for r in st.by_sector + st.by_structure}
    assert (rates["Association"], rates["Public"], rates["Privé"]) == (
        "25,0 %",
        "100,0 %",
        "15,4 %",
    )
    assert f["updated_at"] in st.updated.replace(" à ", " ")
    assert "calculés en direct" in st.updated  # no summary yet
    # The five school years, newest first.
    assert [o["value"] for o in st.year_options] == [str(YEAR - i) for i in range(5)]
    assert st.year_options[0]["label"] == "2026-2027"
    # Nothing personal, no structure name on the public page.
    flat = repr(st.dict())
    for word in ("p1@eleve.fr", "Boulangerie", "Les Amis du Livre", "Mairie de Chelles"):
        assert word not in flat


@pytest.mark.asyncio
async def test_summary_source_is_said(s, world):
    stats.refresh_summary(s)
    s.commit()
    st = _page()
    await st.load()
    assert "chiffres consolidés" in st.updated
    assert st.tiles == stats.public_figures(s, YEAR)["tiles_list"]


@pytest.mark.asyncio
async def test_year_selector(s, world):
    st = _page()
    await st.load()
    await st.set_year("2025")
    last = stats.public_figures(s, 2025)
    assert st.year == "2025" and st.year_label == "2025-2026"
    assert st.offers == last["offers"] == 1
    assert st.tiles == last["tiles_list"]
    assert _shown_rows(st) == _expected_rows(last)
    # Back to this year.
    await st.set_year(str(YEAR))
    assert st.offers == 4
    # From the address: /statistiques?annee=2025.
    st2 = _page("annee=2025")
    await st2.load()
    assert st2.year == "2025" and st2.offers == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("junk", CRAFTED)
async def test_junk_year_is_the_current_year(s, world, junk):
    st = _page()
    await st.load()
    await st.set_year("2025")
    assert await st.set_year(junk) is None
    assert st.year == str(YEAR)
    assert st.offers == 4


@pytest.mark.asyncio
@pytest.mark.parametrize("query", ["annee=1999", "annee=abc", "annee=" + "9" * 30, "annee=2025x"])
async def test_junk_year_in_the_address(s, world, query):
    st = _page(query)
    await st.load()
    assert st.year == str(YEAR)


def test_short_sector_names():
    assert public_stats._short("Informatique et réseaux") == "Informatique et réseaux"
    assert public_stats._short("Construction aéronautique, ferroviaire et navale") == (
        "Construction aéronautique…"
    )
    assert len(public_stats._short("x" * 60)) <= public_stats.SHORT_LABEL + 1


def test_parse_year(s):
    assert parse_year("2024") == 2024
    assert parse_year(" 2022 ") == 2022
    assert parse_year(2023) == 2023
    for junk in CRAFTED + ["2021", 2021]:  # 2021: older than the five years shown
        assert parse_year(junk) == YEAR


@pytest.mark.asyncio
async def test_empty_platform(s):
    st = _page()
    await st.load()
    assert st.by_month == [] and st.by_sector == []
    assert st.offers == 0 and st.pupils_confirmed == 0
    assert [r["offers"] for r in st.by_structure] == [0, 0, 0]
    home = make_state(HomeState)
    await home.load()
    assert home.figures["placed"] == "0"


@pytest.mark.asyncio
async def test_departmental_deployment(s, world, departmental):
    st = _page()
    await st.load()
    f = stats.public_figures(s, YEAR, department="77")
    assert not st.national and st.territory_label == "Seine-et-Marne (77)"
    assert st.tiles == f["tiles_list"]
    assert _shown_rows(st) == _expected_rows(f)
    # The département's figures: the same as its référent's dashboard (44's offer left out).
    ref = user(s, "r77@ac-creteil.fr", Role.REFERENT_DEPARTEMENTAL, department_code="77")
    tiles = stats.dashboard(s, ref, {})["tiles"]
    assert (
        (st.offers, st.places_offered, st.pupils_confirmed)
        == (
            tiles["offers"],
            tiles["places_offered"],
            tiles["pupils_confirmed"],
        )
        == (3, 8, 3)
    )
    home = make_state(HomeState)
    await home.load()
    assert home.figures["placed"] == str(f["pupils_confirmed"])
    assert "Seine-et-Marne (77)" in home.figures["territory"]


@pytest.mark.asyncio
async def test_home_figure_is_the_public_figure(s, world):
    home = make_state(HomeState)
    assert await home.load() is None
    assert home.figures["placed"] == str(stats.public_figures(s)["pupils_confirmed"]) == "3"
    # The other figures still count what the search shows now.
    assert set(home.figures) == {"places", "offers", "structures", "placed", "territory"}
    # A new confirmed internship shows once the cached figures are renewed.
    w = world
    p5 = user(s, "p5@eleve.fr", Role.ELEVE, school_id=w["plain"].id, level="3e")
    app(s, p5, w["o"][1], NOV, "confirmed")
    public_stats.clear_cache()
    await home.load()
    assert home.figures["placed"] == str(stats.public_figures(s)["pupils_confirmed"]) == "4"

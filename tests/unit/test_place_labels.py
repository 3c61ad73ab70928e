"""Every label the place autocomplete offers resolves to the very place it was offered for
(issue 16: « Marseille (13) » was searched around Marseille 13e Arrondissement)."""

from __future__ import annotations

import pytest

from mystage.services import geo
from mystage.services.geo import geocode

# What people type in « Ville ou code postal »: the three cities with arrondissements,
# their postal codes and arrondissements, and ordinary communes with homonyms.
QUERIES = [
    "paris",
    "Paris",
    "marseille",
    "lyon",
    "75",
    "750",
    "7501",
    "75013",
    "75116",
    "13",
    "130",
    "1300",
    "13001",
    "13013",
    "69",
    "690",
    "69001",
    "paris 1",
    "marseille 13",
    "lyon 3",
    "saint denis",
    "saint denis 93",
    "saint denis 974",
    "saint paul",
    "sainte marie",
    "valence",
    "montreuil",
    "saint martin",
    "meaux",
    "77",
    "77100",
    "2a",
    "ajaccio",
    "bouches",
    "rebais",
]


@pytest.fixture
def s(reference_db, dbs):
    return dbs


def _round_trip(s, query: str) -> list[tuple[str, str]]:
    bad = []
    for item in geo.suggest_communes(s, query, limit=50):
        found = geocode(s, item["label"])
        if found is None:
            bad.append((item["label"], "unknown"))
            continue
        same_point = found.latitude == pytest.approx(item["lat"], abs=1e-6) and (
            found.longitude == pytest.approx(item["lon"], abs=1e-6)
        )
        if item["kind"] == "commune":
            same = same_point and found.insee_code == item["insee_code"]
        else:  # a département: its point (its chef-lieu) and code
            same = same_point and found.department_code == item["department_code"]
        if not same:
            bad.append((item["label"], f"{found.label} {found.insee_code}"))
    return bad


@pytest.mark.parametrize("query", QUERIES)
def test_every_suggested_label_round_trips(s, query):
    assert geo.suggest_communes(s, query, limit=50), query
    assert _round_trip(s, query) == []


@pytest.mark.parametrize("city", ["Paris", "Marseille", "Lyon"])
def test_every_arrondissement_label_round_trips(s, city):
    last = {"Paris": 20, "Marseille": 16, "Lyon": 9}[city]
    for n in range(1, last + 1):
        nth = f"{n}{'er' if n == 1 else 'e'}"
        items = geo.suggest_communes(s, f"{city} {nth} arrondissement", limit=5)
        assert items and items[0]["city"] == f"{city} {nth} Arrondissement", (city, n)
        assert _round_trip(s, f"{city} {nth} arrondissement") == []


def test_city_label_with_its_department_is_the_whole_city(s):
    # The first label offered for each city is the whole city, at its centre.
    for city, dept, insee in [("Marseille", "13", "13055"), ("Paris", "75", "75056")]:
        first = geo.suggest_communes(s, city)[0]
        assert first["label"] == f"{city} ({dept})"
        r = geocode(s, first["label"])
        assert r.insee_code == insee and r.label == f"{city} ({dept})"
    assert geocode(s, "Lyon (69)").insee_code == "69123"
    # Typed without parentheses, a number after the city is still its arrondissement.
    assert geocode(s, "Marseille 13").insee_code == "13213"
    assert geocode(s, "Paris 13").insee_code == "75113"


def test_postal_codes_of_plm_suggest_arrondissements(s):
    labels = [o["label"] for o in geo.suggest_communes(s, "13001")]
    assert labels == ["Marseille 1er Arrondissement (13001)"]
    assert geocode(s, labels[0]).insee_code == "13201"
    # The whole city is named once (by name), not once per postal code at its centre.
    assert not [o for o in geo.suggest_communes(s, "750", limit=50) if o["label"] == "Paris"]
    assert all(o["insee_code"] != "75056" for o in geo.suggest_communes(s, "750", limit=50))


def test_homonyms_keep_their_department(s):
    r93, r974 = geocode(s, "Saint-Denis (93)"), geocode(s, "Saint-Denis (974)")
    assert (r93.insee_code, r974.insee_code) == ("93066", "97411")
    # A commune named inside another's label is not picked (« … lès-Rebais » ≠ Rebais).
    assert geocode(s, "Saint-Denis-lès-Rebais (77510)").city == "Saint-Denis-lès-Rebais"
    assert geocode(s, "Bouches-du-Rhône (13)").precision == geo.PRECISION_DEPARTMENT


def test_search_cache_tells_the_label_from_the_arrondissement(s):
    from mystage.services.search.places import geocode_cached

    assert geocode_cached(s, "Marseille 13").insee_code == "13213"
    assert geocode_cached(s, "Marseille (13)").insee_code == "13055"
    assert geocode_cached(s, "Marseille 13").insee_code == "13213"

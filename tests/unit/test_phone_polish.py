"""Issue 16, « Search and offers on a phone »: the labels a phone shows (compact weeks of a
result card, plurals, « en Seine-et-Marne », « Filtres (n) »), the map popup that stays in
a phone's map, and demo offers at their own addresses (not stacked on the commune's centre).

What the person sees is checked in tests/e2e/test_phone_polish.py."""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest
from sqlmodel import select

from mystage.services import geo, maps, search
from mystage.services.search.page import in_department
from tests.unit.test_search import make_offer, s  # noqa: F401  (the fixture)

# --- result cards: one line of weeks ---------------------------------------------------------


@pytest.mark.parametrize(
    ("mondays", "all_year", "label"),
    [
        (
            [date(2026, 12, 14), date(2026, 12, 21), date(2027, 1, 11), date(2027, 1, 18)],
            False,
            "4 semaines · du 14 déc. au 22 janv.",
        ),
        ([date(2027, 6, 14)], False, "1 semaine · du 14 au 18 juin"),
        ([date(2026, 12, 7), date(2026, 12, 14)], False, "2 semaines · du 7 au 18 décembre"),
        ([date(2026, 12, 28)], False, "1 semaine · du 28 déc. au 1er janv."),
        ([date(2027, 6, 29)], False, "1 semaine · du 29 juin au 3 juil."),
        # Unsorted and repeated Mondays count once, in order.
        (
            [date(2027, 3, 8), date(2027, 2, 8), date(2027, 3, 8)],
            False,
            "2 semaines · du 8 févr. au 12 mars",
        ),
        ([date(2027, 3, 8)], True, "Toute l'année"),
        ([], True, "Toute l'année"),
        ([], False, ""),
    ],
)
def test_weeks_summary(mondays, all_year, label):
    assert search.weeks_summary(mondays, all_year) == label


# --- plurals and the results' heading ---------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0 offre"), (1, "1 offre"), (2, "2 offres"), (12, "12 offres")]
)
def test_plural(n, text):
    assert search.plural(n, "offre") == text


def test_plural_of_places():
    assert [search.plural(n, "place") for n in (1, 4)] == ["1 place", "4 places"]


@pytest.mark.parametrize(
    ("label", "department", "phrase"),
    [
        ("Seine-et-Marne (77)", True, "en Seine-et-Marne"),
        ("Loire-Atlantique (44)", True, "en Loire-Atlantique"),
        ("Nord (59)", True, "dans le Nord"),
        ("Yvelines (78)", True, "dans les Yvelines"),
        ("Ain (01)", True, "dans l'Ain"),
        ("Marne (51)", True, "dans la Marne"),
        ("Paris (75)", True, "à Paris"),
        ("Corse-du-Sud (2A)", True, "en Corse-du-Sud"),
        ("La Réunion (974)", True, "à La Réunion"),
        ("Meaux (77)", False, "autour de Meaux (77)"),
        ("", False, ""),
    ],
)
def test_results_place(label, department, phrase):
    assert search.results_place(label, department) == phrase


def test_every_department_reads_in_a_sentence():
    """Each département of the reference data gets a phrase (« en/dans le/à … Name »)."""
    from mystage.data.loader import read_csv

    rows = list(read_csv("departments.csv"))
    assert len(rows) > 100
    for row in rows:
        phrase = in_department(f"{row['name']} ({row['department_code']})")
        assert phrase.endswith(row["name"]) and "(" not in phrase, phrase
        assert phrase.split(" ")[0] in {"en", "dans", "à", "sur"}, phrase


def test_search_says_en_for_a_department_autour_for_a_commune(s):  # noqa: F811
    make_offer(s, "Fleuriste")
    s.commit()
    dept = search.search(s, search.SearchCriteria(where="77"))
    assert dept.place_is_department and dept.total == 1
    assert search.results_place(dept.place_label, dept.place_is_department) == "en Seine-et-Marne"
    around = search.search(s, search.SearchCriteria(where="Meaux"))
    assert not around.place_is_department
    assert search.results_place(around.place_label, around.place_is_department).startswith(
        "autour de Meaux"
    )
    card = around.results[0]
    assert card["places_label"] in {"1 place", f"{card['places_left']} places"}
    assert card["weeks_label"]  # « 1 semaine · du … » or « Toute l'année »


@pytest.mark.parametrize(
    ("query", "n"),
    [
        ({}, 0),
        ({"lieu": "77"}, 1),
        ({"lieu": "Meaux", "rayon": "10"}, 1),  # the radius goes with the place
        ({"q": "boulanger", "lieu": "77", "semaines": "2027-01-11"}, 3),
        ({"q": "x", "niveau": "3e", "secteurs": "1,2", "handicaps": "motor", "tout": "1"}, 5),
        ({"page": "2"}, 0),
    ],
)
def test_criteria_count(query, n):
    assert search.criteria_count(query) == n


# --- the map popup stays inside a phone's map -------------------------------------------------


def test_map_popup_is_no_wider_than_the_map():
    doc = maps.render_map([maps.Point(48.96, 2.88, "Boulangerie " + "x" * 80, "/offres/1")])
    # Width from the map document's own width (a 375 px phone: about 340 px of map).
    assert "Math.min(260, width - 80)" in doc
    assert "maxWidth: popupWidth" in doc and "autoPanPadding" in doc
    assert "closeTooltip" in doc  # the tooltip does not stay over an open popup
    # The CSP still allows exactly the document's scripts (the new lines are inside them).
    csp = maps.content_security_policy(doc)
    for body in maps.inline_scripts(doc):
        assert maps.script_hash(body) in csp


def test_map_css_wraps_popups_and_tooltips():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "assets" / "map.css").read_text()
    assert ".leaflet-popup-content" in css and "overflow-wrap: anywhere" in css
    assert ".leaflet-tooltip" in css and "white-space: normal" in css


# --- demo offers at their own addresses ------------------------------------------------------


def test_demo_addresses_have_their_own_points_near_their_commune(s):  # noqa: F811
    from mystage.demo_offers import ADDRESS_POINTS, STRUCTURES

    for st in STRUCTURES:
        street, postal_code, city = st[5], st[6], st[7]
        point = ADDRESS_POINTS[(street, postal_code)]
        commune = geo.geocode(s, f"{postal_code} {city}")
        assert commune is not None
        km = geo.haversine_km(*point, commune.latitude, commune.longitude)
        assert 0.05 < km < 6, (street, city, km)  # off the centre, within the commune
    for a, b in combinations(ADDRESS_POINTS.values(), 2):
        assert geo.haversine_km(*a, *b) > 0.03, (a, b)


def test_seeded_demo_offers_are_not_stacked(s):  # noqa: F811
    from mystage.demo_offers import seed_offers
    from mystage.models import Offer, Structure

    assert seed_offers(s, "stage-demo-2026") > 10
    offers = s.exec(select(Offer)).all()
    by_city: dict[str, set[tuple[float, float]]] = {}
    for o in offers:
        assert o.latitude is not None and o.longitude is not None
        by_city.setdefault(o.city, set()).add((round(o.latitude, 5), round(o.longitude, 5)))
    # Meaux has 5 demo addresses and Nantes 3: as many distinct points.
    assert len(by_city["Meaux"]) == 5 and len(by_city["Nantes"]) == 3
    centre = geo.geocode(s, "77100 Meaux")
    assert (round(centre.latitude, 5), round(centre.longitude, 5)) not in by_city["Meaux"]
    for st in s.exec(select(Structure)).all():
        assert st.latitude is not None

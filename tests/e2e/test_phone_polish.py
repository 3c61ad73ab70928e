"""Issue 16, « Search and offers on a phone », as the person sees it at 375 px and 1280 px:
results first with the criteria under « Filtres (n) », the list/map choice in the address,
« Aucune offre » on the map view, one line of weeks per card, the offer before « Postuler »
(a bar at the bottom of a phone's screen), popups inside the map, « en Seine-et-Marne »,
demo offers at their own addresses.  Screenshots: screenshots/phone-*.png."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll, goto, shot
from tests.e2e.test_search_flow import _ICON_IN_VIEW


def _mobile(page: Page) -> bool:
    return page.viewport_name == "mobile"  # type: ignore[attr-defined]


def _in_first_screen(page: Page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None and box["y"] + min(box["height"], 60) <= page.viewport_size["height"]


def test_results_first_with_criteria_under_filtres(page: Page):
    goto(page, "/offres?q=&lieu=77&niveau=3e")
    expect(page.locator(".offer-card").first).to_be_visible()
    # « 12 offres en Seine-et-Marne »: a département, no « autour de », no « offre(s) ».
    count = page.locator("#results-count")
    expect(count).to_have_text(re.compile(r"^\d+ offres? en Seine-et-Marne$"))
    toggle = page.locator("#filters-toggle")
    if _mobile(page):
        # The count and the first offer are on the first screen, the form is folded.
        _in_first_screen(page, "#results-count")
        _in_first_screen(page, ".offer-card")
        expect(page.locator("#s-q")).to_be_hidden()
        expect(toggle).to_have_text("Filtres (2)")  # place + level
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(toggle).to_have_attribute("aria-controls", "search-filters")
        shot(page, "phone-search-list")
        # Keyboard: Enter on the button unfolds the criteria right under it, Tab goes in.
        toggle.focus()
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#s-q")).to_be_visible()
        expect(toggle).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.locator("#s-q")).to_be_focused()
        shot(page, "phone-search-filters-open")
        page.locator("#s-q").fill("mairie")
        page.click("#s-submit")
        expect(page).to_have_url(re.compile(r"q=mairie"))
        expect(toggle).to_have_text("Filtres (3)")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(page.locator("#s-q")).to_be_hidden()
        toggle.click()
        expect(page.locator("#s-q")).to_have_value("mairie")
        toggle.click()
        expect(page.locator("#s-q")).to_be_hidden()
    else:
        # A computer shows the form and the results together; no « Filtres » button.
        expect(toggle).to_be_hidden()
        expect(page.locator("#s-q")).to_be_visible()
        _in_first_screen(page, ".offer-card")
        shot(page, "phone-search-list")
    assert_no_horizontal_scroll(page)


def test_no_search_yet_shows_the_form(page: Page):
    """Without criteria (nothing searched yet) the form is open on a phone too."""
    goto(page, "/offres")
    expect(page.locator("#s-q")).to_be_visible()
    expect(page.locator("#filters-toggle")).to_have_count(0)


def test_a_criterion_to_fix_unfolds_the_filters(page: Page):
    """A message about a criterion is never hidden under « Filtres »."""
    goto(page, "/offres?lieu=99999")
    expect(page.locator("#err-lieu")).to_be_visible()
    if _mobile(page):
        expect(page.locator("#filters-toggle")).to_have_attribute("aria-expanded", "true")


def test_one_line_of_weeks_and_places_plural(page: Page):
    goto(page, "/offres?lieu=77")
    expect(page.locator(".offer-card").first).to_be_visible()
    labels = page.locator(".card-weeks").all_inner_texts()
    assert labels, "no weeks line"
    pattern = re.compile(r"^(Toute l'année|1 semaine · du .+|\d+ semaines · du .+ au .+)$")
    for label in labels:
        assert pattern.match(label), label
        assert "Semaine du" not in label
    assert any(re.match(r"^\d+ semaines · du \d+", x) for x in labels)
    assert "Toute l'année" in labels
    # Each weeks line is one line of text at 375 px too.
    heights = page.locator(".card-weeks").evaluate_all(
        "els => els.map(e => [e.getBoundingClientRect().height,"
        " parseFloat(getComputedStyle(e).lineHeight)])"
    )
    for height, line in heights:
        assert height <= line * 1.5, (height, line)
    badges = page.locator(".offer-card .rt-Badge").all_inner_texts()
    assert not any("place(s)" in b for b in badges)
    assert any(re.fullmatch(r"\d+ places?", b) for b in badges)


def _open_a_popup(frame) -> None:
    icons = frame.locator(".leaflet-marker-icon")
    for _ in range(10):
        index = icons.evaluate_all(_ICON_IN_VIEW)
        assert index >= 0, "no marker in the map's view"
        icons.nth(index).click()
        try:
            frame.locator(".leaflet-popup-content a").first.wait_for(timeout=1500)
            return
        except Exception:  # noqa: BLE001  (it was a cluster)
            continue
    raise AssertionError("no popup opened")


def test_map_view_is_in_the_address_not_sticky(page: Page):
    goto(page, "/offres?lieu=77")
    page.click("#view-map")
    expect(page).to_have_url(re.compile(r"vue=carte"))
    expect(page.locator("#view-map")).to_have_attribute("aria-pressed", "true")
    frame = page.frame_locator("#offers-map")
    expect(frame.locator(".leaflet-marker-icon").first).to_be_visible()
    # Demo offers at their own addresses: around Meaux several markers, not one stack.
    _open_a_popup(frame)
    page.wait_for_timeout(500)  # the map pans to show the popup whole
    popup = frame.locator(".leaflet-popup").first.bounding_box()
    iframe = page.locator("#offers-map").bounding_box()
    assert popup and iframe
    assert popup["x"] >= iframe["x"] - 1, (popup, iframe)
    assert popup["x"] + popup["width"] <= iframe["x"] + iframe["width"] + 1, (popup, iframe)
    shot(page, "phone-search-map")
    assert_no_horizontal_scroll(page)
    # A later search (another address) opens on the list, whatever was looked at before.
    goto(page, "/offres?q=boulanger")
    expect(page.locator("#view-list")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".offer-card").first).to_be_visible()
    expect(page.locator("#offers-map")).to_have_count(0)
    # The map view with nothing to show says so.
    goto(page, "/offres?q=astronaute&vue=carte")
    expect(page.locator("#no-result")).to_contain_text("Aucune offre")
    expect(page.locator("#view-map")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#results-count")).to_have_text("0 offre")
    shot(page, "phone-search-map-empty")
    # Back to the list keeps the criteria, drops the view.
    goto(page, "/offres?lieu=77&vue=carte")
    page.click("#view-list")
    expect(page).not_to_have_url(re.compile(r"vue="))
    expect(page).to_have_url(re.compile(r"lieu=77"))
    expect(page.locator(".offer-card").first).to_be_visible()


def _set_title(offer_id: int, title: str | None) -> str:
    import sqlalchemy as sa

    from tests.e2e.conftest import server_db

    engine = sa.create_engine(server_db())
    with engine.begin() as conn:
        was = conn.execute(sa.text("SELECT title FROM offers WHERE id = :i"), {"i": offer_id})
        was = was.scalar()
        conn.execute(
            sa.text("UPDATE offers SET title = :t WHERE id = :i"), {"t": title, "i": offer_id}
        )
    engine.dispose()
    return was


def test_popup_with_a_long_word_stays_in_the_map(page: Page):
    """A title with a word longer than a phone (here the Melun garage's) wraps inside its
    popup, and the popup inside the map."""
    was = _set_title(3, "Garage " + "Mécaniquecarrosseriepeinture" * 3 + " Melun")
    try:
        goto(page, "/offres?lieu=77000&rayon=5&vue=carte")
        frame = page.frame_locator("#offers-map")
        expect(frame.locator(".leaflet-marker-icon").first).to_be_visible()
        _open_a_popup(frame)
        page.wait_for_timeout(500)
        iframe = page.locator("#offers-map").bounding_box()
        for selector in (".leaflet-popup", ".leaflet-popup-content a"):
            box = frame.locator(selector).first.bounding_box()
            assert box["x"] >= iframe["x"] - 1, (selector, box, iframe)
            assert box["x"] + box["width"] <= iframe["x"] + iframe["width"] + 1, (selector, box)
        text = frame.locator(".leaflet-popup-content a").first
        assert text.evaluate("e => e.scrollWidth <= e.parentElement.clientWidth + 1")
        shot(page, "phone-map-long-title")
    finally:
        _set_title(3, was)


def test_demo_markers_are_spread(page: Page):
    """The demo's five Meaux addresses are five places: at street zoom around Meaux the
    map shows them apart (distances differ on the cards too)."""
    goto(page, "/offres?lieu=77100&rayon=5")
    expect(page.locator(".offer-card").first).to_be_visible()
    # Only the demo's own offers: other browser tests publish offers through the form,
    # which the offline geocoder places at the commune's centre (« 0,0 km »).
    demo = ("Le Grand Cerf", "Pharmacie du Marché", "Boulangerie Aux Délices", "Centre hospitalier")
    texts = [
        t
        for t in page.locator(".offer-card").all_inner_texts()
        if any(name in t for name in demo) and "(copie)" not in t
    ]
    distances = {d for t in texts for d in re.findall(r"(\d+,\d) km", t)}
    assert len(distances) >= 3, distances
    assert "0,0" not in distances


def test_offer_first_then_postuler_bar(page: Page):
    goto(page, "/offres/10")
    title = page.locator("#offer-title")
    expect(title).to_be_visible()
    apply = page.locator("#apply")
    expect(apply).to_be_visible()
    description = page.locator("#offer-description")
    map_ = page.locator("#offer-map")
    # Reading order: title and what the offer is, then « Postuler », then the map.
    order = page.evaluate(
        """() => ['#offer-title', '#offer-description', '#apply', '#offer-map'].map(
            s => document.querySelector(s)).map((e, i, all) => i === 0 ? 0 :
            (all[i - 1].compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING) ? 1 : -1)"""
    )
    assert order == [0, 1, 1, 1], order
    title_box, desc_box = title.bounding_box(), description.bounding_box()
    if _mobile(page):
        # The title is at the top of the first screen, not under a button and a map.
        _in_first_screen(page, "#offer-title")
        _in_first_screen(page, "#offer-description")
        # « Postuler » is a bar at the bottom of the screen, wherever one scrolls…
        bar = page.locator("#apply-bar")
        assert bar.evaluate("e => getComputedStyle(e).position") == "fixed"
        vh = page.viewport_size["height"]
        box = bar.bounding_box()
        assert box and abs(box["y"] + box["height"] - vh) <= 1, box
        shot(page, "phone-offer")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(200)
        box = bar.bounding_box()
        assert box and abs(box["y"] + box["height"] - vh) <= 1, box
        # … and hides nothing: at the very bottom the footer's last line is above it.
        last = page.locator("footer").evaluate(
            "f => { const r = document.createRange(); r.selectNodeContents(f);"
            " return r.getBoundingClientRect().bottom; }"
        )
        assert last <= box["y"] + 1, (last, box)
        expect(map_).to_be_attached()
    else:
        # The offer on the left, « Postuler » beside it at the top, the map under it.
        apply_box = apply.bounding_box()
        assert apply_box["x"] > title_box["x"] + title_box["width"] - 5
        assert apply_box["y"] < desc_box["y"] + desc_box["height"]
        expect(map_).to_be_visible()
        assert map_.bounding_box()["y"] > apply_box["y"]
        shot(page, "phone-offer")
    assert_no_horizontal_scroll(page)
    # Weeks: one row per week, « 2 places libres sur 2 » (plural), no « place(s) ».
    rows = page.locator(".offer-week").all_inner_texts()
    assert rows and not any("(s)" in r for r in rows)
    assert all(re.search(r"\d+ places? libres? sur \d+", r) for r in rows)


def test_closed_offer_bar_says_why(page: Page):
    """Where « Postuler » cannot be used the bar says why (here: an offer whose
    applications are not open, set in the server's database)."""
    import sqlalchemy as sa

    from tests.e2e.conftest import server_db

    engine = sa.create_engine(server_db())
    with engine.begin() as conn:
        was = conn.execute(sa.text("SELECT application_end FROM offers WHERE id = 11")).scalar()
        conn.execute(
            sa.text("UPDATE offers SET application_end = :d WHERE id = 11"), {"d": "2020-01-01"}
        )
    engine.dispose()
    try:
        goto(page, "/offres/11")
        expect(page.locator("#offer-title")).to_be_visible()
        bar = page.locator("#apply-bar")
        expect(bar).to_contain_text("Candidatures closes")
        expect(page.locator("#apply")).to_have_count(0)
        if _mobile(page):
            assert bar.evaluate("e => getComputedStyle(e).position") == "fixed"
        shot(page, "phone-offer-closed")
    finally:
        engine = sa.create_engine(server_db())
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE offers SET application_end = :d WHERE id = 11"), {"d": was}
            )
        engine.dispose()

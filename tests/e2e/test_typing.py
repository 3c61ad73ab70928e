"""Issue 16 « Typing is lost »: people type at their own speed in every field whose value
the server echoes (the place and keyword of « Rechercher un stage », the school pickers of
the sign-up forms), and what they typed stays in the field; Enter searches exactly what is
in the field; the place suggestions close on submit, on choosing, on Escape and on blur;
a control used before the page is ready counts — at 375 px and 1280 px against the
production server."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import goto, shot
from tests.e2e.test_accounts_flow import _login

DEMO_PW = "stage-demo-2026"

# Human speed (about 8 keys a second) and a paste-like burst.
SPEEDS = [pytest.param(120, id="120ms"), pytest.param(0, id="burst")]


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _settle(page: Page, ms: int = 900) -> None:
    """Long enough for every debounced event and its answer to have come back."""
    page.wait_for_timeout(ms)


@pytest.mark.parametrize("delay", SPEEDS)
def test_postal_code_typed_then_enter_searches_it(page: Page, delay: int):
    goto(page, "/offres")
    field = page.locator("#s-lieu")
    field.click()
    field.press_sequentially("77100", delay=delay)
    expect(field).to_have_value("77100")
    expect(page.locator(".place-suggestion").first).to_be_visible()
    _settle(page)
    expect(field).to_have_value("77100")
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"lieu=77100"))
    expect(page.locator("#results .offer-card").first).to_be_visible()
    expect(page.locator(".offer-card", has_text="Meaux").first).to_be_visible()
    expect(page.locator("#s-lieu")).to_have_value("77100")
    # The suggestions of what was typed do not come back under the field after the search.
    _settle(page)
    expect(page.locator(".place-suggestion")).to_have_count(0)
    expect(page.locator("#s-lieu")).to_have_value("77100")
    if delay:
        shot(page, "typing-search-77100")


@pytest.mark.parametrize("delay", SPEEDS)
def test_enter_at_once_after_typing_searches_the_place(page: Page, delay: int):
    goto(page, "/offres")
    page.locator("#s-q").press_sequentially("boulang", delay=delay)
    field = page.locator("#s-lieu")
    field.click()
    field.press_sequentially("Meaux", delay=delay)
    field.press("Enter")  # no pause: the debounced suggestions have not even been asked
    expect(page).to_have_url(re.compile(r"lieu=Meaux"))
    assert _query(page)["q"] == ["boulang"]
    expect(page.locator(".offer-card").first).to_be_visible()
    expect(page.locator("#total")).not_to_have_text("0")
    _settle(page)
    expect(page.locator("#s-lieu")).to_have_value("Meaux")
    expect(page.locator("#s-q")).to_have_value("boulang")
    expect(page.locator(".place-suggestion")).to_have_count(0)


@pytest.mark.parametrize("delay", SPEEDS)
def test_place_name_typed_keeps_every_letter_and_a_choice_fills_it(page: Page, delay: int):
    goto(page, "/offres")
    field = page.locator("#s-lieu")
    field.click()
    field.press_sequentially("Meaux", delay=delay)
    first = page.locator(".place-suggestion").first
    expect(first).to_have_text("Meaux (77100)")
    expect(field).to_have_value("Meaux")
    _settle(page)
    expect(field).to_have_value("Meaux")
    if delay:
        shot(page, "typing-search-suggestions")
    first.click()
    expect(field).to_have_value("Meaux (77100)")
    expect(page.locator(".place-suggestion")).to_have_count(0)
    # Typing on after a choice keeps going from it.
    field.press("End")
    field.press_sequentially("x", delay=delay)
    expect(field).to_have_value("Meaux (77100)x")
    for _ in range(1):
        field.press("Backspace")
    expect(field).to_have_value("Meaux (77100)")
    page.click("#s-submit")
    expect(page).to_have_url(re.compile(r"lieu=Meaux\+%2877100%29|lieu=Meaux%20%2877100%29"))
    expect(page.locator(".offer-card").first).to_be_visible()
    expect(page.locator("#s-lieu")).to_have_value("Meaux (77100)")
    _settle(page)
    expect(page.locator(".place-suggestion")).to_have_count(0)


def test_place_suggestions_close_on_escape_blur_and_keyboard_choice(page: Page):
    goto(page, "/offres")
    field = page.locator("#s-lieu")
    field.click()
    field.press_sequentially("Marseil", delay=60)
    expect(page.locator(".place-suggestion").first).to_be_visible()
    field.press("Escape")
    expect(page.locator(".place-suggestion").first).to_be_hidden()
    expect(field).to_have_value("Marseil")
    field.press_sequentially("le", delay=60)
    expect(page.locator(".place-suggestion").first).to_be_visible()
    # Leaving the field (a click elsewhere) closes them too.
    page.locator("h1").click()
    expect(page.locator(".place-suggestion").first).to_be_hidden()
    expect(field).to_have_value("Marseille")
    # Back in the field: the keyboard reaches the suggestions and chooses one.
    field.click()
    field.press("End")
    field.press_sequentially(" ", delay=60)
    expect(page.locator(".place-suggestion").first).to_be_visible()
    expect(page.locator(".place-suggestion").first).to_have_text("Marseille (13)")
    field.press("Tab")
    expect(page.locator(".place-suggestion").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(field).to_have_value("Marseille (13)")
    expect(page.locator(".place-suggestion")).to_have_count(0)
    page.click("#s-submit")
    expect(page).to_have_url(re.compile(r"lieu=Marseille"))
    # The whole city, not its 13e arrondissement (issue 16).
    expect(page.locator("#resultats")).to_contain_text("Marseille (13)")
    expect(page.locator("#resultats")).not_to_contain_text("Arrondissement")


@pytest.mark.parametrize("delay", SPEEDS)
def test_keyword_typed_then_enter(page: Page, delay: int):
    goto(page, "/offres")
    q = page.locator("#s-q")
    q.click()
    q.press_sequentially("boulangerie", delay=delay)
    _settle(page, 400)
    expect(q).to_have_value("boulangerie")
    q.press("Enter")
    expect(page).to_have_url(re.compile(r"q=boulangerie"))
    expect(page.locator(".offer-card").first).to_be_visible()
    expect(page.locator("#s-q")).to_have_value("boulangerie")


@pytest.mark.parametrize("delay", SPEEDS)
def test_pupil_school_picker_keeps_the_text(page: Page, delay: int):
    goto(page, "/inscription?role=eleve")
    field = page.locator("#school-search")
    field.click()
    field.press_sequentially("henri dunant", delay=delay)
    expect(page.locator("#school-suggestion-0771029A")).to_be_visible()
    expect(field).to_have_value("henri dunant")
    _settle(page)
    expect(field).to_have_value("henri dunant")
    # More words after the suggestions came: still every letter.
    field.press_sequentially(" meaux", delay=delay)
    expect(page.locator("#school-suggestion-0771029A")).to_be_visible()
    _settle(page)
    expect(field).to_have_value("henri dunant meaux")
    page.click("#school-suggestion-0771029A")
    expect(page.locator("#school-chosen")).to_contain_text("Henri Dunant")


@pytest.mark.parametrize("delay", SPEEDS)
def test_school_staff_picker_keeps_the_text(page: Page, delay: int):
    goto(page, "/inscription/etablissement")
    field = page.locator("#school-search")
    field.click()
    field.press_sequentially("henri dunant", delay=delay)
    expect(page.locator("#school-suggestion-0771029A")).to_be_visible()
    _settle(page)
    expect(field).to_have_value("henri dunant")
    page.click("#school-suggestion-0771029A")
    expect(page.locator("#school-chosen")).to_contain_text("Henri Dunant")


def test_first_choice_on_a_cold_page_counts(page: Page):
    """Cold load of /inscription, « Référent départemental » chosen at once (before the
    page is ready): the Département field shows — no second try needed."""
    page.goto("/inscription")  # not goto(): do not wait for the page to be ready
    role = page.locator("#f-role")
    role.select_option("referent_departemental")
    expect(page.locator("#signup-department")).to_be_visible()
    expect(role).to_have_value("referent_departemental")


def test_search_page_frame_shows_before_data(page: Page):
    """No full-page « Chargement… »: the header and the title are there from the first
    paint, the form fills in once the data came."""
    page.goto("/offres?lieu=77100")
    expect(page.locator("h1")).to_have_text("Rechercher un stage")
    expect(page.locator("#nav-home")).to_be_visible()
    page.wait_for_selector("#app-ready", state="attached")
    expect(page.locator("#s-lieu")).to_have_value("77100")
    shot(page, "typing-search-frame")


def test_offer_form_school_reservation_keeps_the_text(page: Page):
    """The employer's « Réserver à un ou plusieurs établissements » (step 3)."""
    _login(page, "employeur@demo.mystage.fr", DEMO_PW, ready="#new-offer")
    page.click("#new-offer")
    expect(page).to_have_url(re.compile(r"etape=1"))
    goto(page, re.sub(r"etape=1", "etape=3", page.url))
    field = page.locator("#school-search")
    field.click()
    field.press_sequentially("henri dunant", delay=120)
    expect(page.locator(".school-suggestion").first).to_be_visible()
    _settle(page)
    expect(field).to_have_value("henri dunant")
    page.locator(".school-suggestion", has_text="Henri Dunant").first.click()
    expect(page.locator(".rt-Badge", has_text="Henri Dunant").first).to_be_visible()
    expect(field).to_have_value("")  # chosen: the field is ready for another one

"""Issue 16 « Employers », « Statistics », « Words and messages », as the person sees them, at
375 px and 1280 px: the dashboard as cards on a phone and tables on a computer, a copy told
from its original, a deactivated offer told from an unpublished one, the step 3 warning,
the buttons of an application per state, exports downloaded again, the statistics charts,
the login coming back to the whole address."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SHOTS, assert_no_horizontal_scroll, goto, shot
from tests.e2e.test_accounts_flow import _login

EMPLOYER = "employeur@demo.mystage.fr"
ADMIN = "admin@demo.mystage.fr"
DEMO_PASSWORD = "stage-demo-2026"
PREFIX = os.environ.get("SHOT_PREFIX", "after")


def _mobile(page: Page) -> bool:
    return page.viewport_name == "mobile"  # type: ignore[attr-defined]


def _offers(page: Page):
    """The offers of the dashboard as the person sees them: cards on a phone, rows else."""
    return page.locator(".offer-card" if _mobile(page) else ".offer-row")


def test_dashboard_cards_on_a_phone_tables_on_a_computer(page: Page):
    _login(page, EMPLOYER, DEMO_PASSWORD, ready="#new-offer")
    goto(page, "/espace/employeur?onglet=a_traiter")
    cards, rows = page.locator(".app-card"), page.locator(".app-row")
    if _mobile(page):
        expect(cards.first).to_be_visible()
        expect(rows.first).to_be_hidden()
        expect(cards.first.get_by_role("link", name="Voir et répondre")).to_be_visible()
    else:
        expect(rows.first).to_be_visible()
        expect(cards.first).to_be_hidden()
    assert_no_horizontal_scroll(page)
    shot(page, f"{PREFIX}-dashboard-apps")
    goto(page, "/espace/employeur?onglet=offres")
    expect(_offers(page).first).to_be_visible()
    # every action of an offer is on screen (no sideways scroll inside a table)
    for button in _offers(page).first.get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= page.viewport_size["width"]
    assert_no_horizontal_scroll(page)
    shot(page, f"{PREFIX}-dashboard-offers")


def test_application_buttons_say_what_they_do(page: Page):
    _login(page, EMPLOYER, DEMO_PASSWORD, ready="#new-offer")
    goto(page, "/espace/employeur?onglet=a_traiter")
    first = page.locator(".app-card a" if _mobile(page) else ".app-row a").first
    goto(page, first.get_attribute("href"))
    expect(page.locator("#app-action-accept")).to_have_text("Accepter")
    expect(page.locator("#app-action-refuse")).to_have_text("Refuser")
    expect(page.locator("#app-action-cancel_by_employer")).to_have_count(0)  # no « Annuler »
    shot(page, f"{PREFIX}-application")
    assert_no_horizontal_scroll(page)
    page.click("#app-action-accept")
    page.locator("[role=dialog] button", has_text="Accepter").click()
    expect(page.locator("#app-notice")).to_contain_text("acceptée")
    actions = page.locator("#app-actions button")
    expect(actions).to_have_count(1)
    expect(actions.first).to_have_text("Annuler mon accord")
    expect(page.locator("#app-action-refuse")).to_have_count(0)
    page.click("#app-action-cancel_by_employer")
    expect(page.locator("[role=dialog]")).to_contain_text("Annuler mon accord")
    shot(page, f"{PREFIX}-application-cancel-dialog")


def test_copy_warning_publish_and_deactivate(page: Page):
    _login(page, EMPLOYER, DEMO_PASSWORD, ready="#new-offer")
    goto(page, "/espace/employeur?onglet=offres")
    source = _offers(page).filter(has_not_text="(copie)").filter(has_text="Publiée").first
    source_id = source.locator(".offer-id" if _mobile(page) else "td").first.inner_text()
    source.locator(".act-duplicate").click()
    expect(page.locator("#offer-form-title")).to_have_text(f"Copie de l'offre n° {source_id}")
    copy_id = re.search(r"id=(\d+)", page.url).group(1)

    # Step 3: a window closing months before a week is a warning, once, next to the field.
    goto(page, f"/espace/employeur/offre?id={copy_id}&etape=3")
    expect(page.locator("#week-picker")).to_be_visible()
    page.locator(".week-row input[type=checkbox]").last.check()
    page.fill("#f-application_start", "")
    page.fill("#f-application_end", (date.today() + timedelta(days=2)).isoformat())
    page.click("#step-submit")
    warning = page.locator("#f-application_end-warn")
    expect(warning).to_contain_text("plus de deux mois avant la semaine du")
    expect(page.locator("#step-has-errors")).to_have_count(0)  # a warning, not an error
    expect(page.locator("#step-submit")).to_have_text("Enregistrer et continuer quand même")
    shot(page, f"{PREFIX}-offer-step3-warning")
    assert_no_horizontal_scroll(page)
    page.click("#step-submit")
    expect(page.locator("#f-tutor_name")).to_be_visible()  # step 4

    # Publish the copy (« … (copie) »), then deactivate it: « Désactivée », and what happened.
    goto(page, f"/espace/employeur/offre/apercu?id={copy_id}")
    expect(page.locator("#offer-title")).to_contain_text("(copie)")
    page.click("#publish")
    expect(page.locator("#dash-message")).to_contain_text("publiée")
    goto(page, "/espace/employeur?onglet=offres")
    mine = _offers(page).filter(
        has=page.locator(
            ".offer-id" if _mobile(page) else "td", has_text=re.compile(f"^{copy_id}$")
        )
    )
    expect(mine).to_contain_text("(copie)")
    mine.locator(".act-deactivate").click()
    page.click("#confirm-yes")
    expect(page.locator("#dash-message")).to_contain_text("désactivée")
    expect(mine.locator(".rt-Badge")).to_have_text("Désactivée")
    expect(mine.locator(".state-note")).to_contain_text(date.today().strftime("%d/%m/%Y"))
    shot(page, f"{PREFIX}-dashboard-deactivated")
    goto(page, f"/espace/employeur/offre/apercu?id={copy_id}")
    expect(page.locator("#offer-state")).to_have_text("Désactivée")
    expect(page.locator("#offer-state-note")).to_be_visible()


def test_exports_download_again(page: Page, tmp_path):
    _login(page, EMPLOYER, DEMO_PASSWORD, ready="#new-offer")
    with page.expect_download():
        page.click("#export-offers")
    again = page.locator("#exports a.export-again").first
    expect(again).to_be_visible()
    href = again.get_attribute("href")
    assert re.fullmatch(r"/api/exports/fichier/\d+", href), href
    r = page.request.get(href)
    assert r.status == 200, (r.status, r.text()[:200])
    with page.expect_download() as info:
        again.click()
    info.value.save_as(tmp_path / "encore.xlsx")
    assert (tmp_path / "encore.xlsx").read_bytes()[:2] == b"PK"


def test_statistics_charts_are_readable(page: Page):
    _login(page, ADMIN, DEMO_PASSWORD, ready="#space-hello")
    goto(page, "/espace/statistiques")
    for key in ("top-communes-1", "top-communes-2", "by-ep-1", "by-ep-2"):
        expect(page.locator(f"#chart-{key}")).to_be_attached()
    expect(page.locator("#chart-schools")).to_contain_text("Part inscrite (%)")
    shot(page, f"{PREFIX}-statistics")
    # the charts draw when they come near the screen: a picture of each reworked one
    for key in ("top-communes", "schools", "by-ep"):
        card = page.locator(f"#chart-{key}")
        card.scroll_into_view_if_needed()
        expect(card.locator("svg").first).to_be_visible()
        card.screenshot(path=str(SHOTS / f"{PREFIX}-chart-{key}-{page.viewport_name}.png"))
    assert_no_horizontal_scroll(page)


def test_login_comes_back_to_the_whole_address(page: Page):
    goto(page, "/espace/employeur?onglet=traitees")
    expect(page).to_have_url(re.compile(r"/connexion\?suivant="))
    page.fill("#f-identifier", EMPLOYER)
    page.fill("#f-password", DEMO_PASSWORD)
    page.click("#login-submit")
    expect(page).to_have_url(re.compile(r"/espace/employeur/?\?onglet=traitees$"))
    expect(page.locator("#new-offer")).to_be_visible()

"""Lycées in the browser, at 375 px and 1280 px: a pupil of 2de GT is offered lycées only
at sign-up (a pupil of 3e collèges only); the demo lycée's head (Lycée Henri Moissan, Meaux)
sees its QPV declaration waiting, an administrator confirms it in /espace/admin, the head
withdraws and declares it again from the school's settings; the lycée's classes are 2de GT."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import VIEWPORTS, assert_no_horizontal_scroll, goto, shot

DEMO_PASSWORD = "stage-demo-2026"
LYCEE = "0770930T"  # Lycée Henri Moissan, Meaux
COLLEGE = "0771029A"  # Collège Henri Dunant, Meaux
PROVISEUR = "ce.0770930t@ac-creteil.fr"
ADMIN = "admin@demo.mystage.fr"


def _page(browser: Browser, server: str, width: str) -> Page:
    context = browser.new_context(viewport=VIEWPORTS[width], locale="fr-FR", base_url=server)
    context.set_default_timeout(20_000)
    p = context.new_page()
    p.viewport_name = width  # type: ignore[attr-defined]
    return p


def _login(page: Page, identifier: str) -> None:
    goto(page, "/connexion")
    page.fill("#f-identifier", identifier)
    page.fill("#f-password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/connexion" not in url)
    page.wait_for_selector("#app-ready", state="attached")


def test_pupil_signup_offers_the_kind_of_the_level(browser, server):
    page = _page(browser, server, "mobile")
    goto(page, "/inscription?role=eleve")
    page.select_option("#signup-level", "2de_gt")
    page.fill("#school-search", "meaux")
    expect(page.locator(f"#school-suggestion-{LYCEE}")).to_be_visible()
    expect(page.locator(f"#school-suggestion-{COLLEGE}")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    shot(page, "signup-seconde-lycees")
    page.select_option("#signup-level", "3e")  # the suggestions follow the level
    expect(page.locator(f"#school-suggestion-{COLLEGE}")).to_be_visible()
    expect(page.locator(f"#school-suggestion-{LYCEE}")).to_have_count(0)
    page.click(f"#school-suggestion-{COLLEGE}")
    expect(page.locator("#school-chosen")).to_contain_text("Henri Dunant")
    page.select_option("#signup-level", "2de_gt")  # level changed after the school
    expect(page.locator("#school-search-err")).to_contain_text(
        "Les élèves de 2de choisissent leur lycée."
    )
    page.context.close()


def test_qpv_declared_confirmed_withdrawn(browser, server):
    # The head sees the demo's declaration waiting (mobile).
    head = _page(browser, server, "mobile")
    _login(head, PROVISEUR)
    goto(head, "/espace/etablissement/parametres")
    expect(head.locator("#settings-qpv-status")).to_contain_text("en attente de confirmation")
    expect(head.locator("#settings-qpv")).to_be_checked()
    assert_no_horizontal_scroll(head)
    shot(head, "lycee-settings-pending")
    goto(head, "/espace/etablissement/classes")
    options = head.locator("#class-level option").all_inner_texts()
    assert options[1:] == ["2de générale et technologique"], options

    # An administrator confirms it (desktop, then the empty list on mobile).
    for width in ("desktop", "mobile"):
        admin = _page(browser, server, width)
        _login(admin, ADMIN)
        goto(admin, "/espace/admin")
        if width == "desktop":
            row = admin.locator(".pending-qpv", has_text="Henri Moissan")
            expect(row).to_be_visible()
            shot(admin, "admin-qpv-pending")
            row.locator(".qpv-confirm").click()
            expect(admin.locator("#admin-message")).to_contain_text("Statut QPV confirmé")
            expect(admin.locator("#qpv-none")).to_be_visible()
        else:
            expect(admin.locator("#qpv-none")).to_be_visible()
            assert_no_horizontal_scroll(admin)
            shot(admin, "admin-qpv-done")
        admin.context.close()

    # The head sees it confirmed, withdraws it, declares it again (desktop).
    desk = _page(browser, server, "desktop")
    _login(desk, PROVISEUR)
    goto(desk, "/espace/etablissement/parametres")
    expect(desk.locator("#settings-qpv-status")).to_contain_text("Confirmé")
    shot(desk, "lycee-settings-confirmed")
    desk.uncheck("#settings-qpv")
    desk.click("#settings-qpv-save")
    expect(desk.locator("#settings-qpv-status")).to_contain_text("Non déclaré")
    desk.check("#settings-qpv")
    desk.click("#settings-qpv-save")
    expect(desk.locator("#settings-qpv-saved")).to_contain_text("va la vérifier")
    expect(desk.locator("#settings-qpv-status")).to_contain_text("en attente")
    shot(desk, "lycee-settings-declared")
    desk.context.close()
    head.context.close()

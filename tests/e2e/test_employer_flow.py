"""Issue 3 « done when »: an employer signs up (wrong SIRET first), activates the account,
fills the four steps with wrong values first, previews, publishes, finds the offer in
« Vos offres de stage », duplicates it and deactivates one — at 375 px and 1280 px."""

from __future__ import annotations

import random
import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll, goto, shot
from tests.e2e.test_accounts_flow import PASSWORD, _login, _mail_link


def _valid_siret() -> str:
    digits = [random.randint(0, 9) for _ in range(13)]  # noqa: S311
    for last in range(10):
        n = digits + [last]
        total = 0
        for i, d in enumerate(reversed(n)):
            if i % 2 == 1:
                d *= 2
                d = d - 9 if d > 9 else d
            total += d
        if total % 10 == 0:
            return "".join(map(str, n))
    raise AssertionError


def _submit_step(page: Page) -> None:
    page.click("#step-submit")


def test_employer_signup_offer_publish_duplicate_deactivate(page: Page):
    email = f"patron.{uuid.uuid4().hex[:8]}@exemple.fr"
    siret = _valid_siret()
    goto(page, "/inscription/employeur")
    page.fill("#f-name", "Pâtisserie du Marché")
    page.fill("#f-activity", "Pâtisserie artisanale")
    page.fill("#f-siret", "12345678901234")  # wrong Luhn key
    page.fill("#f-naf_code", "10.71C")
    page.select_option("#f-statut", "entreprise")
    page.fill("#f-address", "3 place du Marché")
    page.fill("#f-postal_code", "77100")
    page.fill("#f-city", "Meaux")
    page.check("#f-civility-Mme")
    page.fill("#f-first_name", "Julie")
    page.fill("#f-last_name", "Fournier")
    page.fill("#f-phone_mobile", "07" + f"{uuid.uuid4().int % 10**8:08d}")
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.fill("#f-password2", PASSWORD)
    page.check("#f-accept_charter")
    page.check("#f-accept_privacy")
    page.click("#employer-submit")
    expect(page.locator("#f-siret-err")).to_contain_text("SIRET")
    expect(page.locator("#f-name")).to_have_value("Pâtisserie du Marché")  # nothing lost
    shot(page, "employer-signup-error")
    page.fill("#f-siret", siret)
    page.fill("#f-password", PASSWORD)
    page.fill("#f-password2", PASSWORD)
    page.click("#employer-submit")
    expect(page.locator("#employer-done")).to_contain_text(email)

    goto(page, _mail_link(page, email, "Activez"))
    expect(page.locator("#activation-ok")).to_be_visible()
    goto(page, "/connexion?suivant=/espace/employeur")
    page.fill("#f-identifier", email)
    page.fill("#f-password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#new-offer")).to_be_visible()
    page.click("#new-offer")

    # Step 1: prefilled from the account.
    expect(page.locator("#f-employer_name")).to_have_value("Pâtisserie du Marché")
    expect(page.locator("#f-postal_code")).to_have_value("77100")
    _submit_step(page)

    # Step 2: empty title refused, description kept.
    expect(page.locator("#f-title")).to_be_visible()
    page.fill("#f-description", "Fabrication des entremets, vitrine et vente en boutique.")
    page.select_option("#f-sector_id", label="Industrie alimentaire")
    _submit_step(page)
    expect(page.locator("#f-title-err")).to_be_visible()
    expect(page.locator("#f-description")).to_have_value(
        "Fabrication des entremets, vitrine et vente en boutique."
    )
    expect(page.locator("#f-description-count")).to_contain_text("/ 1000")
    page.fill("#f-title", "Pâtisserie du Marché – Alimentation – Pâtissier")
    page.check("#f-handicap_hearing")
    _submit_step(page)

    # Step 3: two weeks, window ending before it starts → refused.
    expect(page.locator("#week-picker")).to_be_visible()
    page.check("#f-level_3e")
    rows = page.locator(".week-row input[type=checkbox]")
    rows.nth(2).check()
    rows.nth(3).check()
    page.fill("#f-places", "2")
    page.fill("#f-application_start", "2027-03-10")
    page.fill("#f-application_end", "2027-01-10")
    _submit_step(page)
    expect(page.locator("#f-application_end-err")).to_be_visible()
    assert page.locator(".week-row input[type=checkbox]").nth(2).is_checked()
    shot(page, "offer-step3-error")
    page.fill("#f-application_start", "")
    page.fill("#f-application_end", "")
    _submit_step(page)

    # Step 4.
    expect(page.locator("#f-tutor_name")).to_be_visible()
    page.fill("#f-hours_start", "08:30")
    page.fill("#f-hours_end", "16:00")
    page.fill("#f-tutor_name", "Julie Fournier")
    page.fill("#f-tutor_email", email)
    _submit_step(page)

    # Preview as a pupil sees it, then publish.
    expect(page.locator("#offer-preview")).to_be_visible()
    expect(page.locator("#offer-title")).to_contain_text("Pâtissier")
    assert page.locator(".offer-week").count() == 2
    shot(page, "offer-preview")
    assert_no_horizontal_scroll(page)
    page.click("#publish")
    expect(page.locator("#dash-message")).to_contain_text("publiée")
    # Cards on a phone, table rows on a computer (issue 16).
    mobile = page.viewport_name == "mobile"  # type: ignore[attr-defined]
    kind, id_cell = (".offer-card", ".offer-id") if mobile else (".offer-row", "td")
    row = page.locator(kind, has_text="Pâtissier")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Publiée")
    shot(page, "employer-offers")

    # Duplicate: a new draft opens on step 1, titled as a copy (issue 16).
    offer_id = row.locator(id_cell).first.inner_text()
    row.locator(".act-duplicate").click()
    expect(page).to_have_url(re.compile(r"etape=1"))
    expect(page.locator("#offer-form-title")).to_have_text(f"Copie de l'offre n° {offer_id}")
    expect(page.locator("#f-employer_name")).to_have_value("Pâtisserie du Marché")
    goto(page, "/espace/employeur?onglet=offres")
    expect(page.locator(kind, has_text="Pâtissier")).to_have_count(2)
    expect(page.locator(kind, has_text="Pâtissier (copie)")).to_have_count(1)

    # Deactivate the published one, after the confirmation dialog.
    published = page.locator(kind, has=page.locator(".rt-Badge", has_text=re.compile("^Publiée$")))
    expect(published).to_have_count(1)
    assert published.locator(id_cell).first.inner_text() == offer_id
    published.locator(".act-deactivate").click()
    expect(page.locator("#confirm-text")).to_contain_text("candidature")
    page.click("#confirm-yes")
    expect(page.locator("#dash-message")).to_contain_text("désactivée")
    row = page.locator(kind, has=page.locator(id_cell, has_text=re.compile(f"^{offer_id}$")))
    expect(row.locator(".rt-Badge")).to_have_text("Désactivée")  # not « Dépubliée » (issue 16)
    expect(row.locator(".state-note")).to_contain_text("sans candidature en cours")
    shot(page, "employer-deactivated")


def test_other_employer_cannot_open_offer(page: Page):
    """Offer n° 1 of the demo belongs to the bakery; the studio's employer cannot open it."""
    _login(page, "studio@demo.mystage.fr", "stage-demo-2026", ready="#new-offer")
    goto(page, "/espace/employeur?onglet=offres")
    mobile = page.viewport_name == "mobile"  # type: ignore[attr-defined]
    kind, id_cell = (".offer-card", ".offer-id") if mobile else (".offer-row", "td:first-child")
    expect(page.locator(kind).first).to_be_visible()
    assert "1" not in page.locator(f"{kind} {id_cell}").all_inner_texts()
    goto(page, "/espace/employeur/offre?id=1&etape=2")
    expect(page.locator("#offer-denied")).to_be_visible()
    expect(page.locator("#f-title")).to_have_count(0)
    goto(page, "/espace/employeur/offre/apercu?id=1")
    expect(page.locator("#offer-denied")).to_be_visible()


def test_employer_exports_own_applications(page: Page, tmp_path):
    """Seed 003 « Détail des candidatures »: the bakery's file holds its applications only."""
    import openpyxl
    import sqlalchemy as sa

    from tests.e2e.conftest import server_db

    _login(page, "employeur@demo.mystage.fr", "stage-demo-2026", ready="#new-offer")
    with page.expect_download() as info:
        page.click("#export-applications")
    path = tmp_path / "candidatures.xlsx"
    info.value.save_as(path)
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[0] == "CANDIDATURE_ID" and "TITRE_STAGE" in header
    with sa.create_engine(server_db()).connect() as c:
        expected = set(
            c.execute(
                sa.text(
                    "SELECT a.id FROM applications a JOIN offers o ON o.id = a.offer_id "
                    "JOIN structure_members m ON m.structure_id = o.structure_id "
                    "JOIN users u ON u.id = m.user_id WHERE u.email = :e "
                    "AND a.state NOT IN ('submitted', 'awaiting_school', 'refused_by_school')"
                ),
                {"e": "employeur@demo.mystage.fr"},
            ).scalars()
        )
    assert expected and {r[0] for r in rows[1:]} == expected
    expect(page.locator("#export-message")).to_contain_text(str(len(expected)))
    assert_no_horizontal_scroll(page)

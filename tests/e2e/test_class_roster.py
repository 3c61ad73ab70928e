"""Issue 16 « Schools », at 375 px and 1280 px: the demo professeur principal of 3e A pastes
a list of pupils (a line in error first: nothing stored, the error on its line), sees them
« pas encore inscrit »; a pupil signs up from the invitation mail and the row becomes a
normal row; ticking that pupil in « Sans autorisation » keeps the row with a message naming
the pupil and « Annuler »; the filters show their counts and the exports say what they
export; another pupil signs up with the class code."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.e2e.conftest import VIEWPORTS, assert_no_horizontal_scroll, goto, server_db, shot
from tests.e2e.test_accounts_flow import PASSWORD, _mail_link
from tests.e2e.test_school_flow import DEMO_PASSWORD, DEMO_UAI, TEACHER, _login, _one


def _class_id() -> int:
    engine = sa.create_engine(server_db())
    try:
        return _one(
            engine,
            "SELECT c.id FROM school_classes c JOIN schools s ON s.id = c.school_id "
            "WHERE s.uai = :u AND c.name = '3e A'",
            u=DEMO_UAI,
        )[0]
    finally:
        engine.dispose()


def _pupil_context(page: Page) -> Page:
    browser = page.context.browser
    ctx = browser.new_context(
        viewport=VIEWPORTS[page.viewport_name],
        locale="fr-FR",
        base_url=page.url.split("/espace")[0],
    )
    ctx.set_default_timeout(20_000)
    p = ctx.new_page()
    p.viewport_name = page.viewport_name  # type: ignore[attr-defined]
    return p


def _open_roster(page: Page) -> None:
    if not page.locator("#roster-paste").is_visible():
        page.click("#roster-open")
    expect(page.locator("#roster-paste")).to_be_visible()


def _sign_up(p: Page, first: str, last: str, email: str | None) -> None:
    """Fill what the class sign-up still asks and send it."""
    if email is not None:
        p.fill("#f-first_name", first)
        p.fill("#f-last_name", last)
        p.fill("#f-email", email)
    p.fill("#signup-birth-date", "2012-03-14")
    p.fill("#f-password", PASSWORD)
    p.fill("#f-password2", PASSWORD)
    p.check("#f-accept_terms")
    p.click("#signup-submit")
    expect(p.locator("#signup-done")).to_be_visible()


def test_roster_paste_invitation_and_kept_row(page: Page):
    tag = uuid.uuid4().hex[:5]
    last = f"Roster{tag}"
    email = f"lou.{tag}@exemple.fr"
    class_id = _class_id()
    _login(page, TEACHER, DEMO_PASSWORD, "#school-dashboard")
    goto(page, f"/espace/etablissement/classe/{class_id}")
    expect(page.locator("#class-table")).to_be_visible()
    # The demo's listed pupils, and counts on every filter.
    expect(page.locator(".roster-row", has_text="PERRIN")).to_contain_text("Pas encore inscrit")
    expect(page.locator("#filter-pas_inscrit")).to_contain_text(")")
    expect(page.locator("#export-xlsx-all")).to_contain_text("Exporter toute la classe (")
    shot(page, "class-table-after")

    # A paste with an error: nothing stored, the error on its line; then corrected.
    _open_roster(page)
    page.fill("#roster-paste", f"{last.upper()} Lou ; {email}\nMALO{tag} Inès ; pas-un-contact")
    page.click("#paste-check")
    expect(page.locator("#paste-line-2")).to_contain_text("ni une adresse e-mail")
    expect(page.locator("#paste-add")).to_have_count(0)
    shot(page, "class-roster-preview")
    page.fill("#roster-paste", f"{last.upper()} Lou ; {email}\nMALO{tag} Inès")
    page.locator("#roster-paste").blur()
    page.click("#paste-check")
    expect(page.locator("#paste-summary")).to_contain_text("2 ligne(s) correcte(s)")
    page.click("#paste-add")
    expect(page.locator("#roster-notice")).to_contain_text("2 élève(s) ajouté(s)")
    row = page.locator(".roster-row", has_text=last.upper())
    expect(row).to_contain_text("Pas encore inscrit")
    expect(row).to_contain_text(email)
    assert_no_horizontal_scroll(page)

    # Lou signs up from the invitation mail: the form knows her class and her names.
    pupil = _pupil_context(page)
    goto(pupil, _mail_link(pupil, email, "crée ton compte"))
    expect(pupil.locator("#class-signup-class")).to_contain_text("3e A")
    expect(pupil.locator("#f-first_name")).to_have_value("Lou")
    expect(pupil.locator("#f-email")).to_have_value(email)
    shot(pupil, "class-invitation-signup")
    _sign_up(pupil, "Lou", last, None)
    pupil.context.close()

    # Her row is now an ordinary row (one row, not two).
    goto(page, f"/espace/etablissement/classe/{class_id}?filtre=sans_autorisation")
    expect(page.locator(".roster-row", has_text=last.upper())).to_have_count(0)
    mine = page.locator(".pupil-row", has_text=last.upper())
    expect(mine).to_have_count(1)
    expect(page.locator("#filter-sans_autorisation")).to_contain_text("(")
    expect(page.locator("#export-xlsx")).to_contain_text("élèves affichés")
    # Ticked in « Sans autorisation »: the row stays, the message names her, « Annuler ».
    mine.get_by_role("checkbox").click()
    expect(page.locator("#auth-notice")).to_contain_text(
        f"Autorisation enregistrée pour Lou {last.title()}"
    )
    expect(mine).to_have_count(1)
    expect(mine.get_by_role("checkbox")).to_be_checked()
    shot(page, "class-table-ticked")
    page.click("#auth-undo")
    expect(page.locator("#auth-notice")).to_contain_text("Annulé")
    expect(mine.get_by_role("checkbox")).not_to_be_checked()


def test_class_code_sign_up(page: Page):
    tag = uuid.uuid4().hex[:5]
    class_id = _class_id()
    _login(page, TEACHER, DEMO_PASSWORD, "#school-dashboard")
    goto(page, f"/espace/etablissement/classe/{class_id}")
    _open_roster(page)
    code = page.locator("#class-code").inner_text().strip()
    assert len(code) == 6
    expect(page.locator("#class-code-url")).to_contain_text(f"/classe/{code}")
    shot(page, "class-roster-tools")

    pupil = _pupil_context(page)
    goto(pupil, "/classe/ZZZZZZ")
    expect(pupil.locator("#class-signup-invalid")).to_be_visible()
    goto(pupil, f"/classe/{code.lower()}")
    expect(pupil.locator("#class-signup-class")).to_contain_text("3e A")
    assert_no_horizontal_scroll(pupil)
    shot(pupil, "class-code-signup")
    _sign_up(pupil, "Nour", f"Code{tag}", f"nour.{tag}@exemple.fr")
    pupil.context.close()

    goto(page, f"/espace/etablissement/classe/{class_id}")
    expect(page.locator(".pupil-row", has_text=f"CODE{tag.upper()}")).to_have_count(1)

"""Issue 18 « done when », users side (1280 px): a pupil is locked out after wrong passwords;
the administrator searches « 06 12 34 56 78 » (the demo pupil Yanis, who logs in by phone),
opens the account, « Déverrouiller », confirms; the pupil logs in.  A crafted sign: the page
says « Verrouillé jusqu'au … » before and « Actif » after, and the journal shows the row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.e2e.conftest import VIEWPORTS, goto, server_db, shot

DEMO_PASSWORD = "stage-demo-2026"
ADMIN = "admin@demo.mystage.fr"
PUPIL_PHONE = "+33612345678"  # Yanis Benali, 3e, phone only


def _page(browser, server) -> Page:
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="fr-FR", base_url=server)
    context.set_default_timeout(20_000)
    p = context.new_page()
    p.viewport_name = "desktop"  # type: ignore[attr-defined]
    return p


def _login(page: Page, identifier: str, password: str) -> None:
    goto(page, "/connexion")
    page.fill("#f-identifier", identifier)
    page.fill("#f-password", password)
    page.click("#login-submit")


def _set_lock(until: datetime | None, failures: int = 0) -> None:
    engine = sa.create_engine(server_db())
    try:
        with engine.begin() as c:
            c.execute(
                sa.text("UPDATE users SET failed_logins = :f, locked_until = :u WHERE phone = :p"),
                {"f": failures, "u": until, "p": PUPIL_PHONE},
            )
    finally:
        engine.dispose()


def test_admin_unlocks_a_locked_out_pupil(browser, server):
    # The pupil is locked out (as after 10 wrong passwords; not typed here, so the server's
    # address is not slowed down for the other tests).
    _set_lock(datetime.now(UTC) + timedelta(minutes=15))
    pupil = _page(browser, server)
    admin = _page(browser, server)
    try:
        _login(pupil, "06 12 34 56 78", DEMO_PASSWORD)
        expect(pupil.locator("#login-error")).to_contain_text("temporairement bloqué")

        _login(admin, ADMIN, DEMO_PASSWORD)
        expect(admin.locator("#space-hello")).to_be_visible()
        goto(admin, "/espace/admin/utilisateurs")
        admin.fill("#f-q", "06 12 34 56 78")
        admin.click("#users-search")
        expect(admin.locator("#users-count")).to_contain_text("Téléphone : 1 compte")
        row = admin.locator("#users-results tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Yanis")
        expect(row).to_contain_text("Verrouillé jusqu'au")
        shot(admin, "admin-users-search")
        row.locator("a.user-link").click()
        expect(admin.locator("#user-status")).to_contain_text("Verrouillé jusqu'au")
        expect(admin.locator("#user-school")).to_be_visible()
        admin.click("#action-unlock")
        expect(admin.locator("#user-confirm-text")).to_contain_text("Le compte verrouillé")
        shot(admin, "admin-users-confirm")
        admin.click("#confirm-yes")
        expect(admin.locator("#user-message")).to_contain_text("Compte déverrouillé.")
        expect(admin.locator("#user-status")).to_contain_text("Actif")
        expect(admin.locator("#user-audit")).to_contain_text("admin_unlock")
        expect(admin.locator("#action-unlock")).to_have_count(0)
        shot(admin, "admin-users-unlocked")

        _login(pupil, "06 12 34 56 78", DEMO_PASSWORD)
        expect(pupil.locator("#space-hello")).to_contain_text("Yanis")
    finally:
        _set_lock(None)
        pupil.context.close()
        admin.context.close()

"""« Mon compte » at 375 px: a pupil changes their mobile number with the SMS code (read in
/dev/mails), changes their name, sees their two sessions and logs out everywhere — the other
browser is logged out too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    ROOT,
    VIEWPORTS,
    assert_no_horizontal_scroll,
    goto,
    server_db,
    shot,
)
from tests.e2e.test_accounts_flow import PASSWORD, _sms_code


def _new_page(browser, server) -> Page:
    context = browser.new_context(viewport=VIEWPORTS["mobile"], locale="fr-FR", base_url=server)
    context.set_default_timeout(20_000)
    p = context.new_page()
    p.viewport_name = "mobile"  # type: ignore[attr-defined]
    return p


def _create_pupil(email: str) -> None:
    """An active pupil in the server's database (the sign-up itself is tested elsewhere)."""
    env = {**os.environ, "DATABASE_URL": server_db()}
    subprocess.run(
        [sys.executable, "-m", "mystage", "create-account", "--role", "eleve", "--email", email,
         "--password", PASSWORD, "--first-name", "Chloé", "--last-name", "Petit"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip


def _login_to_account(page: Page, email: str) -> None:
    goto(page, "/connexion?suivant=/espace/compte")
    page.fill("#f-identifier", email)
    page.fill("#f-password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#account-identity")).to_be_visible()


def test_pupil_changes_phone_and_name_then_logs_out_everywhere(browser, server):
    email = f"chloe.{uuid.uuid4().hex[:8]}@exemple.fr"
    _create_pupil(email)
    digits = f"{uuid.uuid4().int % 10**8:08d}"
    page = _new_page(browser, server)
    other = _new_page(browser, server)  # the same pupil on another device
    try:
        _login_to_account(other, email)
        _login_to_account(page, email)
        expect(page.locator("#account-email")).to_have_text(email)
        expect(page.locator("#account-phone-none")).to_be_visible()

        # A new mobile number: an SMS code, a wrong one first.
        shown = "07 " + " ".join(digits[i : i + 2] for i in range(0, 8, 2))
        page.fill("#f-new_phone", "+33" + "7" + digits)
        page.click("#phone-submit")
        expect(page.locator("#phone-code-sent")).to_contain_text(shown)
        mailbox = page.context.new_page()
        code = _sms_code(mailbox, "+337" + digits)
        mailbox.close()
        page.fill("#f-code", "000000" if code != "000000" else "111111")
        page.click("#phone-code-submit")
        expect(page.locator("#f-code-err")).to_be_visible()
        page.fill("#f-code", code)
        page.click("#phone-code-submit")
        expect(page.locator("#phone-saved")).to_be_visible()
        expect(page.locator("#account-phone")).to_have_text(shown)

        # The name: an empty first name is refused next to the field, then saved.
        page.fill("#f-first_name", "")
        page.fill("#f-last_name", "Petit-Durand")
        page.click("#names-submit")
        # The browser's own « required » check may stop the empty field first: either way
        # nothing is saved and the last name typed is kept.
        expect(page.locator("#names-saved")).to_have_count(0)
        expect(page.locator("#f-last_name")).to_have_value("Petit-Durand")
        page.fill("#f-first_name", "Chloé")
        page.click("#names-submit")
        expect(page.locator("#names-saved")).to_be_visible()

        # Two sessions: this one first, marked.
        goto(page, "/espace/compte")
        expect(page.locator("#f-last_name")).to_have_value("Petit-Durand")
        expect(page.locator(".session-row")).to_have_count(2)
        expect(page.locator(".session-row").first).to_contain_text("Cette session")
        assert_no_horizontal_scroll(page)
        shot(page, "account")

        page.click("#sessions-logout-all")
        expect(page).to_have_url(re.compile(r"/connexion"))
        expect(page.locator("#nav-login")).to_be_visible()
        goto(page, "/espace/compte")
        expect(page).to_have_url(re.compile(r"/connexion"))
        goto(other, "/espace/compte")
        expect(other).to_have_url(re.compile(r"/connexion"))

        # The new number logs in.
        goto(page, "/connexion")
        page.fill("#f-identifier", "07" + digits)
        page.fill("#f-password", PASSWORD)
        page.click("#login-submit")
        expect(page.locator("#space-hello")).to_contain_text("Chloé Petit-Durand")
    finally:
        page.context.close()
        other.context.close()

"""« Mon équipe » (issue 17), at 1280 px: the demo employer invites a colleague, the mail is
in /dev/mails, the colleague signs up from the link (an error first, input kept), lands in
the employer space and sees the structure's offers; the owner's team lists them."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import VIEWPORTS, goto, shot
from tests.e2e.test_accounts_flow import PASSWORD, _mail_link

DEMO_PASSWORD = "stage-demo-2026"
EMPLOYER = "employeur@demo.mystage.fr"


def _desktop(browser, server) -> Page:
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="fr-FR", base_url=server)
    context.set_default_timeout(20_000)
    p = context.new_page()
    p.viewport_name = "desktop"  # type: ignore[attr-defined]
    return p


def _login(page: Page, identifier: str, password: str, ready: str) -> None:
    goto(page, "/connexion")
    page.fill("#f-identifier", identifier)
    page.fill("#f-password", password)
    page.click("#login-submit")
    expect(page.locator(ready)).to_be_visible()


def test_owner_invites_colleague_who_signs_up_and_sees_the_offers(browser, server):
    email = f"collegue.{uuid.uuid4().hex[:8]}@boulangerie.fr"
    owner = _desktop(browser, server)
    _login(owner, EMPLOYER, DEMO_PASSWORD, ready="#new-offer")
    goto(owner, "/espace/employeur/equipe")
    expect(owner.locator("#team-members")).to_contain_text("Responsable")
    owner.fill("#f-invite-email", EMPLOYER)  # already in the team
    owner.click("#invite-submit")
    expect(owner.locator("#f-invite-email-err")).to_contain_text("déjà partie")
    expect(owner.locator("#f-invite-email")).to_have_value(EMPLOYER)  # input kept
    owner.fill("#f-invite-email", email)
    owner.click("#invite-submit")
    expect(owner.locator("#team-message")).to_contain_text(email)
    shot(owner, "team-invited")

    colleague = _desktop(browser, server)
    link = _mail_link(colleague, email, "Invitation")
    assert re.search(r"/invitation/equipe/[A-Za-z0-9_-]+$", link), link
    goto(colleague, link)
    expect(colleague.locator("#team-invite-email")).to_contain_text(email)
    colleague.check("#f-civility-Mme")
    colleague.fill("#f-first_name", "Inès")
    colleague.fill("#f-last_name", "Collègue")
    colleague.fill("#f-password", PASSWORD)
    colleague.fill("#f-password2", PASSWORD)
    colleague.click("#team-signup-submit")  # the consent box left unticked
    expect(colleague.locator("#f-accept_privacy-err")).to_be_visible()
    expect(colleague.locator("#f-first_name")).to_have_value("Inès")  # input kept
    colleague.fill("#f-password", PASSWORD)
    colleague.fill("#f-password2", PASSWORD)
    colleague.check("#f-accept_privacy")
    colleague.click("#team-signup-submit")
    expect(colleague.locator("#team-invite-done")).to_be_visible()
    shot(colleague, "team-invitation-done")
    colleague.click("#team-go")
    expect(colleague.locator("#new-offer")).to_be_visible()
    goto(colleague, "/espace/employeur?onglet=offres")
    expect(colleague.locator(".offer-row").first).to_be_visible()
    shot(colleague, "team-colleague-offers")

    # The link is single use.
    goto(colleague, link)
    expect(colleague.locator("#team-invite-invalid")).to_be_visible()

    goto(owner, "/espace/employeur/equipe")
    expect(owner.locator("#team-members")).to_contain_text("Inès Collègue")
    owner.context.close()
    colleague.context.close()

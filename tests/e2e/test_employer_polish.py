"""Issue 16 « Employers », « Statistics », « Words and messages »: what an employer sees at
375 px and 1280 px."""

from __future__ import annotations

import os

from playwright.sync_api import Page, expect

from tests.e2e.conftest import goto, shot
from tests.e2e.test_accounts_flow import _login

EMPLOYER = "employeur@demo.mystage.fr"
DEMO_PASSWORD = "stage-demo-2026"
PREFIX = os.environ.get("SHOT_PREFIX", "polish")


def test_shots_dashboard_and_application(page: Page):
    _login(page, EMPLOYER, DEMO_PASSWORD, ready="#new-offer")
    goto(page, "/espace/employeur?onglet=a_traiter")
    expect(page.locator(".app-row").first).to_be_visible()
    shot(page, f"{PREFIX}-dashboard-apps")
    href = page.locator(".app-row a").first.get_attribute("href")
    goto(page, "/espace/employeur?onglet=offres")
    expect(page.locator(".offer-row").first).to_be_visible()
    shot(page, f"{PREFIX}-dashboard-offers")
    goto(page, href)
    expect(page.locator("#app-state")).to_be_visible()
    shot(page, f"{PREFIX}-application")

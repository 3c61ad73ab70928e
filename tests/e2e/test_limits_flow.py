"""Issue 12 « done when »: the shared-address login attack fails against the production
server — dozens of failed logins on unknown addresses from a collège's one address (through
the trusted proxy), then a pupil there logs in with the right password; sign-up with a taken
address answers as for a new one and mails the owner; a French keyboard walk is refused as a
password, explained next to the field."""

from __future__ import annotations

import time
import uuid

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.e2e.conftest import VIEWPORTS, assert_no_horizontal_scroll, goto, server_db, shot

DEMO_PUPIL = "eleve@demo.mystage.fr"
DEMO_PASSWORD = "stage-demo-2026"
NAT = {"mobile": "198.51.100.66", "desktop": "198.51.100.67"}  # one collège per viewport
SLOW_AFTER = 30  # accounts.LIMITS["login_ip"].limit


def _failures(address: str) -> int:
    with sa.create_engine(server_db()).connect() as c:
        return c.execute(
            sa.text("SELECT count(*) FROM login_attempts WHERE key = :k AND success = false"),
            {"k": "ip:" + address},
        ).scalar_one()


def _context(browser, server, viewport: str, address: str):
    ctx = browser.new_context(
        viewport=VIEWPORTS[viewport],
        locale="fr-FR",
        base_url=server,
        extra_http_headers={"X-Forwarded-For": address},
    )
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.viewport_name = viewport  # type: ignore[attr-defined]
    return ctx, page


def test_shared_address_attack_then_a_pupil_logs_in(browser, server, viewport):
    nat = NAT[viewport]
    attacker_ctx, attacker = _context(browser, server, viewport, nat)
    goto(attacker, "/connexion")
    start = _failures(nat)
    for i in range(SLOW_AFTER + 5):
        attacker.fill("#f-identifier", f"inconnu.{uuid.uuid4().hex[:8]}@exemple.fr")
        attacker.fill("#f-password", "au hasard 1234")
        attacker.click("#login-submit")
        deadline = time.time() + 30
        while _failures(nat) < start + i + 1:  # counted for the collège's address
            assert time.time() < deadline, f"attempt {i} not recorded for {nat}"
            time.sleep(0.05)
    expect(attacker.locator("#login-error")).to_contain_text("Identifiant ou mot de passe")
    expect(attacker.locator("#login-error")).to_contain_text("ralenti")
    expect(attacker.locator("#login-error")).not_to_contain_text("Trop de tentatives")
    shot(attacker, "login-slowed")
    attacker_ctx.close()

    # A pupil of the same collège, same address, right password: in.
    pupil_ctx, pupil = _context(browser, server, viewport, nat)
    goto(pupil, "/connexion")
    pupil.fill("#f-identifier", DEMO_PUPIL)
    pupil.fill("#f-password", DEMO_PASSWORD)
    pupil.click("#login-submit")
    expect(pupil.locator("#space-hello")).to_be_visible()
    assert _failures(nat) == start + SLOW_AFTER + 5  # the success added no failure
    pupil_ctx.close()


def test_signup_with_a_taken_address_and_a_keyboard_walk(page: Page):
    goto(page, "/inscription?role=parent")
    page.fill("#f-first_name", "Karim")
    page.fill("#f-last_name", "Benali")
    page.fill("#f-email", DEMO_PUPIL)
    page.fill("#f-password", "azertyuiop1234")
    page.fill("#f-password2", "azertyuiop1234")
    page.check("#f-accept_terms")
    page.click("#signup-submit")
    error = page.locator("#f-password-err")
    expect(error).to_contain_text("Ce mot de passe est trop facile à deviner")
    expect(error).to_contain_text("clavier")
    expect(page.locator("#f-email")).to_have_value(DEMO_PUPIL)  # what was typed is kept
    assert_no_horizontal_scroll(page)
    shot(page, "signup-weak-password")

    passphrase = "un goûter au bord du canal"
    page.fill("#f-password", passphrase)
    page.fill("#f-password2", passphrase)
    page.click("#signup-submit")
    # The same answer as for a new address…
    expect(page.locator("#signup-done")).to_contain_text("Vérifiez votre boîte")
    expect(page.locator("#signup-done")).to_contain_text(DEMO_PUPIL)
    expect(page.locator("body")).not_to_contain_text("existe déjà")
    shot(page, "signup-taken-address")
    # …and the owner is told (at most once an hour: the other viewport sees the same mail).
    goto(page, "/dev/mails")
    mail = page.locator(".mail", has_text=DEMO_PUPIL).filter(
        has_text="Quelqu'un a voulu créer un compte MyStage avec ton adresse"  # a pupil
    )
    expect(mail.first).to_be_visible()

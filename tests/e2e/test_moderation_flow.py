"""Issue 18 « done when », offers' moderation (1280 px): in review mode an employer submits
an offer, a moderator refuses it with a reason (the mail is checked), the employer edits
and submits again, the moderator publishes it and it appears in the search; a visitor
reports another offer and the moderator unpublishes it.  The mode and the reported offer
are put back at the end (other tests use the demo data)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import uuid

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, VIEWPORTS, goto, server_db, shot

DEMO_PASSWORD = "stage-demo-2026"
EMPLOYER = "librairie@demo.mystage.fr"  # no other browser test uses it
REPORTED_OWNER = "naval@demo.mystage.fr"  # idem: one of its offers is reported
MODERATOR_PASSWORD = "moderation-e2e-2026"


def _page(browser, server) -> Page:
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="fr-FR", base_url=server)
    context.set_default_timeout(20_000)
    p = context.new_page()
    p.viewport_name = "desktop"  # type: ignore[attr-defined]
    return p


def _login(page: Page, identifier: str, password: str, next_url: str, ready: str) -> None:
    goto(page, f"/connexion?suivant={next_url}")
    page.fill("#f-identifier", identifier)
    page.fill("#f-password", password)
    page.click("#login-submit")
    expect(page.locator(ready).first).to_be_visible()
    page.wait_for_selector("#app-ready", state="attached")


def _set_mode(engine, mode: str) -> None:
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM platform_settings WHERE key = 'offer_moderation'"))
        c.execute(
            sa.text(
                "INSERT INTO platform_settings (key, value, updated_at) "
                "VALUES ('offer_moderation', :v, CURRENT_TIMESTAMP)"
            ),
            {"v": mode},
        )


def _create_moderator(email: str) -> None:
    env = {**os.environ, "DATABASE_URL": server_db()}
    subprocess.run(
        [sys.executable, "-m", "mystage", "create-account", "--role", "moderateur",
         "--email", email, "--password", MODERATOR_PASSWORD,
         "--first-name", "Mona", "--last-name", "Modératrice"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip


def _word() -> str:
    return "".join(random.choice("bcdfghjklmnpqrstvz") for _ in range(4)).capitalize() + "ix"


def _new_offer(page: Page, title: str) -> int:
    goto(page, "/espace/employeur")
    page.click("#new-offer")
    expect(page.locator("#step-submit")).to_be_visible()
    page.click("#step-submit")
    expect(page.locator("#f-title")).to_be_visible()
    page.fill("#f-title", title)
    page.fill("#f-description", "Accueil des clients, conseil, rangement des rayons.")
    page.select_option("#f-sector_id", index=1)
    page.click("#step-submit")
    expect(page.locator("#week-picker")).to_be_visible()
    page.check("#f-level_3e")
    page.locator(".week-row input[type=checkbox]").nth(2).check()
    page.fill("#f-places", "1")
    page.click("#step-submit")
    expect(page.locator("#f-tutor_name")).to_be_visible()
    page.fill("#f-hours_start", "09:00")
    page.fill("#f-hours_end", "17:00")
    page.fill("#f-tutor_name", "Paul Libraire")
    page.fill("#f-tutor_email", EMPLOYER)
    page.click("#step-submit")
    expect(page.locator("#offer-preview")).to_be_visible()
    offer_id = int(page.url.split("id=", 1)[1].split("&", 1)[0])
    page.click("#publish")
    expect(page.locator("#dash-message")).to_contain_text("envoyée à l'équipe MyStage")
    return offer_id


def test_review_refuse_resubmit_publish_and_report(browser, server):
    engine = sa.create_engine(server_db())
    _set_mode(engine, "review")
    moderator_email = f"modo.{uuid.uuid4().hex[:8]}@mystage.fr"
    _create_moderator(moderator_email)
    word = _word()
    title = f"Librairie {word} – Commerce – Libraire"
    with engine.connect() as c:
        reported_id = c.execute(
            sa.text(
                "SELECT o.id FROM offers o JOIN users u ON u.id = o.created_by_id "
                "WHERE u.email = :e AND o.state = 'published' ORDER BY o.id LIMIT 1"
            ),
            {"e": REPORTED_OWNER},
        ).scalar_one()
    try:
        # --- The employer submits an offer: held for the moderators -----------------------
        employer = _page(browser, server)
        _login(employer, EMPLOYER, DEMO_PASSWORD, "/espace/employeur", "#new-offer")
        offer_id = _new_offer(employer, title)
        shot(employer, "moderation-submitted")
        with engine.connect() as c:
            state = c.execute(
                sa.text("SELECT state FROM offers WHERE id = :i"), {"i": offer_id}
            ).scalar_one()
        assert state == "pending"
        goto(employer, f"/offres?q={word}")
        expect(employer.locator("#contenu")).not_to_contain_text(title)

        # --- The moderator refuses it with a reason ---------------------------------------
        modo = _page(browser, server)
        _login(
            modo,
            moderator_email,
            MODERATOR_PASSWORD,
            "/espace/admin/moderation",
            "#mod-offers, #mod-offers-none",
        )
        item = modo.locator(f".mod-offer[data-offer-id='{offer_id}']")
        expect(item).to_contain_text(title)
        shot(modo, "moderation-queue")
        item.locator(".mod-refuse").click()
        modo.click("#mod-dialog-yes")  # no reason: refused next to the field
        expect(modo.locator("#mod-reason-err")).to_contain_text("motif")
        reason = f"Précisez les tâches confiées à l'élève ({word})."
        modo.fill("#mod-reason", reason)
        modo.click("#mod-dialog-yes")
        expect(modo.locator("#mod-message")).to_contain_text("refusée")
        expect(modo.locator(f".mod-offer[data-offer-id='{offer_id}']")).to_have_count(0)

        # The mail to the author carries the reason.
        goto(employer, "/dev/mails")
        mail = employer.locator(".mail", has_text=EMPLOYER).filter(has_text=reason).first
        expect(mail).to_be_visible()
        expect(mail).to_contain_text("n'a pas été publiée")

        # --- The employer sees the reason, edits and submits again ------------------------
        goto(employer, "/espace/employeur?onglet=offres")
        expect(employer.locator("#contenu")).to_contain_text("Refusée par la modération")
        goto(employer, f"/espace/employeur/offre?id={offer_id}&etape=2")
        expect(employer.locator("#offer-moderation-note")).to_contain_text(reason)
        employer.fill(
            "#f-description",
            "Accueil des clients, conseil de lecture, réception des livraisons, vitrine.",
        )
        employer.click("#step-submit")
        expect(employer.locator("#week-picker")).to_be_visible()
        goto(employer, f"/espace/employeur/offre/apercu?id={offer_id}")
        employer.click("#publish")
        expect(employer.locator("#dash-message")).to_contain_text("envoyée à l'équipe MyStage")

        # --- The moderator publishes it: it appears in the search -------------------------
        goto(modo, "/espace/admin/moderation")
        item = modo.locator(f".mod-offer[data-offer-id='{offer_id}']")
        expect(item).to_contain_text("réception des livraisons")
        item.locator(".mod-approve").click()
        modo.click("#mod-dialog-yes")
        expect(modo.locator("#mod-message")).to_contain_text("publiée")
        with engine.connect() as c:
            row = c.execute(
                sa.text(
                    "SELECT state, places_left, application_start, application_end, "
                    "first_week, level_3e, search_text FROM offers WHERE id = :i"
                ),
                {"i": offer_id},
            ).one()
        assert row.state == "published", row
        employer.context.close()
        searcher = _page(browser, server)
        goto(searcher, f"/offres?q={word}")
        try:
            expect(searcher.locator("#contenu")).to_contain_text(title)
        except AssertionError as exc:
            raise AssertionError(f"{row}") from exc
        shot(searcher, "moderation-published-in-search")
        searcher.context.close()

        # --- A visitor reports another offer; the moderator unpublishes it ----------------
        visitor = _page(browser, server)
        goto(visitor, f"/offres/{reported_id}")
        visitor.click("#report-open")
        visitor.click("#report-send")  # no reason chosen
        expect(visitor.locator("#report-reason-err")).to_be_visible()
        visitor.check("#report-reason-not_observation")
        visitor.fill("#report-text", "On m'a demandé de payer pour ce stage.")
        visitor.click("#report-send")
        expect(visitor.locator("#report-sent")).to_be_visible()
        shot(visitor, "moderation-report-sent")

        goto(modo, "/espace/admin/moderation?onglet=signalements")
        report = modo.locator(f".mod-report[data-offer-id='{reported_id}']").first
        expect(report).to_contain_text("payer")
        report.locator(".mod-unpublish").click()
        modo.fill("#mod-reason", "Un paiement est demandé aux élèves : interdit.")
        modo.click("#mod-dialog-yes")
        expect(modo.locator("#mod-message")).to_contain_text("dépubliée")
        shot(modo, "moderation-report-actioned")
        modo.context.close()

        goto(visitor, f"/offres/{reported_id}")
        expect(visitor.locator("#offer-missing")).to_be_visible()
        visitor.context.close()
        with engine.connect() as c:
            state, why = c.execute(
                sa.text("SELECT state, moderation_reason FROM offers WHERE id = :i"),
                {"i": reported_id},
            ).one()
        assert state == "unpublished" and "paiement" in why
    finally:
        _set_mode(engine, "immediate")
        with engine.begin() as c:
            c.execute(
                sa.text(
                    "UPDATE offers SET state = 'published', moderation_reason = '', "
                    "unpublished_at = NULL WHERE id = :i"
                ),
                {"i": reported_id},
            )

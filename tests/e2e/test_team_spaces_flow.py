"""Issue 17 « done when », employer side (1280 px): an owner creates a second space and
invites a colleague by mail; the colleague signs up from the link and publishes an offer in
that space; the owner turns off their own notifications for it; a pupil (375 px) applies
there and the dev mailbox shows the « nouvelle candidature » mail went to the colleague only."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.e2e.conftest import VIEWPORTS, goto, server_db, shot
from tests.e2e.test_accounts_flow import PASSWORD, _mail_link

DEMO_PASSWORD = "stage-demo-2026"
OWNER = "veto@demo.mystage.fr"  # Clinique vétérinaire, Rezé (no other browser test uses it)
PUPIL = "eleve.nantes@demo.mystage.fr"  # 3e, REP+ collège of Nantes


def _page(browser, server, viewport: str) -> Page:
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="fr-FR", base_url=server)
    context.set_default_timeout(20_000)
    p = context.new_page()
    p.viewport_name = viewport  # type: ignore[attr-defined]
    return p


def _login(page: Page, identifier: str, password: str, ready: str) -> None:
    goto(page, "/connexion")
    page.fill("#f-identifier", identifier)
    page.fill("#f-password", password)
    page.click("#login-submit")
    expect(page.locator(ready)).to_be_visible()


def _space_id(engine, owner_email: str, name: str) -> int:
    with engine.connect() as c:
        return c.execute(
            sa.text(
                "SELECT sp.id FROM employer_spaces sp JOIN structures st "
                "ON st.id = sp.structure_id JOIN users u ON u.id = st.owner_id "
                "WHERE u.email = :e AND sp.name = :n"
            ),
            {"e": owner_email, "n": name},
        ).scalar_one()


def _pupil_school_week(engine) -> str:
    """The first internship week to come of the pupil's school (an offer must have it)."""
    with engine.connect() as c:
        week = c.execute(
            sa.text(
                "SELECT MIN(w.week_start) FROM school_weeks w JOIN users u "
                "ON u.school_id = w.school_id WHERE u.email = :e AND w.week_start > CURRENT_DATE"
            ),
            {"e": PUPIL},
        ).scalar_one()
    return str(week)[:10]


def _publish_offer(page: Page, space_id: int, title: str, email: str, week: str) -> None:
    """The four steps of the offer form, the space picked at step 1, then « Publier »."""
    page.click("#new-offer")
    expect(page.locator("#f-space_id")).to_be_visible()
    page.select_option("#f-space_id", str(space_id))
    page.click("#step-submit")
    expect(page.locator("#f-title")).to_be_visible()
    page.fill("#f-title", title)
    page.fill("#f-description", "Accueil des propriétaires, soins courants, hospitalisation.")
    page.select_option("#f-sector_id", label="Médical")
    page.click("#step-submit")
    expect(page.locator("#week-picker")).to_be_visible()
    page.check("#f-level_3e")
    page.check(f"#w-{week}")
    page.fill("#f-places", "2")
    page.click("#step-submit")
    expect(page.locator("#f-tutor_name")).to_be_visible()
    page.fill("#f-hours_start", "09:00")
    page.fill("#f-hours_end", "16:30")
    page.fill("#f-tutor_name", "Inès Collègue")
    page.fill("#f-tutor_email", email)
    page.click("#step-submit")
    expect(page.locator("#offer-preview")).to_be_visible()
    page.click("#publish")
    expect(page.locator("#dash-message")).to_contain_text("publiée")


def test_application_mail_goes_only_to_the_members_who_follow_the_space(browser, server):
    engine = sa.create_engine(server_db())
    week = _pupil_school_week(engine)
    colleague_email = f"collegue.{uuid.uuid4().hex[:8]}@clinique-veto.fr"
    space_name = f"Agence Nord {uuid.uuid4().hex[:4]}"

    # --- The owner creates a second space and invites a colleague --------------------------
    owner = _page(browser, server, "desktop")
    _login(owner, OWNER, DEMO_PASSWORD, ready="#new-offer")
    goto(owner, "/espace/employeur/espaces")
    owner.fill("#new-space-name", space_name)
    owner.click("#create-space")
    expect(owner.locator("#spaces-message")).to_be_visible()
    space_id = _space_id(engine, OWNER, space_name)
    expect(owner.locator(f"#space-{space_id}")).to_contain_text(space_name)
    goto(owner, "/espace/employeur/equipe")
    owner.fill("#f-invite-email", colleague_email)
    owner.click("#invite-submit")
    expect(owner.locator("#team-message")).to_contain_text(colleague_email)

    # --- The colleague signs up from the mail's link and publishes in the new space ---------
    colleague = _page(browser, server, "desktop")
    link = _mail_link(colleague, colleague_email, "Invitation")
    goto(colleague, link)
    expect(colleague.locator("#team-invite-email")).to_contain_text(colleague_email)
    colleague.check("#f-civility-Mme")
    colleague.fill("#f-first_name", "Inès")
    colleague.fill("#f-last_name", "Collègue")
    colleague.fill("#f-password", PASSWORD)
    colleague.fill("#f-password2", PASSWORD)
    colleague.check("#f-accept_privacy")
    colleague.click("#team-signup-submit")
    expect(colleague.locator("#team-invite-done")).to_be_visible()
    colleague.click("#team-go")
    expect(colleague.locator("#new-offer")).to_be_visible()
    title = f"Clinique vétérinaire – Santé animale – Accueil {uuid.uuid4().hex[:4]}"
    _publish_offer(colleague, space_id, title, colleague_email, week)
    shot(colleague, "spaces-colleague-published")
    with engine.connect() as c:
        offer_id, offer_space = c.execute(
            sa.text("SELECT id, space_id FROM offers WHERE title = :t"),
            {"t": title},
        ).one()
    assert offer_space == space_id

    # --- The owner stops the notifications of that space (« Tous mes espaces ») ------------
    goto(owner, "/espace/employeur/espaces")
    switch = owner.locator(f"#notify-{space_id}")
    expect(switch).to_have_attribute("data-state", "checked")
    switch.click()
    expect(switch).to_have_attribute("data-state", "unchecked")
    shot(owner, "spaces-notifications-off")
    goto(owner, "/espace/employeur/espaces")  # the choice is stored, not only shown
    expect(owner.locator(f"#notify-{space_id}")).to_have_attribute("data-state", "unchecked")
    owner.context.close()

    # --- A pupil applies to the colleague's offer (375 px) ----------------------------------
    with engine.begin() as c:
        c.execute(
            sa.text(
                "UPDATE users SET parental_authorization_at = CURRENT_TIMESTAMP WHERE email = :e"
            ),
            {"e": PUPIL},
        )
        validates = c.execute(
            sa.text(
                "SELECT validation_required FROM schools WHERE id = "
                "(SELECT school_id FROM users WHERE email = :e)"
            ),
            {"e": PUPIL},
        ).scalar_one()
        c.execute(
            sa.text(
                "UPDATE schools SET validation_required = :f WHERE id = "
                "(SELECT school_id FROM users WHERE email = :e)"
            ),
            {"f": False, "e": PUPIL},
        )
    pupil = _page(browser, server, "mobile")
    _login(pupil, PUPIL, DEMO_PASSWORD, ready="#space-hello")
    goto(pupil, f"/offres/{offer_id}/postuler")
    expect(pupil.locator("#apply-motivation")).to_be_visible()
    shot(pupil, "spaces-pupil-apply")
    pupil.check(f"#apply-week-{week}")
    pupil.fill(
        "#apply-motivation",
        "Je soigne les animaux de mes voisins et je voudrais devenir vétérinaire plus tard.",
    )
    pupil.click("#apply-submit")
    expect(pupil.locator("#apply-done")).to_be_visible()
    pupil.context.close()
    with engine.begin() as c:  # the school's own choice back as it was
        c.execute(
            sa.text(
                "UPDATE schools SET validation_required = :v WHERE id = "
                "(SELECT school_id FROM users WHERE email = :e)"
            ),
            {"v": validates, "e": PUPIL},
        )

    # --- The mail went to the colleague only ------------------------------------------------
    goto(colleague, "/dev/mails")
    new_mails = colleague.locator(".mail", has_text=re.compile("Nouvelle candidature")).filter(
        has_text=title
    )
    expect(new_mails).to_have_count(1)
    expect(new_mails.first).to_contain_text(colleague_email)
    expect(new_mails.first).not_to_contain_text(OWNER)
    shot(colleague, "spaces-mail-to-colleague")
    colleague.context.close()

"""Issue 5 « done when »: a pupil (375 px) signs up, is blocked until the parents'
authorization is recorded, applies with wrong values first, the school (1280 px) validates
from its mail link, the employer (1280 px) accepts from the mail link, the pupil confirms,
and the pupil's other application for that week shows as withdrawn.  Mails are checked in
the dev mailbox at each step."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.e2e.conftest import VIEWPORTS, assert_no_horizontal_scroll, goto, server_db, shot
from tests.e2e.test_accounts_flow import PASSWORD, _mail_link

SCHOOL_UAI = "0771029A"  # Collège Henri Dunant, Meaux (demo school, REP+)
HEAD = "ce.0771029a@ac-creteil.fr"
EMPLOYER = "employeur@demo.mystage.fr"
GARAGE = "garage@demo.mystage.fr"
DEMO_PASSWORD = "stage-demo-2026"


def _new_page(browser, server, viewport: str) -> Page:
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="fr-FR", base_url=server)
    context.set_default_timeout(20_000)
    p = context.new_page()
    p.viewport_name = viewport  # type: ignore[attr-defined]
    return p


def _login_to(page: Page, link: str, identifier: str, password: str) -> None:
    """Open a mail's direct link while logged out: the login page comes first, then the
    link's page."""
    goto(page, link)
    expect(page).to_have_url(re.compile(r"/connexion\?suivant="))
    page.fill("#f-identifier", identifier)
    page.fill("#f-password", password)
    page.click("#login-submit")
    expect(page.locator("#app-detail")).to_be_visible()


def _common_week_and_offers(engine) -> tuple[str, int, int]:
    """The demo school's December week, the bakery offer and the garage offer (both offer
    that week)."""
    with engine.connect() as c:
        school_id = c.execute(
            sa.text("SELECT id FROM schools WHERE uai = :u"), {"u": SCHOOL_UAI}
        ).scalar_one()
        week = c.execute(
            sa.text(
                "SELECT MIN(week_start) FROM school_weeks WHERE school_id = :s "
                "AND week_start > CURRENT_DATE"
            ),
            {"s": school_id},
        ).scalar_one()
        rows = c.execute(
            sa.text(
                "SELECT o.id, u.email FROM offers o JOIN offer_weeks w ON w.offer_id = o.id "
                "JOIN users u ON u.id = o.created_by_id WHERE w.week_start = :w "
                "AND u.email IN (:a, :b) AND o.state = 'published' ORDER BY o.id"
            ),
            {"w": week, "a": EMPLOYER, "b": GARAGE},
        ).all()
    by_email = {email: oid for oid, email in rows}
    return str(week)[:10], by_email[EMPLOYER], by_email[GARAGE]


def test_pupil_applies_school_validates_employer_accepts_pupil_confirms(browser, server):
    engine = sa.create_engine(server_db())
    week, bakery, garage = _common_week_and_offers(engine)
    with engine.begin() as c:
        c.execute(
            sa.text("UPDATE schools SET validation_required = :t WHERE uai = :u"),
            {"t": True, "u": SCHOOL_UAI},
        )

    pupil = _new_page(browser, server, "mobile")
    email = f"nora.{uuid.uuid4().hex[:8]}@exemple.fr"

    # --- Sign-up as a pupil of the demo school -------------------------------------------
    goto(pupil, "/inscription?role=eleve")
    pupil.select_option("#signup-level", "3e")
    pupil.fill("#school-search", "Henri Dunant Meaux")
    pupil.click(f"#school-suggestion-{SCHOOL_UAI}")
    pupil.select_option("#signup-class", label="3e B")
    pupil.fill("#f-first_name", "Nora")
    pupil.fill("#f-last_name", "Lambert")
    pupil.fill("#signup-birth-date", "2012-03-14")
    pupil.fill("#f-email", email)
    pupil.fill("#f-password", PASSWORD)
    pupil.fill("#f-password2", PASSWORD)
    pupil.check("#f-accept_terms")
    shot(pupil, "app-flow-signup")
    pupil.click("#signup-submit")
    expect(pupil.locator("#signup-done")).to_contain_text(email)
    assert_no_horizontal_scroll(pupil)
    goto(pupil, _mail_link(pupil, email, "Active ton compte"))
    expect(pupil.locator("#activation-ok")).to_be_visible()
    goto(pupil, "/connexion")
    pupil.fill("#f-identifier", email)
    pupil.fill("#f-password", PASSWORD)
    pupil.click("#login-submit")
    expect(pupil.locator("#space-hello")).to_be_visible()

    # --- Blocked until the school records the parents' authorization ----------------------
    goto(pupil, f"/offres/{bakery}/postuler")
    expect(pupil.locator("#apply-blocked")).to_contain_text("autorisation")
    expect(pupil.locator("#apply-submit")).to_have_count(0)
    shot(pupil, "app-flow-blocked")
    with engine.begin() as c:
        c.execute(
            sa.text(
                "UPDATE users SET parental_authorization_at = CURRENT_TIMESTAMP WHERE email = :e"
            ),
            {"e": email},
        )

    # --- Apply, wrong values first: no week, empty motivation ------------------------------
    goto(pupil, f"/offres/{bakery}/postuler")
    pupil.fill("#apply-motivation", "")
    pupil.fill("#apply-phone", "06 11 22 33 44")
    pupil.click("#apply-submit")
    expect(pupil.locator("#apply-week-err")).to_be_visible()
    expect(pupil.locator("#apply-motivation-err")).to_contain_text("motivation")
    expect(pupil.locator("#apply-phone")).to_have_value("06 11 22 33 44")  # nothing lost
    shot(pupil, "app-flow-apply-errors")
    motivation = (
        "J'aime cuisiner avec ma grand-mère et je voudrais découvrir le métier de boulanger, "
        "du pétrissage à la vente."
    )
    pupil.check(f"#apply-week-{week}")
    pupil.fill("#apply-motivation", motivation)
    pupil.click("#apply-submit")
    expect(pupil.locator("#apply-done")).to_contain_text("établissement")
    assert_no_horizontal_scroll(pupil)

    goto(pupil, f"/offres/{garage}/postuler")
    pupil.check(f"#apply-week-{week}")
    pupil.fill(
        "#apply-motivation", "La mécanique me passionne depuis toujours, je répare mon vélo."
    )
    pupil.click("#apply-submit")
    expect(pupil.locator("#apply-done")).to_be_visible()
    with engine.connect() as c:
        apps = dict(
            c.execute(
                sa.text(
                    "SELECT a.offer_id, a.id FROM applications a JOIN users u "
                    "ON u.id = a.pupil_id WHERE u.email = :e"
                ),
                {"e": email},
            ).all()
        )
    first, second = apps[bakery], apps[garage]
    goto(pupil, "/espace/eleve/candidatures")
    expect(pupil.locator(f"#app-state-{first}")).to_contain_text("validation")
    shot(pupil, "app-flow-my-applications-waiting")

    # --- The school validates both from its mail links (1280 px) -------------------------
    school = _new_page(browser, server, "desktop")
    link = _mail_link(school, HEAD, "Nora Lambert")
    assert link.endswith(f"/espace/etablissement/candidatures/{first}") or link.endswith(
        f"/espace/etablissement/candidatures/{second}"
    )
    _login_to(school, link, HEAD, DEMO_PASSWORD)
    for app_id in (first, second):
        goto(school, f"/espace/etablissement/candidatures/{app_id}")
        school.click("#app-action-school_validate")
        school.fill("#app-message", "Bonne chance Nora !")
        shot(school, "app-flow-school-validate")
        school.click("#app-dialog-yes")
        expect(school.locator("#app-state")).to_contain_text("Transmise")
    school.context.close()

    # --- The employer accepts from the new-application mail (1280 px) --------------------
    employer = _new_page(browser, server, "desktop")
    link = _mail_link(employer, EMPLOYER, "Nora Lambert")
    assert link.endswith(f"/espace/employeur/candidatures/{first}")
    _login_to(employer, link, EMPLOYER, DEMO_PASSWORD)
    expect(employer.locator("#app-detail")).to_contain_text("boulanger")
    expect(employer.locator("#app-detail")).to_contain_text("REP+")
    employer.click("#app-action-accept")
    employer.fill("#app-message", "Avec plaisir, rendez-vous lundi à 7 h au fournil.")
    employer.click("#app-dialog-yes")
    expect(employer.locator("#app-state")).to_contain_text("Acceptée")
    shot(employer, "app-flow-employer-accepted")
    employer.context.close()

    # --- The pupil is told, confirms; the other application is withdrawn ------------------
    link = _mail_link(pupil, email, "accept")
    assert "/espace/eleve/candidatures" in link
    goto(pupil, "/espace/eleve/candidatures")
    expect(pupil.locator(f"#app-{first}")).to_contain_text("rendez-vous lundi")
    pupil.click(f"#app-confirm-{first}")
    pupil.click("#app-dialog-yes")
    expect(pupil.locator(f"#app-state-{first}")).to_contain_text("confirmé")
    expect(pupil.locator(f"#app-state-{second}")).to_contain_text("Retirée")
    assert_no_horizontal_scroll(pupil)
    shot(pupil, "app-flow-confirmed")

    # The employers are told: confirmation for the bakery, withdrawal for the garage.
    _mail_link(pupil, EMPLOYER, "confirm")
    _mail_link(pupil, GARAGE, "retir")
    pupil.context.close()
    with engine.connect() as c:
        states = dict(
            c.execute(
                sa.text("SELECT id, state FROM applications WHERE id IN (:a, :b)"),
                {"a": first, "b": second},
            ).all()
        )
    assert states == {first: "confirmed", second: "withdrawn"}
    engine.dispose()

"""Issue 15 « done when », every page at 375 px: the head of a real lycée signs up with the
school's official mailbox and creates a class of 2de; a pupil of seconde signs up in that
lycée (only lycées are offered for the level), sees only the national June weeks of an offer
open to 3e and 2de, applies once for both weeks; the employer accepts once, the pupil
confirms once (a place taken in each week); a collégien on the same offer sees no June week;
the head sees the pupil's confirmed internship in the class table."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from mystage.services import weeks
from tests.e2e.conftest import assert_no_horizontal_scroll, goto, server_db, shot
from tests.e2e.test_accounts_flow import PASSWORD, _mail_link
from tests.e2e.test_application_flow import _new_page
from tests.e2e.test_school_flow import _login

LYCEE = "0770931U"  # Lycée Pierre de Coubertin, Meaux (not the demo's lycée)
HEAD = "ce.0770931u@ac-creteil.fr"
COLLEGIEN = "eleve@demo.mystage.fr"  # 3e, Collège Henri Dunant, Meaux
STUDIO = "studio@demo.mystage.fr"  # Studio Pixel, Torcy: 3e in February, 2de both June weeks
DEMO_PASSWORD = "stage-demo-2026"


def _activate(page: Page, email: str, subject: str) -> None:
    goto(page, _mail_link(page, email, subject))
    expect(page.locator("#activation-ok")).to_be_visible()


def _june_labels(page: Page, first, second) -> list[str]:
    texts = page.locator(".offer-week").all_inner_texts()
    june = [d.strftime("%d/%m") for d in (first, second)]
    return [t for t in texts if any(j in t for j in june) or "juin" in t]


def test_lycee_head_seconde_pupil_two_week_period_collegien_sees_no_june_week(browser, server):
    engine = sa.create_engine(server_db())
    with engine.connect() as c:
        studio = c.execute(
            sa.text(
                "SELECT o.id FROM offers o JOIN users u ON u.id = o.created_by_id "
                "WHERE u.email = :e AND o.level_2de AND o.level_3e AND o.state = 'published'"
            ),
            {"e": STUDIO},
        ).scalar_one()
    first, second = weeks.seconde_weeks(weeks.upcoming_seconde_year(), "both")

    # --- The lycée's head signs up with the official mailbox, creates « 2de 1 » -----------
    head = _new_page(browser, server, "mobile")
    goto(head, "/inscription/etablissement")
    head.select_option("#school-signup-function", "chef")
    head.fill("#school-search", LYCEE)
    head.click(f"#school-suggestion-{LYCEE}")
    head.fill("#f-first_name", "Claire")
    head.fill("#f-last_name", "Vasseur")
    head.fill("#f-email", HEAD)
    head.fill("#f-password", PASSWORD)
    head.fill("#f-password2", PASSWORD)
    head.check("#f-accept_terms")
    head.click("#school-signup-submit")
    expect(head.locator("#school-signup-done")).to_contain_text(HEAD)
    _activate(head, HEAD, "Activez votre compte")
    _login(head, HEAD, PASSWORD, "#school-dashboard")
    expect(head.locator("#school-dashboard")).to_contain_text("Coubertin")
    goto(head, "/espace/etablissement/classes")
    head.fill("#class-name", "2de 1")
    head.click("#class-create")
    expect(head.locator('[id="class-row-2de 1"]')).to_be_visible()
    assert_no_horizontal_scroll(head)
    shot(head, "seconde-flow-lycee-classes")

    # --- A pupil of seconde signs up in that lycée (lycées only for the level) -------------
    pupil = _new_page(browser, server, "mobile")
    email = f"lea.{uuid.uuid4().hex[:8]}@exemple.fr"
    goto(pupil, "/inscription?role=eleve")
    pupil.select_option("#signup-level", "2de_gt")
    pupil.fill("#school-search", "Coubertin Meaux")
    pupil.click(f"#school-suggestion-{LYCEE}")
    pupil.select_option("#signup-class", label="2de 1")
    pupil.fill("#f-first_name", "Léa")
    pupil.fill("#f-last_name", "Marchand")
    pupil.fill("#signup-birth-date", "2010-09-02")
    pupil.fill("#f-email", email)
    pupil.fill("#f-password", PASSWORD)
    pupil.fill("#f-password2", PASSWORD)
    pupil.check("#f-accept_terms")
    pupil.click("#signup-submit")
    expect(pupil.locator("#signup-done")).to_contain_text(email)
    _activate(pupil, email, "Active ton compte")

    # The head records the parents' authorization in the class table.
    with engine.connect() as c:
        class_id, pupil_id = c.execute(
            sa.text(
                "SELECT c.id, u.id FROM users u JOIN school_classes c ON c.id = u.class_id "
                "WHERE u.email = :e"
            ),
            {"e": email},
        ).one()
    goto(head, f"/espace/etablissement/classe/{class_id}")
    expect(head.locator(f"#pupil-row-{pupil_id}")).to_contain_text("à recueillir")
    head.click("#auth-all")
    head.click("#auth-all-yes")
    expect(head.locator(f"#auth-check-{pupil_id}")).to_be_checked()

    # --- Only the June weeks; one application for both -------------------------------------
    _login(pupil, email, PASSWORD, "#space-hello")
    goto(pupil, f"/offres/{studio}")
    expect(pupil.locator(".offer-week")).to_have_count(2)
    assert_no_horizontal_scroll(pupil)
    shot(pupil, "seconde-flow-offer")
    goto(pupil, f"/offres/{studio}/postuler")
    both = f"{first.isoformat()}-P2W"
    expect(pupil.locator(".apply-week")).to_have_count(3)  # both weeks, the 1st, the 2nd
    expect(pupil.locator(f"label[for='apply-week-{both}']")).to_contain_text("Les 2 semaines")
    expect(pupil.locator("#apply-seconde-hint")).to_be_visible()
    pupil.check(f"#apply-week-{both}")
    pupil.fill(
        "#apply-motivation",
        "Je suis en seconde et je dessine des niveaux de jeux depuis deux ans : je voudrais "
        "voir comment travaille une vraie équipe.",
    )
    pupil.click("#apply-submit")
    expect(pupil.locator("#apply-done")).to_be_visible()
    with engine.connect() as c:
        app_id, week_start, week_count = c.execute(
            sa.text("SELECT id, week_start, week_count FROM applications WHERE pupil_id = :p"),
            {"p": pupil_id},
        ).one()
    assert (str(week_start)[:10], week_count) == (first.isoformat(), 2)

    # --- The employer accepts once ----------------------------------------------------------
    employer = _new_page(browser, server, "mobile")
    _login(employer, STUDIO, DEMO_PASSWORD, "#new-offer")
    goto(employer, f"/espace/employeur/candidatures/{app_id}")
    expect(employer.locator("#app-detail")).to_contain_text("2 semaines")
    employer.click("#app-action-accept")
    employer.click("#app-dialog-yes")
    expect(employer.locator("#app-state")).to_contain_text("Acceptée")
    assert_no_horizontal_scroll(employer)
    shot(employer, "seconde-flow-employer-accepted")
    employer.context.close()

    # --- The pupil confirms once: a place in each week --------------------------------------
    with engine.connect() as c:
        taken_before = dict(
            c.execute(
                sa.text("SELECT week_start, places_taken FROM offer_weeks WHERE offer_id = :o"),
                {"o": studio},
            ).all()
        )
    goto(pupil, "/espace/eleve/candidatures")
    expect(pupil.locator(f"#app-{app_id}")).to_contain_text(
        weeks.application_period_label(first, 2)
    )
    pupil.click(f"#app-confirm-{app_id}")
    pupil.click("#app-dialog-yes")
    expect(pupil.locator(f"#app-state-{app_id}")).to_contain_text("confirmé")
    shot(pupil, "seconde-flow-confirmed")
    with engine.connect() as c:
        taken_after = dict(
            c.execute(
                sa.text("SELECT week_start, places_taken FROM offer_weeks WHERE offer_id = :o"),
                {"o": studio},
            ).all()
        )
        n_apps = c.execute(
            sa.text("SELECT COUNT(*) FROM applications WHERE pupil_id = :p"), {"p": pupil_id}
        ).scalar_one()
    grown = {str(w)[:10] for w in taken_after if taken_after[w] != taken_before.get(w)}
    assert grown == {first.isoformat(), second.isoformat()}
    assert all(taken_after[w] - taken_before[w] == 1 for w in taken_after if str(w)[:10] in grown)
    assert n_apps == 1
    pupil.context.close()

    # --- A collégien on the same offer sees no June week ------------------------------------
    collegien = _new_page(browser, server, "mobile")
    _login(collegien, COLLEGIEN, DEMO_PASSWORD, "#space-hello")
    goto(collegien, f"/offres/{studio}")
    expect(collegien.locator(".offer-week").first).to_be_visible()
    assert _june_labels(collegien, first, second) == []
    goto(collegien, f"/offres/{studio}/postuler")
    expect(collegien.locator(f"#apply-week-{first.isoformat()}")).to_have_count(0)
    expect(collegien.locator(f"#apply-week-{both}")).to_have_count(0)
    collegien.context.close()

    # --- The head sees the pupil's internship in the class table ---------------------------
    goto(head, f"/espace/etablissement/classe/{class_id}")
    expect(head.locator(f"#pupil-row-{pupil_id}")).to_contain_text("Studio Pixel")
    expect(head.locator(f"#pupil-state-{pupil_id}")).to_contain_text("Stage confirmé")
    expect(head.locator(f"#pupil-row-{pupil_id}")).to_contain_text(
        re.compile(r"2 semaines|juin", re.I)
    )
    assert_no_horizontal_scroll(head)
    shot(head, "seconde-flow-class-table")
    head.context.close()
    engine.dispose()

"""Issue 6 « done when », at 1280 px: a head signs up with the school's official mailbox, is
activated, creates two classes and the internship weeks, invites a teacher who accepts from
the mail; in the demo collège a teacher records the parents' authorizations for a class, a
pupil of that class applies, and the class table shows the pupil's progress as the school,
the employer and the pupil act; the demo head logs in by magic link."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from mystage.services import weeks as weeks_svc
from tests.e2e.conftest import VIEWPORTS, goto, server_db, shot
from tests.e2e.test_accounts_flow import PASSWORD, _mail_link

DEMO_PASSWORD = "stage-demo-2026"
DEMO_UAI = "0771029A"
DEMO_HEAD = "ce.0771029a@ac-creteil.fr"
TEACHER = "prof@demo.mystage.fr"  # professeur principal of 3e A (restricted to it)
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


def _one(engine, sql: str, **params):
    with engine.connect() as c:
        return c.execute(sa.text(sql), params).first()


def test_head_sets_up_school_and_team(browser, server):
    engine = sa.create_engine(server_db())
    uai, name = _one(
        engine,
        "SELECT uai, name FROM schools WHERE commune = 'Meaux' AND uai <> :u "
        "AND kind = 'college' AND registered_at IS NULL ORDER BY uai",
        u=DEMO_UAI,
    )
    mailbox = f"ce.{uai.lower()}@ac-creteil.fr"
    head = _desktop(browser, server)

    goto(head, "/inscription/etablissement")
    head.select_option("#school-signup-function", "chef")
    head.fill("#school-search", uai)
    head.click(f"#school-suggestion-{uai}")
    head.fill("#f-first_name", "Hélène")
    head.fill("#f-last_name", "Garnier")
    head.fill("#f-email", "helene.garnier@gmail.com")  # not an académie address
    head.fill("#f-password", PASSWORD)
    head.fill("#f-password2", PASSWORD)
    head.check("#f-accept_terms")
    head.click("#school-signup-submit")
    expect(head.locator("#f-email-err")).to_be_visible()
    expect(head.locator("#f-first_name")).to_have_value("Hélène")  # nothing lost
    head.fill("#f-email", mailbox)
    head.fill("#f-password", PASSWORD)
    head.fill("#f-password2", PASSWORD)
    head.click("#school-signup-submit")
    expect(head.locator("#school-signup-done")).to_contain_text(mailbox)
    goto(head, _mail_link(head, mailbox, "Activez"))
    expect(head.locator("#activation-ok")).to_be_visible()
    _login(head, mailbox, PASSWORD, "#school-dashboard")
    expect(head.locator("#school-dashboard")).to_contain_text(name.split()[-1])

    # Two classes.
    goto(head, "/espace/etablissement/classes")
    for class_name in ("3e Curie", "3e Pasteur"):
        head.fill("#class-name", class_name)
        head.click("#class-create")
        expect(head.locator(f'[id="class-row-{class_name}"]')).to_be_visible()
    shot(head, "school-classes")

    # Internship weeks: two weeks of February for the whole school.
    year = weeks_svc.school_year_of(date.today())
    february = [m for m in weeks_svc.weeks_of_school_year(year) if m.month == 2][:2]
    goto(head, "/espace/etablissement/semaines")
    for monday in february:
        head.click(f"#week-{monday.isoformat()}")
    head.click("#weeks-save")
    expect(head.locator("#weeks-saved")).to_be_visible()
    shot(head, "school-weeks")
    with engine.connect() as c:
        saved = set(
            c.execute(
                sa.text(
                    "SELECT w.week_start FROM school_weeks w JOIN schools s "
                    "ON s.id = w.school_id WHERE s.uai = :u AND w.class_id IS NULL"
                ),
                {"u": uai},
            ).scalars()
        )
    assert {str(d)[:10] for d in saved} == {m.isoformat() for m in february}

    # Invite a teacher, who accepts from the mail.
    teacher_mail = f"prof.{uuid.uuid4().hex[:6]}@ac-creteil.fr"
    goto(head, "/espace/etablissement/equipe")
    head.fill("#invite-email", teacher_mail)
    head.select_option("#invite-function", "professeur_principal")
    head.locator("#invite-form").get_by_role("checkbox", name="3e Curie").click()
    head.click("#invite-submit")
    expect(head.locator("#invite-sent")).to_be_visible()
    shot(head, "school-team")
    head.context.close()

    teacher = _desktop(browser, server)
    goto(teacher, _mail_link(teacher, teacher_mail, "Invitation"))
    teacher.fill("#f-first_name", "Paul")
    teacher.fill("#f-last_name", "Lemoine")
    teacher.fill("#f-password", PASSWORD)
    teacher.fill("#f-password2", PASSWORD)
    teacher.check("#f-accept_terms")
    teacher.click("#invite-accept-submit")
    expect(teacher.locator("#invite-accept-done")).to_be_visible()
    row = _one(
        engine,
        "SELECT m.status FROM staff_memberships m JOIN users u ON u.id = m.user_id "
        "WHERE u.email = :e",
        e=teacher_mail,
    )
    assert row is not None and row[0] == "active"
    teacher.context.close()
    engine.dispose()


def test_class_table_follows_a_pupil_from_authorization_to_confirmation(browser, server):
    engine = sa.create_engine(server_db())
    with engine.begin() as c:  # the demo school validates applications first (as seeded)
        c.execute(
            sa.text("UPDATE schools SET validation_required = :t WHERE uai = :u"),
            {"t": True, "u": DEMO_UAI},
        )
    class_id = _one(
        engine,
        "SELECT c.id FROM school_classes c JOIN schools s ON s.id = c.school_id "
        "WHERE s.uai = :u AND c.name = '3e A'",
        u=DEMO_UAI,
    )[0]
    pupil_id, pupil_email = _one(
        engine,
        "SELECT u.id, u.email FROM users u WHERE u.class_id = :c AND u.role = 'eleve' "
        "AND u.email LIKE '%@eleve.demo.mystage.fr' AND u.parental_authorization_at IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.pupil_id = u.id) ORDER BY u.id",
        c=class_id,
    )
    week, bakery = _one(
        engine,
        "SELECT w.week_start, o.id FROM offer_weeks w JOIN offers o ON o.id = w.offer_id "
        "JOIN users u ON u.id = o.created_by_id JOIN school_weeks sw ON sw.week_start = "
        "w.week_start JOIN schools s ON s.id = sw.school_id WHERE u.email = :e AND s.uai = :u "
        "AND w.places > w.places_taken AND o.state = 'published' ORDER BY w.week_start, o.id",
        e=EMPLOYER,
        u=DEMO_UAI,
    )
    week = str(week)[:10]

    # The teacher of 3e A records the authorizations for the whole class.
    teacher = _desktop(browser, server)
    _login(teacher, TEACHER, DEMO_PASSWORD, "#school-dashboard")
    goto(teacher, f"/espace/etablissement/classe/{class_id}")
    expect(teacher.locator(f"#pupil-row-{pupil_id}")).to_contain_text("à recueillir")
    expect(teacher.locator(f"#pupil-state-{pupil_id}")).to_contain_text("Aucune candidature")
    teacher.click("#auth-all")
    teacher.click("#auth-all-yes")
    expect(teacher.locator(f"#auth-check-{pupil_id}")).to_be_checked()
    shot(teacher, "school-class-table-authorized")

    # The pupil applies (the demo school validates applications first).
    pupil = _desktop(browser, server)
    _login(pupil, pupil_email, DEMO_PASSWORD, "#space-hello")
    goto(pupil, f"/offres/{bakery}/postuler")
    pupil.check(f"#apply-week-{week}")
    pupil.fill(
        "#apply-motivation", "Je voudrais voir comment on fabrique le pain et les viennoiseries."
    )
    pupil.click("#apply-submit")
    expect(pupil.locator("#apply-done")).to_be_visible()
    app_id = _one(engine, "SELECT id FROM applications WHERE pupil_id = :p", p=pupil_id)[0]

    goto(teacher, f"/espace/etablissement/classe/{class_id}")
    expect(teacher.locator(f"#pupil-state-{pupil_id}")).to_contain_text("En attente")
    goto(teacher, f"/espace/etablissement/candidatures/{app_id}")
    teacher.click("#app-action-school_validate")
    teacher.click("#app-dialog-yes")
    expect(teacher.locator("#app-state")).to_contain_text("Transmise")

    employer = _desktop(browser, server)
    _login(employer, EMPLOYER, DEMO_PASSWORD, "#new-offer")
    goto(employer, f"/espace/employeur/candidatures/{app_id}")
    employer.click("#app-action-accept")
    employer.click("#app-dialog-yes")
    expect(employer.locator("#app-state")).to_contain_text("Acceptée")
    employer.context.close()
    goto(teacher, f"/espace/etablissement/classe/{class_id}")
    expect(teacher.locator(f"#pupil-state-{pupil_id}")).to_contain_text("Acceptée")

    goto(pupil, "/espace/eleve/candidatures")
    pupil.click(f"#app-confirm-{app_id}")
    pupil.click("#app-dialog-yes")
    expect(pupil.locator(f"#app-state-{app_id}")).to_contain_text("confirmé")
    pupil.context.close()
    goto(teacher, f"/espace/etablissement/classe/{class_id}")
    expect(teacher.locator(f"#pupil-row-{pupil_id}")).to_contain_text("Boulangerie")
    expect(teacher.locator(f"#pupil-state-{pupil_id}")).to_contain_text("Stage confirmé")
    shot(teacher, "school-class-table-confirmed")
    teacher.context.close()
    engine.dispose()


def test_school_space_by_magic_link(browser, server):
    page = _desktop(browser, server)
    goto(page, "/connexion/lien")
    page.fill("#f-email", DEMO_HEAD)
    page.click("#magic-submit")
    expect(page.locator("#magic-sent")).to_be_visible()
    goto(page, _mail_link(page, DEMO_HEAD, "connexion"))
    page.click("#magic-go")
    expect(page.locator("#school-dashboard")).to_be_visible()
    shot(page, "school-dashboard")
    page.context.close()

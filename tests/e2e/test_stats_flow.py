"""Issue 7 « done when », at 1280 px against the production server: a référent
départemental signs up, an admin validates them, they open « Statistiques », change
filters and see the tiles and charts follow, export the offers file (downloaded at once)
and the applications file (too large for the server's EXPORT_SYNC_MAX_ROWS: prepared in
the background with a progress bar, then mailed as a private link); both files are opened
with openpyxl and checked against the database.  The mailed link opens for nobody else
(the in-process proof that a référent of one département sees nothing of another, through
every handler, is tests/state/test_stats_state.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid

import openpyxl
import sqlalchemy as sa
from playwright.sync_api import expect

from mystage.services import weeks
from tests.e2e.conftest import E2E_EXPORT_SYNC_MAX_ROWS, goto, server_db, shot
from tests.e2e.test_accounts_flow import PASSWORD, _mail_link
from tests.e2e.test_school_flow import _desktop, _login

DEMO_PASSWORD = "stage-demo-2026"
ADMIN = "admin@demo.mystage.fr"
OFFER_COLUMNS = [
    "O.ID", "TITRE", "CONTACT", "TELEPHONE", "VILLE", "CREATION", "DEBUT", "FIN", "PLACES",
    "E.ID", "SECTEUR", "PLACES_RESTANTES", "ETAT", "SEMAINES",
]  # fmt: skip
APPLICATION_COLUMNS = [
    "CANDIDATURE_ID", "AVIS_EMPLOYEUR", "AVIS_REFERENT", "AVIS_ELEVE", "ETAT_OFFRE",
    "DATE_MISE_A_JOUR_CANDIDATURE", "GENRE_ELEVE", "PRENOM", "NOM", "AGE", "NOM_ETABLISSEMENT",
    "ETABLISSEMENT_PRIORITAIRE", "NOM_EMPLOYEUR", "TITRE_STAGE",
]  # fmt: skip


def _scalar(engine, sql: str, **params):
    with engine.connect() as c:
        return c.execute(sa.text(sql), params).scalar()


def _delivered_link(page, recipient: str, subject_part: str, tries: int = 15) -> str:
    """The mail's link once the job loop (every 2 s here) has delivered it to the dev box."""
    for _ in range(tries):
        goto(page, "/dev/mails")
        mail = page.locator(".mail", has_text=recipient).filter(has_text=subject_part)
        if mail.count():
            return mail.first.locator(".mail-link").get_attribute("href")
        page.wait_for_timeout(1000)
    raise AssertionError(f"no mail « {subject_part} » for {recipient}")


def _first(engine, sql: str, **params):
    with engine.connect() as c:
        return c.execute(sa.text(sql), params).first()


def _rows(path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return list(wb.active.iter_rows(values_only=True))


def test_referent_signs_up_is_validated_and_exports(browser, server, tmp_path):
    engine = sa.create_engine(server_db())
    year = weeks.active_school_year()
    email = f"referent.{uuid.uuid4().hex[:6]}@ac-creteil.fr"

    # 1. Sign-up as référent départemental of Seine-et-Marne.
    page = _desktop(browser, server)
    goto(page, "/inscription")
    page.select_option("#f-role", "referent_departemental")
    page.fill("#f-first_name", "Claire")
    page.fill("#f-last_name", "Moreau")
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.fill("#f-password2", PASSWORD)
    page.check("#f-accept_terms")
    page.click("#signup-submit")
    # No département: refused next to the field, what was typed kept.
    expect(page.locator("#signup-department-err")).to_be_visible()
    expect(page.locator("#f-email")).to_have_value(email)
    page.select_option("#signup-department", "77")
    page.fill("#f-password", PASSWORD)
    page.fill("#f-password2", PASSWORD)
    page.click("#signup-submit")
    expect(page.locator("#signup-done")).to_contain_text(email)

    # 2. The e-mail is proven; the account then waits for the MyStage team.
    goto(page, _mail_link(page, email, "Activez"))
    expect(page.locator("#activation-pending")).to_be_visible()
    goto(page, "/connexion")
    page.fill("#f-identifier", email)
    page.fill("#f-password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_contain_text("valid")
    assert (
        _scalar(engine, "SELECT status FROM users WHERE email = :e", e=email)
        == "pending_validation"
    )
    # The admins were told.
    admin_mail = page.locator(".mail", has_text=ADMIN).filter(has_text="référent")
    goto(page, "/dev/mails")
    expect(admin_mail.first).to_be_visible()

    # 3. An admin validates the account.
    admin = _desktop(browser, server)
    _login(admin, ADMIN, DEMO_PASSWORD, "#space-hello")
    goto(admin, "/espace/admin")
    row = admin.locator(".pending-account", has_text=email)
    expect(row).to_contain_text("Seine-et-Marne (77)")
    shot(admin, "admin-pending-referent")
    row.locator(".pending-validate").click()
    expect(row).to_have_count(0)
    admin.context.close()
    assert _scalar(engine, "SELECT status FROM users WHERE email = :e", e=email) == "active"

    # The dashboard reads the summary the stats_refresh job consolidates every 10 minutes;
    # the other browser tests have published offers since: run the job now, as cron would.
    subprocess.run(
        [sys.executable, "-m", "mystage", "job", "stats_refresh"],
        env={**os.environ, "DATABASE_URL": server_db()},
        check=True,
        capture_output=True,
        timeout=120,
    )

    # 4. The référent is told, logs in and opens « Statistiques » from their space.
    link = _mail_link(page, email, "validé")
    assert link.endswith("/espace/statistiques")
    _login(page, email, PASSWORD, "#space-hello")
    page.click("#link-statistiques")
    expect(page.locator("#stats-scope")).to_contain_text("Seine-et-Marne (77)")
    offers_77 = _scalar(
        engine,
        "SELECT count(*) FROM offers WHERE department_code = '77' AND school_year = :y "
        "AND published_at IS NOT NULL AND state <> 'removed'",
        y=year,
    )
    expect(page.locator("#tile-offers")).to_contain_text(str(offers_77))
    expect(page.locator("#chart-by-month svg[role='application']")).to_be_visible()
    expect(page.locator("#stats-map")).to_be_visible()
    shot(page, "stats-dashboard")

    # 5. Filters: one sector; the tiles and the sector chart follow.
    sector_id, sector_name, sector_offers = _first(
        engine,
        "SELECT s.id, s.name, count(*) FROM offers o JOIN sectors s ON s.id = o.sector_id "
        "WHERE o.department_code = '77' AND o.school_year = :y AND o.published_at IS NOT NULL "
        "AND o.state <> 'removed' GROUP BY s.id, s.name ORDER BY count(*) DESC, s.name LIMIT 1",
        y=year,
    )
    assert sector_offers < offers_77
    page.select_option("#stats-sector-id", str(sector_id))
    expect(page.locator("#tile-offers p").first).to_have_text(str(sector_offers))
    expect(page.locator("#chart-by-sector")).to_contain_text(sector_name)
    expect(page.locator("#stats-source")).to_contain_text("en direct")
    shot(page, "stats-filtered")
    # The filtered view is in the address: reopening it shows the same figures.
    expect(page).to_have_url(re.compile(rf"secteur={sector_id}"))
    goto(page, page.url)
    expect(page.locator("#tile-offers p").first).to_have_text(str(sector_offers))
    expect(page.locator("#stats-sector-id")).to_have_value(str(sector_id))
    page.click("#stats-reset")
    expect(page).to_have_url(re.compile(r"/espace/statistiques$"))
    expect(page.locator("#tile-offers p").first).to_have_text(str(offers_77))

    # 6. « Offres »: small, downloaded at once; columns and rows checked with the database.
    with page.expect_download() as info:
        page.click("#export-offers")
    offers_file = tmp_path / "offres.xlsx"
    info.value.save_as(offers_file)
    rows = _rows(offers_file)
    header = list(rows[0])
    assert header[0] == "O.ID"
    assert set(OFFER_COLUMNS) <= set(header), set(OFFER_COLUMNS) - set(header)
    with engine.connect() as c:
        expected_ids = set(
            c.execute(
                sa.text(
                    "SELECT id FROM offers WHERE department_code = '77' AND school_year = :y "
                    "AND state <> 'draft'"
                ),
                {"y": year},
            ).scalars()
        )
    assert {r[0] for r in rows[1:]} == expected_ids
    expect(page.locator("#export-message")).to_contain_text(str(len(expected_ids)))

    # 7. « Candidatures »: more rows than EXPORT_SYNC_MAX_ROWS: queued, progress, mail.
    apps_77 = _scalar(
        engine,
        "SELECT count(*) FROM applications a JOIN offers o ON o.id = a.offer_id "
        "WHERE o.department_code = '77' AND o.school_year = :y AND o.state <> 'draft'",
        y=year,
    )
    assert apps_77 > E2E_EXPORT_SYNC_MAX_ROWS
    page.click("#export-applications")
    expect(page.locator("#export-queued")).to_be_visible()
    expect(page.locator("#export-progress")).to_be_visible()
    shot(page, "stats-export-queued")
    expect(page.locator("#export-message")).to_contain_text("transmis par e-mail", timeout=60_000)
    link = _delivered_link(page, email, "export MyStage est prêt")
    assert re.search(r"/api/exports/[A-Za-z0-9_-]{20,}$", link)
    with page.expect_download() as info:
        page.evaluate("url => { window.location.href = url }", link)
    apps_file = tmp_path / "candidatures.xlsx"
    info.value.save_as(apps_file)
    rows = _rows(apps_file)
    header = list(rows[0])
    assert set(APPLICATION_COLUMNS) <= set(header), set(APPLICATION_COLUMNS) - set(header)
    assert len(rows) - 1 == apps_77
    college = header.index("NOM_ETABLISSEMENT")
    assert any(r[college] for r in rows[1:])

    # 8. Someone else (a school head of Loire-Atlantique) cannot open the link.
    other = _desktop(browser, server)
    goto(other, "/connexion")
    other.fill("#f-identifier", "ce.0440284v@ac-nantes.fr")
    other.fill("#f-password", DEMO_PASSWORD)
    other.click("#login-submit")
    other.wait_for_url("**/espace/etablissement**")
    response = other.request.get(link)
    assert response.status == 404
    other.context.close()
    page.context.close()

"""« Mes données » at 375 px: the demo pupil downloads the zip from /espace/compte/donnees;
the test opens it (valid JSON, her account, nothing of another demo pupil); the file's
address opens for nobody else."""

from __future__ import annotations

import json
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import VIEWPORTS, assert_no_horizontal_scroll, goto, shot

PUPIL = "eleve@demo.mystage.fr"
OTHER = "eleve.nantes@demo.mystage.fr"
PASSWORD = "stage-demo-2026"  # mystage.demo.DEMO_PASSWORD


def _login(page: Page, identifier: str) -> None:
    goto(page, "/connexion")
    page.fill("#f-identifier", identifier)
    page.fill("#f-password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#space-hello")).to_be_visible()


def test_pupil_downloads_her_data(page: Page, browser, server, tmp_path):
    if page.viewport_name != "mobile":  # type: ignore[attr-defined]
        pytest.skip("375 px only (issue 17)")
    _login(page, PUPIL)
    goto(page, "/espace/compte/donnees")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données")
    expect(page.locator("#my-data-contents")).to_contain_text("Tes candidatures")
    assert_no_horizontal_scroll(page)
    with page.expect_download() as info:
        page.click("#my-data-download")
    download = info.value
    assert download.suggested_filename.startswith("mes-donnees-mystage-")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    with zipfile.ZipFile(target) as zf:
        assert zf.testzip() is None
        text = zf.read("mes-donnees.json").decode("utf-8")
    data = json.loads(text)
    assert data["compte"]["courriel"] == PUPIL
    assert data["compte"]["profil"] == "Élève"
    assert OTHER not in text
    expect(page.locator("#my-data-message")).to_contain_text("Ton fichier est prêt")
    files = page.locator("#my-data-files")
    expect(files).to_be_visible()
    link = files.get_by_role("link", name="Télécharger").first
    href = link.get_attribute("href")
    assert href.startswith("/api/mes-donnees/fichier/")
    assert_no_horizontal_scroll(page)
    shot(page, "my-data")

    # Nobody else opens it: no session → login page; another pupil → 404.
    other = browser.new_context(viewport=VIEWPORTS["mobile"], locale="fr-FR", base_url=server)
    try:
        anonymous = other.request.get(href, max_redirects=0)
        assert anonymous.status == 303 and "/connexion" in anonymous.headers["location"]
        p2 = other.new_page()
        p2.viewport_name = "mobile"  # type: ignore[attr-defined]
        _login(p2, OTHER)
        r = p2.request.get(href)
        assert r.status == 404 and not r.body().startswith(b"PK")
    finally:
        other.close()
    # The owner can fetch it again while it is valid.
    again = page.request.get(href)
    assert again.status == 200 and again.body().startswith(b"PK")

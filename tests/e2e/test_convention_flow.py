"""Issue 14 « done when »: a pupil confirms; the employer completes its part (a day of 8 h,
then a day ending at 20 h 30, each refused first with its rule); the head completes the
school part with a legal representative; the legal representative opens the SMS link from
``/dev/mails`` at 375 px, types a wrong code (refused), the right one, draws on the canvas
(mouse moves) and signs; the pupil signs; the employer signs; the head signs two
conventions at once with « Signer en groupe »; everyone gets the final PDF link, and the PDF
is sealed (its seal validates; one byte changed and it does not).

Runs once (its own viewports: the parties at 1280 px, the legal representative at 375 px).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from mystage.services.conventions import seal
from tests.e2e.conftest import (
    SHOTS,
    VIEWPORTS,
    assert_no_horizontal_scroll,
    goto,
    server_db,
    server_private_dir,
    shot,
)

DEMO_PASSWORD = "stage-demo-2026"
HEAD = "ce.0771029a@ac-creteil.fr"
PARENT_PHONE = "06 48 27 19 53"
PARENT_E164 = "+33648271953"
PARENT_EMAIL = "parent.convention@exemple.fr"


def _engine():
    return sa.create_engine(server_db())


def _one(sql: str, **params):
    engine = _engine()
    with engine.connect() as c:
        row = c.execute(sa.text(sql), params).first()
    engine.dispose()
    return row


def _context(browser, server, viewport: str):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="fr-FR", base_url=server)
    context.set_default_timeout(20_000)
    return context


def _page(context, viewport: str) -> Page:
    p = context.new_page()
    p.viewport_name = viewport  # type: ignore[attr-defined]
    return p


def _login(page: Page, path: str, identifier: str, ready: str) -> None:
    goto(page, path)
    expect(page).to_have_url(re.compile(r"/connexion\?suivant="))
    page.fill("#f-identifier", identifier)
    page.fill("#f-password", DEMO_PASSWORD)
    page.click("#login-submit")
    expect(page.locator(ready)).to_be_visible()


def _newest(mailbox: Page, *, to: str, has: str) -> str:
    """The text of the newest message to ``to`` containing ``has`` in the dev mailbox."""
    goto(mailbox, "/dev/mails")
    message = mailbox.locator(".mail", has_text=to).filter(has_text=has).first
    expect(message).to_be_visible()
    return message.inner_text()


def _code(mailbox: Page, to: str) -> str:
    found = re.search(r"\b(\d{6})\b", _newest(mailbox, to=to, has="code"))
    assert found
    return found.group(1)


def _draw(page: Page) -> None:
    box = page.locator("#signature-pad").bounding_box()
    assert box is not None
    x, y = box["x"] + 20, box["y"] + box["height"] * 0.6
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 32):
        page.mouse.move(x + i * (box["width"] - 40) / 32, y - 30 * ((i % 8) / 8), steps=3)
    page.mouse.up()


def _sign_in_dialog(page: Page, mailbox: Page, to: str, *, draw: bool, name: str = "") -> None:
    """The open signing dialog: ask the code, type it, draw (or type the name), sign."""
    page.click("#sign-request")
    expect(page.locator("#sign-code")).to_be_visible()
    page.fill("#sign-code", _code(mailbox, to))
    page.click("#sign-code-next")
    expect(page.locator("#signature-pad")).to_be_visible()
    if draw:
        _draw(page)
    else:
        page.click("#sign-toggle")
        page.fill("#sign-typed-name", name)
    page.click("#sign-submit")
    expect(page.locator("#sign-done")).to_contain_text("Signature enregistrée")


def _verified(data: bytes) -> tuple[bool, str]:
    """pyHanko's validation runs its own event loop: off Playwright's (sync API) thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(seal.verify_seal, data, private_dir=server_private_dir()).result()


def _tick(page: Page, selector: str) -> None:
    """A Radix checkbox: its state comes back from the server."""
    page.click(selector)
    expect(page.locator(selector)).to_have_attribute("aria-checked", "true")


def _accepted_application():
    """An accepted application of a pupil of the demo collège (the newest), with the pupil's
    and the offer author's e-mails."""
    row = _one(
        "SELECT a.id, p.email, e.email FROM applications a JOIN users p ON p.id = a.pupil_id "
        "JOIN offers o ON o.id = a.offer_id JOIN users e ON e.id = o.created_by_id "
        "JOIN schools s ON s.id = a.school_id WHERE s.uai = '0771029A' "
        "AND a.state = 'accepted' AND p.email IS NOT NULL AND e.email IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM applications b WHERE b.pupil_id = a.pupil_id "
        "AND b.state = 'confirmed') ORDER BY a.id DESC"
    )
    if row is None:
        pytest.skip("the demo data has no accepted application left to confirm")
    return int(row[0]), str(row[1]), str(row[2])


def _employer_part(page: Page) -> None:
    for name, value in {
        "rep_name": "Claire Martin",
        "rep_function": "Gérante",
        "rep_email": "claire.martin@exemple.fr",
        "tutor_name": "Paul Martin",
        "tutor_function": "Artisan",
        "tutor_email": "paul.martin@exemple.fr",
        "tutor_phone": "01 64 33 22 11",
        "activities": "Observer l'accueil des clients et la préparation des commandes.",
    }.items():
        page.fill(f"#f-{name}", value)
    days = {
        "lundi": ("08:00", "17:00", "12:00", "13:00"),  # 8 h of presence: refused
        "mardi": ("09:00", "16:30", "12:00", "13:00"),
        "mercredi": ("09:00", "12:00", "", ""),
        "jeudi": ("09:00", "16:30", "12:00", "13:00"),
        "vendredi": ("09:00", "16:00", "12:00", "13:00"),
        "samedi": ("", "", "", ""),
        "dimanche": ("", "", "", ""),
    }
    for day, values in days.items():
        for part, value in zip(("start", "end", "break_start", "break_end"), values, strict=True):
            page.fill(f"#f-{day}_{part}", value)


def test_convention_filled_signed_by_all_and_sealed(browser, server):
    app_id, pupil_email, employer_email = _accepted_application()
    desk = _context(browser, server, "desktop")  # the dev mailbox
    phone = _context(browser, server, "mobile")  # the legal representative
    contexts = [desk, phone]

    def party() -> Page:  # each party its own browser profile (its own session cookie)
        contexts.append(_context(browser, server, "desktop"))
        return _page(contexts[-1], "desktop")

    try:
        mailbox = _page(desk, "desktop")

        # --- the pupil confirms: the convention exists, pre-filled -----------------------
        pupil = party()
        _login(pupil, "/espace/eleve/candidatures", pupil_email, f"#app-confirm-{app_id}")
        pupil.click(f"#app-confirm-{app_id}")
        pupil.click("#app-dialog-yes")
        expect(pupil.locator(f"#app-state-{app_id}")).to_contain_text("confirmé")
        conv_id, uuid = _one("SELECT id, uuid FROM conventions WHERE application_id = :a", a=app_id)

        # --- the employer: 8 h refused, then 20 h 30 refused, then sent ----------------
        employer = party()
        path = f"/espace/employeur/conventions/{conv_id}"
        _login(employer, path, employer_email, "#conv-employer-form")
        _employer_part(employer)
        employer.click("#conv-send")
        expect(employer.locator("#day-lundi-err")).to_contain_text("7 h")
        assert employer.input_value("#f-rep_name") == "Claire Martin"  # typed values kept
        employer.fill("#f-lundi_start", "09:00")
        employer.fill("#f-lundi_end", "16:30")
        employer.fill("#f-mardi_start", "13:00")
        employer.fill("#f-mardi_end", "20:30")
        employer.fill("#f-mardi_break_start", "16:00")
        employer.fill("#f-mardi_break_end", "16:30")
        employer.click("#conv-send")
        expect(employer.locator("#day-mardi-err")).to_contain_text("20 h")
        expect(employer.locator("#day-lundi-err")).not_to_contain_text("7 h")
        shot(employer, "convention-employer-hours-refused")
        employer.fill("#f-mardi_start", "09:00")
        employer.fill("#f-mardi_end", "16:30")
        employer.fill("#f-mardi_break_start", "12:00")
        employer.fill("#f-mardi_break_end", "13:00")
        employer.click("#conv-send")
        expect(employer.locator("#conv-state")).to_contain_text("À valider par l'établissement")
        assert _one("SELECT state FROM conventions WHERE id = :c", c=conv_id)[0] == (
            "employer_done"
        )

        # --- the head: the school's part with a legal representative, validated ---------
        head = party()
        _login(head, "/espace/etablissement", HEAD, "#todo-conventions-validate")
        head.click("#todo-conventions-validate")  # the dashboard says what waits for it
        expect(head.locator(f"#conv-row-{conv_id}")).to_contain_text("À valider")
        goto(head, f"/espace/etablissement/conventions/{conv_id}")
        expect(head.locator("#conv-school-form")).to_be_visible()
        for name, value in {
            "rep1_name": "Nadia Benali",
            "rep1_email": PARENT_EMAIL,
            "rep1_phone": PARENT_PHONE,
            "emergency_name": "Nadia Benali",
            "emergency_phone": PARENT_PHONE,
            "pupil_address": "4 rue des Écoles, 77100 Meaux",
            "teacher_name": "Marc Durand",
            "teacher_email": "marc.durand@ac-creteil.fr",
        }.items():
            head.fill(f"#f-{name}", value)
        head.click("#conv-validate")
        expect(head.locator("#conv-state")).to_contain_text("Prête à signer")

        # --- the legal representative, at 375 px, from the SMS link ------------------------
        parent_mail = _page(phone, "mobile")
        sms = _newest(parent_mail, to=PARENT_E164, has="attend votre signature")
        link = re.search(r"https?://\S+/convention/signer/\S+", sms).group(0)
        parent = _page(phone, "mobile")
        goto(parent, link[link.index("/convention/") :])
        expect(parent.locator("#conv-sign")).to_be_visible()
        assert_no_horizontal_scroll(parent)
        parent.click("#conv-sign")
        parent.click("#sign-request")
        expect(parent.locator("#sign-code")).to_be_visible()
        code = _code(parent_mail, PARENT_E164)
        wrong = "000000" if code != "000000" else "111111"
        parent.fill("#sign-code", wrong)
        parent.click("#sign-code-next")
        expect(parent.locator("#sign-code-err")).to_be_visible()
        parent.fill("#sign-code", code)
        parent.click("#sign-code-next")
        expect(parent.locator("#signature-pad")).to_be_visible()
        _draw(parent)
        shot(parent, "convention-parent-signing")
        parent.click("#sign-submit")
        expect(parent.locator("#sign-done")).to_contain_text("Signature enregistrée")
        shot(parent, "convention-parent-signed")

        # --- the pupil signs (typed name), then the employer (drawing) -------------------
        goto(pupil, f"/espace/eleve/conventions/{conv_id}")
        expect(pupil.locator("#conv-sign")).to_be_visible()
        pupil.click("#conv-sign")
        _sign_in_dialog(pupil, mailbox, pupil_email, draw=False, name="Prénom Nom")
        goto(employer, path)
        employer.click("#conv-sign")
        _sign_in_dialog(employer, mailbox, employer_email, draw=True)

        # --- the head signs two conventions at once --------------------------------------
        goto(head, "/espace/etablissement/conventions")
        _tick(head, f"#conv-check-{conv_id}")
        others = head.locator("[id^='conv-check-']:not(#conv-check-all)")
        other_ids = [
            i for i in (others.nth(n).get_attribute("id") for n in range(others.count()))
            if i != f"conv-check-{conv_id}"
        ]  # fmt: skip
        assert other_ids, "the demo has no other convention for the head to sign"
        _tick(head, f"#{other_ids[0]}")
        expect(head.locator("#conv-sign-group")).to_contain_text("2")
        shot(head, "convention-school-list-group")
        head.click("#conv-sign-group")
        _sign_in_dialog(head, mailbox, HEAD, draw=True)
        other_id = int(other_ids[0].rsplit("-", 1)[1])
        signed = _one(
            "SELECT COUNT(*) FROM signatures WHERE signatory_role = 'school_head' "
            "AND voided_at IS NULL AND convention_id IN (:a, :b)",
            a=conv_id, b=other_id,
        )[0]  # fmt: skip
        assert signed == 2
        assert _one("SELECT state FROM conventions WHERE id = :c", c=conv_id)[0] == "signed"

        # --- everyone gets the final PDF link; the PDF is sealed -------------------------
        for to in (PARENT_EMAIL, pupil_email, employer_email, HEAD):
            assert "/convention" in _newest(mailbox, to=to, has="signée par tous")
        response = head.request.get(f"/api/conventions/{uuid}.pdf")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        data = response.body()
        ok, message = _verified(data)
        assert ok, message
        altered = bytearray(data)
        altered[len(data) // 3] ^= 0x01
        assert not _verified(bytes(altered))[0]
        # another employer's browser gets nothing
        stranger = party()
        assert stranger.request.get(f"/api/conventions/{uuid}.pdf").status == 404
        out = Path(SHOTS) / "convention-final.pdf"
        out.write_bytes(data)
        if shutil.which("pdftoppm"):  # a preview to look at, when poppler is installed
            subprocess.run(
                ["pdftoppm", "-png", "-r", "50", str(out), str(out.with_suffix(""))], check=False
            )
    finally:
        for context in contexts:
            context.close()

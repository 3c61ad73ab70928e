"""The signature pad in a real browser at 375 px: a pupil opens the convention of their
internship, « J'ai pris connaissance de la convention », receives the code (dev mailbox), draws
on the canvas with mouse moves and signs.  The PNG data URL read from the canvas is seen
leaving the browser on the websocket (the ``submit_signature`` event) and the signature is
recorded with its image; a wrong code is refused next to the code field and the drawing is
kept; « Effacer » empties the pad; the dialog is screenshotted.

The convention is one of the demo's (ready to sign, not yet signed by its pupil), found in
the server's database.
"""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from mystage.services import conventions
from tests.e2e.conftest import VIEWPORTS, assert_no_horizontal_scroll, goto, server_db, shot

DEMO_PASSWORD = "stage-demo-2026"

pytestmark = pytest.mark.skipif(
    not hasattr(conventions, "sign"),
    reason="waits for services.conventions.sign / view / request_code (issue 14, main)",
)

_INK = """() => { const c = document.getElementById('signature-pad');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""


def _ready_convention() -> tuple[int, str]:
    """A demo convention waiting for signatures that its pupil has not signed: (id, the
    pupil's e-mail)."""
    engine = sa.create_engine(server_db())
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT c.id, u.email FROM conventions c"
                " JOIN applications a ON a.id = c.application_id"
                " JOIN users u ON u.id = a.pupil_id"
                " WHERE c.state IN ('validated', 'signing') AND u.email IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM signatures g WHERE g.convention_id = c.id"
                "   AND g.signatory_role = 'pupil' AND g.voided_at IS NULL)"
                " ORDER BY c.id LIMIT 1"
            )
        ).first()
    engine.dispose()
    assert row is not None, "the demo data has no convention ready for its pupil to sign"
    return int(row[0]), str(row[1])


def _signature(conv_id: int):
    engine = sa.create_engine(server_db())
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT image_path, typed_name, ip, user_agent FROM signatures"
                " WHERE convention_id = :c AND signatory_role = 'pupil' AND voided_at IS NULL"
            ),
            {"c": conv_id},
        ).first()
    engine.dispose()
    return row


def _code(mailbox: Page, email: str) -> str:
    """The newest code sent to this pupil (by SMS or mail) in the dev mailbox."""
    goto(mailbox, "/dev/mails")
    message = mailbox.locator(".mail").filter(has_text=re.compile("code", re.I)).first
    expect(message).to_be_visible()
    found = re.search(r"\b(\d{6})\b", message.inner_text())
    assert found, message.inner_text()
    # Closed at once: a second tab of the same window would leave the signing page in the
    # background, where Chromium throttles it to about one frame a second (every mouse move
    # of the drawing then waits for a frame).
    mailbox.close()
    return found.group(1)


def _draw(page: Page, waves: int = 4) -> None:
    box = page.locator("#signature-pad").bounding_box()
    assert box is not None
    x, y = box["x"] + 20, box["y"] + box["height"] * 0.65
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 8 * waves):
        page.mouse.move(x + i * (box["width"] - 40) / (8 * waves), y - 35 * ((i % 8) / 8), steps=3)
    page.mouse.up()


def test_pupil_draws_and_the_png_reaches_the_server(browser, server):
    conv_id, email = _ready_convention()
    context = browser.new_context(viewport=VIEWPORTS["mobile"], locale="fr-FR", base_url=server)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.viewport_name = "mobile"  # type: ignore[attr-defined]
    sent: list[str] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framesent",
            lambda frame: sent.append(frame) if "submit_signature" in str(frame) else None,
        ),
    )
    try:
        goto(page, f"/espace/eleve/conventions/{conv_id}")
        expect(page).to_have_url(re.compile(r"/connexion\?suivant="))
        page.fill("#f-identifier", email)
        page.fill("#f-password", DEMO_PASSWORD)
        page.click("#login-submit")
        expect(page.locator("#conv-sign")).to_be_visible()
        assert_no_horizontal_scroll(page)

        page.click("#conv-sign")
        page.click("#sign-request")
        expect(page.locator("#sign-code")).to_be_visible()
        code = _code(context.new_page(), email)

        # A wrong code: refused next to the code field (now, or after the drawing).
        wrong = "000000" if code != "000000" else "111111"
        page.fill("#sign-code", wrong)
        page.click("#sign-code-next")
        expect(page.locator("#sign-code-err, #signature-pad")).to_be_visible()
        if page.locator("#signature-pad").is_visible():
            _draw(page)
            page.click("#sign-submit")
        expect(page.locator("#sign-code-err")).to_be_visible()
        assert page.locator("#sign-code-err").inner_text().strip()

        page.fill("#sign-code", code)
        page.click("#sign-code-next")
        expect(page.locator("#signature-pad")).to_be_visible()
        # The canvas follows the dialog's width at 375 px, and a finger draws, not scrolls.
        width, touch = page.eval_on_selector(
            "#signature-pad",
            "c => [c.getBoundingClientRect().width, getComputedStyle(c).touchAction]",
        )
        assert 250 <= width <= 375 and touch == "none"

        # « Effacer » empties it; « Signer » on an empty pad is refused next to the pad.
        _draw(page, waves=1)
        assert page.evaluate(_INK) > 0
        page.click("#signature-pad-clear")
        assert page.evaluate(_INK) == 0
        page.click("#sign-submit")
        expect(page.locator("#signature-pad-err")).to_be_visible()

        _draw(page)
        assert page.evaluate(_INK) > 100
        expect(page.locator("#signature-pad-err")).to_be_hidden()  # a stroke clears it
        shot(page, "signing-dialog-draw")
        sent.clear()
        page.click("#sign-submit")
        expect(page.locator("#sign-done")).to_contain_text("Signature enregistrée")
        shot(page, "signing-dialog-done")
    finally:
        context.close()

    # What left the browser: the event with the drawing as a PNG data URL.
    frames = [str(f) for f in sent]
    assert frames, "no submit_signature event was sent"
    payload = json.loads(frames[-1][frames[-1].index("[") :])[1]["payload"]
    drawing = next(v for v in payload.values() if isinstance(v, str))
    assert drawing.startswith("data:image/png;base64,") and len(drawing) > 1000
    # What the server recorded.
    row = _signature(conv_id)
    assert row is not None and row[0], row
    assert row[1] == "" and row[2] and "Chrom" in (row[3] or "")

"""Issue 17 « Supprimer mon compte » (375 px): a pupil with a pending application deletes
the account, cannot log in again, and the employer's list (1280 px) shows « Élève (compte
supprimé) » for the application, now cancelled."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import Session

from tests.e2e.conftest import assert_no_horizontal_scroll, goto, server_db, shot
from tests.e2e.test_accounts_flow import _login
from tests.e2e.test_application_flow import (
    DEMO_PASSWORD,
    EMPLOYER,
    SCHOOL_UAI,
    _common_week_and_offers,
    _new_page,
)

PUPIL_PASSWORD = "Tartine-Croquante-47!"


def _pupil_with_application(engine) -> tuple[str, int]:
    """A pupil of the demo school with an application sent to the demo bakery."""
    from mystage import clock
    from mystage.models import Role, School, User
    from mystage.services import applications
    from mystage.services.accounts import passwords

    week, bakery, _ = _common_week_and_offers(engine)
    email = f"zoelie.{uuid.uuid4().hex[:8]}@exemple.fr"
    with Session(engine) as s:
        school = s.exec(sa.select(School).where(School.uai == SCHOOL_UAI)).scalars().first()
        pupil = User(
            email=email, role=Role.ELEVE, status="active", first_name="Zoélie",
            last_name="Quertonneau", school_id=school.id, level="3e",
            parental_authorization_at=clock.now(), activated_at=clock.now(),
            email_verified_at=clock.now(), password_hash=passwords.hash_password(PUPIL_PASSWORD),
        )  # fmt: skip
        s.add(pupil)
        s.commit()
        # Straight to the employer, this once; the school's choice is put back afterwards
        # (later browser tests expect the demo school to validate first).
        validates = school.validation_required
        school.validation_required = False
        s.commit()
        try:
            app_id, errors = applications.apply(
                s, pupil, bakery, week=week,
                motivation="J'aime le pain et je voudrais découvrir le métier de boulanger.",
                contact_phone="06 12 34 56 78", contact_email="", referent_email="",
            )  # fmt: skip
        finally:
            s.rollback()
            s.execute(
                sa.update(School)
                .where(School.id == school.id)
                .values(validation_required=validates)
            )
            s.commit()
        assert errors == {}, errors
    return email, app_id


def test_pupil_deletes_account_employer_sees_deleted_pupil(browser, server):
    engine = sa.create_engine(server_db())
    email, app_id = _pupil_with_application(engine)

    pupil = _new_page(browser, server, "mobile")
    _login(pupil, email, PUPIL_PASSWORD)
    goto(pupil, "/espace/compte/suppression")
    expect(pupil.locator("#erasure-submit")).to_be_visible()
    assert_no_horizontal_scroll(pupil)
    pupil.fill("#f-password", "pas le bon")
    pupil.check("#f-confirm")
    pupil.click("#erasure-submit")
    expect(pupil.locator("#f-password-err")).to_contain_text("Mot de passe incorrect")
    pupil.fill("#f-password", PUPIL_PASSWORD)
    pupil.click("#erasure-submit")
    expect(pupil).to_have_url(re.compile(r"/compte-supprime"), timeout=20_000)
    expect(pupil.locator("#account-deleted")).to_be_visible()
    shot(pupil, "erasure-done")
    # Cannot log in again.
    goto(pupil, "/connexion")
    pupil.fill("#f-identifier", email)
    pupil.fill("#f-password", PUPIL_PASSWORD)
    pupil.click("#login-submit")
    expect(pupil.locator("#login-error")).to_be_visible()
    goto(pupil, "/espace")
    expect(pupil).to_have_url(re.compile(r"/connexion"))

    with engine.connect() as c:
        state = c.execute(
            sa.text("SELECT state FROM applications WHERE id = :i"), {"i": app_id}
        ).scalar_one()
    assert state == "cancelled_by_pupil"

    employer = _new_page(browser, server, "desktop")
    _login(employer, EMPLOYER, DEMO_PASSWORD, ready="#new-offer")  # logged in
    goto(employer, "/espace/employeur?onglet=traitees")
    expect(employer.get_by_text("Élève (compte supprimé)").first).to_be_visible()
    goto(employer, f"/espace/employeur/candidatures/{app_id}")
    expect(employer.get_by_text("Élève (compte supprimé)").first).to_be_visible()
    expect(employer.get_by_text("Quertonneau")).to_have_count(0)

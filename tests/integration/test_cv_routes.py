"""Private CV downloads (Starlette TestClient, real database): ``GET /api/cv`` and
``GET /api/candidatures/{id}/cv`` — the right people get the PDF with private headers,
everybody else gets the same 404."""

from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # starlette prefers httpx2; httpx is what we have
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from mystage import clock
from mystage.api.files import routes
from mystage.models import PupilCV, Role, User
from mystage.services import accounts, pdf_safety, pupils
from mystage.settings import get_settings
from tests.unit.test_applications import (
    make_pupil,
    offer_of,
    post,
    school_fixture,  # noqa: F401  (fixture « school »)
)
from tests.unit.test_offers import NOW, employer

PDF = b"%PDF-1.7\n% CV de Lea\n%%EOF\n"


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


@pytest.fixture
def client():
    with TestClient(Starlette(routes=routes), base_url="https://testserver") as c:
        yield c


def _cookie(s, user: User) -> dict[str, str]:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return {"cookie": f"mystage_session={token}"}


@pytest.fixture
def world(s, school):
    owner, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    assert pupils.store_cv_pdf(s, lea, PDF) == ""
    app_id, errors = post(s, lea, offer_id)
    assert errors == {}
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    stranger, _ = employer(s, email="autre@concurrent.fr", siret="35600000000048")
    head = User(
        email="ce.head@ac-test.fr", role=Role.CHEF_ETABLISSEMENT, status="active",
        school_id=school.id,
    )  # fmt: skip
    admin = User(email="admin@exemple.fr", role=Role.ADMIN, status="active")
    s.add_all([head, admin])
    s.commit()
    return {
        "app_id": app_id,
        "offer_id": offer_id,
        "lea": lea,
        "tom": tom,
        "owner": owner,
        "stranger": stranger,
        "head": head,
        "admin": admin,
    }


def _assert_pdf(response) -> None:
    assert response.status_code == 200, response.text
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    # Downloaded, never rendered as a page of the site (and sandboxed if it were).
    assert response.headers["content-disposition"] == "attachment; filename=cv.pdf"
    assert response.headers["content-security-policy"].startswith("sandbox;")
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


def _assert_404(response) -> None:
    assert response.status_code == 404
    assert response.content != PDF and b"%PDF" not in response.content
    assert response.headers["cache-control"] == "private, no-store"


def test_own_cv(s, client, world):
    _assert_pdf(client.get("/api/cv", headers=_cookie(s, world["lea"])))
    _assert_404(client.get("/api/cv", headers=_cookie(s, world["tom"])))  # has no PDF
    _assert_404(client.get("/api/cv", headers=_cookie(s, world["owner"])))
    _assert_404(client.get("/api/cv"))
    _assert_404(client.get("/api/cv", headers={"cookie": "mystage_session=forged-token-value"}))


@pytest.mark.parametrize("who", ["lea", "owner", "head", "admin"])
def test_application_cv_for_who_may_read_it(s, client, world, who):
    url = f"/api/candidatures/{world['app_id']}/cv"
    _assert_pdf(client.get(url, headers=_cookie(s, world[who])))


@pytest.mark.parametrize("who", ["tom", "stranger", "anonymous", "forged"])
def test_application_cv_is_404_for_everybody_else(s, client, world, who):
    url = f"/api/candidatures/{world['app_id']}/cv"
    if who == "anonymous":
        headers = {}
    elif who == "forged":
        headers = {"cookie": "mystage_session=forged-token-value-0123"}
    else:
        headers = _cookie(s, world[who])
    missing = client.get("/api/candidatures/999999/cv", headers=headers)
    response = client.get(url, headers=headers)
    _assert_404(response)
    _assert_404(missing)
    assert response.content == missing.content  # nothing tells the two apart


def test_odd_paths_and_no_pdf(s, client, world):
    headers = _cookie(s, world["lea"])
    for path in ("/api/candidatures/abc/cv", "/api/candidatures/-1/cv", "/api/candidatures//cv"):
        assert client.get(path, headers=headers).status_code == 404
    huge = client.get("/api/candidatures/" + "9" * 40 + "/cv", headers=headers)
    assert huge.status_code == 404
    # Deleting « Mon CV » keeps the PDF sent with the application.
    assert pupils.delete_cv_pdf(s, world["lea"]) == ""
    _assert_404(client.get("/api/cv", headers=headers))
    _assert_pdf(client.get(f"/api/candidatures/{world['app_id']}/cv", headers=headers))
    # An application sent without a PDF has nothing to download.
    tom_app, errors = post(s, world["tom"], world["offer_id"], week="2026-11-23")
    assert errors == {}
    _assert_404(client.get(f"/api/candidatures/{tom_app}/cv", headers=_cookie(s, world["tom"])))
    assert client.post("/api/cv", headers=headers).status_code == 405


SCRIPTED = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript "
    b"/JS (app.alert\\(1\\)) >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def test_pdf_with_active_content_is_refused_at_upload(s, client, world):
    lea = world["lea"]
    assert pupils.store_cv_pdf(s, lea, SCRIPTED) == pdf_safety.MSG_PDF_ACTIVE
    assert pupils.own_cv_pdf(s, lea) == PDF  # the previous PDF is kept, nothing stored
    _assert_pdf(client.get("/api/cv", headers=_cookie(s, lea)))


def test_pdf_stored_before_the_check_is_not_served(s, client, world):
    """A CV uploaded before active content was refused: checked again when served."""
    lea = world["lea"]
    relative = s.execute(sa.select(PupilCV.pdf_path).where(PupilCV.user_id == lea.id)).scalar_one()
    (get_settings().private_dir / relative).write_bytes(SCRIPTED)
    for url, who in (("/api/cv", "lea"), (f"/api/candidatures/{world['app_id']}/cv", "owner")):
        response = client.get(url, headers=_cookie(s, world[who]))
        assert response.status_code == 403
        assert b"%PDF" not in response.content and b"JavaScript" not in response.content
        assert "contenu actif" in response.text

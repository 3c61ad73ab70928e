"""The xlsx downloads of the school's tracking tables (Starlette TestClient, real database):
own school → a valid workbook sent as an attachment with a French file name; another
school's class, a class the caller does not see, a pending member, a pupil → 404;
no session → 401."""

from __future__ import annotations

import io
import warnings

import pytest
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # starlette prefers httpx2; httpx is what we have
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from mystage.api.school_exports import XLSX_MIME, routes
from mystage.models import User
from mystage.services import accounts
from tests.unit import test_school_isolation
from tests.unit.test_schools import pupil, school_db  # noqa: F401  (fixture « s »)

openpyxl = pytest.importorskip("openpyxl")

# Schools A and B, their heads, staff, classes, pupils and applications.
world = test_school_isolation.world


@pytest.fixture(autouse=True)
def _reload_school_rows(s):
    """The pages run the services in their own sessions (opening the space registers the
    school): expire ``s`` so its teardown sees those changes and puts the reference row
    back (a rollback without a transaction expires nothing)."""
    yield
    s.expire_all()


SCHOOL_URL = "/api/etablissement/export/etablissement"
CLASS_URL = "/api/etablissement/export/classe/{}"


@pytest.fixture
def client():
    with TestClient(Starlette(routes=routes), base_url="https://testserver") as c:
        yield c


def cookie(s, user: User) -> dict[str, str]:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return {"cookie": f"mystage_session={token}"}


def sheet(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_MIME
    assert response.headers["cache-control"] == "private, no-store"
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_head_downloads_the_school_and_class_tables(s, world, client):
    headers = cookie(s, world["ha"])
    r = client.get(SCHOOL_URL, headers=headers)
    ws = sheet(r)
    assert r.headers["content-disposition"].startswith(
        'attachment; filename="suivi-etablissement-college-henri-dunant'
    )
    assert [ws.cell(i, 1).value for i in range(2, ws.max_row + 1)] == ["3e A", "3e B", "Total"]
    r = client.get(CLASS_URL.format(world["a1"].id), headers=headers)
    ws = sheet(r)
    assert 'filename="suivi-classe-3e-a-2026-10-05.xlsx"' in r.headers["content-disposition"]
    assert ws.title == "3e A" and ws.max_row == 2
    assert ws.cell(2, 1).value == world["pa1"].last_name
    # Same filter and sort as on screen; junk in the query string is ignored.
    extra = pupil(s, world["a"], world["a1"], last_name="Zola")
    r = client.get(CLASS_URL.format(world["a1"].id) + "?filtre=sans_autorisation", headers=headers)
    assert [c.value for c in sheet(r)["A"]][1:] == [extra.last_name]
    r = client.get(CLASS_URL.format(world["a1"].id) + "?tri=name&ordre=desc", headers=headers)
    assert [c.value for c in sheet(r)["A"]][1:] == [extra.last_name, world["pa1"].last_name]
    r = client.get(
        CLASS_URL.format(world["a1"].id) + "?filtre=%27%3B--&tri=password&ordre=1", headers=headers
    )
    assert sheet(r).max_row == 3
    # The pupils without a class (« Sans classe », id 0) for whole-school staff.
    alone = pupil(s, world["a"], None, last_name="Seul")
    r = client.get(CLASS_URL.format(0), headers=headers)
    assert [c.value for c in sheet(r)["A"]][1:] == [alone.last_name]
    assert "suivi-classe-sans-classe" in r.headers["content-disposition"]


def test_restricted_teacher_gets_their_class_only(s, world, client):
    headers = cookie(s, world["ta"])
    ws = sheet(client.get(SCHOOL_URL, headers=headers))
    assert [ws.cell(i, 1).value for i in range(2, ws.max_row + 1)] == ["3e A", "Total"]
    sheet(client.get(CLASS_URL.format(world["a1"].id), headers=headers))
    for cid in (world["a2"].id, 0):
        assert client.get(CLASS_URL.format(cid), headers=headers).status_code == 404


@pytest.mark.parametrize("who", ["ha", "ta", "cpe", "pending", "removed"])
def test_other_schools_classes_are_not_found(s, world, client, who):
    headers = cookie(s, world[who])
    for cid in (world["b1"].id, world["b2"].id, 999999, 2**31 + 5):
        r = client.get(CLASS_URL.format(cid), headers=headers)
        assert r.status_code == 404 and r.content == b"Fichier introuvable."
        assert "content-disposition" not in r.headers


@pytest.mark.parametrize("who", ["pending", "removed", "pa1"])
def test_members_without_access_and_pupils_get_nothing(s, world, client, who):
    headers = cookie(s, world[who])
    assert client.get(SCHOOL_URL, headers=headers).status_code == 404
    assert client.get(CLASS_URL.format(world["a1"].id), headers=headers).status_code == 404


def test_anonymous_and_forged_sessions(s, world, client):
    for url in (SCHOOL_URL, CLASS_URL.format(world["a1"].id)):
        assert client.get(url).status_code == 401
        forged = client.get(url, headers={"cookie": "mystage_session=forged-token-value"})
        assert forged.status_code in (401, 404) and not forged.content.startswith(b"PK")
    assert client.get("/api/etablissement/export/classe/abc").status_code == 404
    assert client.get("/api/etablissement/export/classe/-1").status_code == 404
    assert client.post(SCHOOL_URL).status_code == 405

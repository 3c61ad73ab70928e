"""``GET /api/exports/<token>``: the file for its requester only (Starlette TestClient)."""

from __future__ import annotations

import io
import warnings
from datetime import timedelta

import openpyxl
import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # starlette 1.10 prefers httpx2; httpx is what we have
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from mystage import clock
from mystage.api.auth_routes import COOKIE_NAME
from mystage.api.exports import routes
from mystage.jobs import exports as export_jobs
from mystage.models import ExportJob, Outbox
from mystage.services import accounts, exports
from tests.unit import test_stats as _base

s = _base.s
world = _base.world
ref77 = _base.ref77
central = _base.central


@pytest.fixture
def client():
    app = Starlette(routes=routes)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


def cookie_for(s, user) -> dict[str, str]:
    token = accounts.create_session(s, user, "203.0.113.9", "pytest")
    s.commit()
    return {"cookie": f"{COOKIE_NAME}={token}"}


@pytest.fixture
def ready(s, world, ref77, monkeypatch):
    """A finished background export of ref77 and the raw token of its mail."""
    monkeypatch.setattr("mystage.services.exports.request.SMALL_LIMIT", 1)
    res = exports.request_export(s, ref77, "applications", {})
    assert res["status"] == "queued"
    assert export_jobs.exports_run(s) == 1
    s.expire_all()
    mail = s.exec(select(Outbox).where(Outbox.template == "export_ready")).one()
    return res["job_id"], mail.action_url.rsplit("/", 1)[1]


def test_requester_downloads_the_file(s, client, ready, ref77):
    job_id, raw = ready
    r = client.get(f"/api/exports/{raw}", headers=cookie_for(s, ref77))
    assert r.status_code == 200
    assert r.headers["content-type"] == exports.XLSX_MIME
    assert r.headers["cache-control"] == "no-store"
    assert "attachment" in r.headers["content-disposition"]
    assert "mystage-candidatures" in r.headers["content-disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "CANDIDATURE_ID" and ws.max_row == 8
    # The link works again for the requester until it expires.
    assert client.get(f"/api/exports/{raw}", headers=cookie_for(s, ref77)).status_code == 200


def test_someone_else_gets_a_404(s, client, ready, central, world):
    _, raw = ready
    for other in (central, world["p"][0]):
        r = client.get(f"/api/exports/{raw}", headers=cookie_for(s, other))
        assert r.status_code == 404
        assert b"PK" not in r.content[:2]


def test_without_a_session_the_browser_goes_to_login_first(client, ready):
    _, raw = ready
    r = client.get(f"/api/exports/{raw}")
    assert r.status_code == 303
    assert r.headers["location"] == f"/connexion?suivant=/api/exports/{raw}"
    r = client.get(
        f"/api/exports/{raw}", headers={"cookie": f"{COOKIE_NAME}=not-a-real-session-token"}
    )
    assert r.status_code == 303  # an unknown session is no session


@pytest.mark.parametrize("bad", ["x", "a" * 43, "../../etc/passwd", "%00" * 20, "é" * 30])
def test_bad_or_unknown_tokens_are_404(s, client, ready, ref77, bad):
    r = client.get(f"/api/exports/{bad}", headers=cookie_for(s, ref77))
    assert r.status_code == 404


def test_expired_link_is_404_and_the_file_is_purged(s, client, ready, ref77):
    job_id, raw = ready
    clock.freeze(_base.NOW + timedelta(days=7, seconds=1))
    headers = cookie_for(s, ref77)  # a session still valid at that date
    assert client.get(f"/api/exports/{raw}", headers=headers).status_code == 404
    assert export_jobs.exports_purge(s) == 1
    s.expire_all()
    assert s.get(ExportJob, job_id).status == "expired"
    assert client.get(f"/api/exports/{raw}", headers=headers).status_code == 404


def test_disabled_requester_gets_nothing(s, client, ready, ref77):
    _, raw = ready
    headers = cookie_for(s, ref77)
    ref77.status = "disabled"
    s.add(ref77)
    s.commit()
    r = client.get(f"/api/exports/{raw}", headers=headers)
    assert r.status_code in (303, 404)
    assert b"PK" not in r.content[:2]


# --- « Vos derniers exports »: each line downloads again while its link is valid (issue 16) --


def test_recent_exports_download_again_while_valid(s, client, ready, ref77, central, world):
    job_id, raw = ready
    [row] = [r for r in exports.my_exports(s, ref77) if r["id"] == job_id]
    assert row["download_url"] == f"/api/exports/fichier/{job_id}"
    r = client.get(row["download_url"], headers=cookie_for(s, ref77))
    assert r.status_code == 200 and r.headers["content-type"] == exports.XLSX_MIME
    assert r.headers["cache-control"] == "no-store"
    # someone else, a crafted id, no session: nothing
    for other in (central, world["p"][0]):
        r = client.get(row["download_url"], headers=cookie_for(s, other))
        assert r.status_code == 404 and b"PK" not in r.content[:2]
    for bad in (job_id + 1000, 0, 2**40):
        assert (
            client.get(f"/api/exports/fichier/{bad}", headers=cookie_for(s, ref77)).status_code
            == 404
        )
    r = client.get(row["download_url"])
    assert r.status_code == 303
    assert r.headers["location"] == f"/connexion?suivant=/api/exports/fichier/{job_id}"
    # once expired: no link in the list, 404 on the route; the mailed link still worked above
    clock.freeze(_base.NOW + timedelta(days=7, seconds=1))
    headers = cookie_for(s, ref77)
    [row] = [r for r in exports.my_exports(s, ref77) if r["id"] == job_id]
    assert row["download_url"] == ""
    assert client.get(f"/api/exports/fichier/{job_id}", headers=headers).status_code == 404

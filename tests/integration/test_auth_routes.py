"""HTTP auth routes: grant → HttpOnly session cookie, logout (Starlette TestClient)."""

from __future__ import annotations

import warnings
from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # starlette 1.10 prefers httpx2; httpx is what we have
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from mystage import clock, settings
from mystage.api.auth_routes import COOKIE_NAME, routes, session_token_from_cookie_header
from mystage.models import AuthSession
from mystage.services import accounts

PW = "un stage à la mairie du village"


@pytest.fixture
def client():
    app = Starlette(routes=routes)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


@pytest.fixture
def user(dbs):
    u, errors = accounts.create_active_account(
        dbs, role="eleve", email="route@exemple.fr", password=PW, first_name="Nina"
    )
    assert not errors
    dbs.commit()
    return u


def sessions(dbs) -> list[AuthSession]:
    dbs.rollback()  # end the snapshot: see what the route's thread committed
    return list(dbs.exec(select(AuthSession).execution_options(populate_existing=True)))


def set_cookie_header(response) -> str:
    headers = [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]
    assert len(headers) == 1, headers
    return headers[0]


def test_grant_sets_secure_httponly_cookie_and_redirects(dbs, client, user):
    grant = accounts.issue_login_grant(dbs, user, "/espace/eleve?onglet=2")
    response = client.get("/api/session", params={"grant": grant})
    assert response.status_code == 303
    assert response.headers["location"] == "/espace/eleve?onglet=2"
    assert response.headers["cache-control"] == "no-store"
    cookie = set_cookie_header(response)
    parts = [p.strip().lower() for p in cookie.split(";")]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "httponly" in parts
    assert "samesite=lax" in parts
    assert "secure" in parts
    assert "path=/" in parts
    assert f"max-age={settings.get_settings().session_days * 86400}" in parts

    token = cookie.split(";", 1)[0].split("=", 1)[1]
    assert accounts.user_for_session(dbs, token).id == user.id
    (row,) = sessions(dbs)
    assert row.token_hash != token and row.user_agent.startswith("testclient")
    assert grant not in cookie


def test_grant_reuse_and_junk_refused(dbs, client, user):
    grant = accounts.issue_login_grant(dbs, user)
    assert client.get("/api/session", params={"grant": grant}).status_code == 303
    again = client.get("/api/session", params={"grant": grant})
    assert again.status_code == 303
    assert again.headers["location"] == "/connexion?erreur=lien"
    assert "set-cookie" not in again.headers
    for junk in ("", "court", "x" * 500, "<script>", "a" * 20 + "é"):
        r = client.get("/api/session", params={"grant": junk})
        assert r.headers["location"] == "/connexion?erreur=lien"
    assert client.get("/api/session").headers["location"] == "/connexion?erreur=lien"
    assert len(sessions(dbs)) == 1


def test_expired_grant_refused(dbs, client, user):
    grant = accounts.issue_login_grant(dbs, user)
    with clock.travel(timedelta(minutes=3)):
        r = client.get("/api/session", params={"grant": grant})
    assert r.headers["location"] == "/connexion?erreur=lien"


def test_next_url_cannot_leave_the_site(dbs, client, user):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        grant = accounts.issue_login_grant(dbs, user, target)
        r = client.get("/api/session", params={"grant": grant})
        assert r.status_code == 303 and r.headers["location"] == "/"


def _logged_in(dbs, client, user) -> str:
    grant = accounts.issue_login_grant(dbs, user)
    login = client.get("/api/session", params={"grant": grant})
    token = set_cookie_header(login).split(";", 1)[0].split("=", 1)[1]
    assert accounts.user_for_session(dbs, token) is not None
    return token


def _own_origin() -> str:
    return settings.get_settings().public_origin


@pytest.mark.parametrize(
    "same_site",
    [{"origin": "OWN"}, {"sec-fetch-site": "same-origin"}],
    ids=["origin", "sec-fetch-site"],
)
def test_logout_clears_cookie_and_revokes_session(dbs, client, user, same_site):
    token = _logged_in(dbs, client, user)
    headers = {k: (_own_origin() if v == "OWN" else v) for k, v in same_site.items()}
    response = client.post("/api/logout", headers={"cookie": f"{COOKIE_NAME}={token}", **headers})
    assert response.status_code == 303 and response.headers["location"] == "/"
    cleared = set_cookie_header(response).lower()
    assert cleared.startswith(f'{COOKIE_NAME}=""') or cleared.startswith(f"{COOKIE_NAME}=;")
    assert "max-age=0" in cleared and "httponly" in cleared and "path=/" in cleared
    (row,) = sessions(dbs)
    assert row.revoked_at is not None
    assert accounts.user_for_session(dbs, token) is None


def test_logout_by_link_is_refused(dbs, client, user):
    """``GET /api/logout`` (a link in a mail, an <img> on another site) logs nobody out."""
    token = _logged_in(dbs, client, user)
    for headers in ({}, {"origin": _own_origin()}, {"sec-fetch-site": "same-origin"}):
        r = client.get("/api/logout", headers={"cookie": f"{COOKIE_NAME}={token}", **headers})
        assert r.status_code == 405 and r.headers["allow"] == "POST"
        assert "set-cookie" not in r.headers and "Se déconnecter" in r.text
    assert accounts.user_for_session(dbs, token) is not None
    (row,) = sessions(dbs)
    assert row.revoked_at is None


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"origin": "https://evil.example", "sec-fetch-site": "same-origin"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {},
    ],
    ids=["foreign", "null", "foreign-forged-fetch-site", "cross-site", "same-site", "nothing"],
)
def test_logout_from_another_site_is_refused(dbs, client, user, headers):
    """A form on another site posting to /api/logout: 403, the session lives on."""
    token = _logged_in(dbs, client, user)
    r = client.post("/api/logout", headers={"cookie": f"{COOKIE_NAME}={token}", **headers})
    assert r.status_code == 403 and "set-cookie" not in r.headers
    assert "refusée" in r.text
    assert accounts.user_for_session(dbs, token) is not None
    (row,) = sessions(dbs)
    assert row.revoked_at is None


def test_logout_without_cookie_is_harmless(client):
    client.cookies.clear()
    r = client.post("/api/logout", headers={"origin": _own_origin()})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_new_login_revokes_the_previous_session_of_the_browser(dbs, client, user):
    first = accounts.create_session(dbs, user, "", "")
    grant = accounts.issue_login_grant(dbs, user)
    client.get(
        "/api/session", params={"grant": grant}, headers={"cookie": f"{COOKIE_NAME}={first}"}
    )
    assert accounts.user_for_session(dbs, first) is None


def test_cookie_not_secure_when_disabled(dbs, client, user, monkeypatch):
    monkeypatch.setenv("COOKIE_SECURE", "0")
    settings.reload()
    try:
        grant = accounts.issue_login_grant(dbs, user)
        cookie = set_cookie_header(client.get("/api/session", params={"grant": grant}))
        assert "secure" not in [p.strip().lower() for p in cookie.split(";")]
        assert "httponly" in cookie.lower()
    finally:
        monkeypatch.delenv("COOKIE_SECURE")
        settings.reload()


TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        (f"{COOKIE_NAME}={TOKEN}", TOKEN),
        (f"theme=dark; {COOKIE_NAME}={TOKEN}; lang=fr", TOKEN),
        (f'{COOKIE_NAME}="{TOKEN}"', TOKEN),
        (f'junk"; {COOKIE_NAME}={TOKEN}', TOKEN),
        (f"a=b; ;;; =; {COOKIE_NAME}={TOKEN}", TOKEN),
        (f"{COOKIE_NAME}=", None),
        (f"{COOKIE_NAME}=court", None),
        (f"{COOKIE_NAME}=<script>alert(1)</script>", None),
        ("autre=valeur", None),
        ("\x00\xff garbage", None),
        ("x" * 20000, None),
    ],
)
def test_session_token_from_cookie_header(header, expected):
    assert session_token_from_cookie_header(header) == expected

"""Login/logout HTTP routes: the session cookie is set and cleared here, HttpOnly.

Flow: the login page (Reflex) checks the password through ``accounts.password_login`` (or a
magic link through ``accounts.magic_link_grant``) and gets a 2-minute single-use *grant*;
it sends the browser to ``GET /api/session?grant=…``, which exchanges the grant for a
session and sets ``mystage_session`` (HttpOnly, SameSite=Lax, Secure per settings), then
redirects (303) to the local ``next`` path.  The websocket opened by the next page carries
the cookie: states read it with ``session_token_from_cookie_header(self.router.headers.cookie)``
and ``accounts.user_for_session``.

Database work runs in threads (``db.call``); tokens, grants and cookies are never logged.
"""

from __future__ import annotations

import re
from http.cookies import CookieError, SimpleCookie

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from mystage import db
from mystage.api.security import is_same_origin
from mystage.services import accounts
from mystage.services.accounts import client_address
from mystage.settings import get_settings

COOKIE_NAME = "mystage_session"
LOGIN_ERROR_URL = "/connexion?erreur=lien"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def session_token_from_cookie_header(header: str | None) -> str | None:
    """The session token in a ``Cookie`` header, or None (absent, malformed, junk around)."""
    if not header or not isinstance(header, str) or len(header) > 16384:
        return None
    value: str | None = None
    try:
        jar = SimpleCookie()
        jar.load(header)
        morsel = jar.get(COOKIE_NAME)
        value = morsel.value if morsel is not None else None
    except (CookieError, ValueError, TypeError):
        value = None
    if value is None:  # SimpleCookie gives up on the first bad pair: scan by hand
        for part in header.split(";"):
            name, sep, raw = part.strip().partition("=")
            if sep and name.strip() == COOKIE_NAME:
                value = raw.strip().strip('"')
                break
    if value and _TOKEN_RE.match(value):
        return value
    return None


def _client(request: Request) -> tuple[str, str]:
    return client_address.from_request(request), request.headers.get("user-agent", "")[:255]


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=_NO_STORE)


def _clear_cookie(response: Response) -> None:
    response.delete_cookie(
        COOKIE_NAME,
        path="/",
        secure=get_settings().cookie_secure,
        httponly=True,
        samesite="lax",
    )


async def open_session(request: Request) -> Response:
    """``GET /api/session?grant=…``: grant → session cookie → 303 to the next path."""
    grant = request.query_params.get("grant", "")
    if not _TOKEN_RE.match(grant):
        return _redirect(LOGIN_ERROR_URL)
    ip, user_agent = _client(request)
    result = await db.call(accounts.exchange_login_grant, grant, ip, user_agent)
    if result is None:
        return _redirect(LOGIN_ERROR_URL)
    token, next_url = result
    settings = get_settings()
    # An earlier session of this browser (another account) ends here.
    previous = session_token_from_cookie_header(request.headers.get("cookie"))
    if previous and previous != token:
        await db.call(accounts.revoke_session, previous)
    response = _redirect(accounts.safe_next_url(next_url))
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=settings.session_days * 86400,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )
    return response


async def logout(request: Request) -> Response:
    """``POST /api/logout`` from one of our pages: revoke the cookie's session, delete the
    cookie, 303 to /.  Another site (a form, an image, a link in a mail) gets 403 and the
    session lives on; ``GET`` (a link, an image) gets 405.  ``GET`` is routed here only to
    answer so: otherwise it would fall through to the page server's 404."""
    if request.method != "POST":
        return PlainTextResponse(
            "Méthode non autorisée : la déconnexion se fait par le bouton « Se déconnecter ».",
            status_code=405,
            headers={**_NO_STORE, "Allow": "POST"},
        )
    if not is_same_origin(request.headers):
        return PlainTextResponse(
            "Déconnexion refusée : utilisez le bouton « Se déconnecter » de MyStage.",
            status_code=403,
            headers=_NO_STORE,
        )
    token = session_token_from_cookie_header(request.headers.get("cookie"))
    if token:
        await db.call(accounts.revoke_session, token)
    response = _redirect("/")
    _clear_cookie(response)
    return response


routes: list[Route] = [
    Route("/api/session", open_session, methods=["GET"], name="auth_open_session"),
    Route("/api/logout", logout, methods=["GET", "POST"], name="auth_logout"),
]

"""``GET /api/exports/<token>``: the file of a large export, for its requester only.

The link arrives by mail (services/exports/).  The file is served when the token is
the export's (only its SHA-256 is stored), the link has not expired (7 days) and the
browser is logged in as the user who asked for the export; anything else is a 404 that
says nothing about why.  A browser without a session is sent to the login page, which
comes back here afterwards.  Register with ``from mystage.api.exports import routes``.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from mystage import db
from mystage.api.auth_routes import session_token_from_cookie_header
from mystage.services import accounts, exports

_NO_STORE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
LOGIN_URL = "/connexion?suivant={next}"


def _resolve(s, session_token: str, raw: str):
    user = accounts.user_for_session(s, session_token)
    if user is None:
        return "login"
    return exports.download_path(s, user, raw)


def _not_found() -> Response:
    return Response("Fichier introuvable ou lien expiré.", status_code=404, headers=_NO_STORE)


async def download(request: Request) -> Response:
    raw = request.path_params.get("token", "")
    if not isinstance(raw, str) or not exports.TOKEN_RE.match(raw):
        return _not_found()
    session_token = session_token_from_cookie_header(request.headers.get("cookie"))
    result = await db.call(_resolve, session_token, raw) if session_token else "login"
    if result == "login":
        target = quote(f"/api/exports/{raw}", safe="/")
        return RedirectResponse(LOGIN_URL.format(next=target), status_code=303, headers=_NO_STORE)
    if result is None:
        return _not_found()
    path, filename = result
    return FileResponse(path, media_type=exports.XLSX_MIME, filename=filename, headers=_NO_STORE)


def _resolve_job(s, session_token: str, job_id: int):
    user = accounts.user_for_session(s, session_token)
    if user is None:
        return "login"
    return exports.download_path_of_job(s, user, job_id)


async def download_again(request: Request) -> Response:
    """``/api/exports/fichier/<id>``: « Vos derniers exports » — the requester's file again
    while its link is valid (session cookie, owner, unexpired, present), else 404."""
    job_id = request.path_params.get("job_id")
    session_token = session_token_from_cookie_header(request.headers.get("cookie"))
    result = await db.call(_resolve_job, session_token, job_id) if session_token else "login"
    if result == "login":
        return RedirectResponse(
            accounts.login_url(f"/api/exports/fichier/{job_id}"), status_code=303, headers=_NO_STORE
        )
    if result is None:
        return _not_found()
    path, filename = result
    return FileResponse(path, media_type=exports.XLSX_MIME, filename=filename, headers=_NO_STORE)


routes: list[Route] = [
    Route(
        "/api/exports/fichier/{job_id:int}",
        download_again,
        methods=["GET"],
        name="exports_download_again",
    ),
    Route("/api/exports/{token}", download, methods=["GET"], name="exports_download"),
]

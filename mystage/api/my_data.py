"""``GET /api/mes-donnees/<token>`` and ``/api/mes-donnees/fichier/<id>``: the zip of
« Mes données », for the person who asked for it only.

Served when the link (or the request id) is that person's, still valid, the file present,
and the browser logged in as them; anything else is a 404 that says nothing about why.  A
browser without a session goes to the login page, which comes back here afterwards.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from mystage import db
from mystage.api.auth_routes import session_token_from_cookie_header
from mystage.services import accounts
from mystage.services.privacy import my_data_download as files

_NO_STORE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _not_found() -> Response:
    return Response("Fichier introuvable ou lien expiré.", status_code=404, headers=_NO_STORE)


def _resolve(s, session_token: str, raw: str):
    user = accounts.user_for_session(s, session_token)
    if user is None:
        return "login"
    return files.download_path(s, user, raw)


def _resolve_job(s, session_token: str, job_id: int):
    user = accounts.user_for_session(s, session_token)
    if user is None:
        return "login"
    return files.download_path_of_job(s, user, job_id)


def _answer(result, here: str) -> Response:
    if result == "login":
        return RedirectResponse(accounts.login_url(here), status_code=303, headers=_NO_STORE)
    if result is None:
        return _not_found()
    path, filename = result
    return FileResponse(path, media_type=files.ZIP_MIME, filename=filename, headers=_NO_STORE)


async def download(request: Request) -> Response:
    raw = request.path_params.get("token", "")
    if not isinstance(raw, str) or not files.TOKEN_RE.match(raw):
        return _not_found()
    session_token = session_token_from_cookie_header(request.headers.get("cookie"))
    result = await db.call(_resolve, session_token, raw) if session_token else "login"
    return _answer(result, f"/api/mes-donnees/{raw}")


async def download_again(request: Request) -> Response:
    job_id = request.path_params.get("job_id")
    session_token = session_token_from_cookie_header(request.headers.get("cookie"))
    result = await db.call(_resolve_job, session_token, job_id) if session_token else "login"
    return _answer(result, f"/api/mes-donnees/fichier/{job_id}")


routes: list[Route] = [
    Route(
        "/api/mes-donnees/fichier/{job_id:int}",
        download_again,
        methods=["GET"],
        name="my_data_download_again",
    ),
    Route("/api/mes-donnees/{token}", download, methods=["GET"], name="my_data_download"),
]

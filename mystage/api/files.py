"""Files served through the app (never from the public upload folder)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mystage import db
from mystage.api.auth_routes import session_token_from_cookie_header
from mystage.services.ids import client_id


def _logo(s, structure_id: int) -> bytes | None:
    from mystage.services import structures

    return structures.logo_bytes(s, structure_id)


async def logo(request: Request) -> Response:
    """A structure's logo (public information, already resized to 256 px at upload)."""
    structure_id = client_id(request.path_params.get("structure_id"))
    if structure_id is None:
        return Response(status_code=404)
    data = await db.call(_logo, structure_id)
    if not data:
        return Response(status_code=404)
    return Response(
        data,
        media_type="image/png",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


# --- CVs (private): only for who may read them; 404 for everybody else ---------------------

PDF_HEADERS = {
    "Content-Disposition": "inline; filename=cv.pdf",
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    # A PDF opened inline runs no script of ours and is not framed elsewhere.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
    "Referrer-Policy": "no-referrer",
}
_NOT_FOUND_HEADERS = {"Cache-Control": "private, no-store"}


def _caller(s, token: str | None):
    from mystage.services import accounts

    return accounts.user_for_session(s, token) if token else None


def _own_cv(s, token: str | None) -> bytes | None:
    from mystage.services import pupils

    return pupils.own_cv_pdf(s, _caller(s, token))


def _application_cv(s, token: str | None, application_id: int) -> bytes | None:
    from mystage.services import pupils

    user = _caller(s, token)
    if user is None:
        return None
    return pupils.application_cv_pdf(s, user, application_id)


def _pdf(data: bytes | None) -> Response:
    if not data:
        return Response("Document introuvable.", status_code=404, headers=_NOT_FOUND_HEADERS)
    return Response(data, media_type="application/pdf", headers=PDF_HEADERS)


async def own_cv(request: Request) -> Response:
    """``GET /api/cv``: the caller's own CV PDF (session cookie), else 404."""
    token = session_token_from_cookie_header(request.headers.get("cookie"))
    if not token:
        return _pdf(None)
    return _pdf(await db.call(_own_cv, token))


async def application_cv(request: Request) -> Response:
    """``GET /api/candidatures/{id}/cv``: the PDF sent with an application, for the pupil,
    the employer who may decide on it, the pupil's school staff and admins; 404 for
    everybody else (same answer as « no such application »)."""
    token = session_token_from_cookie_header(request.headers.get("cookie"))
    application_id = client_id(request.path_params.get("application_id"))
    if application_id is None or not token:
        return _pdf(None)
    return _pdf(await db.call(_application_cv, token, application_id))


routes = [
    Route("/api/logos/{structure_id:int}", logo, methods=["GET"]),
    Route("/api/cv", own_cv, methods=["GET"]),
    Route("/api/candidatures/{application_id:int}/cv", application_cv, methods=["GET"]),
]

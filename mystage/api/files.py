"""Files served through the app (never from the public upload folder)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mystage import db
from mystage.api.auth_routes import session_token_from_cookie_header
from mystage.services import pdf_safety
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

# CVs are files written by someone else: downloaded (``attachment``), never rendered as a
# document of our origin.  An inline PDF would be a page of the site that a browser's
# viewer scripts, and ``Content-Security-Policy: sandbox`` (the other way to defuse it)
# makes Chromium refuse to show PDFs at all.  The PDF itself is checked for active
# content at upload and again before it is served (files stored before the check).
PDF_HEADERS = {
    "Content-Disposition": "attachment; filename=cv.pdf",
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
_NOT_FOUND_HEADERS = {"Cache-Control": "private, no-store"}
MSG_PDF_WITHDRAWN = (
    "Ce document contient du contenu actif : il n'est pas proposé au téléchargement."
)


def _caller(s, token: str | None):
    from mystage.services import accounts

    return accounts.user_for_session(s, token) if token else None


def _checked(data: bytes | None) -> bytes | None:
    """The PDF, or an empty value when it carries active content (stored before uploads
    were checked): run in the worker thread, like the query."""
    if data and pdf_safety.active_content_error(data):
        return b""
    return data


def _own_cv(s, token: str | None) -> bytes | None:
    from mystage.services import pupils

    return _checked(pupils.own_cv_pdf(s, _caller(s, token)))


def _application_cv(s, token: str | None, application_id: int) -> bytes | None:
    from mystage.services import pupils

    user = _caller(s, token)
    if user is None:
        return None
    return _checked(pupils.application_cv_pdf(s, user, application_id))


def _pdf(data: bytes | None) -> Response:
    if data == b"":
        return Response(MSG_PDF_WITHDRAWN, status_code=403, headers=_NOT_FOUND_HEADERS)
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


# --- conventions (private): the parties, through their session or their personal link --------


def _convention(s, token: str | None, link: str | None, uuid: str) -> bytes | None:
    from mystage.services import conventions

    if link:
        return conventions.pdf_bytes(s, link=link, uuid=uuid)
    user = _caller(s, token)
    if user is None:
        return None
    return conventions.pdf_bytes(s, user=user, uuid=uuid)


async def convention_pdf(request: Request) -> Response:
    """``GET /api/conventions/{uuid}.pdf``: the convention's PDF (sealed once signed by all)
    for its parties (employer team, the school's staff within their scope, the pupil, a
    legal representative through ``?lien=``) and admins; 404 for everybody else.  Our own
    document: shown inline."""
    token = session_token_from_cookie_header(request.headers.get("cookie"))
    link = request.query_params.get("lien") or None
    uuid = str(request.path_params.get("uuid") or "")
    if not token and not link:
        return _pdf(None)
    data = await db.call(_convention, token, link, uuid)
    if not data:
        return _pdf(None)
    headers = {
        **PDF_HEADERS,
        "Content-Disposition": "inline; filename=convention-de-stage.pdf",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
    }
    return Response(data, media_type="application/pdf", headers=headers)


routes = [
    Route("/api/logos/{structure_id:int}", logo, methods=["GET"]),
    Route("/api/cv", own_cv, methods=["GET"]),
    Route("/api/candidatures/{application_id:int}/cv", application_cv, methods=["GET"]),
    Route("/api/conventions/{uuid:str}.pdf", convention_pdf, methods=["GET"]),
]

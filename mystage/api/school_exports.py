"""xlsx downloads of the school's tracking tables (the « Exporter (xlsx) » buttons).

``GET /api/etablissement/export/etablissement``: the school-wide table (one row per class);
``GET /api/etablissement/export/classe/{class_id}?filtre=&tri=&ordre=desc``: a class table
(class 0: the pupils without a class), same filter and sort as on screen.

The route reads the session cookie itself; the services (``schools.school_table_xlsx`` /
``class_table_xlsx``) check the caller's school and classes.  No session: 401; anything
refused (another school's class, a class the caller does not see, a pending member, a
pupil…): the same 404 as a class that does not exist.  Register with
``from mystage.api.school_exports import routes``.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mystage import db
from mystage.api.auth_routes import session_token_from_cookie_header
from mystage.services.ids import client_id

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PRIVATE = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
FILTERS = ("", "sans_candidature", "en_attente", "confirme", "sans_autorisation")
SORTS = ("name", "authorization", "applications", "state", "last_activity")


def _caller(s, token: str):
    from mystage.services import accounts

    return accounts.user_for_session(s, token)


def _school_file(s, token: str) -> tuple[bytes, str] | None:
    from mystage.services import schools
    from mystage.services.permissions import PermissionDenied

    user = _caller(s, token)
    if user is None:
        return None
    try:
        name = schools.space_context(s, user)["school_name"]
        data = schools.school_table_xlsx(s, user)
    except PermissionDenied:
        return None
    return data, schools.export_filename("etablissement", name)


def _class_file(
    s, token: str, class_id: int, filter_: str, sort: str, desc: bool
) -> tuple[bytes, str] | None:
    from mystage.services import schools
    from mystage.services.permissions import PermissionDenied

    user = _caller(s, token)
    if user is None:
        return None
    try:
        data = schools.class_table_xlsx(
            s, user, class_id, filter=filter_, sort=sort, descending=desc
        )
        if class_id == schools.NO_CLASS:
            name = "sans classe"
        else:
            names = {c["id"]: c["name"] for c in schools.classes(s, user)}
            name = names.get(class_id, "")
    except PermissionDenied:
        return None
    return data, schools.export_filename("classe", name)


def _unauthorized() -> Response:
    return Response("Connectez-vous pour télécharger ce fichier.", 401, headers=_PRIVATE)


def _not_found() -> Response:
    return Response("Fichier introuvable.", status_code=404, headers=_PRIVATE)


def _xlsx(result: tuple[bytes, str] | None) -> Response:
    if result is None:
        return _not_found()
    data, filename = result
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        data, media_type=XLSX_MIME, headers={**_PRIVATE, "Content-Disposition": disposition}
    )


async def school_export(request: Request) -> Response:
    token = session_token_from_cookie_header(request.headers.get("cookie"))
    if not token:
        return _unauthorized()
    return _xlsx(await db.call(_school_file, token))


async def class_export(request: Request) -> Response:
    token = session_token_from_cookie_header(request.headers.get("cookie"))
    if not token:
        return _unauthorized()
    raw = request.path_params.get("class_id")
    class_id = 0 if raw == 0 else client_id(raw)  # 0: the pupils without a class
    if class_id is None:
        return _not_found()
    q = request.query_params
    filter_ = q.get("filtre", "")
    sort = q.get("tri", "name")
    return _xlsx(
        await db.call(
            _class_file,
            token,
            class_id,
            filter_ if filter_ in FILTERS else "",
            sort if sort in SORTS else "name",
            q.get("ordre") == "desc",
        )  # fmt: skip
    )


routes: list[Route] = [
    Route("/api/etablissement/export/etablissement", school_export, methods=["GET"]),
    Route("/api/etablissement/export/classe/{class_id:int}", class_export, methods=["GET"]),
]

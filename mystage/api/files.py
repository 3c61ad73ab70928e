"""Files served through the app (never from the public upload folder)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mystage import db


def _logo(s, structure_id: int) -> bytes | None:
    from mystage.services import structures

    return structures.logo_bytes(s, structure_id)


async def logo(request: Request) -> Response:
    """A structure's logo (public information, already resized to 256 px at upload)."""
    try:
        structure_id = int(request.path_params["structure_id"])
    except (KeyError, ValueError):
        return Response(status_code=404)
    data = await db.call(_logo, structure_id)
    if not data:
        return Response(status_code=404)
    return Response(
        data,
        media_type="image/png",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


routes = [Route("/api/logos/{structure_id:int}", logo, methods=["GET"])]

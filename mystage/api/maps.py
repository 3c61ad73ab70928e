"""``GET /api/carte/<key>``: a map document (``services/map_store``), sandboxed.

The document comes with its own Content-Security-Policy (its inline scripts by hash, our
Leaflet assets, the tile server's images, ``sandbox`` without ``allow-same-origin``): the
app's security headers leave a response's own policy alone.  No session needed: the key
is the SHA-256 of the document, so only who was given the URL can ask for it.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mystage.services import map_store, maps

EXPIRED_HTML = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
    "<title>Carte expirée</title></head>"
    '<body style="font-family: sans-serif; margin: 1rem; color: #3a3a3a">'
    "<p>Carte expirée : rechargez la page.</p></body></html>"
)
EXPIRED_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; "
        "base-uri 'none'; form-action 'none'; sandbox"
    ),
}


def _headers(document: str) -> dict[str, str]:
    return {
        "Cache-Control": f"private, max-age={map_store.TTL_S}",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "SAMEORIGIN",
        "Content-Security-Policy": maps.content_security_policy(document),
        # Tile servers (OpenStreetMap's usage policy) want to know the site: send the origin.
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


async def map_document(request: Request) -> Response:
    key = request.path_params.get("key", "")
    if not map_store.KEY_RE.fullmatch(key):
        document = None
    else:
        document = await run_in_threadpool(map_store.get, key)
    if document is None:
        return Response(
            EXPIRED_HTML, status_code=404, media_type="text/html", headers=EXPIRED_HEADERS
        )
    return Response(document, media_type="text/html", headers=_headers(document))


# ``:path`` so that anything under /api/carte/ gets the same French 404.
routes = [Route(map_store.URL_PREFIX + "{key:path}", map_document, methods=["GET"])]

"""CORS of the public read API: ``/api/v1/public/*`` may be read from any site.

Reflex wraps the app in Starlette's ``CORSMiddleware`` twice (the API routes and the top
app), set to the app's own origins with credentials: a preflight from another site would be
answered 400 there, and every response gets ``Access-Control-Allow-Credentials: true``.
:class:`PublicCors` sits outside those layers (``MyStageApp.__call__``, inside the security
headers) and, for the public paths only:

- answers the preflight (``OPTIONS`` with ``Access-Control-Request-Method``) itself: 204,
  any origin, ``GET``/``HEAD``/``OPTIONS``, the headers a reader sends (``If-None-Match``…);
- gives every response (errors included) ``Access-Control-Allow-Origin: *``, no
  credentials (the public API reads no cookie), and exposes ``ETag``.

Every other path passes through untouched: the rest of the API stays same-origin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import MutableHeaders

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_PREFIX = "/api/v1/public/"
ALLOW_METHODS = "GET, HEAD, OPTIONS"
ALLOW_HEADERS = "Accept, Accept-Language, Content-Language, Content-Type, If-None-Match"
EXPOSE_HEADERS = "ETag, Retry-After"
MAX_AGE = "86400"


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIX) or path == PUBLIC_PREFIX.rstrip("/")


def _has(scope: Scope, name: bytes) -> bool:
    return any(k.lower() == name for k, _v in scope.get("headers", ()))


def _line_break(path: str) -> bool:
    return "\n" in path or "\r" in path


async def _not_found(send: Send) -> None:
    """The API's own 404 for an address with a line break (%0A): the mounts the request
    goes through (`.*`) stop at it, and it would end in a text 404 outside the API (found
    by schemathesis).  This layer sits outside every mount (mystage.py's MyStageApp)."""
    body = b'{"detail":"Introuvable."}'
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": 404, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class PublicCors:
    """Pure ASGI middleware: open CORS on the public read API (see the module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/api/v1/") and _line_break(path):
            await _not_found(send)
            return
        if scope["type"] != "http" or not is_public(path):
            await self.app(scope, receive, send)
            return
        if scope.get("method") == "OPTIONS" and _has(scope, b"access-control-request-method"):
            headers = [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                (b"access-control-max-age", MAX_AGE.encode()),
                (b"content-length", b"0"),
            ]
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Access-Control-Allow-Origin"] = "*"
                headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
                if "access-control-allow-credentials" in headers:
                    del headers["access-control-allow-credentials"]
                if "vary" in headers:  # Starlette adds « Vary: Origin » for its own origins
                    kept = [v.strip() for v in headers["vary"].split(",")]
                    kept = [v for v in kept if v.lower() != "origin"]
                    if kept:
                        headers["Vary"] = ", ".join(kept)
                    else:
                        del headers["vary"]
            await send(message)

        await self.app(scope, receive, send_wrapper)

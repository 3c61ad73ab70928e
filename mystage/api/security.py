"""Browser security headers on every HTTP response, and the same-origin check of POST routes.

``SecurityHeaders`` wraps the whole ASGI app (``mystage.mystage.MyStageApp``), outside Reflex's
own layers, so it sees every response: compiled pages and ``/assets``, ``/api/*``, ``/_upload``,
``/ping``, ``/_health``, ``/sitemap.xml``.  It adds:

- ``Content-Security-Policy``: scripts only from this origin plus the inline scripts of the
  page itself, allowed one by one by their ``sha256-`` hash (the React Router build puts a few
  inline scripts in each HTML file: context, module bootstrap, streaming helpers).  The hashes
  are computed from each HTML body as it is sent (gzip-decoded when needed) and cached.  No
  ``'unsafe-inline'`` and no ``'unsafe-eval'`` for scripts; ``style-src`` keeps
  ``'unsafe-inline'`` because Radix and emotion write ``<style>`` elements and ``style=``
  attributes at run time.  ``frame-ancestors 'none'``: no page of ours can be framed.
- A response that already carries a ``Content-Security-Policy`` (a map document under
  ``/api/carte/``, a CV PDF) keeps it untouched and gets ``X-Frame-Options: SAMEORIGIN``;
  every other response gets ``DENY``.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: strict-origin-when-cross-origin``
  (a route that sets ``no-referrer`` keeps it), ``Permissions-Policy`` (no camera, microphone,
  geolocation — the search asks for a place, never the browser's position —, payment, USB…),
  ``Cross-Origin-Opener-Policy: same-origin`` and, when PUBLIC_URL is https,
  ``Strict-Transport-Security``.
- A ``304 Not Modified`` gets nothing: the browser merges its headers into the copy it keeps.
- ``Access-Control-Allow-Credentials`` is dropped from any response that does not also allow
  the caller's origin (Starlette's CORS layer sends it to every origin).

Origins come from ``settings.allowed_origins`` (PUBLIC_URL's, plus the other loopback
spellings when PUBLIC_URL is on this machine): the websocket and CORS use the same list
(``rxconfig.cors_allowed_origins``).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

import anyio
from starlette.datastructures import MutableHeaders

from mystage.settings import Settings, get_settings

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
REFERRER_POLICY = "strict-origin-when-cross-origin"

# HTML bodies larger than this are sent as they come, without inline-script hashes (a page of
# ours weighs ~30 kB; the limit only keeps a runaway response from being held in memory).
MAX_HTML_BYTES = 4 * 1024 * 1024
_SCRIPT_RE = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC_RE = re.compile(rb"\bsrc\s*=", re.IGNORECASE)
_CACHE_SIZE = 256


def script_hashes(html: bytes) -> list[str]:
    """The CSP source of each inline ``<script>`` of an HTML document (``'sha256-…'``), in
    order, without duplicates; scripts with a ``src`` are allowed by ``'self'`` instead."""
    out: dict[str, None] = {}
    for match in _SCRIPT_RE.finditer(html):
        if _SRC_RE.search(match.group(1)):
            continue
        digest = base64.b64encode(hashlib.sha256(match.group(2)).digest()).decode("ascii")
        out[f"'sha256-{digest}'"] = None
    return list(out)


def content_security_policy(settings: Settings, hashes: list[str] | tuple[str, ...] = ()) -> str:
    """The policy of our pages; ``hashes`` are the page's inline scripts."""
    # 'self' already covers ws(s) to our own host in CSP 3 browsers; the websocket origins are
    # spelled out for the others (an IPv6 literal cannot be written in a CSP source).
    sockets = " ".join(
        ("wss://" if o.startswith("https://") else "ws://") + o.split("://", 1)[1]
        for o in settings.allowed_origins
        if "[" not in o
    )
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self'", *hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        f"connect-src 'self' {sockets}",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "manifest-src 'self'",
        "worker-src 'self' blob:",
    ]
    if settings.https:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


def is_same_origin(headers: Mapping[str, str], settings: Settings | None = None) -> bool:
    """True when a request comes from one of our own pages: its ``Origin`` is one of ours, or,
    without ``Origin``, the browser says ``Sec-Fetch-Site: same-origin``.  Anything else
    (another site, a link followed from a mail, a client that says nothing) is refused."""
    settings = settings or get_settings()
    origin = headers.get("origin")
    if origin is not None:
        return origin.strip().lower().rstrip("/") in settings.allowed_origins
    return headers.get("sec-fetch-site", "").strip().lower() == "same-origin"


class _HashCache:
    """Inline-script hashes per HTML body (the same static files are sent again and again)."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[bytes, list[str]] = OrderedDict()

    def get(self, body: bytes, encoding: str) -> list[str] | None:
        key = hashlib.sha256(encoding.encode() + b"\0" + body).digest()
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        html = _decode(body, encoding)
        if html is None:
            return None
        hashes = script_hashes(html)
        self._items[key] = hashes
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return hashes


def _decode(body: bytes, encoding: str) -> bytes | None:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header, detected
            html = inflater.decompress(body, MAX_HTML_BYTES)
        except zlib.error:
            return None
        return html if not inflater.unconsumed_tail else None
    logger.warning("HTML sent with Content-Encoding %r: inline scripts not hashed", encoding)
    return None


class SecurityHeaders:
    """Pure ASGI middleware: the headers above on every HTTP response."""

    def __init__(self, app: ASGIApp, settings: Callable[[], Settings] = get_settings) -> None:
        self.app = app
        self._settings = settings
        self._cache = _HashCache()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = self._settings()
        held: Message | None = None  # the start of an HTML response, until its body is known
        chunks: list[bytes] = []
        size = 0

        async def send_html(body: bytes | None) -> None:
            nonlocal held
            assert held is not None
            headers = MutableHeaders(scope=held)
            hashes = None
            if body is not None:
                hashes = self._cache.get(body, headers.get("content-encoding", ""))
            headers["Content-Security-Policy"] = content_security_policy(settings, hashes or [])
            start, held = held, None
            await send(start)

        async def send_wrapper(message: Message) -> None:
            nonlocal held, size
            kind = message["type"]
            if kind == "http.response.start":
                if message.get("status") == 304:
                    # A revalidation: the browser merges these headers into the copy it keeps;
                    # a policy without that page's hashes would replace its own.  Add nothing.
                    await send(message)
                    return
                headers = MutableHeaders(scope=message)
                _common_headers(headers, settings)
                if "content-security-policy" in headers:  # the route's own policy stays
                    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
                elif headers.get("content-type", "").lower().startswith("text/html"):
                    headers.setdefault("X-Frame-Options", "DENY")
                    held = message  # its inline scripts are hashed once the body is known
                    return
                else:
                    headers.setdefault("X-Frame-Options", "DENY")
                    headers["Content-Security-Policy"] = content_security_policy(settings)
                await send(message)
            elif held is None:
                await send(message)
            elif kind == "http.response.pathsend":
                # A static file sent by path (granian's zero-copy extension): read it to hash.
                await send_html(await anyio.Path(message["path"]).read_bytes())
                await send(message)
            elif kind == "http.response.body":
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                more = bool(message.get("more_body", False))
                if more and size <= MAX_HTML_BYTES:
                    return
                # Over the limit (still more to come): sent as it is, no inline script allowed.
                await send_html(None if more else b"".join(chunks))
                await send(
                    {"type": "http.response.body", "body": b"".join(chunks), "more_body": more}
                )
                chunks.clear()
            else:
                await send_html(None)
                await send(message)

        await self.app(scope, receive, send_wrapper)


def _common_headers(headers: MutableHeaders, settings: Settings) -> None:
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if settings.https:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if "access-control-allow-credentials" in headers and (
        "access-control-allow-origin" not in headers
    ):
        del headers["access-control-allow-credentials"]

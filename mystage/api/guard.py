"""One ASGI middleware in front of the whole app (pages, ``/_upload``, ``/api``):

- **request size**: a body larger than the cap is refused with 413 *before it is read*
  (``Content-Length`` checked first; without it — chunked — the bytes are counted while
  they stream and the request is cut at the cap).  Reflex's ``/_upload`` parses the
  multipart body with Starlette, which spools files to a temporary file on disk: a
  50 MB « CV » used to be written to disk, then refused by the handler;
- **dev mailbox**: ``/dev/mails`` answers 404 unless the dev mailbox is on
  (``DEV_MAILBOX=true`` on a non-https ``PUBLIC_URL``): the page is compiled into every
  build, so the server refuses to serve it.

Pure ASGI (no ``BaseHTTPMiddleware``): websockets and streaming responses pass through
untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from mystage.services import pupils, structures
from mystage.settings import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Uploads: the largest file we keep (CV PDF, logo: 2 Mo each) plus the multipart wrapping.
UPLOAD_MAX_BYTES = max(pupils.CV_PDF_MAX_BYTES, structures.LOGO_MAX_BYTES) + 256 * 1024
# Every other request (forms posted to /api, …): small.
BODY_MAX_BYTES = 256 * 1024
UPLOAD_PATHS = ("/_upload",)
DEV_MAILBOX_PREFIX = "/dev/mails"  # the page, its trailing-slash and index.html spellings

MSG_TOO_LARGE = "Fichier trop lourd : 2 Mo au maximum."
MSG_NOT_FOUND = "Page introuvable."


class BodyTooLarge(Exception):
    """The body went past the cap while it was being read."""


def body_cap(path: str) -> int:
    return UPLOAD_MAX_BYTES if path.startswith(UPLOAD_PATHS) else BODY_MAX_BYTES


async def _plain(send: Send, status: int, text: str, close: bool = False) -> None:
    body = text.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.startswith(DEV_MAILBOX_PREFIX) and not get_settings().dev_mailbox:
            await _plain(send, 404, MSG_NOT_FOUND)
            return
        cap = body_cap(path)
        length = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
        if length is not None and not 0 <= length <= cap:
            # Refused before a byte of the body is read; the connection is closed so the
            # client stops sending.
            await _plain(send, 413 if length > cap else 400, MSG_TOO_LARGE, close=True)
            return
        if length is not None or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        await self._counted(scope, receive, send, cap)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        """No Content-Length (chunked): count the bytes as they arrive, stop at the cap.
        Whatever the app answers once the cap is passed (Starlette turns the exception
        into a 500, a parser into a 400) is replaced by our 413."""
        seen = 0
        too_large = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, too_large
            if too_large:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # the app's own error answer: ours replaces it
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await _plain(send, 413, MSG_TOO_LARGE, close=True)

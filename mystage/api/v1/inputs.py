"""NUL characters never reach a route of the API: removed from the path, the query string and
JSON bodies before FastAPI reads them.  PostgreSQL refuses NUL in text (a 500 otherwise, on
any string a route passes to a query: a remote id, a keyword); the services' own inputs
drop it the same way (search criteria, names).  Pure ASGI."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def strip_nul(value: Any) -> Any:
    """``value`` (decoded JSON) without NUL in any string, key or value."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {strip_nul(k): strip_nul(v) for k, v in value.items()}
    return value


def clean_body(body: bytes) -> bytes:
    """A JSON body with NUL removed from its strings (unchanged if it has none, or is not
    JSON: FastAPI answers 422 to that)."""
    if b"\\u0000" not in body and b"\x00" not in body:
        return body
    try:
        data = json.loads(body.replace(b"\x00", b""))
    except ValueError:
        return body
    return json.dumps(strip_nul(data), ensure_ascii=False).encode("utf-8")


def clean_query(query: bytes) -> bytes:
    return query.replace(b"%00", b"").replace(b"\x00", b"")


class StripNul:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        scope["path"] = scope.get("path", "").replace("\x00", "")
        if scope.get("raw_path"):
            scope["raw_path"] = clean_query(scope["raw_path"])
        scope["query_string"] = clean_query(scope.get("query_string", b""))
        if scope.get("method") in ("GET", "HEAD", "DELETE", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:  # the body is small: RequestGuard caps it before the app
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = clean_body(b"".join(chunks))
        scope["headers"] = [
            (k, str(len(body)).encode() if k == b"content-length" else v)
            for k, v in scope.get("headers", ())
        ]
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    async def receive() -> Message:
        if messages:
            return messages.pop(0)
        if then is not None:
            return await then()  # after the body: the disconnect
        return {"type": "http.disconnect"}

    return receive

"""A virtual browser tab: Reflex 0.10's websocket protocol without a browser.

What the compiled client (``.web/utils/state.js`` + ``utils/context.jsx``) does, frame for
frame (Engine.IO 4 text frames over ``/_event/?EIO=4&transport=websocket&token=…``):

- the socket.io CONNECT of namespace ``/_event`` carries the boot event
  ``hydrate_and_load`` (with the hashes of the compiled initial state, so the server only
  sends what differs) and the state schema hash;
- an event is ``42/_event,["event",{"name":…,"payload":…,"router_data":…}]``;
- the server answers with ``42/_event,["event",{"delta":…,"events":[…]}]`` frames: deltas
  are merged into the tab's copy of the state, ``_redirect`` events make the tab navigate
  like React Router does (``on_load_internal`` with the new address, no new socket);
- a page load is over when the root state says ``is_hydrated`` again.

Latency is measured from the send to the frame that completes the action (``done``
predicate), so it includes the server's queueing, the handler, the delta's serialization
and the loopback.  The session cookie (HttpOnly in a browser) goes in the handshake's
``Cookie`` header, as a browser sends it.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import aiohttp

ROOT = "reflex___state____state"
HYDRATED = "is_hydrated_rx_state_"
ERROR_VAR = "error_message_rx_state_"
NS = "/_event"
EVENT_PREFIX = f"42{NS},"
COOKIE_NAME = "mystage_session"  # mystage/state/session.py


class Frontend:
    """What the compiled frontend sends on connect: initial state hashes and schema."""

    def __init__(self, web_dir: Path | None) -> None:
        self.hashes: list[str] | None = None
        self.schema: str | None = None
        ctx = (web_dir / "utils" / "context.jsx") if web_dir else None
        if ctx and ctx.is_file():
            text = ctx.read_text()
            if m := re.search(r"initialStateHashes = (\[[^\]]*\])", text):
                self.hashes = json.loads(m.group(1))
            if m := re.search(r'stateSchema = "([^"]+)"', text):
                self.schema = m.group(1)


def router_data(path: str) -> dict[str, Any]:
    parts = urlsplit(path)
    rd: dict[str, Any] = {"pathname": parts.path, "asPath": path}
    if parts.query:
        rd["query"] = dict(parse_qsl(parts.query))
    return rd


def size_key(name: str, path: str) -> str:
    """What the echo baseline answers an event with: the handler and the kind of page
    (``on_load_internal /offres/#?``), the same for the app run that measures the bytes."""
    parts = urlsplit(path)
    pattern = re.sub(r"/\d+", "/#", parts.path)
    return f"{name.rsplit('.', 1)[-1]} {pattern}{'?' if parts.query else ''}"


class Result:
    __slots__ = ("ok", "latency", "nbytes", "error", "key")

    def __init__(
        self, ok: bool, latency: float, nbytes: int, error: str = "", key: str = ""
    ) -> None:
        self.ok, self.latency, self.nbytes, self.error, self.key = ok, latency, nbytes, error, key


class Tab:
    """One browser tab (its own token, its own websocket, the session cookie if any)."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        frontend: Frontend,
        record: Callable[[str, Result], None],
        cookie: str | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.http = http
        self.base = base_url.rstrip("/")
        self.frontend = frontend
        self.record = record
        self.cookie = cookie
        self.timeout = timeout
        self.token = str(uuid.uuid4())  # sessionStorage: kept across reloads of the tab
        self.state: dict[str, dict[str, Any]] = {}
        self.path = "/"
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task | None = None
        self._waiter: tuple[Callable[[dict], bool], asyncio.Future] | None = None
        self._bytes = 0
        self.redirects: list[str] = []
        self._error_seen = ""

    # --- wire -------------------------------------------------------------------------

    async def _connect(self) -> None:
        ws_url = self.base.replace("http", "ws", 1) + f"{NS}/?EIO=4&transport=websocket"
        headers = {"Origin": self.base}
        if self.cookie:
            headers["Cookie"] = f"{COOKIE_NAME}={self.cookie}"
        self.ws = await self.http.ws_connect(
            f"{ws_url}&token={self.token}",
            headers=headers,
            heartbeat=None,
            max_msg_size=0,
            ssl=False,  # two hosts: nginx's self-signed certificate
            timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5),
        )
        opening = await asyncio.wait_for(self.ws.receive(), self.timeout)
        if not isinstance(opening.data, str) or not opening.data.startswith("0"):
            raise ConnectionError(f"no Engine.IO open frame: {opening.data!r:.80}")
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        ws = self.ws
        assert ws is not None
        try:
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                data: str = msg.data
                if data == "2":
                    await ws.send_str("3")
                    continue
                if not data.startswith(EVENT_PREFIX):
                    continue  # 40/_event,{sid} (connect ack) and others
                self._bytes += len(data)
                name, update = json.loads(data[len(EVENT_PREFIX) :])[:2]
                if name != "event" or not isinstance(update, dict):
                    continue
                self._apply(update)
        except Exception:  # noqa: BLE001  (a dead socket ends the waiter below)
            pass
        finally:
            if self._waiter and not self._waiter[1].done():
                self._waiter[1].set_result("disconnected")

    def _apply(self, update: dict) -> None:
        delta = update.get("delta") or {}
        error = ""
        for sub, values in delta.items():
            self.state.setdefault(sub, {}).update(values)
            # A new message only (each carries its reference): the banner of an earlier
            # failure comes back in the next page load's snapshot until dismissed.
            if (message := values.get(ERROR_VAR)) and message != self._error_seen:
                self._error_seen = message
                error = "server error: " + str(message)[:60]
        for ev in update.get("events") or []:
            if ev.get("name") == "_redirect":
                self.redirects.append(str((ev.get("payload") or {}).get("path") or "/"))
        if self._waiter and not self._waiter[1].done():
            pred, fut = self._waiter
            if error:
                fut.set_result(error)
            elif pred(update):
                fut.set_result("")

    async def _exchange(
        self, kind: str, frame: str | None, done: Callable[[dict], bool], pre=None, key=""
    ) -> Result:
        """Send ``frame`` (or run ``pre``) and wait until ``done(update)``; record it."""
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._waiter = (done, fut)
        self._bytes = 0
        start = time.perf_counter()
        try:
            if pre is not None:
                await pre()
            elif self.ws is None or self.ws.closed:
                raise ConnectionError("socket closed")
            else:
                await self.ws.send_str(frame)
            error = await asyncio.wait_for(fut, self.timeout)
        except TimeoutError:
            error = "timeout"
        except (ConnectionError, aiohttp.ClientError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:80]
        finally:
            self._waiter = None
        res = Result(not error, time.perf_counter() - start, self._bytes, error, key)
        self.record(kind, res)
        return res

    # --- what a page does -------------------------------------------------------------

    async def open(self, path: str, kind: str = "hydrate") -> Result:
        """A page load: new socket, hydrate in the CONNECT packet, on_load handlers."""
        await self.close()
        self.path = path
        self.state = {}
        boot = {
            "name": f"{ROOT}.hydrate_and_load",
            "payload": {"hashes": self.frontend.hashes} if self.frontend.hashes else {},
            "router_data": router_data(path),
        }
        auth: dict[str, Any] = {"event": boot}
        if self.frontend.schema:
            auth["state_schema"] = self.frontend.schema

        async def connect_and_boot() -> None:
            await self._connect()
            assert self.ws is not None
            await self.ws.send_str(f"40{NS}," + json.dumps(auth))

        key = size_key(boot["name"], path)
        return await self._exchange(kind, None, _hydrated, pre=connect_and_boot, key=key)

    async def navigate(self, path: str, kind: str) -> Result:
        """A client-side navigation (link, redirect): ``on_load_internal`` for ``path``."""
        self.path = path
        name = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
        return await self._exchange(
            kind, self._frame(name, {}), _hydrated, key=size_key(name, path)
        )

    async def call(
        self, kind: str, handler: str, payload: dict, done: Callable[[dict], bool]
    ) -> Result:
        return await self._exchange(
            kind, self._frame(handler, payload), done, key=size_key(handler, self.path)
        )

    async def send(self, handler: str, payload: dict) -> None:
        """Send an event that changes nothing on the screen (no delta comes back)."""
        if self.ws is not None and not self.ws.closed:
            await self.ws.send_str(self._frame(handler, payload))

    def _frame(self, name: str, payload: dict) -> str:
        event = {"name": name, "payload": payload, "router_data": router_data(self.path)}
        return EVENT_PREFIX + json.dumps(["event", event])

    async def close(self) -> None:
        """Leave the page (a browser closes its socket; a saturated server may answer the
        close late: not waited for more than 2 s)."""
        ws, reader = self.ws, self._reader
        self.ws = None
        self._reader = None
        if reader is not None:
            reader.cancel()
        if ws is not None and not ws.closed:
            try:
                await asyncio.wait_for(ws.close(), 2)
            except (TimeoutError, aiohttp.ClientError, OSError):
                pass

    def var(self, substate: str, name: str, default: Any = None) -> Any:
        return self.state.get(substate, {}).get(f"{name}_rx_state_", default)


def _hydrated(update: dict) -> bool:
    return (update.get("delta") or {}).get(ROOT, {}).get(HYDRATED) is True


def touches(substate: str, var: str | None = None) -> Callable[[dict], bool]:
    """Done when a delta for ``substate`` (carrying ``var`` if given) arrives."""
    key = f"{var}_rx_state_" if var else None

    def pred(update: dict) -> bool:
        values = (update.get("delta") or {}).get(substate)
        return values is not None and (key is None or key in values)

    return pred


def redirected(update: dict) -> bool:
    return any(ev.get("name") == "_redirect" for ev in update.get("events") or [])

"""The floor: a bare python-socketio ASGI server (under granian, one worker, as the app)
answering the virtual users' frames with replies of the same sizes, no state, no database.

Served as ``granian --interface asgi loadkit.echo:app`` from ``bench/``.  It reads
``LOAD_ECHO_SIZES`` (JSON: ``size_key`` → bytes, measured on the app in the same run) and
``LOAD_ECHO_MARKERS`` (JSON: the substate names the clients wait for), and answers:

- the CONNECT packet's boot event with one delta of the hydrate's size, ``is_hydrated``;
- ``…submit`` with a small delta and the ``_redirect`` the app sends;
- any other event with one delta of the size the app sent for that event and page, which
  carries every var the clients wait for (``is_hydrated``, the suggestions, the favourite).
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

import socketio

from loadkit.client import HYDRATED, ROOT, size_key

SIZES: dict[str, int] = json.loads(os.environ.get("LOAD_ECHO_SIZES") or "{}")
MARKERS: dict[str, str] = json.loads(os.environ.get("LOAD_ECHO_MARKERS") or "{}")
DEFAULT_SIZE = 600

sio = socketio.AsyncServer(
    async_mode="asgi", cors_allowed_origins="*", transports=["websocket"], allow_upgrades=False
)
app = socketio.ASGIApp(sio, socketio_path="/_event")
NS = "/_event"
_paths: dict[str, str] = {}


def _delta(key: str) -> dict:
    delta: dict = {ROOT: {HYDRATED: True}}
    if search := MARKERS.get("search"):
        delta[search] = {"place_suggestions_rx_state_": [], "place_epoch_rx_state_": 1}
    if offer := MARKERS.get("offer"):
        delta[offer] = {"is_favorite_rx_state_": True}
    body = json.dumps({"delta": delta})
    pad = max(0, SIZES.get(key, DEFAULT_SIZE) - len(body) - 40)
    delta[ROOT]["pad_rx_state_"] = "x" * pad
    return {"delta": delta}


@sio.on("connect", namespace=NS)
async def connect(sid, environ, auth=None):
    event = (auth or {}).get("event") if isinstance(auth, dict) else None
    if event:
        path = (event.get("router_data") or {}).get("asPath", "/")
        _paths[sid] = path
        await sio.emit("event", _delta(size_key(event["name"], path)), to=sid, namespace=NS)


@sio.on("disconnect", namespace=NS)
async def disconnect(sid, *args):
    _paths.pop(sid, None)


@sio.on("event", namespace=NS)
async def event(sid, data):
    name = str(data.get("name", ""))
    path = (data.get("router_data") or {}).get("asPath", "/")
    if name.endswith(".submit"):
        form = (data.get("payload") or {}).get("form_data") or {}
        query = {k: v for k, v in form.items() if isinstance(v, str) and v}
        target = "/offres?" + urlencode(query)
        reply = {"delta": {}, "events": [{"name": "_redirect", "payload": {"path": target}}]}
        await sio.emit("event", reply, to=sid, namespace=NS)
        return
    await sio.emit("event", _delta(size_key(name, path)), to=sid, namespace=NS)

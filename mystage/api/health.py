"""``/_health`` for load balancers: 200 when the database accepts a write (and Redis
answers when it is used), 503 otherwise.

It replaces Reflex's own ``/_health`` (our routes are matched first), which only runs a
``SELECT``: a SQLite file locked by another writer, a read-only replica or a full disk
passed it while every « Envoyer ma candidature » failed.  Same JSON shape as Reflex's:
``{"status": …, "db": …, "redis": …}``.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mystage import db

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 5.0


async def _db_writable() -> bool:
    try:
        await asyncio.wait_for(asyncio.to_thread(db.check_writable), CHECK_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - any failure means « not healthy »
        log.warning("/_health : la base n'accepte pas d'écriture (%s)", type(exc).__name__)
        return False
    return True


async def _redis() -> bool | str:
    try:
        from reflex.utils import prerequisites

        if not prerequisites.check_redis_used():
            return "NA"
        status = await asyncio.wait_for(prerequisites.get_redis_status(), CHECK_TIMEOUT_S)
    except Exception:  # noqa: BLE001
        return False
    return bool(status.get("redis"))


async def health(_request: Request) -> JSONResponse:
    body: dict[str, bool | str] = {"db": await _db_writable(), "redis": await _redis()}
    ok = body["db"] is True and body["redis"] in (True, "NA")
    body = {"status": ok, **body}
    return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})


routes = [Route("/_health", health, methods=["GET", "HEAD"])]

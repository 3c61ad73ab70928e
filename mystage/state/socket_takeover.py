"""A tab keeps its state when the host holding its websocket dies (several hosts + Redis).

Reflex's ``RedisTokenManager`` records, for each tab's token, which worker (« instance »)
holds its socket, for ``redis_token_expiration`` (1 h).  A worker that is killed never
deletes its records, and one that is stopped deletes them while its tabs are already
reconnecting elsewhere: the worker the tab reconnects to finds the record, takes the tab
for a duplicate and hands it a *new* token — a fresh, empty server-side state (the search
typed, the results, the form all lost).

Here each worker keeps a heartbeat key in Redis (``mystage:instance:<id>``, refreshed
every second, gone 4 s after the worker stops refreshing it, deleted at a clean stop).  A
tab whose token is recorded on another worker is linked to this one under its own token
when that worker's heartbeat is gone, or as soon as the record is deleted (the other
worker saw the disconnection); only a record held by a live worker for longer than the
heartbeat's lifetime is a real duplicate (a duplicated browser tab copies the token), which
gets a new token as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import time

from reflex.utils.token_manager import RedisTokenManager

log = logging.getLogger(__name__)

HEARTBEAT_PREFIX = "mystage:instance:"
HEARTBEAT_EVERY = 1.0  # seconds between refreshes
HEARTBEAT_TTL_MS = 4000  # a worker silent for this long is dead
POLL = 0.2


def heartbeat_key(instance_id: str) -> str:
    return f"{HEARTBEAT_PREFIX}{instance_id}"


class TakeoverTokenManager(RedisTokenManager):
    """``RedisTokenManager`` that takes over the tabs of a dead worker (module docstring)."""

    _heartbeat_task: asyncio.Task | None = None
    _heartbeat_for: str | None = None

    async def _beat(self) -> None:
        while True:
            try:
                await self.redis.set(heartbeat_key(self.instance_id), b"1", px=HEARTBEAT_TTL_MS)
            except Exception as exc:  # Redis away a moment: the next beat tries again
                log.warning("battement de cœur Redis impossible (%s)", type(exc).__name__)
            await asyncio.sleep(HEARTBEAT_EVERY)

    async def _ensure_heartbeat(self) -> None:
        """Start (or restart after a fork changed ``instance_id``) the heartbeat task and
        write the first beat now, before this worker claims any tab."""
        task = self._heartbeat_task
        if task is not None and not task.done() and self._heartbeat_for == self.instance_id:
            return
        if task is not None:
            task.cancel()
        self._heartbeat_for = self.instance_id
        with contextlib.suppress(Exception):
            await self.redis.set(heartbeat_key(self.instance_id), b"1", px=HEARTBEAT_TTL_MS)
        self._heartbeat_task = asyncio.create_task(self._beat())

    async def _owner_gone(self, token: str) -> None:
        """Wait until the token's record is free for this worker: absent, deleted by its
        owner, or held by a worker whose heartbeat is gone (the record is then deleted
        here).  Gives up after the heartbeat's lifetime: a live owner, a real duplicate."""
        key = self._get_redis_key(token)
        deadline = time.monotonic() + HEARTBEAT_TTL_MS / 1000 + 0.5
        while True:
            raw = await self.redis.get(key)
            if raw is None:
                return
            try:
                owner = pickle.loads(raw).instance_id  # noqa: S301 (Reflex's own record)
            except Exception:
                return
            if owner == self.instance_id:
                return  # ours: Reflex's own rules (a duplicate tab in this worker)
            if not await self.redis.exists(heartbeat_key(owner)):
                # Only delete the dead worker's record, not one a live worker wrote since.
                async with self.redis.pipeline(transaction=True) as pipe:
                    with contextlib.suppress(Exception):
                        await pipe.watch(key)
                        if await pipe.get(key) == raw:
                            pipe.multi()
                            pipe.delete(key)
                            await pipe.execute()
                log.info("onglet repris d'une instance arrêtée")
                return
            if time.monotonic() > deadline:
                return
            await asyncio.sleep(POLL)

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        record = self.token_to_socket.get(token)
        if record is None or record.sid != sid:
            try:
                await self._ensure_heartbeat()
                await self._owner_gone(token)
            except Exception as exc:  # Redis trouble: Reflex's behaviour, nothing worse
                log.warning("reprise d'onglet impossible (%s)", type(exc).__name__)
        return await super().link_token_to_sid(token, sid)

    async def _stop_heartbeat(self) -> None:
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
            self._heartbeat_task = None
        with contextlib.suppress(Exception):
            await self.redis.delete(heartbeat_key(self.instance_id))

    async def disconnect_all(self) -> None:
        """A clean stop: the heartbeat goes first, so that the other workers take this
        worker's tabs at once, before its records are deleted one by one."""
        await self._stop_heartbeat()
        await super().disconnect_all()

    async def close(self) -> None:
        await self._stop_heartbeat()
        await super().close()


def install(app) -> None:
    """Replace the app's Redis token manager by :class:`TakeoverTokenManager` (no Redis:
    one worker, nothing to take over)."""
    namespace = app.event_namespace
    current = getattr(namespace, "_token_manager", None)
    if type(current) is RedisTokenManager:
        namespace._token_manager = TakeoverTokenManager(current.redis)

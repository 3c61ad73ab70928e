"""A tab keeps its token when the worker holding its socket dies (mystage/state/socket_takeover.py).

Two token managers on one real Redis stand for two hosts' workers: only with TEST_REDIS_URL
(e.g. ``redis://127.0.0.1:6379/1``).  The browser version, through nginx with two hosts
whose server is killed, is tests/e2e/test_two_hosts.py.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import time
import uuid

import pytest

from mystage.state import socket_takeover as st

URL = os.environ.get("TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not URL.startswith("redis"), reason="needs Redis (TEST_REDIS_URL=redis://…/<db>)"
)


def _run(scenario):
    async def main():
        import redis.asyncio as aioredis

        clients = [aioredis.Redis.from_url(URL) for _ in range(2)]
        managers = [st.TakeoverTokenManager(c) for c in clients]
        token = f"test-{uuid.uuid4()}"
        try:
            return await scenario(token, *managers)
        finally:
            for m in managers:
                for name in ("_heartbeat_task", "_socket_record_task"):
                    if (task := getattr(m, name, None)) is not None:
                        task.cancel()
            await clients[0].delete(managers[0]._get_redis_key(token))
            for m in managers:
                await clients[0].delete(st.heartbeat_key(m.instance_id))
            for c in clients:
                await c.aclose()

    return asyncio.run(main())


async def _owner(manager, token) -> str | None:
    raw = await manager.redis.get(manager._get_redis_key(token))
    return None if raw is None else pickle.loads(raw).instance_id


def test_a_dead_workers_tab_keeps_its_token_on_another_worker():
    async def scenario(token, a, b):
        assert await a.link_token_to_sid(token, "sid-a") is None
        assert await _owner(a, token) == a.instance_id
        assert await a.redis.exists(st.heartbeat_key(a.instance_id))
        a._heartbeat_task.cancel()  # killed: no more beats, nothing deleted, no listener
        a._socket_record_task.cancel()
        t0 = time.monotonic()
        kept = await b.link_token_to_sid(token, "sid-b")
        return kept, time.monotonic() - t0, await _owner(b, token), b.instance_id

    kept, waited, owner, b_id = _run(scenario)
    assert kept is None  # same token: the state in Redis is the tab's
    assert owner == b_id
    assert waited < st.HEARTBEAT_TTL_MS / 1000 + 1.5


def test_a_tab_still_open_on_a_live_worker_is_a_duplicate():
    """A duplicated browser tab copies the token: while the first tab's worker is alive
    and holds it, the copy gets a new token (Reflex's rule), after the wait."""

    async def scenario(token, a, b):
        assert await a.link_token_to_sid(token, "sid-a") is None
        t0 = time.monotonic()
        new = await b.link_token_to_sid(token, "sid-b")
        return new, time.monotonic() - t0, await _owner(a, token), a.instance_id

    new, waited, owner, a_id = _run(scenario)
    assert new is not None and new != "sid-a"
    assert owner == a_id  # the first tab's record untouched
    assert waited >= st.HEARTBEAT_TTL_MS / 1000


def test_a_record_deleted_by_its_worker_while_waiting_is_taken_at_once():
    """A worker stopping cleanly (or seeing the disconnection) deletes the record: the
    other worker links the tab under its own token without waiting for the heartbeat."""

    async def scenario(token, a, b):
        assert await a.link_token_to_sid(token, "sid-a") is None

        async def leave():
            await asyncio.sleep(0.4)
            await a.disconnect_all()  # clean stop: heartbeat then records

        t0 = time.monotonic()
        kept, _ = await asyncio.gather(b.link_token_to_sid(token, "sid-b"), leave())
        heartbeat = await a.redis.exists(st.heartbeat_key(a.instance_id))
        return kept, time.monotonic() - t0, heartbeat

    kept, waited, heartbeat = _run(scenario)
    assert kept is None
    assert waited < 1.5
    assert not heartbeat


def test_install_replaces_only_reflexs_redis_manager():
    from types import SimpleNamespace

    from reflex.utils.token_manager import LocalTokenManager, RedisTokenManager

    local = LocalTokenManager()
    app = SimpleNamespace(event_namespace=SimpleNamespace(_token_manager=local))
    st.install(app)
    assert app.event_namespace._token_manager is local

    async def scenario(token, a, b):
        app.event_namespace._token_manager = RedisTokenManager(a.redis)
        st.install(app)
        return type(app.event_namespace._token_manager)

    assert _run(scenario) is st.TakeoverTokenManager

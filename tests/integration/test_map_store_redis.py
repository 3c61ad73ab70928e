"""Map documents in a real Redis (several workers share them): only with
TEST_REDIS_URL (e.g. ``redis://127.0.0.1:6379/1``), like the PostgreSQL tests."""

from __future__ import annotations

import os
import uuid

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mystage import settings
from mystage.api import maps as map_api
from mystage.services import map_store, maps

URL = os.environ.get("TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not URL.startswith("redis"), reason="needs Redis (TEST_REDIS_URL=redis://…/<db>)"
)


@pytest.fixture
def redis_settings(monkeypatch):
    import redis

    monkeypatch.setenv("REDIS_URL", URL)
    settings.reload()
    map_store.reset()
    client = redis.Redis.from_url(URL)
    before = set(client.scan_iter(map_store.REDIS_PREFIX + "*"))
    yield client
    for name in set(client.scan_iter(map_store.REDIS_PREFIX + "*")) - before:
        client.delete(name)
    monkeypatch.delenv("REDIS_URL")
    settings.reload()
    map_store.reset()


def _document() -> str:
    label = f"Atelier `Chez Paul` ${{top.__x=1}} <img src=x onerror=alert(1)> {uuid.uuid4()}"
    return maps.render_map([maps.Point(48.9, 2.8, label, "/offres/1")])


def test_redis_round_trip_ttl_and_a_second_process_view(redis_settings):
    client = redis_settings
    document = _document()
    url = map_store.publish(document)
    key = map_store.key_from_url(url)
    assert isinstance(map_store.store(), map_store.RedisStore)
    name = map_store.REDIS_PREFIX + key
    assert client.get(name) == document.encode()
    assert 0 < client.ttl(name) <= map_store.TTL_S
    # Another worker: a fresh store on the same Redis reads it.
    map_store.reset()
    assert map_store.get(key) == document
    # Published again (same content): the entry lives as long again.
    client.expire(name, 10)
    assert map_store.publish(document) == url
    assert client.ttl(name) > 10
    # Read: kept alive too.
    client.expire(name, 10)
    assert map_store.get(key) == document
    assert client.ttl(name) > 10
    # Unknown and expired keys.
    assert map_store.get("f" * 64) is None
    client.delete(name)
    assert map_store.get(key) is None


def test_redis_route(redis_settings):
    document = _document()
    url = map_store.publish(document)
    with TestClient(Starlette(routes=map_api.routes)) as c:
        r = c.get(url)
        assert r.status_code == 200 and r.text == document
        assert r.headers["content-security-policy"] == maps.content_security_policy(document)
        redis_settings.delete(map_store.REDIS_PREFIX + map_store.key_from_url(url))
        r = c.get(url)
        assert r.status_code == 404 and "Carte expirée" in r.text

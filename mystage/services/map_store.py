"""Map documents served by URL (``/api/carte/<key>``) instead of ``<iframe srcdoc>``.

A state renders a map (:func:`mystage.services.maps.render_map`), :func:`publish` stores
the HTML and gives its URL; the iframe loads it from :mod:`mystage.api.maps`, under the
document's own Content-Security-Policy and sandbox.

The key is the SHA-256 of the document: content-addressed, so it cannot be guessed without
knowing the content (the employer's own offer map stays theirs) and identical maps (every
visitor of one offer page, one search) share one entry.  Storage: Redis (``SET … EX``)
when ``REDIS_URL`` is set — several workers then serve any key — else an in-process LRU
bounded in bytes with the same time-to-live (without Redis Reflex runs one worker).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from mystage.settings import get_settings

log = logging.getLogger(__name__)

URL_PREFIX = "/api/carte/"
TTL_S = 6 * 3600  # a tab keeps its map URL this long; a reload publishes it again
MEMORY_MAX_BYTES = 64 * 1024 * 1024
REDIS_PREFIX = "mystage:carte:"
KEY_RE = re.compile(r"[0-9a-f]{64}")


def key_of(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


class MemoryStore:
    """Least-recently-used documents, at most ``max_bytes`` in all, each kept ``ttl_s``
    after it was last stored or read."""

    def __init__(
        self,
        max_bytes: int = MEMORY_MAX_BYTES,
        ttl_s: float = TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_bytes = max_bytes
        self.ttl_s = ttl_s
        self.clock = clock
        self.size = 0
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()  # db.call threads and the event loop share it

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.max_bytes:
            raise ValueError("document larger than the whole store")
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= len(old[1])
            self._items[key] = (self.clock() + self.ttl_s, data)
            self.size += len(data)
            now = self.clock()
            while self.size > self.max_bytes or next(iter(self._items.values()))[0] <= now:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= len(dropped)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            expires, data = item
            if expires <= self.clock():
                del self._items[key]
                self.size -= len(data)
                return None
            # Read = still in use (a tab reloading its frame): keep it as long again.
            self._items[key] = (self.clock() + self.ttl_s, data)
            self._items.move_to_end(key)
            return data


class RedisStore:
    """Documents in Redis under ``mystage:carte:<key>`` with a time-to-live."""

    def __init__(self, url: str, ttl_s: int = TTL_S):
        import redis

        self.ttl_s = ttl_s
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def put(self, key: str, data: bytes) -> None:
        name = REDIS_PREFIX + key
        # Already there (same content): only extend its life, without resending it.
        if not self.client.expire(name, self.ttl_s):
            self.client.set(name, data, ex=self.ttl_s)

    def get(self, key: str) -> bytes | None:
        return self.client.getex(REDIS_PREFIX + key, ex=self.ttl_s)


_stores: dict[str, MemoryStore | RedisStore] = {}
_stores_lock = threading.Lock()


def store() -> MemoryStore | RedisStore:
    """The store of the settings in force (one per process and Redis URL)."""
    url = get_settings().redis_url or ""
    with _stores_lock:
        s = _stores.get(url)
        if s is None:
            s = RedisStore(url) if url else MemoryStore()
            _stores[url] = s
        return s


def reset() -> None:
    """Forget the stores (tests switch settings)."""
    with _stores_lock:
        _stores.clear()


def put(document: str) -> str:
    """Store ``document``; its key."""
    key = key_of(document)
    store().put(key, document.encode("utf-8"))
    return key


def get(key: str) -> str | None:
    """The document stored under ``key``; ``None`` when unknown, expired or malformed."""
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        return None
    data = store().get(key)
    return data.decode("utf-8") if data is not None else None


def publish(document: str) -> str:
    """Store ``document`` and return the URL that serves it (``""`` if the store failed:
    the page then shows no map rather than an error)."""
    try:
        return URL_PREFIX + put(document)
    except Exception:  # noqa: BLE001  (Redis down: the rest of the page still works)
        log.exception("map document not stored")
        return ""


def key_from_url(url: str) -> str | None:
    """The key of a URL made by :func:`publish`."""
    if not url.startswith(URL_PREFIX):
        return None
    key = url[len(URL_PREFIX) :]
    return key if KEY_RE.fullmatch(key) else None

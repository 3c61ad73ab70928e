"""Database engine and sessions.

Services are plain synchronous functions over a ``sqlmodel.Session``.  Reflex handlers
call them through ``await db.call(fn, ...)``, which runs the function in a worker thread
with its own session, so a query never blocks the event loop (ARCHITECTURE §5).

**Busy database.**  Someone clicking a button waits at most
:data:`INTERACTIVE_BUSY_MS` for a lock held by another writer (SQLite's single writer,
a PostgreSQL row lock), then gets an error that :func:`is_busy` recognises, so the page
can say « réessaie dans un instant » instead of hanging: ``db.call`` marks its work as
interactive and every connection checked out for it gets that wait (SQLite
``busy_timeout``, PostgreSQL ``lock_timeout``).  Jobs and the CLI keep the longer
:data:`BACKGROUND_BUSY_MS` (no limit on PostgreSQL, as before).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from mystage.settings import get_settings

T = TypeVar("T")
_engines: dict[str, sa.Engine] = {}

INTERACTIVE_BUSY_MS = 3000  # a click: the page answers « réessaie » after this wait
BACKGROUND_BUSY_MS = 10000  # jobs, CLI (SQLite; PostgreSQL: no limit)
HEALTH_BUSY_MS = 2000  # /_health: a load balancer wants a quick answer
_interactive: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "mystage_db_interactive", default=False
)
_BUSY_KEY = "mystage_busy_ms"  # what the pooled connection is set to (its info dict)
_IDLE_KEY = "mystage_idle_since"  # when the pooled connection was checked in (monotonic)
PING_IDLE_S = 5.0  # PostgreSQL: a connection idle longer than this is pinged at checkout


def _sqlite_pragmas(dbapi_conn, record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BACKGROUND_BUSY_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
    record.info[_BUSY_KEY] = BACKGROUND_BUSY_MS


def _set_busy_wait(dbapi_conn, record, busy_ms: int, sqlite: bool) -> None:
    """Set how long a statement waits for another writer's lock (only when it changes)."""
    if record.info.get(_BUSY_KEY) == busy_ms:
        return
    cur = dbapi_conn.cursor()
    try:
        if sqlite:
            cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        else:
            cur.execute(f"SET lock_timeout = {int(busy_ms)}")
            dbapi_conn.commit()  # a SET inside a transaction would be undone by a rollback
    finally:
        cur.close()
    record.info[_BUSY_KEY] = busy_ms


def _on_checkin(dbapi_conn, record) -> None:
    if record is not None and dbapi_conn is not None:
        record.info[_IDLE_KEY] = time.monotonic()


def _ping_if_idle(dialect, dbapi_conn, record) -> None:
    """PostgreSQL: make sure a connection that waited in the pool more than
    :data:`PING_IDLE_S` is still alive (the server may have restarted, a firewall may have
    dropped it): one ``SELECT 1``; a dead one is replaced (``DisconnectionError`` makes the
    pool take a fresh connection).  A connection checked in a moment ago is used at once,
    saving a round trip per checkout — what ``pool_pre_ping`` cost every event (0.3–0.5 ms
    of a 3 ms search, ``bench/search.py``)."""
    since = record.info.get(_IDLE_KEY)
    if since is None or time.monotonic() - since <= PING_IDLE_S:
        return  # just connected, or used a moment ago
    try:
        dialect.do_ping(dbapi_conn)
    except Exception as exc:  # noqa: BLE001  (any DBAPI error: the connection is gone)
        raise sa.exc.DisconnectionError(f"ping failed: {type(exc).__name__}") from exc


def _on_checkout(sqlite: bool, dialect=None):
    def checkout(dbapi_conn, record, _proxy) -> None:
        if not sqlite:
            _ping_if_idle(dialect, dbapi_conn, record)
        interactive = _interactive.get()
        if sqlite:
            busy = INTERACTIVE_BUSY_MS if interactive else BACKGROUND_BUSY_MS
        else:
            busy = INTERACTIVE_BUSY_MS if interactive else 0
        _set_busy_wait(dbapi_conn, record, busy, sqlite)

    return checkout


def engine(url: str | None = None) -> sa.Engine:
    url = url or get_settings().database_url
    eng = _engines.get(url)
    if eng is None:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                from pathlib import Path

                Path(path).parent.mkdir(parents=True, exist_ok=True)
            # hide_parameters: errors are logged; bound values (tokens, personal data) not.
            eng = sa.create_engine(
                url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
            )
            sa.event.listen(eng, "connect", _sqlite_pragmas)
        else:
            # No pool_pre_ping (a round trip per checkout): idle connections only are
            # pinged, see _ping_if_idle.
            eng = sa.create_engine(url, pool_size=10, max_overflow=20, hide_parameters=True)
            sa.event.listen(eng, "checkin", _on_checkin)
        sa.event.listen(eng, "checkout", _on_checkout(eng.dialect.name == "sqlite", eng.dialect))
        _engines[url] = eng
    return eng


def dispose_all() -> None:
    for eng in _engines.values():
        eng.dispose()
    _engines.clear()


@contextmanager
def session() -> Iterator[Session]:
    """A session; commit explicitly, rolled back on error or exit without commit."""
    with Session(engine(), expire_on_commit=False) as s:
        yield s


def with_session(fn: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with session() as s:
            return fn(s, *args, **kwargs)

    return wrapper


def _interactive_call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    token = _interactive.set(True)
    try:
        return with_session(fn)(*args, **kwargs)
    finally:
        _interactive.reset(token)


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn(session, *args, **kwargs)`` in a thread with a fresh session; a lock held
    by another writer is waited for at most :data:`INTERACTIVE_BUSY_MS`."""
    return await asyncio.to_thread(_interactive_call, fn, *args, **kwargs)


# PostgreSQL errors that mean « busy, try again »: lock not available (lock_timeout),
# serialization failure, deadlock, statement cancelled (timeout).
_PG_BUSY_STATES = frozenset({"55P03", "40001", "40P01", "57014"})


def is_busy(exc: BaseException | None) -> bool:
    """The database is busy (a lock held by another writer, no pooled connection free):
    the same action will probably work in a moment."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, sa.exc.TimeoutError):  # every pooled connection in use
            return True
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.OperationalError):
            text = str(orig).lower()
            if "locked" in text or "busy" in text:
                return True
        if getattr(orig, "sqlstate", None) in _PG_BUSY_STATES:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def check_writable() -> None:
    """Raise unless the database accepts a write now: one row of ``platform_settings``
    written in a transaction that is rolled back (nothing changes), waiting at most
    :data:`HEALTH_BUSY_MS` for another writer."""
    from mystage import clock

    eng = engine()
    sqlite = eng.dialect.name == "sqlite"
    with eng.connect() as conn:
        raw = conn.connection
        _set_busy_wait(raw.dbapi_connection, raw, HEALTH_BUSY_MS, sqlite)
        if not sqlite:
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {HEALTH_BUSY_MS * 2}")
        table = sa.table("platform_settings", sa.column("key"), sa.column("value"))
        if sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(table).values(key="health.write", value=clock.now().isoformat())
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value})
        )
        conn.rollback()


def is_postgres(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"

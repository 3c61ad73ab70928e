"""Database engine and sessions.

Services are plain synchronous functions over a ``sqlmodel.Session``.  Reflex handlers
call them through ``await db.call(fn, ...)``, which runs the function in a worker thread
with its own session, so a query never blocks the event loop (ARCHITECTURE §5).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from mystage.settings import get_settings

T = TypeVar("T")
_engines: dict[str, sa.Engine] = {}


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def engine(url: str | None = None) -> sa.Engine:
    url = url or get_settings().database_url
    eng = _engines.get(url)
    if eng is None:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                from pathlib import Path

                Path(path).parent.mkdir(parents=True, exist_ok=True)
            eng = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            sa.event.listen(eng, "connect", _sqlite_pragmas)
        else:
            eng = sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
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


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn(session, *args, **kwargs)`` in a thread with a fresh session."""
    return await asyncio.to_thread(with_session(fn), *args, **kwargs)


def is_postgres(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"

"""The pool's liveness check (``db._ping_if_idle``): on PostgreSQL a connection idle in
the pool for more than ``PING_IDLE_S`` is pinged at checkout and replaced when dead; one
checked in a moment ago is used without a round trip."""

from __future__ import annotations

import os

import psycopg
import pytest
import sqlalchemy as sa

from mystage import db

URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"), reason="PostgreSQL only (SQLite has no server to lose)"
)


@pytest.fixture
def eng():
    # An engine of its own (another URL): the tests' engine keeps its connections.
    url = sa.make_url(URL).update_query_dict({"application_name": "mystage_ping_test"})
    eng = db.engine(url.render_as_string(hide_password=False))
    yield eng
    eng.dispose()


def _pid(eng) -> int:
    with eng.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _pings(eng, monkeypatch) -> list[int]:
    calls: list[int] = []
    ping = eng.dialect.do_ping

    def counting(dbapi_conn):
        calls.append(1)
        return ping(dbapi_conn)

    monkeypatch.setattr(eng.dialect, "do_ping", counting)
    return calls


def test_recent_connection_is_not_pinged(eng, monkeypatch):
    calls = _pings(eng, monkeypatch)
    first = _pid(eng)
    assert _pid(eng) == first  # the same pooled connection, reused
    assert calls == []


def test_idle_dead_connection_is_replaced(eng, monkeypatch):
    calls = _pings(eng, monkeypatch)
    first = _pid(eng)
    # The server drops the pooled connection (a restart, a firewall's idle timeout).
    dsn = sa.make_url(URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (first,))
    monkeypatch.setattr(db, "PING_IDLE_S", 0.0)  # it has now waited « long enough »
    second = _pid(eng)  # no error: pinged, found dead, replaced
    assert second != first
    assert calls

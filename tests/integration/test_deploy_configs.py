"""deploy/redis.conf and deploy/postgresql.conf are read by the real servers.

Redis: a throwaway redis-server started on deploy/redis.conf (port, bind, password and log
file overridden on the command line) — the file is accepted, the eviction policy is the
one documented, FLUSHALL is gone and CONFIG SET (Reflex's keyspace notifications) works.
PostgreSQL: every parameter of the excerpt exists on the server, and those a session may
set take the value written (so their units and spellings are right).  Skipped with the
reason when redis-server or PostgreSQL is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    for port in range(18450, 18500):  # this area's range (18400-18599)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("aucun port libre entre 18450 et 18500")


def test_redis_conf_is_accepted(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server absent (paquet redis-server)")
    import redis

    port = _free_port()
    password = "essai-mot-de-passe-long"
    proc = subprocess.Popen(
        ["redis-server", str(ROOT / "deploy" / "redis.conf"), "--port", str(port),
         "--bind", "127.0.0.1", "--logfile", "", "--dir", str(tmp_path),
         "--requirepass", password, "--daemonize", "no"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        client = redis.Redis(port=port, password=password, socket_timeout=2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "volatile-lru"}
        assert client.config_get("save") == {"save": ""}
        assert set(client.config_get("notify-keyspace-events")["notify-keyspace-events"]) == set(
            "K$sgxe"
        )
        client.config_set("notify-keyspace-events", "K$sgxe")  # what Reflex does at start
        with pytest.raises(redis.ResponseError):
            client.flushall()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port, socket_timeout=2, password="mauvais").ping()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _pg_settings() -> list[tuple[str, str]]:
    out = []
    for line in (ROOT / "deploy" / "postgresql.conf").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if m := re.fullmatch(r"([a-z_.]+)\s*=\s*(.+)", line):
            out.append((m.group(1), m.group(2).strip().strip("'")))
    return out


def test_postgresql_conf_parameters_exist_and_parse():
    url = os.environ.get("DEPLOY_PG_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    try:
        eng = sa.create_engine(url, connect_args={"connect_timeout": 3})
        conn = eng.connect()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"PostgreSQL injoignable : {type(exc).__name__}")
    settings = _pg_settings()
    assert len(settings) > 30
    try:
        known = dict(conn.execute(sa.text("SELECT lower(name), context FROM pg_settings")).all())
        conn.rollback()
        for name, value in settings:
            if name.startswith("pg_stat_statements."):
                continue  # defined once the library is preloaded
            assert name in known, f"{name} : paramètre inconnu de PostgreSQL"
            if known[name] in ("user", "superuser"):
                with conn.begin():  # SET LOCAL: checks the value, changes nothing after
                    conn.execute(
                        sa.text("SELECT set_config(:n, :v, true)"), {"n": name, "v": value}
                    )
    finally:
        conn.close()
        eng.dispose()

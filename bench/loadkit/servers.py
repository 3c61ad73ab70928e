"""The servers under test: databases, accounts, `reflex run --env prod`, metrics.

Each configuration gets its own database (SQLite file under ``var/load/`` or a
PostgreSQL database ``load_<config>``), prepared once per data set as a template
(``var/load/tpl-*.db`` / ``load_tpl_*``, reused while the migrations are the same), and
runs from its own copy of the compiled front end (``REFLEX_WEB_WORKDIR``, as
tests/e2e/test_admin_ops_flow.py does), so it never pulls the files from under another
server of the worktree.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "load"
# The checkout whose app is served (--app-dir: an earlier commit's worktree, measured by the
# same clients for a before/after; its schema must be this one's).
APP_DIR = ROOT
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/11")  # our db: 11


def pg_url(name: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _schema_key(data: str, offers: int) -> str:
    versions = sorted(p.name for p in (ROOT / "alembic" / "versions").glob("*.py"))
    return hashlib.sha1(f"{data}-{offers}-{versions}".encode()).hexdigest()[:10]


def base_env(port: int, db_url: str, redis_url: str | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SMTP_URL", "SMS_URL", "GEOCODER_URL", "REDIS_URL", "GRANIAN_WORKERS"}
    }
    env.update(
        DATABASE_URL=db_url,
        PORT=str(port),
        PUBLIC_URL=f"http://localhost:{port}",
        DEV_MAILBOX="true",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_HTTP_CLIENT_BIND_ADDRESS="0.0.0.0",
        REFLEX_BUN_PATH=str(ROOT / ".tools/node_modules/.bin/bun"),
        PRIVATE_DIR=str(VAR / "private"),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


# --- databases ----------------------------------------------------------------------------


def _pg_exec(sql: str) -> None:
    eng = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(sa.text(sql))
    eng.dispose()


def _pg_exists(name: str) -> bool:
    eng = sa.create_engine(PG_ADMIN)
    with eng.connect() as c:
        found = c.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
    eng.dispose()
    return found is not None


def _setup(db_url: str, data: str, offers: int) -> None:
    """Migrations, reference and demo data (``python -m mystage setup``); for ``campaign``
    bench/search.py's generated offers come first (its generator numbers its structures
    from 1), the demo's accounts, offers and applications after them."""
    env = base_env(0, db_url)

    def mystage(*cmd: str) -> None:
        subprocess.run([sys.executable, "-m", "mystage", *cmd], cwd=ROOT, env=env, check=True)

    if data != "campaign":
        mystage("setup")
        return
    mystage("migrate")
    mystage("import-reference")
    sys.path.insert(0, str(ROOT / "bench"))
    import search as search_bench  # bench/search.py: its generator, not a copy

    started = time.perf_counter()
    info = search_bench.generate(db_url, offers, 2026)
    print(f"  campaign: {info['offers']:,} offers in {time.perf_counter() - started:.0f} s")
    from mystage import db

    db.dispose_all()  # no connection left on the template (PostgreSQL copies it)
    mystage("seed-demo")


def prepare_database(kind: str, config: str, data: str, offers: int) -> str:
    """A fresh database for ``config`` (copied from the data set's template)."""
    key = _schema_key(data, offers)
    if kind == "sqlite":
        VAR.mkdir(parents=True, exist_ok=True)
        tpl = VAR / f"tpl-{data}-{key}.db"
        if not tpl.exists():
            print(f"  preparing the {data} template {tpl.name} (once)")
            tmp = tpl.with_suffix(".tmp")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{tmp}{suffix}").unlink(missing_ok=True)
            _setup(f"sqlite:///{tmp}", data, offers)
            with sqlite3.connect(tmp) as conn:  # everything in the file, nothing in its WAL
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            for suffix in ("-wal", "-shm"):
                Path(f"{tmp}{suffix}").unlink(missing_ok=True)
            tmp.rename(tpl)
        target = VAR / f"{config}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(tpl, target)
        return f"sqlite:///{target}"
    tpl_name = f"load_tpl_{data}_{key}"
    if not _pg_exists(tpl_name):
        print(f"  preparing the {data} template database {tpl_name} (once)")
        _pg_exec(f'DROP DATABASE IF EXISTS "{tpl_name}_tmp" WITH (FORCE)')
        _pg_exec(f'CREATE DATABASE "{tpl_name}_tmp"')
        _setup(pg_url(f"{tpl_name}_tmp"), data, offers)
        _pg_exec(f'ALTER DATABASE "{tpl_name}_tmp" RENAME TO "{tpl_name}"')
    name = f"load_{config}"
    _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{tpl_name}"')
    return pg_url(name)


def drop_databases(keep_templates: bool = True) -> None:
    eng = sa.create_engine(PG_ADMIN)
    with eng.connect() as c:
        names = c.execute(sa.text("SELECT datname FROM pg_database WHERE datname LIKE 'load\\_%'"))
        names = [n for (n,) in names if not (keep_templates and n.startswith("load_tpl_"))]
    eng.dispose()
    for n in names:
        _pg_exec(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')


# --- server ---------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    proc: subprocess.Popen | None
    web_dir: Path
    redis_url: str | None = None
    log_path: Path | None = None
    host_pids: list[int] = field(default_factory=list)  # twohosts: every process of both

    def processes(self) -> list[psutil.Process]:
        """The processes serving: granian's workers (forked from the `reflex run`
        supervisor, or the supervisor itself on one worker); for two hosts, every
        process of both network namespaces."""
        if self.proc is None:
            return self.roots()
        procs = []
        for root in self.roots():
            try:
                procs.extend(root.children(recursive=True) or [root])
            except psutil.NoSuchProcess:
                pass
        return procs

    def roots(self) -> list[psutil.Process]:
        pids = [self.proc.pid] if self.proc else list(self.host_pids)
        out = []
        for pid in pids:
            try:
                out.append(psutil.Process(pid))
            except psutil.NoSuchProcess:
                pass
        return out


def web_workdir() -> Path:
    """A copy of the worktree's compiled front end (not its build output): `reflex run`
    compiles and builds into it."""
    web = VAR / "web"
    top = ROOT / ".web"
    if not web.exists() and top.exists():
        shutil.copytree(
            top, web, symlinks=True, ignore=lambda d, names: ["build"] if d == str(top) else []
        )
    return web


def wait_ready(url: str, proc: subprocess.Popen | None, log: Path | None, limit=600) -> None:
    deadline = time.time() + limit
    while True:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-3000:] if log else ""
            raise RuntimeError(f"server exited:\n{tail}")
        try:
            if httpx.get(url + "/ping", timeout=2).status_code == 200 and (
                httpx.get(url + "/", timeout=5).status_code == 200
            ):
                return
        except httpx.HTTPError:
            pass
        if time.time() > deadline:
            raise RuntimeError(f"server did not start in {limit} s")
        time.sleep(1)


@contextmanager
def app_server(port: int, db_url: str, redis_url: str | None, workers: int | None):
    """`reflex run --env prod` on one port, like `make run` (granian; GRANIAN_WORKERS)."""
    env = base_env(port, db_url, redis_url)
    web = web_workdir()
    env["REFLEX_WEB_WORKDIR"] = str(web)
    if workers:
        env["GRANIAN_WORKERS"] = str(workers)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # our own db number only
    log_path = VAR / f"server-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115
    cmd = [str(ROOT / ".venv/bin/reflex"), "run", "--env", "prod", "--loglevel", "warning"]
    cmd += ["--frontend-port", str(port), "--backend-port", str(port)]
    proc = subprocess.Popen(
        cmd, cwd=APP_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://localhost:{port}"
    try:
        started = time.perf_counter()
        wait_ready(url, proc, log_path)
        print(f"  server up in {time.perf_counter() - started:.0f} s (pid {proc.pid})")
        yield Server(url, proc, web, redis_url, log_path)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except Exception:  # noqa: BLE001
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


# --- metrics ---------------------------------------------------------------------------------


class ProcSampler:
    """CPU and RSS of the server's worker processes over a measuring window."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.start: dict[int, float] = {}
        self.t0 = 0.0
        self.gen = psutil.Process()
        self.gen0 = 0.0

    def _workers(self) -> list[psutil.Process]:
        return self.server.processes()

    @staticmethod
    def _cpu(p: psutil.Process) -> float:
        t = p.cpu_times()
        return t.user + t.system

    def begin(self) -> None:
        self.t0 = time.perf_counter()
        self.start = {}
        for p in self._workers():
            try:
                self.start[p.pid] = self._cpu(p)
            except psutil.NoSuchProcess:
                pass
        self.gen0 = self._cpu(self.gen)

    def end(self) -> dict:
        wall = time.perf_counter() - self.t0
        workers = []
        for p in self._workers():
            try:
                cpu = (self._cpu(p) - self.start.get(p.pid, 0.0)) / wall * 100
                workers.append({"pid": p.pid, "cpu": cpu, "rss_mb": p.memory_info().rss / 2**20})
            except psutil.NoSuchProcess:
                pass
        gen = (self._cpu(self.gen) - self.gen0) / wall * 100
        return {"workers": workers, "generator_cpu": gen, "machine_cpu": psutil.cpu_percent()}


def redis_state_bytes(redis_url: str | None) -> dict | None:
    """Bytes of Reflex state stored per client token (MEMORY USAGE of its keys)."""
    if not redis_url:
        return None
    import redis

    r = redis.Redis.from_url(redis_url)
    per_token: dict[str, int] = {}
    keys = 0
    batch: list[bytes] = []

    def flush() -> None:
        nonlocal keys
        pipe = r.pipeline(transaction=False)
        for k in batch:
            pipe.memory_usage(k, samples=0)
        for k, size in zip(batch, pipe.execute(), strict=True):
            name = k.decode(errors="replace")
            token = name[:36]
            if len(token) == 36 and token.count("-") == 4 and "lock" not in name:
                per_token[token] = per_token.get(token, 0) + (size or 0)
                keys += 1
        batch.clear()

    for k in r.scan_iter(count=1000):
        batch.append(k)
        if len(batch) >= 500:
            flush()
    if batch:
        flush()
    if not per_token:
        return {"clients": 0, "bytes_per_client": 0, "keys_per_client": 0}
    return {
        "clients": len(per_token),
        "bytes_per_client": sum(per_token.values()) / len(per_token),
        "keys_per_client": keys / len(per_token),
        "max_bytes": max(per_token.values()),
    }

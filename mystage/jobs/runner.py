"""Scheduled jobs: a registry, a single-runner ``run_due``, the CLI entry and the loop.

A job is a set-based, idempotent function ``fn(session) -> int`` (how many rows it
handled) registered with ``@job("name", every=timedelta(...))``.  It may run twice
without harm (an UPDATE guarded by its own ``WHERE``), but the runner still makes sure
only one process runs the jobs at a time, because the web app starts one loop per
worker (reflex-notes §3.2) and cron may call ``python -m mystage job all`` too.

**Single runner: a lock that dies with its holder.**  Every run (``run_due``, and
``run_job`` for ``python -m mystage job NAME``) first takes the runner lock:

- PostgreSQL: ``pg_try_advisory_lock(ADVISORY_LOCK_KEY)`` on a dedicated connection held
  for the whole run.  The server releases it as soon as the connection ends, so a
  process killed with ``kill -9`` (or a machine gone) frees it at once;
- SQLite: ``flock`` on ``<database file>.jobs.lock`` — the kernel releases it when the
  process dies, whatever the way.  (``:memory:`` databases: a lock of this process.)

A runner that does not get the lock skips this round (``run_job`` waits a little first).

**Leases: short, renewed while running.**  Each job is also claimed with a conditional
UPDATE of its ``job_runs`` row (due: ``last_started_at`` older than its interval; free:
``lease_until`` past) that sets ``lease_until = now + LEASE``, and a heartbeat thread
renews it every :data:`HEARTBEAT_S` seconds while the job runs.  Whoever holds the lock
knows that no other runner is alive, so a lease left by a dead runner is taken over at
once (the crash is logged).  Only when no lock can be taken (the lock file cannot be
created) do the leases decide alone; a dead runner then blocks its job for at most
:data:`LEASE` (it used to be 15 minutes, which held back activation mails, reset links
and SMS codes valid 15 minutes).

**History.**  Every run also writes a :class:`~mystage.models.JobRunLog` row (start,
end, status, rows, error and its trigger: ``loop``, ``cli`` or ``admin`` for « Lancer
maintenant » in the back office); the last :data:`HISTORY_KEEP` rows of each job are kept
(one set-based DELETE after each run).  Writing the history never fails a job.

Where things run: ``job_loop()`` is a lifespan task of the web app (every
``JOBS_INTERVAL`` seconds, in a thread); ``python -m mystage job NAME|all|list`` is for
cron (set ``JOBS_IN_PROCESS=0`` then).
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock, db
from mystage.models.ops import JobRun, JobRunLog
from mystage.settings import get_settings

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x4D795374  # "MySt": the single-runner lock of the scheduled jobs
LEASE = timedelta(seconds=30)  # renewed every HEARTBEAT_S while the job runs
HEARTBEAT_S = 10.0
RUN_JOB_WAIT_S = 30.0  # ``job NAME`` waits this long for a round of the loop to finish
HISTORY_KEEP = 50  # JobRunLog rows kept per job
TRIGGERS = ("loop", "cli", "admin")

JobFn = Callable[[Session], int]


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    fn: JobFn


# Filled by the job modules: importing this module imports the package `mystage.jobs` first,
# whose __init__ imports every job module, so the registry is complete whenever it is read.
REGISTRY: dict[str, Job] = {}

_T = JobRun.__table__
_c = _T.c
_L = JobRunLog.__table__
_lc = _L.c


class JobBusy(RuntimeError):
    """The job is being run by another process (its lease is held)."""


def job(name: str, every: timedelta) -> Callable[[JobFn], JobFn]:
    """Register ``fn(session) -> int`` as the scheduled job ``name``, due every ``every``."""

    def register(fn: JobFn) -> JobFn:
        existing = REGISTRY.get(name)
        if existing is not None and existing.fn is not fn:
            raise ValueError(f"Tâche déjà déclarée : {name}")
        REGISTRY[name] = Job(name, every, fn)
        return fn

    return register


def job_names() -> list[str]:
    return sorted(REGISTRY)


# --- leases -------------------------------------------------------------------------


def _ensure_rows(conn: sa.Connection, names: list[str]) -> None:
    existing = set(conn.execute(sa.select(_c.name).where(_c.name.in_(names))).scalars())
    missing = [n for n in names if n not in existing]
    if not missing:
        return
    values = [{"name": n, "last_status": "", "last_count": 0, "last_error": ""} for n in missing]
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    conn.execute(insert(_T).values(values).on_conflict_do_nothing(index_elements=["name"]))


def _claim(j: Job, now: datetime, *, force: bool = False, takeover: bool = False) -> bool:
    """Take the job's lease if it is free (and, unless ``force``, if the job is due).

    ``takeover``: the caller holds the runner lock, so a lease still running belongs to
    a runner that died: take it over (and say so in the log); its interrupted run is
    due again at once."""
    cond = [_c.name == j.name]
    if not takeover:
        cond.append(sa.or_(_c.lease_until.is_(None), _c.lease_until <= now))
    if not force:
        due = sa.or_(_c.last_started_at.is_(None), _c.last_started_at <= now - j.every)
        if takeover:  # a run interrupted by a crash is due again at once
            due = sa.or_(due, _c.last_status == "running")
        cond.append(due)
    with db.engine().begin() as conn:
        _ensure_rows(conn, [j.name])
        if takeover:
            stale = conn.execute(
                sa.select(_c.lease_until).where(_c.name == j.name, _c.lease_until > now)
            ).scalar()
            if stale is not None:
                log.warning(
                    "Tâche %s : reprise (le processus qui l'exécutait s'est arrêté)", j.name
                )
        res = conn.execute(
            sa.update(_T)
            .where(*cond)
            .values(last_started_at=now, lease_until=now + LEASE, last_status="running")
        )
    return res.rowcount == 1


class _Heartbeat:
    """Renews a running job's lease every :data:`HEARTBEAT_S` seconds, in a thread.

    The row is only renewed while it is still this run's (same ``last_started_at``)."""

    def __init__(self, j: Job, started_at: datetime | None):
        self.j = j
        self.started_at = started_at
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"bail-{j.name}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        if self.started_at is not None:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join(HEARTBEAT_S + 15)

    def _run(self) -> None:
        while not self.stop_event.wait(HEARTBEAT_S):
            try:
                renew(self.j.name, self.started_at)
            except Exception as exc:  # noqa: BLE001 - retried at the next beat
                # On SQLite the job's own transaction may hold the write lock: expected
                # (the runner lock protects the run meanwhile), so not a warning.
                level = logging.DEBUG if db.is_busy(exc) else logging.WARNING
                log.log(level, "Tâche %s : bail non renouvelé", self.j.name, exc_info=True)


def renew(name: str, started_at: datetime | None) -> bool:
    """Push the lease of the run of ``name`` started at ``started_at`` to now + LEASE."""
    with db.engine().begin() as conn:
        res = conn.execute(
            sa.update(_T)
            .where(_c.name == name, _c.last_started_at == started_at, _c.last_status == "running")
            .values(lease_until=clock.now() + LEASE)
        )
    return res.rowcount == 1


def _finish(j: Job, status: str, count: int, error: str = "") -> None:
    with db.engine().begin() as conn:
        conn.execute(
            sa.update(_T)
            .where(_c.name == j.name)
            .values(
                last_finished_at=clock.now(),
                last_status=status,
                last_count=count,
                last_error=error[:2000],
                lease_until=None,
            )
        )


def _log_start(name: str, started_at: datetime, trigger: str) -> int | None:
    """The history row of a run that starts (None if it could not be written)."""
    try:
        with db.engine().begin() as conn:
            return conn.execute(
                sa.insert(_L)
                .values(
                    name=name,
                    started_at=started_at,
                    status="running",
                    count=0,
                    error="",
                    trigger=trigger[:16],
                )
                .returning(_lc.id)
            ).scalar_one()
    except Exception:  # noqa: BLE001 - the history never fails a job
        log.warning("Tâche %s : historique non écrit", name, exc_info=True)
        return None


def _log_finish(name: str, log_id: int | None, status: str, count: int, error: str) -> None:
    """Close the run's history row and keep the last HISTORY_KEEP runs of the job."""
    if log_id is None:
        return
    try:
        with db.engine().begin() as conn:
            conn.execute(
                sa.update(_L)
                .where(_lc.id == log_id)
                .values(finished_at=clock.now(), status=status, count=count, error=error[:2000])
            )
            oldest_kept = (
                sa.select(_lc.id)
                .where(_lc.name == name)
                .order_by(_lc.id.desc())
                .limit(1)
                .offset(HISTORY_KEEP - 1)
                .scalar_subquery()
            )
            conn.execute(sa.delete(_L).where(_lc.name == name, _lc.id < oldest_kept))
    except Exception:  # noqa: BLE001 - the history never fails a job
        log.warning("Tâche %s : historique non écrit", name, exc_info=True)


def _execute(j: Job, started_at: datetime | None = None, trigger: str = "loop") -> int:
    """Run a claimed job in its own session (its lease renewed meanwhile) and record the
    outcome (``job_runs`` and the history); re-raises errors."""
    log_id = _log_start(j.name, started_at or clock.now(), trigger)
    try:
        with _Heartbeat(j, started_at), db.session() as s:
            count = int(j.fn(s) or 0)
            s.commit()
    except Exception as exc:
        log.exception("Tâche %s en échec", j.name)
        error = f"{type(exc).__name__}: {exc}"
        _finish(j, "error", 0, error)
        _log_finish(j.name, log_id, "error", 0, error)
        raise
    _finish(j, "ok", count)
    _log_finish(j.name, log_id, "ok", count, "")
    log.info("Tâche %s : %s", j.name, count)
    return count


# --- single runner --------------------------------------------------------------------


class _AdvisoryLock:
    """``pg_try_advisory_lock`` held on a dedicated connection (PostgreSQL)."""

    exclusive = True

    def __init__(self, eng: sa.Engine):
        self.eng = eng
        self.conn: sa.Connection | None = None

    def acquire(self) -> bool:
        conn = self.eng.connect()
        try:
            got = conn.execute(sa.select(sa.func.pg_try_advisory_lock(ADVISORY_LOCK_KEY))).scalar()
            conn.commit()  # a session-level lock survives the end of the transaction
        except Exception:
            conn.invalidate()
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self.conn = conn
        return True

    def release(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            conn.execute(sa.select(sa.func.pg_advisory_unlock(ADVISORY_LOCK_KEY)))
            conn.commit()
        except Exception:
            # Never give a connection that may still hold the lock back to the pool.
            log.exception("Déverrouillage des tâches impossible : connexion abandonnée")
            conn.invalidate()
        finally:
            conn.close()


_MEMORY_LOCK = threading.Lock()  # in-memory SQLite: one process
_WARNED: set[str] = set()  # lock files that could not be created (said once)


class _FileLock:
    """SQLite: ``flock`` on ``<database>.jobs.lock`` (released by the kernel when the
    holder dies; two opens conflict even inside one process)."""

    def __init__(self, db_path: str):
        self.path = f"{db_path}.jobs.lock" if db_path else ""
        self.fd: int | None = None
        self.memory = False
        self.exclusive = True

    def acquire(self) -> bool:
        if not self.path or self.path.startswith(":memory:"):
            self.memory = _MEMORY_LOCK.acquire(blocking=False)
            return self.memory
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            if self.path not in _WARNED:
                _WARNED.add(self.path)
                log.warning("Tâches : verrou %s impossible, seuls les baux protègent", self.path)
            self.exclusive = False
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.memory:
            self.memory = False
            _MEMORY_LOCK.release()
        fd, self.fd = self.fd, None
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)


def _runner_lock() -> _AdvisoryLock | _FileLock:
    eng = db.engine()
    if eng.dialect.name == "postgresql":
        return _AdvisoryLock(eng)
    return _FileLock(eng.url.database or "")


def _acquire(lock: _AdvisoryLock | _FileLock, wait_s: float = 0.0) -> bool:
    deadline = time.monotonic() + wait_s
    while True:
        if lock.acquire():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))


def run_due(now: datetime | None = None, trigger: str = "loop") -> dict[str, int | str]:
    """Run every due job once; returns ``{name: count}`` (``"erreur: …"`` for a failure).
    ``trigger`` (``loop`` or ``cli``) is written in each run's history row.

    Empty when nothing was due or another runner holds the PostgreSQL lock.
    """
    now = now or clock.now()
    lock = _runner_lock()
    if not _acquire(lock):
        log.debug("Tâches : un autre processus les exécute (verrou pris)")
        return {}
    results: dict[str, int | str] = {}
    try:
        with db.engine().begin() as conn:
            _ensure_rows(conn, list(REGISTRY))
        for name in sorted(REGISTRY):
            j = REGISTRY[name]
            if not _claim(j, now, takeover=lock.exclusive):
                continue
            try:
                results[name] = _execute(j, now, trigger)
            except Exception as exc:  # noqa: BLE001 - recorded, the other jobs still run
                results[name] = f"erreur: {type(exc).__name__}: {exc}"
    finally:
        lock.release()
    return results


def run_job(name: str, wait_s: float | None = None, trigger: str = "cli") -> int:
    """Run ``name`` now, due or not, under the runner lock (waiting up to ``wait_s``
    seconds, default :data:`RUN_JOB_WAIT_S`, for a round of another runner to end).
    ``trigger``: ``cli`` (``python -m mystage job NAME``) or ``admin`` (« Lancer
    maintenant »), written in the run's history row."""
    j = REGISTRY.get(name)
    if j is None:
        raise KeyError(name)
    lock = _runner_lock()
    if not _acquire(lock, RUN_JOB_WAIT_S if wait_s is None else wait_s):
        raise JobBusy(
            f"La tâche {name} ne peut pas démarrer : un autre processus exécute les tâches."
        )
    try:
        now = clock.now()
        if not _claim(j, now, force=True, takeover=lock.exclusive):
            raise JobBusy(f"La tâche {name} est déjà en cours dans un autre processus.")
        return _execute(j, now, trigger)
    finally:
        lock.release()


def run_cli(name: str) -> str:
    """``python -m mystage job NAME``: 'all' runs every due job; returns the text to print.

    Unknown job → French message on stderr and ``SystemExit(2)``; a busy job → exit 3;
    a failed job → exit 1 (the error is in ``job_runs.last_error`` and the log).
    """
    if name == "all":
        results = run_due(trigger="cli")
        if not results:
            return "Aucune tâche à exécuter."
        lines = [f"{n} : {r}" for n, r in results.items()]
        if any(isinstance(r, str) for r in results.values()):
            print("\n".join(lines), file=sys.stderr)
            raise SystemExit(1)
        return "\n".join(lines)
    names = job_names()
    if name not in names:
        print(
            f"Tâche inconnue : « {name} ». Tâches disponibles : {', '.join(names)}, all.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    try:
        count = run_job(name)
    except JobBusy as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(3) from None
    except Exception as exc:  # noqa: BLE001 - already logged and recorded by _execute
        print(f"La tâche {name} a échoué : {type(exc).__name__}: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    return f"{name} : {count}"


async def job_loop(interval_s: float | None = None) -> None:
    """Lifespan task: run the due jobs every ``JOBS_INTERVAL`` seconds, forever.

    Each round runs in a thread (the database work never blocks the event loop); an
    error is logged and the loop goes on; cancelling the task (server shutdown) stops it
    (a round already started finishes in its thread, its leases are then released).
    """
    settings = get_settings()
    if not settings.jobs_in_process:
        log.info("Tâches planifiées désactivées dans ce processus (JOBS_IN_PROCESS=0)")
        return
    interval = float(interval_s if interval_s is not None else settings.jobs_interval_s)
    interval = max(interval, 0.01)
    log.info("Tâches planifiées : toutes les %s s", interval)
    await asyncio.sleep(min(interval, 5.0))  # let the server finish starting
    while True:
        try:
            results = await asyncio.to_thread(run_due)
            if results:
                log.debug("Tâches exécutées : %s", results)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Tâches planifiées : tour en échec")
        await asyncio.sleep(interval)

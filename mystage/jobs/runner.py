"""Scheduled jobs: a registry, a single-runner ``run_due``, the CLI entry and the loop.

A job is a set-based, idempotent function ``fn(session) -> int`` (how many rows it
handled) registered with ``@job("name", every=timedelta(...))``.  It may run twice
without harm (an UPDATE guarded by its own ``WHERE``), but the runner still makes sure
only one process runs the jobs at a time, because the web app starts one loop per
worker (reflex-notes §3.2) and cron may call ``python -m mystage job all`` too:

- PostgreSQL: ``pg_try_advisory_lock(ADVISORY_LOCK_KEY)`` on a dedicated connection held
  for the whole run; a runner that does not get it skips this round;
- every database (the only guard on SQLite): each job is claimed with a conditional
  UPDATE of its ``job_runs`` row that checks it is due (``last_started_at`` older than
  its interval) and not leased (``lease_until`` past), and sets both.  Of two concurrent
  runners exactly one gets the row.  A runner that dies leaves a lease that expires after
  :data:`LEASE`.

Where things run: ``job_loop()`` is a lifespan task of the web app (every
``JOBS_INTERVAL`` seconds, in a thread); ``python -m mystage job NAME|all|list`` is for
cron (set ``JOBS_IN_PROCESS=0`` then).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock, db
from mystage.models.ops import JobRun
from mystage.settings import get_settings

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x4D795374  # "MySt": the single-runner lock of the scheduled jobs
LEASE = timedelta(minutes=15)  # longer than any job run (delivery stops after 5 min)

JobFn = Callable[[Session], int]


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    fn: JobFn


REGISTRY: dict[str, Job] = {}

_T = JobRun.__table__
_c = _T.c


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


def _load() -> None:
    """Import the modules that declare jobs (``mystage.jobs`` imports them all)."""
    import mystage.jobs  # noqa: F401


def job_names() -> list[str]:
    _load()
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


def _claim(j: Job, now: datetime, *, force: bool = False) -> bool:
    """Take the job's lease if it is free (and, unless ``force``, if the job is due)."""
    cond = [_c.name == j.name, sa.or_(_c.lease_until.is_(None), _c.lease_until <= now)]
    if not force:
        cond.append(sa.or_(_c.last_started_at.is_(None), _c.last_started_at <= now - j.every))
    with db.engine().begin() as conn:
        _ensure_rows(conn, [j.name])
        res = conn.execute(
            sa.update(_T)
            .where(*cond)
            .values(last_started_at=now, lease_until=now + LEASE, last_status="running")
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


def _execute(j: Job) -> int:
    """Run a claimed job in its own session and record the outcome; re-raises errors."""
    try:
        with db.session() as s:
            count = int(j.fn(s) or 0)
            s.commit()
    except Exception as exc:
        log.exception("Tâche %s en échec", j.name)
        _finish(j, "error", 0, f"{type(exc).__name__}: {exc}")
        raise
    _finish(j, "ok", count)
    log.info("Tâche %s : %s", j.name, count)
    return count


# --- single runner --------------------------------------------------------------------


class _AdvisoryLock:
    """``pg_try_advisory_lock`` held on a dedicated connection (PostgreSQL only)."""

    def __init__(self, eng: sa.Engine):
        self.eng = eng
        self.conn: sa.Connection | None = None

    def acquire(self) -> bool:
        if self.eng.dialect.name != "postgresql":
            return True
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


def run_due(now: datetime | None = None) -> dict[str, int | str]:
    """Run every due job once; returns ``{name: count}`` (``"erreur: …"`` for a failure).

    Empty when nothing was due or another runner holds the PostgreSQL lock.
    """
    _load()
    now = now or clock.now()
    lock = _AdvisoryLock(db.engine())
    if not lock.acquire():
        log.debug("Tâches : un autre processus les exécute (verrou PostgreSQL pris)")
        return {}
    results: dict[str, int | str] = {}
    try:
        with db.engine().begin() as conn:
            _ensure_rows(conn, list(REGISTRY))
        for name in sorted(REGISTRY):
            j = REGISTRY[name]
            if not _claim(j, now):
                continue
            try:
                results[name] = _execute(j)
            except Exception as exc:  # noqa: BLE001 - recorded, the other jobs still run
                results[name] = f"erreur: {type(exc).__name__}: {exc}"
    finally:
        lock.release()
    return results


def run_job(name: str) -> int:
    """Run ``name`` now, due or not (its lease still prevents two concurrent runs)."""
    _load()
    j = REGISTRY.get(name)
    if j is None:
        raise KeyError(name)
    if not _claim(j, clock.now(), force=True):
        raise JobBusy(f"La tâche {name} est déjà en cours dans un autre processus.")
    return _execute(j)


def run_cli(name: str) -> str:
    """``python -m mystage job NAME``: 'all' runs every due job; returns the text to print.

    Unknown job → French message on stderr and ``SystemExit(2)``; a busy job → exit 3;
    a failed job → exit 1 (the error is in ``job_runs.last_error`` and the log).
    """
    if name == "all":
        results = run_due()
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

"""Background exports and statistics: ``exports_run``, ``exports_purge``, ``stats_refresh``.

- ``exports_run`` (every 10 s): takes the queued :class:`~mystage.models.ExportJob` rows one
  by one (conditional UPDATE ``queued → running``, so two runners never take the same),
  writes each file under ``PRIVATE_DIR/exports/`` with its progress, then marks it done and
  mails the requester an expiring link, in one transaction (services/exports/).  At most
  :data:`MAX_PER_RUN` exports per run so the other jobs keep their rhythm.
- ``exports_purge`` (hourly): deletes the files of expired links, fails exports stuck
  « en cours » for a day (a process died), removes stray files.
- ``stats_refresh`` (every 10 min): rebuilds the ``stats_summary`` table read by national,
  académie and département dashboards without fine filters (services/stats/).  The
  table and the indexes of the live statistics queries come with the migration
  ``0005_stats_summary``; the job does nothing on a database without it.
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlmodel import Session

from mystage.jobs.runner import job
from mystage.services import exports, stats

MAX_PER_RUN = 3
RUN_BUDGET_S = 600.0  # no new export is started after this many seconds in one run


@job("exports_run", every=timedelta(seconds=10))
def exports_run(s: Session) -> int:
    """Write the queued exports; returns how many were delivered."""
    started = time.monotonic()
    done = 0
    for _ in range(MAX_PER_RUN):
        if time.monotonic() - started > RUN_BUDGET_S:
            break
        claimed = exports.claim_next(s)
        if claimed is None:
            break
        if exports.run_job(s, claimed):
            done += 1
    return done


@job("exports_purge", every=timedelta(hours=1))
def exports_purge(s: Session) -> int:
    """Delete expired export files; returns how many files were deleted."""
    return exports.purge_expired(s)


@job("stats_refresh", every=timedelta(minutes=10))
def stats_refresh(s: Session) -> int:
    """Rebuild the statistics summary (active and previous school years)."""
    return stats.refresh_summary(s)

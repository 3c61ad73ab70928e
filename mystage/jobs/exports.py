"""Background exports and statistics: ``exports_run``, ``exports_purge``, ``stats_refresh``.

- ``exports_run`` (every 10 s): takes the queued :class:`~mystage.models.ExportJob` rows one
  by one (conditional UPDATE ``queued → running``, so two runners never take the same),
  writes each file under ``PRIVATE_DIR/exports/`` with its progress, then marks it done and
  mails the requester an expiring link, in one transaction (services/exports.py).  At most
  :data:`MAX_PER_RUN` exports per run so the other jobs keep their rhythm.
- ``exports_purge`` (hourly): deletes the files of expired links, fails exports stuck
  « en cours » for a day (a process died), removes stray files.
- ``stats_refresh`` (every 10 min): rebuilds the ``stats_summary`` table read by national
  and académie dashboards (services/stats.py).  Does nothing while that table does not
  exist.  Its DDL, for a migration (PostgreSQL and SQLite)::

      CREATE TABLE stats_summary (
          id INTEGER PRIMARY KEY,            -- SERIAL on PostgreSQL
          kind VARCHAR(12) NOT NULL,
          school_year INTEGER NOT NULL,
          department_code VARCHAR(3) NOT NULL DEFAULT '',
          key VARCHAR(64) NOT NULL DEFAULT '',
          label VARCHAR(150) NOT NULL DEFAULT '',
          latitude FLOAT, longitude FLOAT,
          offers INTEGER NOT NULL DEFAULT 0, places INTEGER NOT NULL DEFAULT 0,
          applications INTEGER NOT NULL DEFAULT 0, confirmed INTEGER NOT NULL DEFAULT 0,
          refreshed_at TIMESTAMP WITH TIME ZONE NOT NULL
      );
      CREATE INDEX ix_stats_summary_lookup ON stats_summary (kind, school_year, department_code);

  (``mystage.services.stats.SUMMARY`` is the same table as SQLAlchemy Core.)  The live
  statistics queries (a département's dashboard, the pupils of an académie) also want::

      CREATE INDEX ix_applications_stats
          ON applications (offer_id, school_year, state, week_start, school_id, pupil_id);
      CREATE INDEX ix_offer_weeks_stats ON offer_weeks (offer_id, week_start, places);
      CREATE INDEX ix_offers_stats ON offers (department_code, school_year, state,
          published_at, id, sector_id, structure_id, is_public, insee_code, city, latitude,
          longitude, level_4e, level_3e, level_2de);
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

"""« Mes données » prepared in the background: ``my_data_run`` and ``my_data_purge``.

- ``my_data_run`` (every 10 s): takes the queued requests of kind ``my_data`` one by one
  (conditional UPDATE ``queued → running``), writes each zip under
  ``PRIVATE_DIR/mes-donnees/`` and sends its owner an expiring link (mail, or SMS for an
  account without e-mail), in one transaction (services/privacy/my_data_download.py).
- ``my_data_purge`` (hourly): removes stray files of that folder.  Expired links' files are
  deleted by ``exports_purge`` like every export's.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from mystage.jobs.runner import job
from mystage.services.privacy import my_data_download

MAX_PER_RUN = 3


@job("my_data_run", every=timedelta(seconds=10))
def my_data_run(s: Session) -> int:
    """Prepare the queued « Mes données » files; returns how many were delivered."""
    done = 0
    for _ in range(MAX_PER_RUN):
        claimed = my_data_download.claim_next(s)
        if claimed is None:
            break
        if my_data_download.run(s, claimed):
            done += 1
    return done


@job("my_data_purge", every=timedelta(hours=1))
def my_data_purge(s: Session) -> int:
    """Delete stray « Mes données » files; returns how many."""
    return my_data_download.purge_stray(s)

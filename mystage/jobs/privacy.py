"""Retention (RGPD): the yearly anonymisation of inactive pupils and the purges of old
messages, audit details and conventions (services/privacy/retention.py)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import Session

from mystage.jobs.runner import job
from mystage.services.privacy.retention import run_retention

log = logging.getLogger(__name__)


@job("retention", every=timedelta(days=1))
def retention(s: Session) -> int:
    """Every step of :func:`~mystage.services.privacy.retention.run_retention`; daily, but
    idempotent: the pupils are anonymised once a year, the purges take what became due.
    Returns the rows changed."""
    counts = run_retention(s)
    log.info("retention: %s", counts)
    return sum(counts.values())

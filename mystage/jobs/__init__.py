"""Scheduled jobs.  Importing this package registers every job on the runner.

Add a job: write ``@job("name", every=timedelta(...))`` over ``fn(session) -> int`` in a
module of this package and import that module below.  Run: ``python -m mystage job NAME``
(``all`` for every due job, ``list`` to list them) or the ``job_loop`` lifespan task.
"""

from mystage.jobs import (
    applications,  # noqa: F401  (registers the application expiry and reminder jobs)
    builtin,  # noqa: F401  (registers deliver_outbox, purge_expired_tokens)
    conventions,  # noqa: F401  (registers conventions_reminders, conventions_school_warning)
    exports,  # noqa: F401  (registers exports_run, exports_purge, stats_refresh)
    offers,  # noqa: F401  (registers offers_housekeeping)
    privacy,  # noqa: F401  (registers retention)
    privacy_export,  # noqa: F401  (registers my_data_run, my_data_purge)
    schools,  # noqa: F401  (registers class_roster_purge)
)
from mystage.jobs.runner import job, job_loop, job_names, run_cli, run_due, run_job

__all__ = ["job", "job_loop", "job_names", "run_cli", "run_due", "run_job"]

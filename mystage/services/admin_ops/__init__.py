"""The back office's running of the platform (issue 18, helper « ops »): the outbox
(« Courriels et SMS »), the scheduled jobs' runs (« Tâches »), the audit log
(« Journal ») and the platform settings (« Réglages »).  Administrators only (checked in
every function with ``permissions.can_admin``), except :func:`home_banner`."""

from mystage.services.admin_ops import audit_log, jobs, outbox, settings
from mystage.services.admin_ops.audit_log import AuditFilter, parse_filters
from mystage.services.admin_ops.settings import (
    BANNER_MAX,
    HOME_BANNER,
    MODERATION_MODES,
    OFFER_MODERATION,
    home_banner,
)

__all__ = [
    "BANNER_MAX",
    "HOME_BANNER",
    "MODERATION_MODES",
    "OFFER_MODERATION",
    "AuditFilter",
    "audit_log",
    "home_banner",
    "jobs",
    "outbox",
    "parse_filters",
    "settings",
]

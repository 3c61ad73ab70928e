"""Moderation of offers (issue 18): the moderators' queue of submitted offers and the
visitors' reports (« Signaler cette offre »).

Submodules: :mod:`.offers` (the queue and the decisions on a submitted offer) and
:mod:`.reports` (reports: create with rate limits, list, « Dépublier », « Classer sans
suite »).  The states and transitions stay in the offer lifecycle
(``services.offers``: ``approve``, ``reject``, ``unpublish_by_moderator``).

Permissions: every function checks ``permissions.can_moderate`` (administrators and
moderators) and returns a French error, or raises :class:`PermissionDenied` for the
lists.  The structures' moderation is ``services.admin_orgs`` (another package).
"""

from __future__ import annotations

from mystage.services.moderation.offers import (
    PER_PAGE,
    approve_offer,
    queue,
    queue_count,
    refuse_offer,
)
from mystage.services.moderation.reports import (
    MAX_TEXT,
    MSG_REASON,
    MSG_TEXT_TOO_LONG,
    MSG_TOO_MANY,
    REASONS,
    create_report,
    dismiss_report,
    open_reports,
    unpublish_reported,
)

__all__ = [
    "MAX_TEXT",
    "MSG_REASON",
    "MSG_TEXT_TOO_LONG",
    "MSG_TOO_MANY",
    "PER_PAGE",
    "REASONS",
    "approve_offer",
    "create_report",
    "dismiss_report",
    "open_reports",
    "queue",
    "queue_count",
    "refuse_offer",
    "unpublish_reported",
]

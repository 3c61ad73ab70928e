"""The operators' offers through the API (issue 19): the same form steps, checks, messages
and lifecycle as an offer typed in the form, as the operator's technical account.

Submodules: :mod:`.payload` (the request split into the form's steps, the partner-site
fields, an offer read back), :mod:`.service` (lookups restricted to the operator, upsert by
``remote_id``, publish / unpublish / remove)."""

from __future__ import annotations

from mystage.services.api_offers.payload import (
    MSG_PERMALINK_INVALID,
    MSG_PERMALINK_REQUIRED,
    check_permalink,
    offer_out,
    partner_fields,
    to_steps,
)
from mystage.services.api_offers.service import (
    MAX_PER_PAGE,
    MSG_NOT_FOUND,
    list_offers,
    offer_by_remote_id,
    operator_lock,
    own_offer,
    publish,
    remove,
    unpublish,
    update,
    upsert,
)

__all__ = [
    "MAX_PER_PAGE",
    "MSG_NOT_FOUND",
    "MSG_PERMALINK_INVALID",
    "MSG_PERMALINK_REQUIRED",
    "check_permalink",
    "list_offers",
    "offer_by_remote_id",
    "offer_out",
    "operator_lock",
    "own_offer",
    "partner_fields",
    "publish",
    "remove",
    "to_steps",
    "unpublish",
    "update",
    "upsert",
]

"""Back office (issue 18), structures and operators: moderation of structures (pending ones
with their SIRET checked, search, merge of duplicates, suspension) for administrators and
moderators, and the operators' account side (their page, users and API tokens) for
administrators.

Submodules: :mod:`.structures`, :mod:`.operators`, :mod:`.webhooks` (issue 19).  Used from outside through the names
below; every function checks the caller (``permissions.can_moderate`` /
``permissions.can_admin``), except :func:`token_for` (the API token is the credential).
"""

from __future__ import annotations

from mystage.services.admin_orgs.api_account import api_user
from mystage.services.admin_orgs.merge import find_target, merge_structures
from mystage.services.admin_orgs.operators import (
    SCOPES,
    TOKEN_PREFIX,
    create_operator_user,
    create_token,
    hash_api_token,
    list_operators,
    operator_form,
    operator_tokens,
    operator_users,
    revoke_token,
    save_operator,
    save_operator_logo,
    token_for,
)
from mystage.services.admin_orgs.structures import (
    MSG_GONE,
    decide_structure,
    lift_suspension,
    merged_ids,
    pending_structures,
    search_structures,
    siret_check,
    structure_history,
    suspend_structure,
)
from mystage.services.admin_orgs.webhooks import (
    new_webhook_secret,
    save_webhook,
    webhook_url_error,
)

__all__ = [
    "new_webhook_secret",
    "save_webhook",
    "webhook_url_error",
    "api_user",
    "MSG_GONE",
    "SCOPES",
    "TOKEN_PREFIX",
    "create_operator_user",
    "create_token",
    "decide_structure",
    "find_target",
    "hash_api_token",
    "lift_suspension",
    "list_operators",
    "merge_structures",
    "merged_ids",
    "operator_form",
    "operator_tokens",
    "operator_users",
    "pending_structures",
    "revoke_token",
    "save_operator",
    "save_operator_logo",
    "search_structures",
    "siret_check",
    "structure_history",
    "suspend_structure",
    "token_for",
]

"""Back office « Utilisateurs » (issue 18): find an account (:mod:`search`), see it
(:mod:`profile`), act on it (:mod:`actions`) within the role rules (:mod:`roles`).
Administrators only: every public function checks ``permissions.can_admin`` itself.

This ``__init__`` is the package's public API.
"""

from mystage.services.admin_users.actions import (
    MSG_ADMIN_ONLY,
    REASON_MAX,
    anonymise,
    block,
    change_role,
    resend_activation,
    send_reset_link,
    unblock,
    unlock,
)
from mystage.services.admin_users.profile import user_profile
from mystage.services.admin_users.roles import ROLE_RULES, role_change_allowed, role_choices
from mystage.services.admin_users.search import (
    PAGE_SIZE,
    QUERY_MAX,
    USERS_URL,
    parse_query,
    search_users,
    status_of,
    user_url,
)

__all__ = [
    "MSG_ADMIN_ONLY",
    "PAGE_SIZE",
    "QUERY_MAX",
    "REASON_MAX",
    "ROLE_RULES",
    "USERS_URL",
    "anonymise",
    "block",
    "change_role",
    "parse_query",
    "resend_activation",
    "role_change_allowed",
    "role_choices",
    "search_users",
    "send_reset_link",
    "status_of",
    "unblock",
    "unlock",
    "user_profile",
    "user_url",
]

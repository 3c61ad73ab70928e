"""Who may do what: ONE function per action, ``can_xxx(user, obj=None) -> bool``.

Every state handler, API route and job asks here (ARCHITECTURE §3) and never re-implements
a rule.  ``user`` is the caller (None when anonymous); ``obj`` the object acted upon, when
there is one.  Functions only answer; :func:`require` turns a refusal into
:class:`PermissionDenied`.

Adding an action: write ``can_<verb>_<thing>(user, obj=None)`` below its family, built from
the role sets (``STAFF``, ``REFERENTS``…) and the helpers ``_active``, ``_has_role``,
``_is_self``; add it to a test that calls it as every role.
"""

from __future__ import annotations

from typing import Any

from mystage.models import (
    OFFER_POSTING_ROLES,
    REFERENT_ROLES,
    SCHOOL_STAFF_ROLES,
    AccountStatus,
    Role,
    User,
)
from mystage.settings import get_settings

# --- Role sets (from mystage.models, so one list of roles) ---------------------------------

ALL_ROLES = frozenset(Role)
ADMINS = frozenset({Role.ADMIN})
PUPILS = frozenset({Role.ELEVE})
PARENTS = frozenset({Role.PARENT})
EMPLOYERS = frozenset({Role.EMPLOYEUR})
OPERATORS = frozenset({Role.OPERATEUR})
STAFF = SCHOOL_STAFF_ROLES  # chef d'établissement, professeurs, personnels, référent étab.
REFERENTS = REFERENT_ROLES  # départemental, académique, central
OFFER_POSTERS = OFFER_POSTING_ROLES


class PermissionDenied(Exception):
    """The caller may not do this (handlers answer with a redirect or a French message)."""

    def __init__(self, message: str = "Vous n'avez pas accès à cette page ou à cette action."):
        super().__init__(message)
        self.message = message


def require(allowed: bool, message: str | None = None) -> None:
    """``require(permissions.can_x(user, obj))``: raise PermissionDenied unless allowed."""
    if not allowed:
        raise PermissionDenied(message) if message else PermissionDenied()


# --- Helpers --------------------------------------------------------------------------------


def _active(user: User | None) -> bool:
    """A logged-in, active, not deleted account."""
    return (
        user is not None
        and user.id is not None
        and user.status == AccountStatus.ACTIVE
        and user.deleted_at is None
        and user.anonymized_at is None
    )


def _has_role(user: User | None, roles: frozenset[str]) -> bool:
    return _active(user) and user.role in roles


def _is_self(user: User | None, other: Any) -> bool:
    return _active(user) and isinstance(other, User) and other.id == user.id


# --- Accounts -------------------------------------------------------------------------------


def is_authenticated(user: User | None, obj: Any = None) -> bool:
    """Any active account."""
    return _active(user)


def can_view_profile(user: User | None, obj: Any = None) -> bool:
    """One's own profile (``obj`` None or oneself); admins see every profile."""
    if not _active(user):
        return False
    if obj is None or _is_self(user, obj):
        return True
    return _has_role(user, ADMINS)


def can_change_password(user: User | None, obj: Any = None) -> bool:
    """Only one's own password (admins use the reset flow, never set someone's password)."""
    return _active(user) and (obj is None or _is_self(user, obj))


# --- Platform -------------------------------------------------------------------------------


def can_view_dev_mailbox(user: User | None, obj: Any = None) -> bool:
    """``/dev/mails``: only while the dev mailbox is on (no real SMTP/SMS transport).

    Anyone may open it then (it is how a tester reads activation mails before having an
    account); in production it is off, whoever asks.
    """
    return bool(get_settings().dev_mailbox)


def can_admin(user: User | None, obj: Any = None) -> bool:
    """Administration pages and actions."""
    return _has_role(user, ADMINS)

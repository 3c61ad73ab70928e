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

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import (
    OFFER_POSTING_ROLES,
    REFERENT_ROLES,
    SCHOOL_STAFF_ROLES,
    AccountStatus,
    Offer,
    Role,
    Structure,
    StructureMember,
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


# --- Structures and offers ------------------------------------------------------------------
#
# Ownership needs the database (team membership), so these take the session first:
# ``can_edit_offer(s, user, offer)``.  A structure's offers are shared by its *active*
# members (owner and accepted team members); the creator of an offer keeps access to it;
# admins may act on every offer and structure.


def member_structure_ids(s: Session, user: User | None) -> set[int]:
    """Structures where ``user`` is an active member (owner included)."""
    if not _active(user):
        return set()
    rows = s.execute(
        sa.select(StructureMember.structure_id).where(
            StructureMember.user_id == user.id, StructureMember.status == "active"
        )
    ).scalars()
    return set(rows)


def can_create_offer(user: User | None, obj: Any = None) -> bool:
    """« Déposer une offre »: employers, référents, operators and admins (active accounts)."""
    return _has_role(user, OFFER_POSTERS)


def can_edit_offer(s: Session, user: User | None, offer: Offer | None) -> bool:
    """Edit, preview, publish/unpublish, duplicate an offer and see its statistics and
    applications: the active members of the offer's structure, its creator, admins."""
    if offer is None or not _active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role not in OFFER_POSTERS:
        return False
    if offer.created_by_id is not None and offer.created_by_id == user.id:
        return True
    return offer.structure_id is not None and offer.structure_id in member_structure_ids(s, user)


def _structure_validated(s: Session, structure_id: int | None) -> bool:
    if structure_id is None:
        return True
    status = s.execute(
        sa.select(Structure.validation_status).where(Structure.id == structure_id)
    ).scalar_one_or_none()
    return status in (None, "validated")


def can_publish_offer(s: Session, user: User | None, offer: Offer | None) -> bool:
    """Publish / republish: an editor of the offer whose structure is validated (admins
    always; the structure's pending validation is only a setting for new employers)."""
    if not can_edit_offer(s, user, offer):
        return False
    return user.role == Role.ADMIN or _structure_validated(s, offer.structure_id)


def is_structure_owner(s: Session, user: User | None, structure: Structure | None) -> bool:
    if structure is None or not _active(user):
        return False
    if structure.owner_id == user.id:
        return True
    row = s.execute(
        sa.select(StructureMember.id).where(
            StructureMember.structure_id == structure.id,
            StructureMember.user_id == user.id,
            StructureMember.role == "owner",
            StructureMember.status == "active",
        )
    ).first()
    return row is not None


def can_manage_structure(s: Session, user: User | None, structure: Structure | None) -> bool:
    """Edit the structure, its logo and team (join requests): its owner, admins."""
    if structure is None or not _active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role in OFFER_POSTERS and is_structure_owner(s, user, structure)


def can_validate_structures(user: User | None, obj: Any = None) -> bool:
    """Validate or refuse new structures (setting « employer_validation_required »)."""
    return _has_role(user, ADMINS)


# --- Applications ---------------------------------------------------------------------------
#
# ``app`` is an :class:`~mystage.models.Application`; the offer is passed when the caller has
# it (employer side).  Admins may act as the school and as the employer.

_NOT_SENT_TO_EMPLOYER = frozenset({"submitted", "awaiting_school", "refused_by_school"})


def is_application_pupil(user: User | None, app: Any) -> bool:
    """The pupil who applied (confirm, cancel, see their application)."""
    return _has_role(user, PUPILS) and app is not None and getattr(app, "pupil_id", None) == user.id


def can_decide_application(s: Session, user: User | None, app: Any, offer: Offer | None) -> bool:
    """Read, review, accept, refuse, cancel an application: whoever may edit its offer
    (active members of the structure, the offer's creator, admins), once the application
    was sent to the employer (before, the employer does not see it)."""
    if app is None or offer is None or getattr(app, "offer_id", None) != offer.id:
        return False
    if getattr(app, "state", None) in _NOT_SENT_TO_EMPLOYER:
        return False
    return can_edit_offer(s, user, offer)


def can_validate_application(user: User | None, app: Any) -> bool:
    """The school's validation of an application: staff of the pupil's school, admins."""
    if app is None or not _active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    school_id = getattr(app, "school_id", None)
    return user.role in STAFF and school_id is not None and user.school_id == school_id

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
    EmployerSpace,
    Offer,
    Role,
    SchoolClass,
    SpaceMember,
    StaffClass,
    StaffMembership,
    Structure,
    StructureMember,
    User,
)
from mystage.services.ids import client_id
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


def is_operator_api_account(user: User | None) -> bool:
    """The technical account an operator's API calls act as (``admin_orgs.api_user``:
    role « opérateur », no e-mail, phone nor password, so it can never log in)."""
    return (
        _active(user)
        and user.role == Role.OPERATEUR
        and user.operator_id is not None
        and user.first_name == "API"
        and user.email is None
        and user.phone is None
        and user.password_hash is None
    )


def _active(user: User | None) -> bool:
    """A logged-in, active, not deleted nor blocked account."""
    return (
        user is not None
        and user.id is not None
        and user.status == AccountStatus.ACTIVE
        and user.deleted_at is None
        and user.anonymized_at is None
        and user.blocked_at is None
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


def can_edit_account(user: User | None, obj: Any = None) -> bool:
    """« Mon compte » (names, e-mail address, mobile number, sessions): only one's own
    account, whatever the role (nobody, admins included, edits someone else's here)."""
    return _active(user) and (obj is None or _is_self(user, obj))


def can_revoke_session(user: User | None, session: Any = None) -> bool:
    """Close a login session: only one of one's own (``session``: an ``AuthSession``)."""
    if not _active(user):
        return False
    return session is None or getattr(session, "user_id", None) == user.id


# --- Platform -------------------------------------------------------------------------------


def can_view_dev_mailbox(user: User | None, obj: Any = None) -> bool:
    """``/dev/mails``: only while the dev mailbox is on (``DEV_MAILBOX=true`` and a
    ``PUBLIC_URL`` that is not https: see ``Settings.dev_mailbox``).

    Anyone may open it then (it is how a tester reads activation mails before having an
    account); otherwise it is off, whoever asks.
    """
    return bool(get_settings().dev_mailbox)


def can_admin(user: User | None, obj: Any = None) -> bool:
    """Administration pages and actions (administrators only)."""
    return _has_role(user, ADMINS)


MODERATORS = frozenset({Role.ADMIN, Role.MODERATEUR})


def can_moderate(user: User | None, obj: Any = None) -> bool:
    """Moderation of offers and structures (issue 18): the offers' review queue, reports,
    pending structures, merges and suspensions — administrators and moderators."""
    return _has_role(user, MODERATORS)


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


# --- Spaces: a member may be limited to some of the structure's spaces -------------------------
#
# ``StructureMember.all_spaces`` False limits the member to the spaces where they have a
# ``SpaceMember`` row with ``access`` True; the owner always sees every space.  A member
# sees an offer of their structure only in a space they may access — even one they created
# (the creator rule only counts for structures they are not an active member of).


def member_space_limits(s: Session, user: User | None) -> dict[int, set[int] | None]:
    """Structure id → None (every space) or the ids of the spaces ``user`` is limited to,
    for each structure where ``user`` is an active member."""
    if not _active(user):
        return {}
    rows = s.execute(
        sa.select(StructureMember.structure_id, StructureMember.all_spaces).where(
            StructureMember.user_id == user.id, StructureMember.status == "active"
        )
    ).all()
    out: dict[int, set[int] | None] = {}
    for structure_id, all_spaces in rows:
        if all_spaces or out.get(structure_id, 0) is None:
            out[structure_id] = None
        else:
            out.setdefault(structure_id, set())
    limited = sorted(k for k, v in out.items() if v is not None)
    if limited:
        found = s.execute(
            sa.select(EmployerSpace.structure_id, SpaceMember.space_id)
            .join(EmployerSpace, EmployerSpace.id == SpaceMember.space_id)
            .where(
                SpaceMember.user_id == user.id,
                SpaceMember.access.is_(True),
                EmployerSpace.structure_id.in_(limited),
            )
        ).all()
        for structure_id, space_id in found:
            out[structure_id].add(space_id)
    return out


def offer_scope(s: Session, user: User | None) -> sa.ColumnElement[bool]:
    """SQL condition on ``offers``: the offers ``user`` may manage (as :func:`can_edit_offer`
    for the non-admins): every offer of a structure where they see every space, the offers
    of the spaces they are limited to, the offers they created outside their structures."""
    limits = member_space_limits(s, user)
    if not limits:
        if not _active(user):
            return sa.false()
        return Offer.created_by_id == user.id
    full = sorted(k for k, v in limits.items() if v is None)
    spaces = sorted({sp for v in limits.values() if v is not None for sp in v})
    conds: list[sa.ColumnElement[bool]] = [
        sa.and_(
            Offer.created_by_id == user.id,
            sa.or_(Offer.structure_id.is_(None), Offer.structure_id.not_in(sorted(limits))),
        )
    ]
    if full:
        conds.append(Offer.structure_id.in_(full))
    if spaces:
        conds.append(Offer.space_id.in_(spaces))
    return sa.or_(*conds)


def can_access_space(s: Session, user: User | None, space: EmployerSpace | None) -> bool:
    """See a space, its offers, and choose its notifications: the structure's active
    members who may access it, admins."""
    if space is None or not _active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    limits = member_space_limits(s, user)
    if space.structure_id not in limits:
        return False
    allowed = limits[space.structure_id]
    return allowed is None or space.id in allowed


def can_manage_spaces(s: Session, user: User | None, structure: Structure | None) -> bool:
    """Create, rename, delete spaces, move offers, limit members: the owner, admins."""
    return can_manage_structure(s, user, structure)


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
    if is_operator_api_account(user) and offer.operator_id == user.operator_id:
        return True  # issue 19: the API acts on every offer of its operator
    limits = member_space_limits(s, user)
    if offer.structure_id is not None and offer.structure_id in limits:
        allowed = limits[offer.structure_id]
        return allowed is None or (offer.space_id is not None and offer.space_id in allowed)
    return offer.created_by_id is not None and offer.created_by_id == user.id


def _structure_validated(s: Session, structure_id: int | None) -> bool:
    if structure_id is None:
        return True
    row = s.execute(
        sa.select(Structure.validation_status, Structure.suspended_at).where(
            Structure.id == structure_id
        )
    ).first()
    if row is None:
        return True
    return row[0] == "validated" and row[1] is None  # a suspended structure cannot publish


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
    """Validate or refuse new structures (setting « employer_validation_required »):
    administrators and moderators (issue 18)."""
    return _has_role(user, MODERATORS)


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


def can_validate_application(user: User | None, app: Any, *, s: Session | None = None) -> bool:
    """The school's validation of an application: staff of the pupil's school, admins.

    With the session ``s``, also what only the database knows: a staff member other than
    the head needs an *active* membership of that school (pending or removed members may
    not), and a teacher the head restricted to some classes only validates the
    applications of pupils of those classes."""
    if app is None or not _active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    school_id = getattr(app, "school_id", None)
    if not (user.role in STAFF and school_id is not None and user.school_id == school_id):
        return False
    if s is None:
        return True
    if school_of_staff(s, user) != school_id:
        return False
    visible = visible_class_ids(s, user)
    if visible is None:
        return True
    pupil_id = getattr(app, "pupil_id", None)
    current = s.execute(sa.select(User.class_id).where(User.id == pupil_id)).scalar_one_or_none()
    return current in visible or getattr(app, "class_id", None) in visible


# --- Schools --------------------------------------------------------------------------------
#
# A staff member's school is ``user.school_id``.  The chef d'établissement (an *active*
# account: an académie address other than the school's official mailbox waits for an
# admin's validation first) manages it; every other staff member needs an *active*
# :class:`StaffMembership` of that same school: pending (not accepted yet), refused or
# removed members see nothing.  The head may restrict a staff member to some classes
# (``staff_scope == "classes"`` + their :class:`StaffClass` rows).  Admins see every school.

HEADS = frozenset({Role.CHEF_ETABLISSEMENT})


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and client_id(value) is not None


def is_school_head(user: User | None, school_id: Any = None) -> bool:
    """An active chef d'établissement (of ``school_id`` when given)."""
    if not _has_role(user, HEADS) or user.school_id is None:
        return False
    return school_id is None or (_valid_id(school_id) and user.school_id == school_id)


def school_of_staff(s: Session, user: User | None) -> int | None:
    """The school where ``user`` is head or an active staff member, else None."""
    if not _has_role(user, STAFF) or user.school_id is None:
        return None
    if user.role in HEADS:
        return user.school_id
    row = s.execute(
        sa.select(StaffMembership.id).where(
            StaffMembership.user_id == user.id,
            StaffMembership.school_id == user.school_id,
            StaffMembership.status == "active",
        )
    ).first()
    return user.school_id if row is not None else None


def visible_class_ids(s: Session, user: User | None) -> set[int] | None:
    """The classes a school staff member sees: None = the whole school (head, staff with
    the school-wide scope, admins); else the set of class ids, possibly empty (restricted
    teachers; anyone who is not an active staff member)."""
    if _has_role(user, ADMINS):
        return None
    school_id = school_of_staff(s, user)
    if school_id is None:
        return set()
    if user.role in HEADS or user.staff_scope != "classes":
        return None
    rows = s.execute(
        sa.select(StaffClass.class_id)
        .join(SchoolClass, SchoolClass.id == StaffClass.class_id)
        .where(
            StaffClass.user_id == user.id,
            SchoolClass.school_id == school_id,
            SchoolClass.deleted_at.is_(None),
        )
    ).scalars()
    return set(rows)


def can_manage_school(s: Session, user: User | None, school_id: Any) -> bool:
    """Set up the school (classes, weeks, settings) and manage its staff and their rights:
    the school's head, admins."""
    if not _valid_id(school_id):
        return False
    if _has_role(user, ADMINS):
        return True
    return is_school_head(user, school_id)


def can_view_school(s: Session, user: User | None, school_id: Any) -> bool:
    """The school's space (tables, lists): its head and active staff members, admins."""
    if not _valid_id(school_id):
        return False
    if _has_role(user, ADMINS):
        return True
    return school_of_staff(s, user) == school_id


def can_view_class(s: Session, user: User | None, school_class: SchoolClass | None) -> bool:
    """A class of the caller's school, within the classes the head let them see."""
    if school_class is None or school_class.deleted_at is not None:
        return False
    if not can_view_school(s, user, school_class.school_id):
        return False
    visible = visible_class_ids(s, user)
    return visible is None or school_class.id in visible


def can_view_pupil(s: Session, user: User | None, pupil: User | None) -> bool:
    """A pupil of the caller's school (of one of their classes when restricted): see the
    pupil's applications, record the parents' authorization, move the pupil."""
    if pupil is None or pupil.role != Role.ELEVE or pupil.deleted_at is not None:
        return False
    if pupil.school_id is None or not can_view_school(s, user, pupil.school_id):
        return False
    visible = visible_class_ids(s, user)
    return visible is None or pupil.class_id in visible

"""Who may do what with a convention: one function per action, built on
:mod:`mystage.services.permissions` (never re-implemented here).

- the employer's side: whoever may decide the offer's applications (structure members, the
  offer's author: seed 004's delegation), admins read only;
- the school's side: staff of the pupil's school within their scope read; the head and
  staff with the school-wide scope (given by the head) fill the school's part; only the head
  signs for the school;
- the pupil: their own convention; a legal representative: through their personal link
  (:mod:`.signing`), never through an account.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import (
    AccountStatus,
    Application,
    Convention,
    ConventionState,
    Offer,
    Role,
    User,
)
from mystage.services import permissions
from mystage.services.ids import client_id

C = ConventionState


@dataclass
class Loaded:
    """A convention with its application, offer and pupil (loaded once per call)."""

    conv: Convention
    app: Application
    offer: Offer
    pupil: User


def head_of(s: Session, school_id: int) -> User | None:
    """The school's head: an active account with the head's role at this school."""
    return (
        s.execute(
            sa.select(User)
            .where(
                User.role == Role.CHEF_ETABLISSEMENT,
                User.school_id == school_id,
                User.status == AccountStatus.ACTIVE,
            )
            .order_by(User.id)
        )
        .scalars()
        .first()
    )


def load(s: Session, conv_id: object) -> Loaded | None:
    cid = client_id(conv_id)
    if cid is None:
        return None
    conv = s.get(Convention, cid)
    if conv is None:
        return None
    app = s.get(Application, conv.application_id)
    offer = s.get(Offer, app.offer_id) if app else None
    pupil = s.get(User, app.pupil_id) if app else None
    if app is None or offer is None or pupil is None:
        return None
    return Loaded(conv, app, offer, pupil)


def is_employer(s: Session, user: User | None, x: Loaded) -> bool:
    if user is None or user.role == Role.ADMIN:
        return False
    return permissions.can_edit_offer(s, user, x.offer)


def is_school_staff(s: Session, user: User | None, x: Loaded) -> bool:
    """Staff who see this pupil (within their classes when restricted)."""
    if user is None or user.role == Role.ADMIN:
        return False
    return permissions.can_view_pupil(s, user, x.pupil) and x.app.school_id == x.pupil.school_id


def may_edit_school_part(s: Session, user: User | None, x: Loaded) -> bool:
    """The head, and staff the head gave the school-wide scope."""
    if not is_school_staff(s, user, x):
        return False
    return user.role == Role.CHEF_ETABLISSEMENT or user.staff_scope == "school"


def is_head(s: Session, user: User | None, x: Loaded) -> bool:
    return permissions.is_school_head(user, x.app.school_id) and is_school_staff(s, user, x)


def is_pupil(user: User | None, x: Loaded) -> bool:
    return permissions.is_application_pupil(user, x.app)


def may_view(s: Session, user: User | None, x: Loaded) -> bool:
    if user is None:
        return False
    if permissions.can_admin(user):
        return True
    return is_pupil(user, x) or is_employer(s, user, x) or is_school_staff(s, user, x)


def user_role(s: Session, user: User | None, x: Loaded) -> str:
    """The signatory role the caller holds on this convention ("" when none)."""
    if is_pupil(user, x):
        return "pupil"
    if is_head(s, user, x):
        return "school_head"
    if is_employer(s, user, x):
        return "employer"
    return ""

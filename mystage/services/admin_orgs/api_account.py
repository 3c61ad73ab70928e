"""The account an operator's API calls act as: one technical user per operator (role
« opérateur », no e-mail, phone nor password: it can never log in), made at its first call.
Offers created through the API are its; the audit log names it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mystage import clock
from mystage.models import AccountStatus, Operator, Role, User

API_FIRST_NAME = "API"


def api_user(s: Session, operator_id: int) -> User:
    """The operator's technical account (made and flushed when missing)."""
    query = (
        sa.select(User)
        .where(
            User.operator_id == operator_id,
            User.role == Role.OPERATEUR,
            User.first_name == API_FIRST_NAME,
            User.email.is_(None),
            User.phone.is_(None),
            User.password_hash.is_(None),
        )
        .order_by(User.id)
    )
    user = s.execute(query).scalars().first()
    if user is not None:
        return user
    operator = s.get(Operator, operator_id)
    now = clock.now()
    user = User(
        role=Role.OPERATEUR, status=AccountStatus.ACTIVE, operator_id=operator_id,
        first_name=API_FIRST_NAME, last_name=(operator.name if operator else "")[:100],
        activated_at=now, created_at=now,
    )  # fmt: skip
    try:
        with s.begin_nested():
            s.add(user)
            s.flush()
    except IntegrityError:  # pragma: no cover - no unique column is set
        return s.execute(query).scalars().first()
    return user

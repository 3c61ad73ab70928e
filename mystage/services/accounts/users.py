"""Small shared pieces: find a user by identifier, whether an account can be used, the
audit row of an account event, text without control characters."""

from __future__ import annotations

from sqlmodel import Session, select

from mystage import clock
from mystage.models import AccountStatus, AuditLog, User


def user_by(s: Session, kind: str, value: str) -> User | None:
    column = User.email if kind == "email" else User.phone
    return s.exec(select(User).where(column == value)).first()


def is_usable(user: User | None) -> bool:
    return user is not None and user.deleted_at is None and user.anonymized_at is None


def is_active(user: User | None) -> bool:
    """Usable, active and not blocked by an administrator (issue 18): a blocked account
    opens no session, no login grant and no magic link."""
    return is_usable(user) and user.status == AccountStatus.ACTIVE and user.blocked_at is None


def audit_user(
    s: Session,
    user: User,
    action: str,
    *,
    from_state: str = "",
    to_state: str = "",
    actor: User | None = None,
    message: str = "",
) -> None:
    s.add(
        AuditLog(
            entity="user",
            entity_id=user.id,
            action=action,
            from_state=from_state[:24],
            to_state=to_state[:24],
            actor_id=actor.id if actor is not None else None,
            actor_role=actor.role if actor is not None else "system",
            message=message,
            created_at=clock.now(),
        )
    )


def inputs_of(user: User) -> tuple[str, ...]:
    """What a password must not be built on: the person's names and identifiers."""
    return tuple(v for v in (user.first_name, user.last_name, user.email, user.phone) if v)


def without_controls(value: str) -> str:
    """``value`` without control characters (NUL and others: PostgreSQL refuses NUL)."""
    return "".join(ch for ch in value if ch >= " " and ch != "\x7f")

"""Password login: lockout of the account attacked, slow-down of a noisy address
(:func:`login_delay`), never a refusal of the right password for an unlocked account."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import REFERENT_ROLES, AccountStatus, Role, User
from mystage.services.accounts import passwords, ratelimit
from mystage.services.accounts.identifiers import parse_identifier
from mystage.services.accounts.limits import (
    LIMITS,
    LOCKOUT_DURATION,
    LOCKOUT_THRESHOLD,
    LOGIN_DELAY_FIRST,
    LOGIN_DELAY_MAX,
    LOGIN_DELAY_STEP,
    SCOPE_LOGIN,
    record_attempts,
)
from mystage.services.accounts.messages import (
    MSG_BAD_CREDENTIALS,
    MSG_BLOCKED,
    MSG_DISABLED,
    MSG_LOCKED,
    MSG_NOT_ACTIVATED,
    MSG_PENDING_HEAD,
    MSG_PENDING_REFERENT,
    MSG_PENDING_VALIDATION,
    MSG_REFUSED,
    MSG_SLOWED,
)
from mystage.services.accounts.sessions import issue_login_grant
from mystage.services.accounts.users import audit_user, is_usable, user_by


def _register_failure(s: Session, user: User) -> bool:
    """Count a wrong password; lock the account at the threshold.  True when just locked."""
    s.exec(
        sa.update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .execution_options(synchronize_session=False)
    )
    s.refresh(user)
    if user.failed_logins < LOCKOUT_THRESHOLD:
        return False
    now = clock.now()
    locked = s.exec(
        sa.update(User)
        .where(User.id == user.id, User.failed_logins >= LOCKOUT_THRESHOLD)
        .values(failed_logins=0, locked_until=now + LOCKOUT_DURATION, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    s.refresh(user)
    if locked.rowcount == 1:
        audit_user(s, user, "lockout", message=f"{LOCKOUT_THRESHOLD} échecs de connexion")
        return True
    return False


def pending_validation_message(user: User | None) -> str:
    """Who validates an account awaiting validation, in words fitting its role."""
    role = user.role if user is not None else ""
    if role in REFERENT_ROLES:
        return MSG_PENDING_REFERENT
    if role == Role.CHEF_ETABLISSEMENT:
        return MSG_PENDING_HEAD
    return MSG_PENDING_VALIDATION


def _status_message(user: User) -> str | None:
    if user.blocked_at is not None:
        return MSG_BLOCKED
    if user.status == AccountStatus.ACTIVE:
        return None
    if user.status == AccountStatus.PENDING_VALIDATION:
        return pending_validation_message(user)
    return {
        AccountStatus.PENDING_ACTIVATION: MSG_NOT_ACTIVATED,
        AccountStatus.REFUSED: MSG_REFUSED,
    }.get(user.status, MSG_DISABLED)


def login_delay(s: Session, ip: str | None) -> float:
    """Seconds the next login from ``ip`` waits before its password is checked: 0 while the
    address has fewer than ``LIMITS["login_ip"]`` failures in the window, then
    ``LOGIN_DELAY_FIRST`` plus ``LOGIN_DELAY_STEP`` per further failure, at most
    ``LOGIN_DELAY_MAX``.  The wait slows guessing from that address down without refusing
    anyone (the Reflex handler sleeps it outside any database thread)."""
    lim = LIMITS["login_ip"]
    failures = ratelimit.count(s, SCOPE_LOGIN, ratelimit.ip_key(ip), lim.window, failures_only=True)
    if failures < lim.limit:
        return 0.0
    delay = LOGIN_DELAY_FIRST + LOGIN_DELAY_STEP * (failures - lim.limit)
    return round(min(LOGIN_DELAY_MAX, delay), 2)


def authenticate(
    s: Session, identifier: str | None, password: str | None, ip: str | None
) -> tuple[User | None, str | None]:
    """Password login by e-mail or phone.  Returns ``(user, None)`` or ``(None, message)``.

    - A right password for an active account that is not locked is accepted, whatever the
      client address did (the address only gets slowed down: :func:`login_delay`).
    - A wrong password counts against the account (``LOCKOUT_THRESHOLD`` in a row lock it
      for ``LOCKOUT_DURATION``; a reset or a magic link unlocks it) and against the address.
    - An unknown identifier locks nobody; after ``LIMITS["login_id"]`` failures in its
      window it answers like a locked account, so the answers do not tell which exist.
    - Refused attempts (locked account) are not recorded: they never extend a block.
    - Unknown accounts cost the same argon2 check (dummy hash); account-state messages (not
      activated, awaiting validation…) come only after the right password.
    """
    kind, norm = parse_identifier(identifier)
    ip_key = ratelimit.ip_key(ip)
    id_key = ratelimit.ident_key(norm) if norm else None
    ip_lim = LIMITS["login_ip"]
    slowed = not ratelimit.check(
        s, SCOPE_LOGIN, ip_key, ip_lim.limit, ip_lim.window, failures_only=True
    )
    failed = MSG_BAD_CREDENTIALS + (" " + MSG_SLOWED if slowed else "")

    user = user_by(s, kind, norm) if norm else None
    if not is_usable(user):
        passwords.verify_dummy(password)
        id_lim = LIMITS["login_id"]
        if id_key is not None and not ratelimit.check(
            s, SCOPE_LOGIN, id_key, id_lim.limit, id_lim.window, failures_only=True
        ):
            s.rollback()
            return None, MSG_LOCKED
        record_attempts(s, SCOPE_LOGIN, [ip_key] + ([id_key] if id_key else []), False)
        s.commit()
        return None, failed

    now = clock.now()
    if user.locked_until is not None and clock.as_utc(user.locked_until) > now:
        passwords.verify_dummy(password)  # same cost; a right password does not unlock
        s.rollback()
        return None, MSG_LOCKED

    if not passwords.verify_password(password, user.password_hash):
        just_locked = _register_failure(s, user)
        ratelimit.record(s, SCOPE_LOGIN, ip_key, False)
        s.commit()
        return None, MSG_LOCKED if just_locked else failed

    # Right password: the failure streak ends whatever the account state.
    user.failed_logins = 0
    user.locked_until = None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    message = _status_message(user)
    if message is None:
        user.last_login_at = now
    s.commit()
    return (user, None) if message is None else (None, message)


def password_login(
    s: Session, identifier: str | None, password: str | None, ip: str | None, next_url: str = "/"
) -> tuple[str | None, str | None]:
    """:func:`authenticate` then :func:`issue_login_grant` in one call (one thread hop for
    the login form): ``(grant, None)`` or ``(None, message)``."""
    user, message = authenticate(s, identifier, password, ip)
    if user is None:
        return None, message
    return issue_login_grant(s, user, next_url), None

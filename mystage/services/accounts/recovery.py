"""A new password: « Mot de passe oublié ? » by mailed link (1 h) or SMS code (15 min),
and the change from « Mon compte »."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from mystage import clock
from mystage.models import AccountStatus, TokenPurpose, User
from mystage.services.accounts import passwords, ratelimit, tokens
from mystage.services.accounts.activation import mark_activated
from mystage.services.accounts.delivery import mail_link, send_phone_code
from mystage.services.accounts.identifiers import normalize_phone, parse_identifier
from mystage.services.accounts.limits import LIMITS, take_request
from mystage.services.accounts.messages import (
    MSG_CODE_INVALID,
    MSG_CURRENT_PASSWORD,
    MSG_DISABLED,
    MSG_RATE_LIMITED,
    MSG_RESET_INVALID,
    MSG_SAME_PASSWORD,
)
from mystage.services.accounts.profile_changes import tell_password_changed
from mystage.services.accounts.sessions import revoke_all
from mystage.services.accounts.users import (
    audit_user,
    inputs_of,
    is_active,
    is_usable,
    user_by,
)

RESET_TTL = timedelta(hours=1)


def request_password_reset(s: Session, identifier: str | None, ip: str | None) -> str:
    """« Mot de passe oublié ? »: a link by e-mail (1 h) or a 6-digit code by SMS (15 min).

    Returns the *kind of identifier typed* — ``"email"``, ``"phone"`` or ``"unknown"`` (not
    an address nor a mobile number) — never whether an account exists: the UI shows the
    same neutral message and, for ``"phone"``, always the code form.  Rate limited (scope
    ``reset``); does nothing for unknown, refused or disabled accounts.
    """
    kind, norm = parse_identifier(identifier)
    if kind is None:
        return "unknown"
    if not take_request(s, "reset", ip, norm):
        s.rollback()
        return kind
    user = user_by(s, kind, norm)
    if _may_reset(user):
        if kind == "email":
            mail_reset_link(s, user)
        else:
            send_phone_code(s, user, "reset")
    s.commit()
    return kind


def mail_reset_link(s: Session, user: User) -> bool:
    """Mail a « choisir un nouveau mot de passe » link (1 h, single use) to the account's
    address, in the caller's transaction.  False (nothing sent) for an account without an
    address or one that may not reset (deleted, refused, disabled)."""
    if not _may_reset(user) or not user.email:
        return False
    mail_link(
        s,
        user,
        TokenPurpose.PASSWORD_RESET,
        to=user.email,
        path="/mot-de-passe/nouveau",
        template="password_reset",
        ttl=RESET_TTL,
        valid_for="1 heure",
    )
    return True


def _may_reset(user: User | None) -> bool:
    """Unknown, deleted, refused and disabled accounts get no reset."""
    return is_usable(user) and user.status not in (AccountStatus.REFUSED, AccountStatus.DISABLED)


def _set_new_password(s: Session, user: User, new_password: str, via: str) -> None:
    """New hash, lockout cleared, every session revoked, other reset secrets voided."""
    now = clock.now()
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = now
    user.failed_logins = 0
    user.locked_until = None
    user.updated_at = now
    if via == "e-mail" and user.email_verified_at is None:
        user.email_verified_at = now
    if via == "sms" and user.phone_verified_at is None:
        user.phone_verified_at = now
    mark_activated(s, user, via)  # the link/code proved the address: activate a pending account
    revoke_all(s, user.id)
    tokens.invalidate(s, TokenPurpose.PASSWORD_RESET, user_id=user.id)
    tokens.invalidate(s, TokenPurpose.PHONE_CODE, user_id=user.id, action="reset")
    audit_user(s, user, "password_reset", actor=user, message=via)


def _finish_reset(
    s: Session, user: User, new_password: str, via: str
) -> tuple[User | None, dict[str, str]]:
    """The link or code was right: check the password against the person's names (when it
    fails the link or code stays usable for another try), then set it and commit."""
    if pw_error := passwords.password_error(new_password, user_inputs=inputs_of(user)):
        s.rollback()
        return None, {"password": pw_error}
    _set_new_password(s, user, new_password, via)
    s.commit()
    return user, {}


def reset_password(
    s: Session, raw_token: str | None, new_password: str
) -> tuple[User | None, dict[str, str]]:
    """Choose a new password from the e-mailed link.  Errors: ``password`` (rules, the link
    is kept for another try) or ``token`` (link used, expired or unknown)."""
    pw_error = passwords.password_error(new_password)
    if pw_error:
        return None, {"password": pw_error}
    tok = tokens.consume(s, TokenPurpose.PASSWORD_RESET, raw_token)
    user = s.get(User, tok.user_id) if tok is not None and tok.user_id else None
    if not _may_reset(user):
        s.rollback()
        return None, {"token": MSG_RESET_INVALID}
    return _finish_reset(s, user, new_password, "e-mail")


def reset_password_with_code(
    s: Session, phone: str | None, code: str | None, new_password: str
) -> tuple[User | None, dict[str, str]]:
    """Choose a new password with the SMS code.  Errors: ``password`` or ``code``."""
    pw_error = passwords.password_error(new_password)
    if pw_error:
        return None, {"password": pw_error}
    norm = normalize_phone(phone)
    user = user_by(s, "phone", norm) if norm else None
    if not _may_reset(user):
        return None, {"code": MSG_CODE_INVALID}
    tok = tokens.verify_code(
        s, TokenPurpose.PHONE_CODE, user_id=user.id, target=norm, code=code, action="reset"
    )
    if tok is None:
        s.commit()  # keep the attempt count
        return None, {"code": MSG_CODE_INVALID}
    return _finish_reset(s, user, new_password, "sms")


def change_password(
    s: Session, user: User, current: str, new: str, *, keep_token: str | None = None
) -> dict[str, str]:
    """Change one's password (fields ``current_password``, ``new_password``).

    Other sessions are revoked; pass the current session token as ``keep_token`` to stay
    logged in here (otherwise every session is revoked).  The person is told (mail, or SMS
    without an address).  Wrong current passwords are
    limited per user (scope ``change_password``).
    """
    me = s.get(User, user.id)
    if not is_active(me):
        return {"current_password": MSG_DISABLED}
    key = ratelimit.ident_key(f"user:{me.id}")
    lim = LIMITS["change_password_user"]
    if not ratelimit.check(s, "change_password", key, lim.limit, lim.window, failures_only=True):
        return {"current_password": MSG_RATE_LIMITED}
    errors: dict[str, str] = {}
    current_ok = passwords.verify_password(current, me.password_hash)
    if not current_ok:
        errors["current_password"] = MSG_CURRENT_PASSWORD
    pw_error = passwords.password_error(new, user_inputs=inputs_of(me))
    if pw_error:
        errors["new_password"] = pw_error
    elif current_ok and new == current:
        errors["new_password"] = MSG_SAME_PASSWORD
    if errors:
        s.rollback()
        if not current_ok:
            ratelimit.record(s, "change_password", key, False)
            s.commit()
        return errors
    now = clock.now()
    me.password_hash = passwords.hash_password(new)
    me.password_changed_at = now
    me.updated_at = now
    revoke_all(s, me.id, keep_token)
    audit_user(s, me, "password_change", actor=me)
    tell_password_changed(s, me)
    ratelimit.record(s, "change_password", key, True)
    s.commit()
    return {}

"""Activation: the mailed link (48 h) or the SMS code (15 min) proves the address, and the
account becomes active (référents: awaiting validation by an administrator)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from mystage import clock
from mystage.models import REFERENT_ROLES, AccountStatus, TokenPurpose, User
from mystage.services.accounts import tokens
from mystage.services.accounts.admin import tell_admins_of_referent
from mystage.services.accounts.delivery import mail_link, send_phone_code
from mystage.services.accounts.identifiers import normalize_phone, parse_identifier
from mystage.services.accounts.limits import take_request
from mystage.services.accounts.messages import MSG_ACTIVATION_INVALID, MSG_CODE_INVALID
from mystage.services.accounts.users import audit_user, is_usable, user_by

ACTIVATION_TTL = timedelta(hours=48)


def mark_activated(s: Session, user: User, how: str) -> None:
    """pending_activation → active (e-mail or phone proven).

    Référents (départemental, académique, central) go to pending_validation instead: their
    account opens statistics and exports of a territory, so a platform administrator
    validates it first (seed 001); every active administrator is told by mail."""
    if user.status != AccountStatus.PENDING_ACTIVATION:
        return
    now = clock.now()
    needs_validation = user.role in REFERENT_ROLES
    new_status = AccountStatus.PENDING_VALIDATION if needs_validation else AccountStatus.ACTIVE
    user.status = new_status
    user.activated_at = now
    user.updated_at = now
    audit_user(
        s,
        user,
        "activate",
        from_state=AccountStatus.PENDING_ACTIVATION,
        to_state=new_status,
        actor=user,
        message=how,
    )
    if needs_validation:
        tell_admins_of_referent(s, user)


def awaits_validation(user: User | None) -> bool:
    """True when the account waits for the MyStage team (or the school) to validate it."""
    return user is not None and user.status == AccountStatus.PENDING_VALIDATION


def send_activation_mail(s: Session, user: User) -> None:
    mail_link(
        s,
        user,
        TokenPurpose.ACTIVATION,
        to=user.email,
        path="/activation",
        template="activation",
        ttl=ACTIVATION_TTL,
        valid_for="48 heures",
    )


def send_activation(s: Session, user: User) -> str:
    """A new activation link by e-mail (or, for an account with a mobile number only, a new
    SMS code) to a not-yet-activated account, in the caller's transaction (earlier links or
    codes stop working).  Returns the channel used: ``"email"``, ``"sms"`` or ``""`` (the
    account is not awaiting activation, or has nowhere to send to)."""
    if not is_usable(user) or user.status != AccountStatus.PENDING_ACTIVATION:
        return ""
    if user.email:
        send_activation_mail(s, user)
        return "email"
    if user.phone:
        send_phone_code(s, user, "activation")
        return "sms"
    return ""


def after_signup_url(user: User | None, default: str = "/espace") -> str:
    """Where a new account goes once activated: back to the offer it came from, if any."""
    if user is not None and user.targeted_offer_id:
        return f"/offres/{int(user.targeted_offer_id)}"
    return default


def activate(s: Session, raw_token: str | None) -> tuple[User | None, str | None]:
    """Open an activation link: the e-mail is verified and the account becomes active."""
    tok = tokens.consume(s, TokenPurpose.ACTIVATION, raw_token)
    user = s.get(User, tok.user_id) if tok is not None and tok.user_id else None
    if not is_usable(user):
        s.rollback()
        return None, MSG_ACTIVATION_INVALID
    now = clock.now()
    if tok.target and tok.target == user.email and user.email_verified_at is None:
        user.email_verified_at = now
    mark_activated(s, user, "e-mail")
    s.commit()
    return user, None


def confirm_phone(
    s: Session, phone: str | None, code: str | None
) -> tuple[User | None, str | None]:
    """Check the SMS code sent at sign-up (or on resend): the phone is verified and the
    account becomes active.  5 wrong codes kill the code (ask for a new one)."""
    norm = normalize_phone(phone)
    user = user_by(s, "phone", norm) if norm else None
    if not is_usable(user):
        return None, MSG_CODE_INVALID
    tok = tokens.verify_code(
        s,
        TokenPurpose.PHONE_CODE,
        user_id=user.id,
        target=norm,
        code=code,
        action="activation",
    )
    if tok is None:
        s.commit()  # keep the attempt count
        return None, MSG_CODE_INVALID
    if user.phone_verified_at is None:
        user.phone_verified_at = clock.now()
    mark_activated(s, user, "sms")
    s.commit()
    return user, None


def resend_activation(s: Session, identifier: str | None, ip: str | None) -> None:
    """Send a new activation link (e-mail) or code (phone) to a not-yet-activated account.

    Same silent answer whether the account exists or not; rate limited (scope ``resend``).
    """
    kind, norm = parse_identifier(identifier)
    if not take_request(s, "resend", ip, norm):
        s.rollback()
        return
    user = user_by(s, kind, norm) if norm else None
    if is_usable(user) and user.status == AccountStatus.PENDING_ACTIVATION:
        if kind == "email":
            send_activation_mail(s, user)
        else:
            send_phone_code(s, user, "activation")
    s.commit()

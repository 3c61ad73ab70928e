"""« Mon compte »: names, a new e-mail address (confirmed by a link sent to it), a new mobile
number (confirmed by an SMS code), and the notices telling the person what changed.

Rules
- Names: the sign-up's checks (required, 100 characters, no control characters).
- E-mail: :func:`request_email_change` mails a single-use link (purpose
  :data:`EMAIL_CHANGE_PURPOSE`, payload ``{"email": new}``, 24 h) to the NEW address and
  tells the old one; nothing changes until :func:`confirm_email_change` (the link opened).
  A new address taken by another account is not revealed when asked (the link is sent all
  the same, as sign-up answers the same for a taken address): opening it says the address
  is used by another account and changes nothing.
- Mobile: :func:`request_phone_change` sends a 6-digit code by SMS to the NEW number
  (``TokenPurpose.PHONE_CODE``, action ``change``, payload ``{"phone": new, "change": true}``,
  15 min, 5 tries); :func:`confirm_phone_change` checks it and sets the number (unique).
- Requests are rate limited as sign-ups per client address (``register_ip``,
  ``register_ip_day``), and 5 an hour per account and per new address or number
  (scope ``account_change``).
- Every change: an audit row (no personal data in its message), a notice to the person
  (mail to the account's address, or an SMS when it has none); conditional UPDATEs, so two
  links or codes racing change the row once.

Every function commits its own transaction (attempt counts must stick) and returns French
messages keyed by form field.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mystage import clock
from mystage.models import Role, TokenPurpose, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services.accounts import ratelimit, tokens
from mystage.services.accounts.delivery import CODE_TTL, link_url
from mystage.services.accounts.identifiers import normalize_email, normalize_phone
from mystage.services.accounts.limits import allowed, record_attempts
from mystage.services.accounts.messages import (
    MSG_CODE_INVALID,
    MSG_DISABLED,
    MSG_EMAIL_INVALID,
    MSG_FIRST_NAME_REQUIRED,
    MSG_LAST_NAME_REQUIRED,
    MSG_NAME_TOO_LONG,
    MSG_PHONE_INVALID,
    MSG_RATE_LIMITED,
)
from mystage.services.accounts.users import audit_user, is_active, user_by, without_controls

EMAIL_CHANGE_PURPOSE = "email_change"
EMAIL_CHANGE_TTL = timedelta(hours=24)
EMAIL_CHANGE_PATH = "/espace/compte/courriel"
PHONE_CHANGE_ACTION = "change"
SCOPE = "account_change"

MSG_EMAIL_SAME = "C'est déjà l'adresse de ce compte."
MSG_PHONE_SAME = "C'est déjà le numéro de ce compte."
MSG_EMAIL_LINK_INVALID = (
    "Ce lien n'est plus valide (déjà utilisé, expiré ou remplacé par une demande plus "
    "récente). Il faut refaire la demande depuis « Mon compte »."
)
MSG_EMAIL_USED = (
    "Cette adresse est déjà celle d'un autre compte MyStage : l'adresse du compte n'a pas "
    "changé. Il faut en choisir une autre depuis « Mon compte »."
)
MSG_PHONE_USED = (
    "Ce numéro est déjà celui d'un autre compte MyStage : le numéro de ce compte n'a pas changé."
)
MSG_NO_CODE = "Il faut d'abord demander un code pour le nouveau numéro."


def tu(user: User) -> bool:
    """A pupil is told « tu », everybody else « vous »."""
    return user.role == Role.ELEVE


def _me(s: Session, user_id: int) -> User | None:
    me = s.get(User, user_id) if isinstance(user_id, int) else None
    return me if is_active(me) else None


# --- Names ----------------------------------------------------------------------------------


def clean_names(first_name: object, last_name: object) -> tuple[str, str, dict[str, str]]:
    """The names as sign-up stores them, with the sign-up's messages."""
    first = without_controls(first_name).strip() if isinstance(first_name, str) else ""
    last = without_controls(last_name).strip() if isinstance(last_name, str) else ""
    errors: dict[str, str] = {}
    for key, value, missing in (
        ("first_name", first, MSG_FIRST_NAME_REQUIRED),
        ("last_name", last, MSG_LAST_NAME_REQUIRED),
    ):
        if not value:
            errors[key] = missing
        elif len(value) > 100:
            errors[key] = MSG_NAME_TOO_LONG
    return first, last, errors


def change_names(s: Session, user_id: int, first_name: object, last_name: object) -> dict[str, str]:
    """New first and last names for the account ``user_id`` (the caller)."""
    me = _me(s, user_id)
    if me is None:
        return {"form": MSG_DISABLED}
    first, last, errors = clean_names(first_name, last_name)
    if errors:
        return errors
    if (first, last) == (me.first_name, me.last_name):
        return {}
    s.exec(
        sa.update(User)
        .where(User.id == me.id)
        .values(first_name=first, last_name=last, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    audit_user(s, me, "name_change", actor=me)
    s.commit()
    return {}


# --- Rate limits ----------------------------------------------------------------------------


def _take(s: Session, user: User, target: str, ip: str | None) -> bool:
    """One more request for ``user`` towards ``target`` (new address or number), while under
    the limits; counted on every key when allowed."""
    pairs = [
        ("account_change_user", ratelimit.ident_key(f"user:{user.id}")),
        ("account_change_id", ratelimit.ident_key(target)),
    ]
    if ip:
        pairs += [
            ("register_ip", ratelimit.ip_key(ip)),
            ("register_ip_day", ratelimit.ip_key(ip)),
        ]
    if not allowed(s, SCOPE, pairs):
        return False
    record_attempts(s, SCOPE, list(dict.fromkeys(k for _, k in pairs)), True)
    return True


# --- E-mail address -------------------------------------------------------------------------


def request_email_change(
    s: Session, user_id: int, new_email: object, ip: str | None = None
) -> tuple[str | None, dict[str, str]]:
    """Mail a confirmation link to ``new_email`` and tell the current address.

    Returns ``(normalised new address, {})`` or ``(None, {"email": message})``."""
    me = _me(s, user_id)
    if me is None:
        return None, {"email": MSG_DISABLED}
    norm = normalize_email(new_email if isinstance(new_email, str) else None)
    if norm is None:
        return None, {"email": MSG_EMAIL_INVALID}
    if norm == me.email:
        return None, {"email": MSG_EMAIL_SAME}
    if not _take(s, me, norm, ip):
        s.rollback()
        return None, {"email": MSG_RATE_LIMITED}
    tokens.invalidate(s, EMAIL_CHANGE_PURPOSE, user_id=me.id)
    raw = tokens.issue(
        s,
        EMAIL_CHANGE_PURPOSE,
        user_id=me.id,
        target=norm,
        payload={"email": norm},
        ttl=EMAIL_CHANGE_TTL,
    )
    url = link_url(EMAIL_CHANGE_PATH, raw)
    subject, body = templates.render(
        "email_change_link", url=url, first_name=me.first_name, tu=tu(me)
    )
    queue_mail(
        s,
        to=norm,
        subject=subject,
        body=body,
        action_url=url,
        template="email_change_link",
        user_id=me.id,
    )
    if me.email:
        subject, body = templates.render(
            "email_change_requested", new_email=norm, first_name=me.first_name, tu=tu(me)
        )
        queue_mail(
            s,
            to=me.email,
            subject=subject,
            body=body,
            template="email_change_requested",
            user_id=me.id,
        )
    audit_user(s, me, "email_change_asked", actor=me)
    s.commit()
    return norm, {}


def confirm_email_change(s: Session, raw_token: object) -> tuple[User | None, str]:
    """The link sent to the new address was opened: it becomes the account's address.

    Returns ``(user, "")`` or ``(None, message)``.  A taken address changes nothing and the
    link stays usable (the other account may give it up)."""
    tok = tokens.consume(s, EMAIL_CHANGE_PURPOSE, raw_token if isinstance(raw_token, str) else None)
    user = s.get(User, tok.user_id) if tok is not None and tok.user_id else None
    new = tokens.payload_of(tok).get("email") if tok is not None else None
    if not is_active(user) or not isinstance(new, str) or normalize_email(new) != new:
        s.rollback()
        return None, MSG_EMAIL_LINK_INVALID
    if new != tok.target:
        s.rollback()
        return None, MSG_EMAIL_LINK_INVALID
    old = user.email
    if new == old:
        s.commit()
        return user, ""
    owner = user_by(s, "email", new)
    if owner is not None and owner.id != user.id:
        s.rollback()
        return None, MSG_EMAIL_USED
    now = clock.now()
    same_old = User.email.is_(None) if old is None else User.email == old
    try:
        result = s.exec(
            sa.update(User)
            .where(User.id == user.id, same_old)
            .values(email=new, email_verified_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        s.flush()
    except IntegrityError:
        s.rollback()
        return None, MSG_EMAIL_USED
    if result.rowcount != 1:
        s.rollback()
        return None, MSG_EMAIL_LINK_INVALID
    tokens.invalidate(s, EMAIL_CHANGE_PURPOSE, user_id=user.id)
    audit_user(s, user, "email_change", actor=user)
    if old:
        subject, body = templates.render(
            "email_changed", new_email=new, first_name=user.first_name, tu=tu(user)
        )
        queue_mail(s, to=old, subject=subject, body=body, template="email_changed", user_id=user.id)
    s.commit()
    s.refresh(user)
    return user, ""


# --- Mobile number --------------------------------------------------------------------------


def request_phone_change(
    s: Session, user_id: int, new_phone: object, ip: str | None = None
) -> tuple[str | None, dict[str, str]]:
    """Send a 6-digit code by SMS to ``new_phone`` (15 minutes, 5 tries).

    Returns ``(normalised number, {})`` or ``(None, {"phone": message})``."""
    me = _me(s, user_id)
    if me is None:
        return None, {"phone": MSG_DISABLED}
    norm = normalize_phone(new_phone if isinstance(new_phone, str) else None)
    if norm is None:
        return None, {"phone": MSG_PHONE_INVALID}
    if norm == me.phone:
        return None, {"phone": MSG_PHONE_SAME}
    if not _take(s, me, norm, ip):
        s.rollback()
        return None, {"phone": MSG_RATE_LIMITED}
    code = tokens.issue_code(
        s,
        TokenPurpose.PHONE_CODE,
        user_id=me.id,
        target=norm,
        action=PHONE_CHANGE_ACTION,
        payload={"phone": norm, "change": True},
        ttl=CODE_TTL,
    )
    _, body = templates.render(
        "sms_phone_change_code",
        code=code,
        valid_minutes=int(CODE_TTL.total_seconds() // 60),
        tu=tu(me),
    )
    queue_sms(s, to=norm, body=body, template="sms_phone_change_code", user_id=me.id)
    audit_user(s, me, "phone_change_asked", actor=me)
    s.commit()
    return norm, {}


def confirm_phone_change(
    s: Session, user_id: int, new_phone: object, code: object
) -> tuple[str | None, dict[str, str]]:
    """Check the code sent to ``new_phone``; right → it becomes the account's number.

    Returns ``(number, {})`` or ``(None, {"code": message})``; every try counts."""
    me = _me(s, user_id)
    if me is None:
        return None, {"code": MSG_DISABLED}
    norm = normalize_phone(new_phone if isinstance(new_phone, str) else None)
    if norm is None:
        return None, {"code": MSG_NO_CODE}
    tok = tokens.verify_code(
        s,
        TokenPurpose.PHONE_CODE,
        user_id=me.id,
        target=norm,
        code=code if isinstance(code, str) else "",
        action=PHONE_CHANGE_ACTION,
    )
    payload = tokens.payload_of(tok) if tok is not None else {}
    if tok is None or payload.get("phone") != norm or payload.get("change") is not True:
        s.commit()  # the attempt counts
        return None, {"code": MSG_CODE_INVALID}
    s.commit()  # the code is used, whatever follows
    old = me.phone
    owner = user_by(s, "phone", norm)
    if owner is not None and owner.id != me.id:
        return None, {"code": MSG_PHONE_USED}
    now = clock.now()
    same_old = User.phone.is_(None) if old is None else User.phone == old
    try:
        result = s.exec(
            sa.update(User)
            .where(User.id == me.id, same_old)
            .values(phone=norm, phone_verified_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        s.flush()
    except IntegrityError:
        s.rollback()
        return None, {"code": MSG_PHONE_USED}
    if result.rowcount != 1:
        s.rollback()
        return None, {"code": MSG_CODE_INVALID}
    audit_user(s, me, "phone_change", actor=me)
    if me.email:
        subject, body = templates.render("phone_changed", first_name=me.first_name, tu=tu(me))
        queue_mail(
            s, to=me.email, subject=subject, body=body, template="phone_changed", user_id=me.id
        )
    elif old:
        _, body = templates.render("sms_account_changed", what="phone", tu=tu(me))
        queue_sms(s, to=old, body=body, template="sms_account_changed", user_id=me.id)
    s.commit()
    return norm, {}


# --- Password -------------------------------------------------------------------------------


def tell_password_changed(s: Session, user: User) -> None:
    """« Votre mot de passe a changé »: a mail, or an SMS when the account has no address
    (in the caller's transaction)."""
    if user.email:
        subject, body = templates.render(
            "password_changed", first_name=user.first_name, tu=tu(user)
        )
        queue_mail(
            s,
            to=user.email,
            subject=subject,
            body=body,
            template="password_changed",
            user_id=user.id,
        )
    elif user.phone:
        _, body = templates.render("sms_account_changed", what="password", tu=tu(user))
        queue_sms(s, to=user.phone, body=body, template="sms_account_changed", user_id=user.id)

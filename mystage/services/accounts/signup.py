"""Self sign-up (« Créer un compte »): the shared path of every profile, the generic form
(parents, opérateurs) and where the other profiles sign up.

Sign-up never says whether an address is taken: it answers as for a new address, creates
nothing and tells the owner (:func:`tell_owner_of_signup`)."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlmodel import Session

from mystage import clock
from mystage.models import SCHOOL_STAFF_ROLES, AccountStatus, Role, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services.accounts import passwords, ratelimit
from mystage.services.accounts.activation import send_activation_mail
from mystage.services.accounts.creation import check_profile, flush_new_user, validate_identity
from mystage.services.accounts.delivery import send_phone_code
from mystage.services.accounts.limits import LIMITS, allowed, record_attempts
from mystage.services.accounts.messages import (
    MSG_EMPLOYER_SIGNUP,
    MSG_FIRST_NAME_REQUIRED,
    MSG_LAST_NAME_REQUIRED,
    MSG_NAME_TOO_LONG,
    MSG_ROLE_INVALID,
    MSG_SIGNUP_RATE_LIMITED,
    MSG_STAFF_SIGNUP,
    MSG_TERMS_REQUIRED,
)
from mystage.services.accounts.users import is_usable, without_controls

SELF_SIGNUP_ROLES = frozenset(r for r in Role if r != Role.ADMIN)
# Profiles that sign up on « Créer un compte » (/inscription) without fields of their own
# (pupils: register_pupil; référents: register_referent).
GENERIC_SIGNUP_ROLES = frozenset({Role.PARENT, Role.OPERATEUR})
SCHOOL_SIGNUP_URL = "/inscription/etablissement"
EMPLOYER_SIGNUP_URL = "/inscription/employeur"
# School staff role → the « fonction » preselected on /inscription/etablissement
# (PERSONNEL covers several fonctions: none is preselected).
_SCHOOL_SIGNUP_FUNCTION = {
    Role.CHEF_ETABLISSEMENT: "chef",
    Role.PROFESSEUR_PRINCIPAL: "professeur_principal",
    Role.PROFESSEUR: "professeur",
    Role.REFERENT_ETABLISSEMENT: "referent",
}


def tell_owner_of_signup(s: Session, owner: User, channel: str) -> None:
    """« Quelqu'un a voulu créer un compte MyStage avec votre adresse » to the owner of a
    taken identifier: a mail for an e-mail address, a short SMS for a phone-only sign-up
    (the person typing it waits for a code: if it is the owner, the SMS tells them they
    already have an account; one segment, at most one an hour).  At most one notice an hour
    per identifier (scope ``signup_notice``); nothing for deleted accounts."""
    if not is_usable(owner):
        return
    target = owner.email if channel == "email" else owner.phone
    if not target:
        return
    key = ratelimit.ident_key(target)
    lim = LIMITS["signup_notice_id"]
    if not ratelimit.check(s, "signup_notice", key, lim.limit, lim.window):
        return
    ratelimit.record(s, "signup_notice", key, True)
    if channel == "email":
        subject, body = templates.render(
            "signup_existing",
            first_name=owner.first_name,
            login_url="/connexion",
            reset_url="/mot-de-passe/oublie",
            resend_url="/activation/renvoyer",
            pending=owner.status == AccountStatus.PENDING_ACTIVATION,
            tu=owner.role == Role.ELEVE,
        )
        queue_mail(
            s,
            to=target,
            subject=subject,
            body=body,
            action_url=templates.link("/connexion"),
            template="signup_existing",
            user_id=owner.id,
        )
    else:
        _, body = templates.render("sms_signup_existing", tu=owner.role == Role.ELEVE)
        queue_sms(s, to=target, body=body, template="sms_signup_existing", user_id=owner.id)


def register(
    s: Session,
    *,
    role: str,
    email: str | None = None,
    phone: str | None = None,
    password: str,
    first_name: str,
    last_name: str,
    accept_terms: bool,
    ip: str | None = None,
    **profile: Any,
) -> tuple[User | None, dict[str, str]]:
    """Self sign-up (« Créer un compte »): a pending_activation account, then
    - with an e-mail: an activation link ``/activation?token=…`` (48 h, single use);
    - with a phone only: a 6-digit SMS code (15 min) to enter with :func:`confirm_phone`.

    ``profile`` takes only :data:`PROFILE_FIELDS` (TypeError otherwise).  ``ip`` (optional)
    limits sign-ups per address (mail/SMS flooding).  Commits when there is no error.
    Pupils sign up through :func:`register_pupil` (level, school, class, birth date).

    Returns ``(user, {})``, ``(None, errors)``, or ``(None, {})`` when the address (or, for
    a phone-only sign-up, the phone) already has an account: nothing is created, the owner
    is told (:func:`tell_owner_of_signup`) and the caller answers exactly as for a new
    account (« Vérifiez votre boîte… »), so the form never reveals who has an account.  A
    taken phone next to a new address is left out of the new account.
    """
    who = Identity(email, phone, password, first_name, last_name, accept_terms, ip)
    return register_with_errors(s, {}, role, who, **profile)


class Identity(NamedTuple):
    """What every sign-up form asks, as typed (checked by :func:`register_with_errors`)."""

    email: str | None
    phone: str | None
    password: str
    first_name: str
    last_name: str
    accept_terms: bool
    ip: str | None


def register_with_errors(
    s: Session, pre_errors: dict[str, str], role: str, who: Identity, **profile: Any
) -> tuple[User | None, dict[str, str]]:
    """:func:`register` with errors already found by the caller (shown together)."""
    email, phone, password, first_name, last_name, accept_terms, ip = who
    check_profile(profile)
    errors: dict[str, str] = dict(pre_errors)
    if not isinstance(role, str) or role not in SELF_SIGNUP_ROLES:
        errors["role"] = MSG_ROLE_INVALID
    taken: dict[str, User] = {}
    norm_email, norm_phone = validate_identity(s, email, phone, errors, taken)
    pw_error = passwords.password_error(password, user_inputs=(first_name, last_name, email, phone))
    if pw_error:
        errors["password"] = pw_error
    first_name = without_controls(first_name).strip() if isinstance(first_name, str) else ""
    last_name = without_controls(last_name).strip() if isinstance(last_name, str) else ""
    if not first_name:
        errors["first_name"] = MSG_FIRST_NAME_REQUIRED
    elif len(first_name) > 100:
        errors["first_name"] = MSG_NAME_TOO_LONG
    if not last_name:
        errors["last_name"] = MSG_LAST_NAME_REQUIRED
    elif len(last_name) > 100:
        errors["last_name"] = MSG_NAME_TOO_LONG
    if not accept_terms:
        errors["accept_terms"] = MSG_TERMS_REQUIRED
    ip_pairs = (
        [("register_ip", ratelimit.ip_key(ip)), ("register_ip_day", ratelimit.ip_key(ip))]
        if ip
        else []
    )
    if not errors and ip_pairs and not allowed(s, "register", ip_pairs):
        errors["email" if norm_email else "phone"] = MSG_SIGNUP_RATE_LIMITED
    if errors:
        s.rollback()
        return None, errors

    # A taken phone next to a new address: the account is created with the address only
    # (the phone identifies someone else).  A taken address, or a phone-only sign-up with a
    # taken phone: nothing is created (below).
    if norm_email and "email" not in taken and "phone" in taken:
        del taken["phone"]
        norm_phone = None
    password_hash = passwords.hash_password(password)  # also when taken: same cost
    if not taken:
        now = clock.now()
        user = User(
            role=str(role),
            email=norm_email,
            phone=norm_phone,
            password_hash=password_hash,
            status=AccountStatus.PENDING_ACTIVATION,
            first_name=first_name,
            last_name=last_name,
            terms_accepted_at=now,
            privacy_accepted_at=now,
            password_changed_at=now,
            created_at=now,
            **profile,
        )
        if flush_new_user(s, user, errors, taken):
            if ip_pairs:
                record_attempts(s, "register", [ip_pairs[0][1]], True)
            if user.email:
                send_activation_mail(s, user)
            else:
                send_phone_code(s, user, "activation")
            s.commit()
            return user, {}
        if not taken:  # refused by the database for another reason
            return None, errors
        if norm_email and "email" not in taken:  # lost a race on the phone only
            who = who._replace(
                email=norm_email, phone=None, first_name=first_name, last_name=last_name
            )
            return register_with_errors(s, pre_errors, role, who, **profile)

    # Taken: the same answer as for a new address, nothing created, the owner told.
    if "email" in taken:
        tell_owner_of_signup(s, taken["email"], "email")
    elif "phone" in taken:
        tell_owner_of_signup(s, taken["phone"], "phone")
    if ip_pairs:
        record_attempts(s, "register", [ip_pairs[0][1]], True)
    s.commit()
    return None, {}


def signup_redirect(role: Any) -> str:
    """Where the profile ``role`` signs up when not on /inscription ("" when it is there):
    employers with their structure, school staff with their school."""
    if not isinstance(role, str):
        return ""
    if role == Role.EMPLOYEUR:
        return EMPLOYER_SIGNUP_URL
    if role in SCHOOL_STAFF_ROLES:
        function = _SCHOOL_SIGNUP_FUNCTION.get(role, "")
        return SCHOOL_SIGNUP_URL + (f"?fonction={function}" if function else "")
    return ""


def register_generic(
    s: Session,
    *,
    role: str,
    email: str | None = None,
    phone: str | None = None,
    password: str,
    first_name: str,
    last_name: str,
    accept_terms: bool,
    ip: str | None = None,
    form_errors: dict[str, str] | None = None,
) -> tuple[User | None, dict[str, str]]:
    """« Créer un compte » (/inscription) for the profiles without fields of their own
    (:data:`GENERIC_SIGNUP_ROLES`: parents, opérateurs).  School staff are refused (they sign
    up with their school on /inscription/etablissement, which creates their membership),
    and so are employers (/inscription/employeur), with a French message on ``role``.
    ``form_errors``: the form's own checks, returned with the others."""
    errors = {str(k): str(v) for k, v in (form_errors or {}).items()}
    if isinstance(role, str) and role in SCHOOL_STAFF_ROLES:
        errors["role"] = MSG_STAFF_SIGNUP
    elif role == Role.EMPLOYEUR:
        errors["role"] = MSG_EMPLOYER_SIGNUP
    elif not isinstance(role, str) or role not in GENERIC_SIGNUP_ROLES:
        errors["role"] = MSG_ROLE_INVALID
    who = Identity(email, phone, password, first_name, last_name, bool(accept_terms), ip)
    return register_with_errors(s, errors, role if isinstance(role, str) else "", who)

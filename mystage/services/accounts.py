"""Accounts: sign-up, activation, login (password, magic link), sessions, password reset.

Conventions
- Form-like results are ``(obj_or_None, errors)`` where ``errors`` maps a form field name
  to a French message shown next to that field; nothing is stored when there are errors.
  Login-like results are ``(obj_or_None, message_or_None)``.
- Every public use case commits its own transaction, because some effects must stick
  whatever the outcome (failed-login counters, code attempts, rate-limit rows): Reflex
  handlers just ``await db.call(accounts.fn, ...)``.  Exception: ``create_active_account``
  only flushes, the caller commits (CLI, demo data in batches).
- Secrets (activation/reset/magic links, login grants, session tokens, SMS codes) are random,
  single use, expiring and stored hashed (:mod:`mystage.services.tokens`); they are never
  logged.  Sessions: only the SHA-256 of the cookie value is stored.
- Limits (numbers and reasons at :data:`LIMITS`) never lock out the innocent behind a
  shared address (a collège behind one NAT, everyone behind a proxy): a wrong password counts
  against the account attacked (locked for ``LOCKOUT_DURATION`` after ``LOCKOUT_THRESHOLD``
  in a row; a reset or a magic link still works and unlocks it), failures on unknown
  identifiers lock nobody, and failures from one client address only *slow down* the next
  logins from it (:func:`login_delay`): a right password for an account that is not locked
  is accepted whatever the address did.  Refused attempts are not recorded, so they never
  extend a block.  Client addresses come from :mod:`client_address` (``TRUSTED_PROXIES``).
- Sign-up never says whether an address is taken: it answers as for a new address, creates
  nothing and tells the owner (:func:`_tell_owner_of_signup`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    REFERENT_ROLES,
    ROLE_LABELS,
    SCHOOL_STAFF_ROLES,
    AccountStatus,
    AuditLog,
    AuthSession,
    Department,
    Offer,
    PupilLevel,
    Role,
    School,
    SchoolClass,
    TokenPurpose,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services import ministries, passwords, ratelimit, tokens
from mystage.services.ids import client_id
from mystage.settings import get_settings

# --- Policy ---------------------------------------------------------------------------------

LOCKOUT_THRESHOLD = 10  # wrong passwords in a row that lock the account attacked
LOCKOUT_DURATION = timedelta(minutes=15)
ACTIVATION_TTL = timedelta(hours=48)
RESET_TTL = timedelta(hours=1)
CODE_TTL = timedelta(minutes=15)
MAGIC_TTL = timedelta(minutes=20)
GRANT_TTL = timedelta(minutes=2)
SESSION_TOUCH_EVERY = timedelta(minutes=5)
# Past LIMITS["login_ip"] failures from one address, each login from it waits
# LOGIN_DELAY_FIRST + LOGIN_DELAY_STEP per further failure, at most LOGIN_DELAY_MAX
# (under the 10 s Reflex state lock; a guesser trying one password after the other gets
# about 700 tries an hour instead of tens of thousands).
LOGIN_DELAY_FIRST = 0.5
LOGIN_DELAY_STEP = 0.1
LOGIN_DELAY_MAX = 5.0


@dataclass(frozen=True)
class Limit:
    limit: int
    window: timedelta


# Per-address limits are sized for a collège behind ONE address (NAT, proxy): ~25 pupils a
# class, 4 to 8 classes a level, up to ~250 pupils of 3e (a lycée: up to ~500 in 2de) who all
# sign up on the same campaign evening or in class, plus their teachers and parents.
# Per-identifier limits protect one mailbox or phone from floods whatever the address.
LIMITS: dict[str, Limit] = {
    # Login.  Failures from one address before its logins are slowed (never refused):
    # a class mistyping passwords stays well under 30 in 15 minutes.
    "login_ip": Limit(30, timedelta(minutes=15)),
    # Failures on an UNKNOWN identifier before it answers like a locked account (same
    # threshold as the lockout, so the answer does not tell which identifiers exist).
    "login_id": Limit(LOCKOUT_THRESHOLD, timedelta(minutes=15)),
    # Sign-ups per address: 200 pupils in one evening (or in one hour of class) fit under
    # 300 an hour; 1,000 a day lets a big lycée's whole level sign up the same day.  Each one
    # costs one mail or one SMS to a NEW identifier (a taken one gets at most one notice an
    # hour, "signup_notice_id"), so one address can cost at most 300 messages an hour.
    "register_ip": Limit(300, timedelta(hours=1)),
    "register_ip_day": Limit(1000, timedelta(days=1)),
    "signup_notice_id": Limit(1, timedelta(hours=1)),
    # Mails and SMS on request (activation again, reset, magic link): 5 an hour per
    # identifier (flooding one person), 100 an hour per address (a class that forgot its
    # passwords fits; a script sending to many identifiers does not get far).
    "resend_ip": Limit(100, timedelta(hours=1)),
    "resend_id": Limit(5, timedelta(hours=1)),
    "reset_ip": Limit(100, timedelta(hours=1)),
    "reset_id": Limit(5, timedelta(hours=1)),
    "magic_ip": Limit(100, timedelta(hours=1)),
    "magic_id": Limit(5, timedelta(hours=1)),
    # Wrong magic links per address (links are 256-bit random: a valid one always works).
    "magic_consume_ip": Limit(20, timedelta(minutes=15)),
    "change_password_user": Limit(5, timedelta(minutes=15)),  # wrong current passwords
}

SCOPE_LOGIN = "login"  # LoginAttempt scope of password failures (address and identifier keys)

# Fields a sign-up form may fill besides the identity (never status, role, hashes…).
PROFILE_FIELDS = frozenset(
    {
        "civility",
        "job_title",
        "birth_date",
        "gender",
        "school_id",
        "class_id",
        "level",
        "staff_scope",
        "targeted_offer_id",
        "department_code",
        "academy",
        "ministry",
        "operator_id",
        "consent_contact_email",
        "consent_contact_phone",
    }
)
SELF_SIGNUP_ROLES = frozenset(r for r in Role if r != Role.ADMIN)
# Profiles that sign up on « Créer un compte » (/inscription) without fields of their own
# (pupils: register_pupil; référents: register_referent).
GENERIC_SIGNUP_ROLES = frozenset({Role.PARENT, Role.OPERATEUR})

ADMIN_URL = "/espace/admin"
SPACE_URL = "/espace"
STATS_URL = "/espace/statistiques"
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

# --- Messages -------------------------------------------------------------------------------

MSG_BAD_CREDENTIALS = "Identifiant ou mot de passe incorrect."
MSG_LOCKED = (
    "Votre compte est temporairement bloqué après plusieurs mots de passe incorrects. "
    "Réessayez dans 15 minutes, ou débloquez-le tout de suite : choisissez un nouveau mot "
    "de passe avec « Mot de passe oublié ? » ou recevez un lien de connexion par courriel."
)
MSG_SLOWED = (
    "Beaucoup de connexions ont échoué depuis votre réseau : chaque essai y est ralenti de "
    "quelques secondes, mais le bon mot de passe est toujours accepté."
)
MSG_RATE_LIMITED = "Trop de tentatives. Patientez quelques minutes avant de réessayer."
MSG_SIGNUP_RATE_LIMITED = (
    "Beaucoup de comptes ont été créés depuis votre connexion internet ces dernières "
    "heures. Réessayez dans une heure ou depuis une autre connexion."
)
MSG_NOT_ACTIVATED = (
    "Votre compte n'est pas encore activé : ouvrez le lien ou saisissez le code que nous "
    "vous avons envoyé. Vous pouvez demander un nouvel envoi."
)
MSG_PENDING_VALIDATION = (
    "Votre compte est en attente de validation par votre établissement ou par l'équipe "
    "MyStage. Vous recevrez un message dès qu'il sera validé."
)
MSG_REFUSED = (
    "Votre demande d'inscription a été refusée. Contactez votre établissement ou l'équipe MyStage."
)
MSG_DISABLED = "Ce compte est désactivé. Contactez l'équipe MyStage."
MSG_ACTIVATION_INVALID = (
    "Ce lien d'activation n'est plus valide (déjà utilisé ou expiré). "
    "Demandez un nouveau lien depuis la page de connexion."
)
MSG_CODE_INVALID = "Code incorrect ou expiré. Vérifiez le SMS reçu ou demandez un nouveau code."
MSG_RESET_INVALID = (
    "Ce lien n'est plus valide (déjà utilisé ou expiré). "
    "Demandez un nouveau lien de réinitialisation."
)
MSG_MAGIC_INVALID = (
    "Ce lien de connexion n'est plus valide (déjà utilisé ou expiré). Demandez-en un nouveau."
)
MSG_EMAIL_TAKEN = "Un compte existe déjà avec cette adresse."
MSG_PHONE_TAKEN = "Un compte existe déjà avec ce numéro."
MSG_EMAIL_INVALID = "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr)."
MSG_PHONE_INVALID = "Numéro de téléphone portable invalide (exemple : 06 12 34 56 78)."
MSG_IDENTIFIER_REQUIRED = "Indiquez une adresse e-mail ou un numéro de téléphone portable."
MSG_FIRST_NAME_REQUIRED = "Indiquez votre prénom."
MSG_LAST_NAME_REQUIRED = "Indiquez votre nom."
MSG_NAME_TOO_LONG = "100 caractères au maximum."
MSG_TERMS_REQUIRED = "Vous devez accepter les conditions générales d'utilisation."
MSG_ROLE_INVALID = "Choisissez votre profil."
MSG_CURRENT_PASSWORD = "Mot de passe actuel incorrect."
MSG_SAME_PASSWORD = "Choisissez un mot de passe différent de l'actuel."
MSG_STAFF_SIGNUP = (
    "Les personnels d'établissement (chef d'établissement, professeurs, CPE…) créent leur "
    "compte sur la page « Espace établissement : créer un compte », avec leur établissement."
)
MSG_EMPLOYER_SIGNUP = (
    "Les employeurs créent leur compte avec leur structure sur la page « Créer un compte "
    "employeur »."
)
MSG_DEPARTMENT_INVALID = "Choisissez votre département dans la liste."
MSG_ACADEMY_INVALID = "Choisissez votre académie dans la liste."
MSG_REFERENT_EMAIL = (
    "Indiquez votre adresse électronique professionnelle : elle sert à confirmer votre "
    "compte, puis à vous prévenir de sa validation."
)
MSG_JOB_TITLE_TOO_LONG = "150 caractères au maximum."

# --- Identifiers ----------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")
# Overseas mobiles: national prefix -> country code (ARCEP numbering plan).
_DOM_MOBILE = {
    "0690": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0691": "590",
    "0694": "594",  # Guyane
    "0696": "596",  # Martinique
    "0697": "596",
    "0692": "262",  # La Réunion
    "0693": "262",
    "0639": "262",  # Mayotte
}
_DOM_CODES = {"590", "594", "596", "262"}


def normalize_email(raw: str | None) -> str | None:
    """Lower-cased, trimmed address, or None when it is not a plausible e-mail address."""
    if not isinstance(raw, str):
        return None
    email = raw.strip().lower()
    if len(email) > 254 or email.count("@") != 1:
        return None
    local = email.split("@", 1)[0]
    if len(local) > 64 or not _EMAIL_RE.match(email):
        return None
    return email


def normalize_phone(raw: str | None) -> str | None:
    """A French mobile number in E.164 (``06 12 34 56 78`` → ``+33612345678``), else None.

    Accepts ``06…``/``07…``, ``+33 6…``, ``+33 (0)6…``, ``0033 6…`` and overseas mobiles
    (``0690…`` → ``+590690…``, ``+262 692…``).  Landlines are refused (SMS needed).
    """
    if not isinstance(raw, str):
        return None
    p = _PHONE_SEPARATORS.sub("", raw.strip().replace("(0)", ""))
    if p.startswith("00"):
        p = "+" + p[2:]
    if p.startswith("+"):
        digits = p[1:]
        if not digits.isdigit():
            return None
        if digits.startswith("33"):
            rest = digits[2:]
            national = rest if rest.startswith("0") else "0" + rest
        else:
            code = digits[:3]
            rest = digits[3:]
            if code not in _DOM_CODES or len(rest) != 9:
                return None
            national = "0" + rest
            if _DOM_MOBILE.get(national[:4]) != code:
                return None
    else:
        national = p
    if len(national) != 10 or not national.isdigit() or national[:2] not in ("06", "07"):
        return None
    code = _DOM_MOBILE.get(national[:4], "33")
    return f"+{code}{national[1:]}"


def identifier_kind(raw: str | None) -> str | None:
    """``"email"``, ``"phone"`` or None for what a login field contains."""
    if not isinstance(raw, str):
        return None
    if "@" in raw:
        return "email" if normalize_email(raw) else None
    return "phone" if normalize_phone(raw) else None


def _parse_identifier(raw: str | None) -> tuple[str | None, str | None]:
    kind = identifier_kind(raw)
    if kind == "email":
        return kind, normalize_email(raw)
    if kind == "phone":
        return kind, normalize_phone(raw)
    return None, None


def safe_next_url(url: str | None) -> str:
    """A local path to go to after login (``/…``, never ``//host`` or a full URL), else "/"."""
    if not isinstance(url, str):
        return "/"
    url = url.strip()
    if (
        not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or len(url) > 500
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in url)
    ):
        return "/"
    return url


# --- Helpers --------------------------------------------------------------------------------


def _user_by(s: Session, kind: str, value: str) -> User | None:
    column = User.email if kind == "email" else User.phone
    return s.exec(select(User).where(column == value)).first()


def _is_usable(user: User | None) -> bool:
    return user is not None and user.deleted_at is None and user.anonymized_at is None


def _is_active(user: User | None) -> bool:
    return _is_usable(user) and user.status == AccountStatus.ACTIVE


def _audit(
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


def _activate(s: Session, user: User, how: str) -> None:
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
    _audit(
        s,
        user,
        "activate",
        from_state=AccountStatus.PENDING_ACTIVATION,
        to_state=new_status,
        actor=user,
        message=how,
    )
    if needs_validation:
        _tell_admins_of_referent(s, user)


def awaits_validation(user: User | None) -> bool:
    """True when the account waits for the MyStage team (or the school) to validate it."""
    return user is not None and user.status == AccountStatus.PENDING_VALIDATION


def referent_territory(s: Session, user: User) -> str:
    """« Seine-et-Marne (77) », « Académie de Créteil », « France entière » or « France
    entière — Ministère des Armées » (référents), else ""."""
    if user.role == Role.REFERENT_DEPARTEMENTAL:
        code = (user.department_code or "").strip().upper()
        dept = s.get(Department, code) if code else None
        return f"{dept.name} ({code})" if dept is not None else code
    if user.role == Role.REFERENT_ACADEMIQUE:
        return f"Académie de {user.academy}" if user.academy else ""
    if user.role == Role.REFERENT_CENTRAL:
        return ministries.territory(user.ministry)
    return ""


def _tell_admins_of_referent(s: Session, user: User) -> None:
    """« Nouvelle demande de compte référent » to every active administrator with an address
    (in the caller's transaction; once per référent and administrator)."""
    admins = s.exec(
        select(User.id, User.email, User.first_name).where(
            User.role == Role.ADMIN,
            User.status == AccountStatus.ACTIVE,
            User.email.is_not(None),
            User.deleted_at.is_(None),
            User.anonymized_at.is_(None),
        )
    ).all()
    if not admins:
        return
    territory = referent_territory(s, user)
    for admin_id, admin_email, admin_first_name in admins:
        subject, body = templates.render(
            "referent_request",
            url=ADMIN_URL,
            requester_name=user.full_name,
            requester_email=user.email or user.phone or "",
            role_label=ROLE_LABELS.get(user.role, user.role),
            territory=territory,
            job_title=user.job_title,
            first_name=admin_first_name,
        )
        queue_mail(
            s,
            to=admin_email,
            subject=subject,
            body=body,
            action_url=templates.link(ADMIN_URL),
            template="referent_request",
            user_id=admin_id,
            dedupe_key=f"referent_request:{user.id}:{admin_id}",
        )


def _inputs_of(user: User) -> tuple[str, ...]:
    """What a password must not be built on: the person's names and identifiers."""
    return tuple(v for v in (user.first_name, user.last_name, user.email, user.phone) if v)


def _url(path: str, raw: str) -> str:
    return f"{get_settings().public_url}{path}?token={raw}"


def _minutes(ttl: timedelta) -> int:
    return int(ttl.total_seconds() // 60)


def _allowed(s: Session, scope: str, pairs: list[tuple[str, str]], *, failures_only=False) -> bool:
    """``pairs`` = [(limit name, key)]: True when every key is under its limit."""
    for name, key in pairs:
        lim = LIMITS[name]
        if not ratelimit.check(s, scope, key, lim.limit, lim.window, failures_only=failures_only):
            return False
    return True


def _record(s: Session, scope: str, keys: list[str], success: bool) -> None:
    for key in keys:
        ratelimit.record(s, scope, key, success)


def _send_activation_mail(s: Session, user: User) -> None:
    tokens.invalidate(s, TokenPurpose.ACTIVATION, user_id=user.id)
    raw = tokens.issue(
        s, TokenPurpose.ACTIVATION, user_id=user.id, target=user.email, ttl=ACTIVATION_TTL
    )
    url = _url("/activation", raw)
    subject, body = templates.render(
        "activation", url=url, first_name=user.first_name, valid_for="48 heures"
    )
    queue_mail(
        s,
        to=user.email,
        subject=subject,
        body=body,
        action_url=url,
        template="activation",
        user_id=user.id,
    )


def _send_phone_code(s: Session, user: User, action: str) -> None:
    code = tokens.issue_code(
        s, TokenPurpose.PHONE_CODE, user_id=user.id, target=user.phone, action=action, ttl=CODE_TTL
    )
    name = "sms_phone_code" if action == "activation" else "sms_reset_code"
    _, body = templates.render(name, code=code, valid_minutes=_minutes(CODE_TTL))
    queue_sms(s, to=user.phone, body=body, template=name, user_id=user.id)


def _validate_identity(
    s: Session,
    email: str | None,
    phone: str | None,
    errors: dict[str, str],
    taken: dict[str, User] | None = None,
) -> tuple[str | None, str | None]:
    """Check and normalise the identifiers.  A taken one is an error (``MSG_EMAIL_TAKEN``…)
    unless ``taken`` is given: sign-ups collect the owners there ({"email"|"phone": user})
    and answer as for a new address."""
    norm_email = norm_phone = None
    email = email.strip() if isinstance(email, str) else ""
    phone = phone.strip() if isinstance(phone, str) else ""
    if not email and not phone:
        errors["email"] = MSG_IDENTIFIER_REQUIRED
        return None, None
    if email:
        norm_email = normalize_email(email)
        if norm_email is None:
            errors["email"] = MSG_EMAIL_INVALID
        elif (owner := _user_by(s, "email", norm_email)) is not None:
            if taken is None:
                errors["email"] = MSG_EMAIL_TAKEN
            else:
                taken["email"] = owner
    if phone:
        norm_phone = normalize_phone(phone)
        if norm_phone is None:
            errors["phone"] = MSG_PHONE_INVALID
        elif (owner := _user_by(s, "phone", norm_phone)) is not None:
            if taken is None:
                errors["phone"] = MSG_PHONE_TAKEN
            else:
                taken["phone"] = owner
    return norm_email, norm_phone


def _without_controls(value: str) -> str:
    """``value`` without control characters (NUL and others: PostgreSQL refuses NUL)."""
    return "".join(ch for ch in value if ch >= " " and ch != "\x7f")


def _check_profile(profile: dict[str, Any]) -> None:
    unknown = set(profile) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"unexpected profile field(s): {', '.join(sorted(unknown))}")


def _flush_new_user(
    s: Session, user: User, errors: dict[str, str], taken: dict[str, User] | None = None
) -> bool:
    """Insert the user.  On a concurrent duplicate, roll back and fill ``taken`` with the
    owners (sign-ups), or ``errors`` when ``taken`` is None."""
    s.add(user)
    try:
        s.flush()
    except IntegrityError:
        s.rollback()
        found: dict[str, User] = {}
        if user.email and (owner := _user_by(s, "email", user.email)) is not None:
            found["email"] = owner
        if user.phone and (owner := _user_by(s, "phone", user.phone)) is not None:
            found["phone"] = owner
        if taken is not None and found:
            taken.update(found)
            return False
        if "email" in found:
            errors["email"] = MSG_EMAIL_TAKEN
        if "phone" in found:
            errors["phone"] = MSG_PHONE_TAKEN
        if not errors:
            errors["email"] = MSG_EMAIL_TAKEN
        return False
    return True


def _tell_owner_of_signup(s: Session, owner: User, channel: str) -> None:
    """« Quelqu'un a voulu créer un compte MyStage avec votre adresse » to the owner of a
    taken identifier: a mail for an e-mail address, a short SMS for a phone-only sign-up
    (the person typing it waits for a code: if it is the owner, the SMS tells them they
    already have an account; one segment, at most one an hour).  At most one notice an hour
    per identifier (scope ``signup_notice``); nothing for deleted accounts."""
    if not _is_usable(owner):
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
        _, body = templates.render("sms_signup_existing")
        queue_sms(s, to=target, body=body, template="sms_signup_existing", user_id=owner.id)


# --- Sign-up and activation -----------------------------------------------------------------


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
    is told (:func:`_tell_owner_of_signup`) and the caller answers exactly as for a new
    account (« Vérifiez votre boîte… »), so the form never reveals who has an account.  A
    taken phone next to a new address is left out of the new account.
    """
    return _register(
        s,
        {},
        role=role,
        email=email,
        phone=phone,
        password=password,
        first_name=first_name,
        last_name=last_name,
        accept_terms=accept_terms,
        ip=ip,
        **profile,
    )


def _register(
    s: Session,
    pre_errors: dict[str, str],
    *,
    role: str,
    email: str | None,
    phone: str | None,
    password: str,
    first_name: str,
    last_name: str,
    accept_terms: bool,
    ip: str | None,
    **profile: Any,
) -> tuple[User | None, dict[str, str]]:
    """:func:`register` with errors already found by the caller (shown together)."""
    _check_profile(profile)
    errors: dict[str, str] = dict(pre_errors)
    if not isinstance(role, str) or role not in SELF_SIGNUP_ROLES:
        errors["role"] = MSG_ROLE_INVALID
    taken: dict[str, User] = {}
    norm_email, norm_phone = _validate_identity(s, email, phone, errors, taken)
    pw_error = passwords.password_error(password, user_inputs=(first_name, last_name, email, phone))
    if pw_error:
        errors["password"] = pw_error
    first_name = _without_controls(first_name).strip() if isinstance(first_name, str) else ""
    last_name = _without_controls(last_name).strip() if isinstance(last_name, str) else ""
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
    if not errors and ip_pairs and not _allowed(s, "register", ip_pairs):
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
        if _flush_new_user(s, user, errors, taken):
            if ip_pairs:
                _record(s, "register", [ip_pairs[0][1]], True)
            if user.email:
                _send_activation_mail(s, user)
            else:
                _send_phone_code(s, user, "activation")
            s.commit()
            return user, {}
        if not taken:  # refused by the database for another reason
            return None, errors
        if norm_email and "email" not in taken:  # lost a race on the phone only
            return _register(
                s,
                pre_errors,
                role=role,
                email=norm_email,
                phone=None,
                password=password,
                first_name=first_name,
                last_name=last_name,
                accept_terms=accept_terms,
                ip=ip,
                **profile,
            )

    # Taken: the same answer as for a new address, nothing created, the owner told.
    if "email" in taken:
        _tell_owner_of_signup(s, taken["email"], "email")
    elif "phone" in taken:
        _tell_owner_of_signup(s, taken["phone"], "phone")
    if ip_pairs:
        _record(s, "register", [ip_pairs[0][1]], True)
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
    return _register(
        s,
        errors,
        role=role if isinstance(role, str) else "",
        email=email,
        phone=phone,
        password=password,
        first_name=first_name,
        last_name=last_name,
        accept_terms=bool(accept_terms),
        ip=ip,
    )


# --- Référent sign-up -----------------------------------------------------------------------


def referent_choices(s: Session) -> dict[str, list[dict[str, str]]]:
    """The sign-up form's lists: ``{"departments": [{"value": "77", "label": "77 – Seine-et-
    Marne"}], "academies": [{"value": "Créteil", "label": "Créteil"}]}`` (every département of
    the reference table; the académies they belong to, alphabetical)."""
    from mystage.services.text import fold

    rows = s.exec(select(Department.code, Department.name, Department.academy)).all()
    departments = sorted(rows, key=lambda r: (len(r[0]) > 2 and r[0].isdigit(), r[0]))
    academies = sorted({r[2] for r in rows if r[2]}, key=lambda a: (fold(a), a))
    return {
        "departments": [{"value": c, "label": f"{c} – {n}"} for c, n, _ in departments],
        "academies": [{"value": a, "label": a} for a in academies],
    }


def register_referent(
    s: Session,
    *,
    role: str,
    email: str | None = None,
    phone: str | None = None,
    password: str,
    first_name: str,
    last_name: str,
    accept_terms: bool,
    department_code: Any = "",
    academy: Any = "",
    job_title: Any = "",
    ministry: Any = "",
    ip: str | None = None,
    form_errors: dict[str, str] | None = None,
) -> tuple[User | None, dict[str, str]]:
    """« Créer un compte » as référent départemental, académique or central.

    - départemental: ``department_code``, a code of the ``departments`` table ("77", "2A");
    - académique: ``academy``, exactly one of ``Department.academy`` ("Créteil");
    - central: neither; ``ministry`` (« Ministère (facultatif) »): a slug of
      :mod:`mystage.services.ministries` binds the account to that ministry's offers, empty
      means every offer (ignored for the other kinds);
    - ``job_title`` (« Fonction »): optional, 150 characters at most;
    - an e-mail address is required (activation link, then the validation mail).

    Errors are keyed ``role``, ``department_code``, ``academy``, ``ministry``, ``job_title``
    plus the generic ones; nothing is stored when there is one.  The account is activated
    by the mailed link, then waits for an administrator (:func:`_activate`)."""
    errors = {str(k): str(v) for k, v in (form_errors or {}).items()}
    profile: dict[str, Any] = {
        "department_code": "",
        "academy": "",
        "job_title": "",
        "ministry": "",
    }
    if not isinstance(role, str) or role not in REFERENT_ROLES:
        errors["role"] = MSG_ROLE_INVALID
    elif role == Role.REFERENT_DEPARTEMENTAL:
        code = department_code.strip().upper() if isinstance(department_code, str) else ""
        plausible = 0 < len(code) <= 3 and code.isascii() and code.isalnum()
        dept = s.get(Department, code) if plausible else None
        if dept is None:
            errors["department_code"] = MSG_DEPARTMENT_INVALID
        else:
            profile["department_code"] = dept.code
    elif role == Role.REFERENT_ACADEMIQUE:
        name = academy.strip() if isinstance(academy, str) else ""
        known = (
            s.exec(select(Department.academy).where(Department.academy == name).limit(1)).first()
            if name and len(name) <= 60 and _without_controls(name) == name
            else None
        )
        if not known:
            errors["academy"] = MSG_ACADEMY_INVALID
        else:
            profile["academy"] = known
    elif role == Role.REFERENT_CENTRAL:
        if ministry not in (None, "") and not isinstance(ministry, str):
            errors["ministry"] = ministries.MSG_REFERENT_UNKNOWN
        else:
            slug = ministries.raw(ministry)
            if slug and not ministries.is_known(slug):
                errors["ministry"] = ministries.MSG_REFERENT_UNKNOWN
            else:
                profile["ministry"] = slug
    title = _without_controls(job_title).strip() if isinstance(job_title, str) else ""
    if len(title) > 150:
        errors["job_title"] = MSG_JOB_TITLE_TOO_LONG
    else:
        profile["job_title"] = title
    if not (isinstance(email, str) and email.strip()):
        errors["email"] = MSG_REFERENT_EMAIL
    user, errors = _register(
        s,
        errors,
        role=role if isinstance(role, str) else "",
        email=email,
        phone=phone,
        password=password,
        first_name=first_name,
        last_name=last_name,
        accept_terms=bool(accept_terms),
        ip=ip,
        **profile,
    )
    if errors.get("email") == MSG_IDENTIFIER_REQUIRED:
        errors["email"] = MSG_REFERENT_EMAIL
    return user, errors


# --- Pupil sign-up --------------------------------------------------------------------------

PUPIL_MIN_AGE = 10
PUPIL_MAX_AGE = 20
GENDERS = ("", "f", "m", "np")
GENDER_LABELS = {"f": "Fille", "m": "Garçon", "np": "Je ne souhaite pas répondre"}
SCHOOL_QUERY_MAX = 100
SCHOOL_SUGGESTIONS_MAX = 8

MSG_LEVEL_INVALID = "Choisis ton niveau (4e, 3e ou 2de)."
MSG_SCHOOL_INVALID = (
    "Choisis ton établissement dans la liste (tape son nom, sa ville ou son code UAI)."
)
MSG_CLASS_INVALID = "Cette classe n'existe pas dans ton établissement : choisis-la dans la liste."
MSG_BIRTH_REQUIRED = "Indique ta date de naissance."
MSG_BIRTH_INVALID = "Date invalide. Écris-la sous la forme JJ/MM/AAAA (exemple : 14/03/2012)."
MSG_BIRTH_FUTURE = "Cette date est dans le futur : vérifie ta date de naissance."
MSG_BIRTH_TOO_YOUNG = (
    f"Tu dois avoir au moins {PUPIL_MIN_AGE} ans pour créer un compte élève. "
    "Vérifie ta date de naissance."
)
MSG_BIRTH_TOO_OLD = (
    f"Vérifie ta date de naissance : un compte élève est prévu pour les élèves de "
    f"{PUPIL_MIN_AGE} à {PUPIL_MAX_AGE} ans."
)
MSG_GENDER_INVALID = "Choisis une des réponses proposées."

# The generic sign-up messages, addressed to a pupil (« tu »).
_PUPIL_WORDING = {
    MSG_IDENTIFIER_REQUIRED: (
        "Indique une adresse électronique ou un numéro de téléphone portable."
    ),
    MSG_FIRST_NAME_REQUIRED: "Indique ton prénom.",
    MSG_LAST_NAME_REQUIRED: "Indique ton nom.",
    MSG_TERMS_REQUIRED: "Tu dois accepter les conditions générales d'utilisation.",
    MSG_RATE_LIMITED: "Trop de tentatives. Patiente quelques minutes avant de réessayer.",
    passwords.MSG_TOO_COMMON: "Ce mot de passe est trop courant : choisis-en un autre.",
}

_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def parse_birth_date(value: Any) -> date | None:
    """``date``, ``"AAAA-MM-JJ"`` (date input) or ``"JJ/MM/AAAA"`` → date; None if invalid."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) > 20:
        return None
    v = value.strip()
    if m := _DATE_ISO.match(v):
        y, mo, d = (int(x) for x in m.groups())
    elif m := _DATE_FR.match(v):
        d, mo, y = (int(x) for x in m.groups())
    else:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def birth_date_error(value: Any, today: date | None = None) -> tuple[date | None, str | None]:
    """``(birth_date, None)`` for a pupil aged 10 to 20 today, else ``(None, message)``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, MSG_BIRTH_REQUIRED
    birth = parse_birth_date(value)
    if birth is None:
        return None, MSG_BIRTH_INVALID
    today = today or clock.today_paris()
    if birth > today:
        return None, MSG_BIRTH_FUTURE
    age = age_on(birth, today)
    if age < PUPIL_MIN_AGE:
        return None, MSG_BIRTH_TOO_YOUNG
    if age > PUPIL_MAX_AGE:
        return None, MSG_BIRTH_TOO_OLD
    return birth, None


def _school_label(name: str, commune: str, uai: str) -> str:
    return f"{name} — {commune} ({uai})"


def signup_school_suggestions(s: Session, query: Any) -> list[dict[str, str]]:
    """Public autocomplete of the sign-up form: at most 8 schools for a name, city, postal
    code or UAI (2 characters at least; the query is cut at 100 characters).  Each item:
    ``{"id", "uai", "label": "Collège X — Ville (UAI)", "ep": "" | "REP" | "REP+"}``."""
    from mystage.services.geo import suggest_schools
    from mystage.services.text import fold

    if not isinstance(query, str):
        return []
    q = query[:SCHOOL_QUERY_MAX]
    if len(fold(q).replace(" ", "")) < 2:
        return []
    rows = suggest_schools(s, q, SCHOOL_SUGGESTIONS_MAX)
    return [
        {
            "id": str(r["id"]),
            "uai": r["uai"],
            "label": _school_label(r["name"], r["commune"], r["uai"]),
            "ep": r["ep"] or "",
        }
        for r in rows[:SCHOOL_SUGGESTIONS_MAX]
    ]


def signup_school(s: Session, school_id: Any) -> dict[str, Any] | None:
    """The school a pupil picked and the classes it created (public data), or None:
    ``{"id", "uai", "label", "ep", "classes": [{"id", "name"}]}``."""
    sid = client_id(school_id)
    school = s.get(School, sid) if sid is not None else None
    if school is None:
        return None
    classes = s.exec(
        select(SchoolClass.id, SchoolClass.name)
        .where(SchoolClass.school_id == school.id, SchoolClass.deleted_at.is_(None))
        .order_by(SchoolClass.name, SchoolClass.id)
        .limit(200)
    ).all()
    return {
        "id": str(school.id),
        "uai": school.uai,
        "label": _school_label(school.name, school.commune, school.uai),
        "ep": school.ep or "",
        "classes": [{"id": str(cid), "name": name} for cid, name in classes],
    }


def _pupil_errors(
    s: Session, level: Any, school_id: Any, class_id: Any, birth_date: Any, gender: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the pupil's fields: ``(profile, errors)``."""
    errors: dict[str, str] = {}
    profile: dict[str, Any] = {}
    if isinstance(level, str) and level in set(PupilLevel):
        profile["level"] = level
    else:
        errors["level"] = MSG_LEVEL_INVALID
    sid = client_id(school_id)
    school = s.get(School, sid) if sid is not None else None
    if school is None:
        errors["school"] = MSG_SCHOOL_INVALID
    else:
        profile["school_id"] = school.id
    if class_id is None or (isinstance(class_id, str) and not class_id.strip()):
        profile["class_id"] = None  # « Ma classe n'est pas dans la liste »
    elif school is not None:
        cid = client_id(class_id)
        klass = s.get(SchoolClass, cid) if cid is not None else None
        if klass is None or klass.school_id != school.id or klass.deleted_at is not None:
            errors["class_id"] = MSG_CLASS_INVALID
        else:
            profile["class_id"] = klass.id
    birth, birth_error = birth_date_error(birth_date)
    if birth_error:
        errors["birth_date"] = birth_error
    else:
        profile["birth_date"] = birth
    if gender is None:
        gender = ""
    if isinstance(gender, str) and gender in GENDERS:
        profile["gender"] = gender
    else:
        errors["gender"] = MSG_GENDER_INVALID
    return profile, errors


def register_pupil(
    s: Session,
    *,
    email: str | None = None,
    phone: str | None = None,
    password: str,
    first_name: str,
    last_name: str,
    accept_terms: bool,
    level: str,
    school_id: int | str | None,
    class_id: int | str | None = None,
    birth_date: date | str | None,
    gender: str = "",
    targeted_offer_id: int | str | None = None,
    ip: str | None = None,
    form_errors: dict[str, str] | None = None,
) -> tuple[User | None, dict[str, str]]:
    """« Créer un compte » as Élève: :func:`register` plus the pupil's fields.

    - ``level``: one of :class:`PupilLevel`; ``school_id``: an existing school;
    - ``class_id``: one of that school's classes, or None / "" for « Ma classe n'est pas
      dans la liste » (a class of another school is refused);
    - ``birth_date``: a real date (``date``, ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``), the pupil
      aged 10 to 20 today; ``gender``: "", "f", "m" or "np";
    - ``targeted_offer_id``: the offer the visitor came from, kept only if it exists.

    Errors are keyed ``level``, ``school``, ``class_id``, ``birth_date``, ``gender`` (plus
    the generic ones), worded for a pupil; nothing is stored when there is one.
    ``form_errors`` (checks the form made itself, e.g. the password confirmation) are
    returned with the others, and also prevent storing anything.
    ``parental_authorization_at`` stays empty: the school records it later.
    """
    profile, errors = _pupil_errors(s, level, school_id, class_id, birth_date, gender)
    if form_errors:
        errors = {**errors, **{str(k): str(v) for k, v in form_errors.items()}}
    oid = client_id(targeted_offer_id)
    profile["targeted_offer_id"] = oid if oid is not None and s.get(Offer, oid) else None
    user, errors = _register(
        s,
        errors,
        role=Role.ELEVE,
        email=email,
        phone=phone,
        password=password,
        first_name=first_name,
        last_name=last_name,
        accept_terms=bool(accept_terms),
        ip=ip,
        **profile,
    )
    if errors:
        return None, {k: _PUPIL_WORDING.get(v, v) for k, v in errors.items()}
    return user, {}


def after_signup_url(user: User | None, default: str = "/espace") -> str:
    """Where a new account goes once activated: back to the offer it came from, if any."""
    if user is not None and user.targeted_offer_id:
        return f"/offres/{int(user.targeted_offer_id)}"
    return default


def activate(s: Session, raw_token: str | None) -> tuple[User | None, str | None]:
    """Open an activation link: the e-mail is verified and the account becomes active."""
    tok = tokens.consume(s, TokenPurpose.ACTIVATION, raw_token)
    user = s.get(User, tok.user_id) if tok is not None and tok.user_id else None
    if not _is_usable(user):
        s.rollback()
        return None, MSG_ACTIVATION_INVALID
    now = clock.now()
    if tok.target and tok.target == user.email and user.email_verified_at is None:
        user.email_verified_at = now
    _activate(s, user, "e-mail")
    s.commit()
    return user, None


def confirm_phone(
    s: Session, phone: str | None, code: str | None
) -> tuple[User | None, str | None]:
    """Check the SMS code sent at sign-up (or on resend): the phone is verified and the
    account becomes active.  5 wrong codes kill the code (ask for a new one)."""
    norm = normalize_phone(phone)
    user = _user_by(s, "phone", norm) if norm else None
    if not _is_usable(user):
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
    _activate(s, user, "sms")
    s.commit()
    return user, None


def resend_activation(s: Session, identifier: str | None, ip: str | None) -> None:
    """Send a new activation link (e-mail) or code (phone) to a not-yet-activated account.

    Same silent answer whether the account exists or not; rate limited (scope ``resend``).
    """
    kind, norm = _parse_identifier(identifier)
    keys = [ratelimit.ip_key(ip)]
    pairs = [("resend_ip", keys[0])]
    if norm:
        keys.append(ratelimit.ident_key(norm))
        pairs.append(("resend_id", keys[1]))
    if not _allowed(s, "resend", pairs):
        s.rollback()
        return
    _record(s, "resend", keys, True)
    user = _user_by(s, kind, norm) if norm else None
    if _is_usable(user) and user.status == AccountStatus.PENDING_ACTIVATION:
        if kind == "email":
            _send_activation_mail(s, user)
        else:
            _send_phone_code(s, user, "activation")
    s.commit()


# --- Password login -------------------------------------------------------------------------


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
        _audit(s, user, "lockout", message=f"{LOCKOUT_THRESHOLD} échecs de connexion")
        return True
    return False


def _status_message(user: User) -> str | None:
    if user.status == AccountStatus.ACTIVE:
        return None
    return {
        AccountStatus.PENDING_ACTIVATION: MSG_NOT_ACTIVATED,
        AccountStatus.PENDING_VALIDATION: MSG_PENDING_VALIDATION,
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
    kind, norm = _parse_identifier(identifier)
    ip_key = ratelimit.ip_key(ip)
    id_key = ratelimit.ident_key(norm) if norm else None
    ip_lim = LIMITS["login_ip"]
    slowed = not ratelimit.check(
        s, SCOPE_LOGIN, ip_key, ip_lim.limit, ip_lim.window, failures_only=True
    )
    failed = MSG_BAD_CREDENTIALS + (" " + MSG_SLOWED if slowed else "")

    user = _user_by(s, kind, norm) if norm else None
    if not _is_usable(user):
        passwords.verify_dummy(password)
        id_lim = LIMITS["login_id"]
        if id_key is not None and not ratelimit.check(
            s, SCOPE_LOGIN, id_key, id_lim.limit, id_lim.window, failures_only=True
        ):
            s.rollback()
            return None, MSG_LOCKED
        _record(s, SCOPE_LOGIN, [ip_key] + ([id_key] if id_key else []), False)
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


# --- Login grants and sessions --------------------------------------------------------------


def _issue_grant(s: Session, user: User, next_url: str) -> str:
    return tokens.issue(
        s,
        TokenPurpose.LOGIN_GRANT,
        user_id=user.id,
        payload={"next": safe_next_url(next_url)},
        ttl=GRANT_TTL,
    )


def issue_login_grant(s: Session, user: User, next_url: str = "/") -> str:
    """A 2-minute single-use grant the browser exchanges at ``/api/session?grant=…`` for the
    HttpOnly session cookie (the login form never handles the session token itself)."""
    raw = _issue_grant(s, user, next_url)
    s.commit()
    return raw


def _new_session(s: Session, user_id: int, ip: str | None, user_agent: str | None) -> str:
    raw = tokens.new_token()
    now = clock.now()
    s.add(
        AuthSession(
            token_hash=tokens.hash_token(raw),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=get_settings().session_days),
            last_seen_at=now,
            ip=(ip or "")[:64],
            user_agent=(user_agent or "")[:255],
        )
    )
    s.flush()
    return raw


def exchange_login_grant(
    s: Session, raw: str | None, ip: str | None, user_agent: str | None
) -> tuple[str, str] | None:
    """Consume a login grant: ``(session_token, next_url)``, or None if invalid/used/expired."""
    tok = tokens.consume(s, TokenPurpose.LOGIN_GRANT, raw)
    user = s.get(User, tok.user_id) if tok is not None and tok.user_id else None
    if not _is_active(user):
        s.commit()  # a consumed grant stays consumed
        return None
    session_token = _new_session(s, user.id, ip, user_agent)
    next_url = safe_next_url(tokens.payload_of(tok).get("next"))
    s.commit()
    return session_token, next_url


def create_session(s: Session, user: User, ip: str | None, user_agent: str | None) -> str:
    """A new session for ``user``; returns the raw token (only its SHA-256 is stored)."""
    raw = _new_session(s, user.id, ip, user_agent)
    s.commit()
    return raw


def _session_row(s: Session, raw_token: str | None) -> AuthSession | None:
    if not raw_token or not isinstance(raw_token, str) or len(raw_token) > 200:
        return None
    stmt = select(AuthSession).where(AuthSession.token_hash == tokens.hash_token(raw_token))
    return s.exec(stmt).first()


def user_for_session(s: Session, raw_token: str | None) -> User | None:
    """The active user of a live session (not expired, not revoked), else None.

    ``last_seen_at`` is written (and committed) at most once per ``SESSION_TOUCH_EVERY``,
    so call it on a session with no other pending work.  The expiry does
    not slide: the cookie's Max-Age was fixed at login.
    """
    row = _session_row(s, raw_token)
    now = clock.now()
    if row is None or row.revoked_at is not None or clock.as_utc(row.expires_at) <= now:
        return None
    user = s.get(User, row.user_id)
    if not _is_active(user):
        return None
    last = clock.as_utc(row.last_seen_at)
    if last is None or now - last >= SESSION_TOUCH_EVERY:
        s.exec(
            sa.update(AuthSession)
            .where(
                AuthSession.id == row.id,
                sa.or_(
                    AuthSession.last_seen_at.is_(None),
                    AuthSession.last_seen_at <= now - SESSION_TOUCH_EVERY,
                ),
            )
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
        s.commit()
    return user


def revoke_session(s: Session, raw_token: str | None) -> bool:
    """Revoke one session (logout).  True when a live session was revoked."""
    if not raw_token or not isinstance(raw_token, str) or len(raw_token) > 200:
        return False
    result = s.exec(
        sa.update(AuthSession)
        .where(
            AuthSession.token_hash == tokens.hash_token(raw_token),
            AuthSession.revoked_at.is_(None),
        )
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    s.commit()
    return result.rowcount == 1


def _revoke_all(s: Session, user_id: int, except_token: str | None = None) -> int:
    conditions = [AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)]
    if except_token:
        conditions.append(AuthSession.token_hash != tokens.hash_token(except_token))
    result = s.exec(
        sa.update(AuthSession)
        .where(*conditions)
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def revoke_all_sessions(s: Session, user_id: int, except_token: str | None = None) -> int:
    """Revoke every session of the user (but ``except_token``'s); returns how many."""
    count = _revoke_all(s, user_id, except_token)
    s.commit()
    return count


# --- Password reset and change --------------------------------------------------------------


def request_password_reset(s: Session, identifier: str | None, ip: str | None) -> str:
    """« Mot de passe oublié ? »: a link by e-mail (1 h) or a 6-digit code by SMS (15 min).

    Returns the *kind of identifier typed* — ``"email"``, ``"phone"`` or ``"unknown"`` (not
    an address nor a mobile number) — never whether an account exists: the UI shows the
    same neutral message and, for ``"phone"``, always the code form.  Rate limited (scope
    ``reset``); does nothing for unknown, refused or disabled accounts.
    """
    kind, norm = _parse_identifier(identifier)
    if kind is None:
        return "unknown"
    keys = [ratelimit.ip_key(ip), ratelimit.ident_key(norm)]
    if not _allowed(s, "reset", [("reset_ip", keys[0]), ("reset_id", keys[1])]):
        s.rollback()
        return kind
    _record(s, "reset", keys, True)
    user = _user_by(s, kind, norm)
    if _is_usable(user) and user.status not in (AccountStatus.REFUSED, AccountStatus.DISABLED):
        if kind == "email":
            tokens.invalidate(s, TokenPurpose.PASSWORD_RESET, user_id=user.id)
            raw = tokens.issue(
                s, TokenPurpose.PASSWORD_RESET, user_id=user.id, target=norm, ttl=RESET_TTL
            )
            url = _url("/mot-de-passe/nouveau", raw)
            subject, body = templates.render(
                "password_reset", url=url, first_name=user.first_name, valid_for="1 heure"
            )
            queue_mail(
                s,
                to=norm,
                subject=subject,
                body=body,
                action_url=url,
                template="password_reset",
                user_id=user.id,
            )
        else:
            _send_phone_code(s, user, "reset")
    s.commit()
    return kind


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
    _activate(s, user, via)  # the link/code proved the address: activate a pending account
    _revoke_all(s, user.id)
    tokens.invalidate(s, TokenPurpose.PASSWORD_RESET, user_id=user.id)
    tokens.invalidate(s, TokenPurpose.PHONE_CODE, user_id=user.id, action="reset")
    _audit(s, user, "password_reset", actor=user, message=via)


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
    if not _is_usable(user) or user.status in (AccountStatus.REFUSED, AccountStatus.DISABLED):
        s.rollback()
        return None, {"token": MSG_RESET_INVALID}
    if pw_error := passwords.password_error(new_password, user_inputs=_inputs_of(user)):
        s.rollback()  # the link stays usable
        return None, {"password": pw_error}
    _set_new_password(s, user, new_password, "e-mail")
    s.commit()
    return user, {}


def reset_password_with_code(
    s: Session, phone: str | None, code: str | None, new_password: str
) -> tuple[User | None, dict[str, str]]:
    """Choose a new password with the SMS code.  Errors: ``password`` or ``code``."""
    pw_error = passwords.password_error(new_password)
    if pw_error:
        return None, {"password": pw_error}
    norm = normalize_phone(phone)
    user = _user_by(s, "phone", norm) if norm else None
    if not _is_usable(user) or user.status in (AccountStatus.REFUSED, AccountStatus.DISABLED):
        return None, {"code": MSG_CODE_INVALID}
    tok = tokens.verify_code(
        s, TokenPurpose.PHONE_CODE, user_id=user.id, target=norm, code=code, action="reset"
    )
    if tok is None:
        s.commit()  # keep the attempt count
        return None, {"code": MSG_CODE_INVALID}
    if pw_error := passwords.password_error(new_password, user_inputs=_inputs_of(user)):
        s.rollback()  # the code stays usable
        return None, {"password": pw_error}
    _set_new_password(s, user, new_password, "sms")
    s.commit()
    return user, {}


def change_password(
    s: Session, user: User, current: str, new: str, *, keep_token: str | None = None
) -> dict[str, str]:
    """Change one's password (fields ``current_password``, ``new_password``).

    Other sessions are revoked; pass the current session token as ``keep_token`` to stay
    logged in here (otherwise every session is revoked).  Wrong current passwords are
    limited per user (scope ``change_password``).
    """
    me = s.get(User, user.id)
    if not _is_active(me):
        return {"current_password": MSG_DISABLED}
    key = ratelimit.ident_key(f"user:{me.id}")
    lim = LIMITS["change_password_user"]
    if not ratelimit.check(s, "change_password", key, lim.limit, lim.window, failures_only=True):
        return {"current_password": MSG_RATE_LIMITED}
    errors: dict[str, str] = {}
    current_ok = passwords.verify_password(current, me.password_hash)
    if not current_ok:
        errors["current_password"] = MSG_CURRENT_PASSWORD
    pw_error = passwords.password_error(new, user_inputs=_inputs_of(me))
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
    _revoke_all(s, me.id, keep_token)
    _audit(s, me, "password_change", actor=me)
    ratelimit.record(s, "change_password", key, True)
    s.commit()
    return {}


# --- Magic link -----------------------------------------------------------------------------


def request_magic_link(s: Session, email: str | None, ip: str | None, next_url: str = "/") -> None:
    """« Recevoir un lien de connexion »: mail ``/connexion/lien?token=…`` (20 min, single
    use) to an active account.  Unknown addresses: nothing, same answer.  Scope ``magic``."""
    norm = normalize_email(email)
    keys = [ratelimit.ip_key(ip)]
    pairs = [("magic_ip", keys[0])]
    if norm:
        keys.append(ratelimit.ident_key(norm))
        pairs.append(("magic_id", keys[1]))
    if not _allowed(s, "magic", pairs):
        s.rollback()
        return
    _record(s, "magic", keys, True)
    user = _user_by(s, "email", norm) if norm else None
    if _is_active(user):
        tokens.invalidate(s, TokenPurpose.MAGIC_LINK, user_id=user.id)
        raw = tokens.issue(
            s,
            TokenPurpose.MAGIC_LINK,
            user_id=user.id,
            target=norm,
            payload={"next": safe_next_url(next_url)},
            ttl=MAGIC_TTL,
        )
        url = _url("/connexion/lien", raw)
        subject, body = templates.render(
            "magic_link", url=url, first_name=user.first_name, valid_for="20 minutes"
        )
        queue_mail(
            s,
            to=norm,
            subject=subject,
            body=body,
            action_url=url,
            template="magic_link",
            user_id=user.id,
        )
    s.commit()


def _consume_magic(
    s: Session, raw: str | None, ip: str | None
) -> tuple[User | None, str, str | None]:
    key = ratelimit.ip_key(ip)
    lim = LIMITS["magic_consume_ip"]
    # Past the limit a valid link still opens (256 random bits: guessing one is hopeless);
    # wrong ones get « Trop de tentatives ».
    over_limit = not ratelimit.check(
        s, "magic_consume", key, lim.limit, lim.window, failures_only=True
    )
    tok = tokens.consume(s, TokenPurpose.MAGIC_LINK, raw)
    user = s.get(User, tok.user_id) if tok is not None and tok.user_id else None
    if not _is_active(user):
        s.rollback()
        if over_limit:  # refused: not recorded, so it never extends the block
            return None, "/", MSG_RATE_LIMITED
        ratelimit.record(s, "magic_consume", key, False)
        return None, "/", MSG_MAGIC_INVALID
    if tok.target == user.email and user.email_verified_at is None:
        user.email_verified_at = clock.now()
    user.last_login_at = clock.now()
    # The link proved the mailbox: like a reset, it ends a lockout.
    user.failed_logins = 0
    user.locked_until = None
    return user, safe_next_url(tokens.payload_of(tok).get("next")), None


def consume_magic_link(
    s: Session, raw: str | None, ip: str | None
) -> tuple[User | None, str | None]:
    """Open a magic link: ``(user, None)`` or ``(None, message)``.  Wrong links are
    counted per IP (scope ``magic_consume``); a valid link always opens."""
    user, _next, error = _consume_magic(s, raw, ip)
    s.commit()
    return user, error


def magic_link_grant(s: Session, raw: str | None, ip: str | None) -> tuple[str | None, str | None]:
    """Open a magic link and issue the login grant for ``/api/session`` in the same
    transaction, with the next URL stored in the link: ``(grant, None)`` or ``(None, message)``."""
    user, next_url, error = _consume_magic(s, raw, ip)
    if user is None:
        s.commit()
        return None, error
    grant = _issue_grant(s, user, next_url)
    s.commit()
    return grant, None


# --- Accounts created by staff, CLI, demo data ----------------------------------------------


def create_active_account(
    s: Session,
    *,
    role: str,
    email: str | None = None,
    phone: str | None = None,
    password: str,
    first_name: str = "",
    last_name: str = "",
    **profile: Any,
) -> tuple[User | None, dict[str, str]]:
    """An active account of any role (admin included): ``python -m mystage create-account``
    and demo data.  Flushes only: the caller commits (nothing is added on errors)."""
    _check_profile(profile)
    errors: dict[str, str] = {}
    if not isinstance(role, str) or role not in set(Role):
        errors["role"] = MSG_ROLE_INVALID
    norm_email, norm_phone = _validate_identity(s, email, phone, errors)
    pw_error = passwords.password_error(password, user_inputs=(first_name, last_name, email, phone))
    if pw_error:
        errors["password"] = pw_error
    if errors:
        return None, errors
    now = clock.now()
    user = User(
        role=str(role),
        email=norm_email,
        phone=norm_phone,
        password_hash=passwords.hash_password(password),
        status=AccountStatus.ACTIVE,
        first_name=(first_name or "").strip()[:100],
        last_name=(last_name or "").strip()[:100],
        activated_at=now,
        email_verified_at=now if norm_email else None,
        phone_verified_at=now if norm_phone else None,
        password_changed_at=now,
        created_at=now,
        **profile,
    )
    if not _flush_new_user(s, user, errors):
        return None, errors
    _audit(s, user, "create", to_state=AccountStatus.ACTIVE, message="compte créé actif")
    s.flush()
    return user, {}

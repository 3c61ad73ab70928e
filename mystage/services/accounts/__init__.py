"""Accounts: sign-up, activation, login (password, magic link), sessions, password reset, and
the administrators' validation of accounts.

This ``__init__`` is the package's public API; the submodules each hold one idea:
:mod:`signup` (the shared path, generic form), :mod:`pupil_signup`, :mod:`referents`,
:mod:`creation` (identity checks, accounts created active), :mod:`activation`,
:mod:`login`, :mod:`sessions` (grants and cookies), :mod:`recovery` (reset, change),
:mod:`magic_links`, :mod:`admin` (validation), :mod:`limits` (numbers and reasons),
:mod:`messages`, :mod:`identifiers`, :mod:`users`; and the toolkits :mod:`passwords`
(hashing and rules), :mod:`tokens` (one-time secrets), :mod:`ratelimit` (attempt rows),
:mod:`client_address` (the client's IP behind our proxies).

Conventions
- Form-like results are ``(obj_or_None, errors)`` where ``errors`` maps a form field name
  to a French message shown next to that field; nothing is stored when there are errors.
  Login-like results are ``(obj_or_None, message_or_None)``.
- Every public use case commits its own transaction, because some effects must stick
  whatever the outcome (failed-login counters, code attempts, rate-limit rows): Reflex
  handlers just ``await db.call(accounts.fn, ...)``.  Exception: ``create_active_account``
  only flushes, the caller commits (CLI, demo data in batches).
- Secrets (activation/reset/magic links, login grants, session tokens, SMS codes) are random,
  single use, expiring and stored hashed (:mod:`tokens`); they are never
  logged.  Sessions: only the SHA-256 of the cookie value is stored.
- Limits (numbers and reasons at :data:`limits.LIMITS`) never lock out the innocent behind a
  shared address (a collège behind one NAT, everyone behind a proxy): a wrong password counts
  against the account attacked (locked for ``LOCKOUT_DURATION`` after ``LOCKOUT_THRESHOLD``
  in a row; a reset or a magic link still works and unlocks it), failures on unknown
  identifiers lock nobody, and failures from one client address only *slow down* the next
  logins from it (:func:`login.login_delay`): a right password for an account that is not locked
  is accepted whatever the address did.  Refused attempts are not recorded, so they never
  extend a block.  Client addresses come from :mod:`client_address` (``TRUSTED_PROXIES``).
- Sign-up never says whether an address is taken: it answers as for a new address, creates
  nothing and tells the owner (:func:`signup.tell_owner_of_signup`).
"""

from mystage.services.accounts import client_address, passwords, ratelimit, tokens
from mystage.services.accounts.activation import (
    ACTIVATION_TTL,
    activate,
    after_signup_url,
    awaits_validation,
    confirm_phone,
    resend_activation,
)
from mystage.services.accounts.admin import (
    ADMIN_URL,
    MSG_NOT_PENDING,
    SPACE_URL,
    STATS_URL,
    decide_account,
    pending_accounts,
    pending_structures,
    referent_territory,
)
from mystage.services.accounts.creation import PROFILE_FIELDS, create_active_account
from mystage.services.accounts.delivery import CODE_TTL
from mystage.services.accounts.identifiers import (
    identifier_kind,
    normalize_email,
    normalize_phone,
    safe_next_url,
)
from mystage.services.accounts.limits import (
    LIMITS,
    LOCKOUT_DURATION,
    LOCKOUT_THRESHOLD,
    LOGIN_DELAY_FIRST,
    LOGIN_DELAY_MAX,
    LOGIN_DELAY_STEP,
    SCOPE_LOGIN,
    Limit,
)
from mystage.services.accounts.login import authenticate, login_delay, password_login
from mystage.services.accounts.magic_links import (
    MAGIC_TTL,
    consume_magic_link,
    magic_link_grant,
    request_magic_link,
)
from mystage.services.accounts.messages import (
    MSG_ACADEMY_INVALID,
    MSG_ACTIVATION_INVALID,
    MSG_BAD_CREDENTIALS,
    MSG_CODE_INVALID,
    MSG_CURRENT_PASSWORD,
    MSG_DEPARTMENT_INVALID,
    MSG_DISABLED,
    MSG_EMAIL_INVALID,
    MSG_EMAIL_TAKEN,
    MSG_EMPLOYER_SIGNUP,
    MSG_FIRST_NAME_REQUIRED,
    MSG_IDENTIFIER_REQUIRED,
    MSG_JOB_TITLE_TOO_LONG,
    MSG_LAST_NAME_REQUIRED,
    MSG_LOCKED,
    MSG_MAGIC_INVALID,
    MSG_NAME_TOO_LONG,
    MSG_NOT_ACTIVATED,
    MSG_PENDING_VALIDATION,
    MSG_PHONE_INVALID,
    MSG_PHONE_TAKEN,
    MSG_RATE_LIMITED,
    MSG_REFERENT_EMAIL,
    MSG_REFUSED,
    MSG_RESET_INVALID,
    MSG_ROLE_INVALID,
    MSG_SAME_PASSWORD,
    MSG_SIGNUP_RATE_LIMITED,
    MSG_SLOWED,
    MSG_STAFF_SIGNUP,
    MSG_TERMS_REQUIRED,
)
from mystage.services.accounts.pupil_signup import (
    GENDER_LABELS,
    GENDERS,
    MSG_BIRTH_FUTURE,
    MSG_BIRTH_INVALID,
    MSG_BIRTH_REQUIRED,
    MSG_BIRTH_TOO_OLD,
    MSG_BIRTH_TOO_YOUNG,
    MSG_CLASS_INVALID,
    MSG_GENDER_INVALID,
    MSG_LEVEL_INVALID,
    MSG_SCHOOL_COLLEGE,
    MSG_SCHOOL_INVALID,
    MSG_SCHOOL_LYCEE,
    NOTE_NO_SECONDE,
    PUPIL_MAX_AGE,
    PUPIL_MIN_AGE,
    SCHOOL_QUERY_MAX,
    SCHOOL_SUGGESTIONS_MAX,
    age_on,
    birth_date_error,
    parse_birth_date,
    register_pupil,
    school_kind_error,
    school_kind_for_level,
    signup_school,
    signup_school_suggestions,
)
from mystage.services.accounts.recovery import (
    RESET_TTL,
    change_password,
    request_password_reset,
    reset_password,
    reset_password_with_code,
)
from mystage.services.accounts.referents import referent_choices, register_referent
from mystage.services.accounts.sessions import (
    GRANT_TTL,
    SESSION_TOUCH_EVERY,
    create_session,
    exchange_login_grant,
    issue_login_grant,
    revoke_all_sessions,
    revoke_session,
    user_for_session,
)
from mystage.services.accounts.signup import (
    EMPLOYER_SIGNUP_URL,
    GENERIC_SIGNUP_ROLES,
    SCHOOL_SIGNUP_URL,
    SELF_SIGNUP_ROLES,
    register,
    register_generic,
    signup_redirect,
)

__all__ = [
    "ACTIVATION_TTL",
    "ADMIN_URL",
    "CODE_TTL",
    "EMPLOYER_SIGNUP_URL",
    "GENDERS",
    "GENDER_LABELS",
    "GENERIC_SIGNUP_ROLES",
    "GRANT_TTL",
    "LIMITS",
    "LOCKOUT_DURATION",
    "LOCKOUT_THRESHOLD",
    "LOGIN_DELAY_FIRST",
    "LOGIN_DELAY_MAX",
    "LOGIN_DELAY_STEP",
    "Limit",
    "MAGIC_TTL",
    "MSG_ACADEMY_INVALID",
    "MSG_ACTIVATION_INVALID",
    "MSG_BAD_CREDENTIALS",
    "MSG_BIRTH_FUTURE",
    "MSG_BIRTH_INVALID",
    "MSG_BIRTH_REQUIRED",
    "MSG_BIRTH_TOO_OLD",
    "MSG_BIRTH_TOO_YOUNG",
    "MSG_CLASS_INVALID",
    "MSG_CODE_INVALID",
    "MSG_CURRENT_PASSWORD",
    "MSG_DEPARTMENT_INVALID",
    "MSG_DISABLED",
    "MSG_EMAIL_INVALID",
    "MSG_EMAIL_TAKEN",
    "MSG_EMPLOYER_SIGNUP",
    "MSG_FIRST_NAME_REQUIRED",
    "MSG_GENDER_INVALID",
    "MSG_IDENTIFIER_REQUIRED",
    "MSG_JOB_TITLE_TOO_LONG",
    "MSG_LAST_NAME_REQUIRED",
    "MSG_LEVEL_INVALID",
    "MSG_LOCKED",
    "MSG_MAGIC_INVALID",
    "MSG_NAME_TOO_LONG",
    "MSG_NOT_ACTIVATED",
    "MSG_NOT_PENDING",
    "MSG_PENDING_VALIDATION",
    "MSG_PHONE_INVALID",
    "MSG_PHONE_TAKEN",
    "MSG_RATE_LIMITED",
    "MSG_REFERENT_EMAIL",
    "MSG_REFUSED",
    "MSG_RESET_INVALID",
    "MSG_ROLE_INVALID",
    "MSG_SAME_PASSWORD",
    "MSG_SCHOOL_COLLEGE",
    "MSG_SCHOOL_INVALID",
    "MSG_SCHOOL_LYCEE",
    "MSG_SIGNUP_RATE_LIMITED",
    "MSG_SLOWED",
    "MSG_STAFF_SIGNUP",
    "MSG_TERMS_REQUIRED",
    "NOTE_NO_SECONDE",
    "PROFILE_FIELDS",
    "PUPIL_MAX_AGE",
    "PUPIL_MIN_AGE",
    "RESET_TTL",
    "SCHOOL_QUERY_MAX",
    "SCHOOL_SIGNUP_URL",
    "SCHOOL_SUGGESTIONS_MAX",
    "SCOPE_LOGIN",
    "SELF_SIGNUP_ROLES",
    "SESSION_TOUCH_EVERY",
    "SPACE_URL",
    "STATS_URL",
    "activate",
    "after_signup_url",
    "age_on",
    "authenticate",
    "awaits_validation",
    "birth_date_error",
    "change_password",
    "client_address",
    "confirm_phone",
    "consume_magic_link",
    "create_active_account",
    "create_session",
    "decide_account",
    "exchange_login_grant",
    "identifier_kind",
    "issue_login_grant",
    "login_delay",
    "magic_link_grant",
    "normalize_email",
    "normalize_phone",
    "parse_birth_date",
    "password_login",
    "passwords",
    "pending_accounts",
    "pending_structures",
    "ratelimit",
    "referent_choices",
    "referent_territory",
    "register",
    "register_generic",
    "register_pupil",
    "register_referent",
    "request_magic_link",
    "request_password_reset",
    "resend_activation",
    "reset_password",
    "reset_password_with_code",
    "revoke_all_sessions",
    "revoke_session",
    "safe_next_url",
    "school_kind_error",
    "school_kind_for_level",
    "signup_redirect",
    "signup_school",
    "signup_school_suggestions",
    "tokens",
    "user_for_session",
]

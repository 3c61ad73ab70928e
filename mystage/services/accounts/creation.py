"""Creating a user row: the identity checks shared by every sign-up, and active accounts
created by the CLI and the demo data (:func:`create_active_account`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mystage import clock
from mystage.models import AccountStatus, Role, User
from mystage.services.accounts import passwords
from mystage.services.accounts.identifiers import normalize_email, normalize_phone
from mystage.services.accounts.messages import (
    MSG_EMAIL_INVALID,
    MSG_EMAIL_TAKEN,
    MSG_IDENTIFIER_REQUIRED,
    MSG_PHONE_INVALID,
    MSG_PHONE_TAKEN,
    MSG_ROLE_INVALID,
)
from mystage.services.accounts.users import audit_user, user_by

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


def validate_identity(
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
        elif (owner := user_by(s, "email", norm_email)) is not None:
            if taken is None:
                errors["email"] = MSG_EMAIL_TAKEN
            else:
                taken["email"] = owner
    if phone:
        norm_phone = normalize_phone(phone)
        if norm_phone is None:
            errors["phone"] = MSG_PHONE_INVALID
        elif (owner := user_by(s, "phone", norm_phone)) is not None:
            if taken is None:
                errors["phone"] = MSG_PHONE_TAKEN
            else:
                taken["phone"] = owner
    return norm_email, norm_phone


def check_profile(profile: dict[str, Any]) -> None:
    unknown = set(profile) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"unexpected profile field(s): {', '.join(sorted(unknown))}")


def flush_new_user(
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
        if user.email and (owner := user_by(s, "email", user.email)) is not None:
            found["email"] = owner
        if user.phone and (owner := user_by(s, "phone", user.phone)) is not None:
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
    check_profile(profile)
    errors: dict[str, str] = {}
    if not isinstance(role, str) or role not in set(Role):
        errors["role"] = MSG_ROLE_INVALID
    norm_email, norm_phone = validate_identity(s, email, phone, errors)
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
    if not flush_new_user(s, user, errors):
        return None, errors
    audit_user(s, user, "create", to_state=AccountStatus.ACTIVE, message="compte créé actif")
    s.flush()
    return user, {}

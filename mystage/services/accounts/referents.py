"""Sign-up of référents (départemental, académique, central): their territory and function.
The account is validated by an administrator after activation (:mod:`admin`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from mystage.models import REFERENT_ROLES, Department, Role, User
from mystage.services import ministries
from mystage.services.accounts.messages import (
    MSG_ACADEMY_INVALID,
    MSG_DEPARTMENT_INVALID,
    MSG_IDENTIFIER_REQUIRED,
    MSG_JOB_TITLE_TOO_LONG,
    MSG_REFERENT_EMAIL,
    MSG_ROLE_INVALID,
)
from mystage.services.accounts.signup import Identity, register_with_errors
from mystage.services.accounts.users import without_controls


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
    by the mailed link, then waits for an administrator (:func:`mark_activated`)."""
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
            if name and len(name) <= 60 and without_controls(name) == name
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
    title = without_controls(job_title).strip() if isinstance(job_title, str) else ""
    if len(title) > 150:
        errors["job_title"] = MSG_JOB_TITLE_TOO_LONG
    else:
        profile["job_title"] = title
    if not (isinstance(email, str) and email.strip()):
        errors["email"] = MSG_REFERENT_EMAIL
    who = Identity(email, phone, password, first_name, last_name, bool(accept_terms), ip)
    role = role if isinstance(role, str) else ""
    user, errors = register_with_errors(s, errors, role, who, **profile)
    if errors.get("email") == MSG_IDENTIFIER_REQUIRED:
        errors["email"] = MSG_REFERENT_EMAIL
    return user, errors

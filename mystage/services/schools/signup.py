"""Sign-up of a head (official mailbox or académie address) and of staff members (a pending
membership the head accepts)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    AccountStatus,
    Role,
    School,
    StaffMembership,
    User,
)
from mystage.services import accounts, audit
from mystage.services.accounts import passwords
from mystage.services.form_values import form_bool, form_str
from mystage.services.ids import client_id
from mystage.services.schools.academies import check_head_email, check_staff_email
from mystage.services.schools.constants import HEAD_LABEL, STAFF_FUNCTIONS, STAFF_URL
from mystage.services.schools.mails import send_mail
from mystage.services.schools.messages import (
    MSG_CLASSES,
    MSG_FUNCTION,
    MSG_PASSWORD_MISMATCH,
    MSG_SCHOOL_CLOSED,
    MSG_SCHOOL_REQUIRED,
)
from mystage.services.schools.scope import grant_classes, live_class_ids
from mystage.services.schools.values import form_email, id_list


class _FlushOnCommit:
    """The caller's session where ``commit()`` only flushes: :func:`accounts.register`
    commits its own work, but a sign-up here creates the account and its membership in ONE
    transaction (committed by the caller)."""

    def __init__(self, s: Session):
        self._s = s

    def commit(self) -> None:
        self._s.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s, name)


def _school_for_signup(s: Session, data: dict, errors: dict[str, str]) -> School | None:
    sid = client_id(data.get("school_id") if isinstance(data, dict) else None)
    school = s.get(School, sid) if sid is not None else None
    if school is None:
        errors["school_id"] = MSG_SCHOOL_REQUIRED
        return None
    if school.status not in ("open", ""):
        errors["school_id"] = MSG_SCHOOL_CLOSED
        return None
    return school


def _account_fields(data: dict, errors: dict[str, str]) -> str:
    """The account's own checks (names, password pair, terms) run with the school and
    address checks, so one answer lists every error; returns the password.  (When they
    pass, :func:`accounts.register` checks them again and creates the account.)"""
    password = data.get("password") if isinstance(data.get("password"), str) else ""
    password2 = data.get("password2") if isinstance(data.get("password2"), str) else ""
    names = (
        form_str(data, "first_name", 200),
        form_str(data, "last_name", 200),
        form_str(data, "email", 500),
    )
    pw_error = passwords.password_error(password, user_inputs=names)
    if "password2" in data and password != password2 and not pw_error:
        errors["password2"] = MSG_PASSWORD_MISMATCH
    elif pw_error:
        errors.setdefault("password", pw_error)
    if not form_str(data, "first_name", 200):
        errors.setdefault("first_name", accounts.MSG_FIRST_NAME_REQUIRED)
    if not form_str(data, "last_name", 200):
        errors.setdefault("last_name", accounts.MSG_LAST_NAME_REQUIRED)
    if not form_bool(data, "accept_terms"):
        errors.setdefault("accept_terms", accounts.MSG_TERMS_REQUIRED)
    return password


def _register_account(
    s: Session,
    data: dict,
    ip: str,
    role: str,
    email: str,
    password: str,
    job_title: str,
    school_id: int,
    staff_scope: str,
) -> tuple[User | None, dict[str, str]]:
    """:func:`accounts.register` inside the caller's transaction, with the form's names,
    civility and terms."""
    return accounts.register(
        _FlushOnCommit(s),  # type: ignore[arg-type]
        role=role,
        email=email,
        password=password,
        first_name=form_str(data, "first_name", 200),
        last_name=form_str(data, "last_name", 200),
        accept_terms=form_bool(data, "accept_terms"),
        ip=ip or None,
        civility=form_str(data, "civility", 8),
        job_title=job_title,
        school_id=school_id,
        staff_scope=staff_scope,
    )  # fmt: skip


def register_head(
    s: Session, *, data: dict, ip: str = ""
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """« Chef d'établissement, créez votre compte »: the school chosen from the embedded
    list (``school_id``), ``civility``, ``first_name``, ``last_name``, ``email``,
    ``password`` (+ ``password2``), ``accept_terms``.

    With the school's official mailbox the account is activated by the mailed link; with
    another address of the school's académie it also waits for an admin's validation
    (``pending_validation``).  Returns ``({"user_id", "school_id", "needs_validation"}, {})``
    or ``(None, errors)`` keyed by field, nothing stored.  An address that already has an
    account gets the same answer with ``user_id`` None: nothing created, the owner told."""
    if not isinstance(data, dict):
        return None, {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    school = _school_for_signup(s, data, errors)
    email = form_email(data, errors, "Indiquez votre adresse e-mail professionnelle.")
    kind = ""
    if email is not None and school is not None:
        kind, err = check_head_email(school, email)
        if err:
            errors["email"] = err
    password = _account_fields(data, errors)
    if errors:
        s.rollback()
        return None, errors
    user, reg_errors = _register_account(
        s, data, ip, Role.CHEF_ETABLISSEMENT, email, password, HEAD_LABEL, school.id, "school"
    )
    needs_validation = kind != "official"
    if user is None and not reg_errors:  # taken address: same answer, nothing created
        s.commit()
        return {"user_id": None, "school_id": school.id, "needs_validation": needs_validation}, {}
    if user is None:
        s.rollback()
        return None, reg_errors
    if needs_validation:
        user.status = AccountStatus.PENDING_VALIDATION
        audit.record(
            s, "user", user.id, "head_signup", user, to_state=AccountStatus.PENDING_VALIDATION,
            message=f"{school.uai} : adresse académique, validation par l'équipe MyStage",
        )  # fmt: skip
    else:
        audit.record(s, "user", user.id, "head_signup", user, message=f"{school.uai}")
    s.commit()
    return {"user_id": user.id, "school_id": school.id, "needs_validation": needs_validation}, {}


def _heads_to_tell(s: Session, school: School) -> list[tuple[str, str, int | None]]:
    """(address, first name, user id) of the school's active heads, else its mailbox."""
    rows = s.execute(
        sa.select(User.email, User.first_name, User.id).where(
            User.role == Role.CHEF_ETABLISSEMENT,
            User.school_id == school.id,
            User.status == AccountStatus.ACTIVE,
            User.deleted_at.is_(None),
            User.email.is_not(None),
        )
    ).all()
    out = [(r.email, r.first_name, r.id) for r in rows]
    if school.email and school.email not in {o[0] for o in out}:
        out.append((school.email, "", None))
    return out


def register_staff(
    s: Session, *, data: dict, ip: str = ""
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Staff sign-up (professeurs, CPE, documentaliste, psy-EN, secrétariat, référent):
    ``school_id``, ``function`` (:data:`STAFF_FUNCTIONS`), ``class_ids`` (the classes they
    follow, optional), ``civility``, ``first_name``, ``last_name``, ``email`` (an address of
    the school's académie), ``password`` (+ ``password2``), ``accept_terms``.

    Creates the account (activated by the mailed link) and a *pending* membership: the
    head is told by mail and opens access (:func:`decide_staff`).  Returns
    ``({"user_id", "membership_id", "school_id"}, {})`` or ``(None, errors)``; an address
    that already has an account gets ids None, nothing created and its owner told."""
    if not isinstance(data, dict):
        return None, {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    school = _school_for_signup(s, data, errors)
    function = form_str(data, "function", 40)
    if function not in STAFF_FUNCTIONS:
        errors["function"] = MSG_FUNCTION
    email = form_email(data, errors, "Indiquez votre adresse e-mail académique.")
    if email is not None and school is not None and (err := check_staff_email(school, email)):
        errors["email"] = err
    class_ids = id_list(data.get("class_ids"))
    if class_ids is None or (
        school is not None
        and class_ids
        and live_class_ids(s, school.id, class_ids) != set(class_ids)
    ):
        errors["class_ids"] = MSG_CLASSES
    password = _account_fields(data, errors)
    if errors:
        s.rollback()
        return None, errors
    role, label, scope = STAFF_FUNCTIONS[function]
    user, reg_errors = _register_account(
        s, data, ip, role, email, password, label, school.id, scope
    )
    if user is None and not reg_errors:  # taken address: same answer, nothing created
        s.commit()
        return {"user_id": None, "membership_id": None, "school_id": school.id}, {}
    if user is None:
        s.rollback()
        return None, reg_errors
    now = clock.now()
    membership = StaffMembership(
        user_id=user.id, school_id=school.id, status="pending", created_at=now
    )
    s.add(membership)
    s.flush()
    grant_classes(s, user.id, class_ids, class_ids if role == Role.PROFESSEUR_PRINCIPAL else ())
    audit.record(s, "staff_membership", membership.id, "request", user, to_state="pending")
    for to, first_name, uid in _heads_to_tell(s, school):
        send_mail(
            s, to, "school_staff_request", f"school_staff_request:{membership.id}:{to}", uid,
            url=STAFF_URL, school_name=school.name, requester_name=user.full_name,
            requester_email=user.email or "", function_label=label, first_name=first_name,
        )  # fmt: skip
    s.commit()
    return {"user_id": user.id, "membership_id": membership.id, "school_id": school.id}, {}

"""Invitations: the head invites a staff member by mail; the invitee opens the single-use link
and creates an active account."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    OneTimeToken,
    Role,
    School,
    StaffMembership,
    TokenPurpose,
    User,
)
from mystage.services import accounts, audit
from mystage.services.accounts import passwords, tokens
from mystage.services.form_values import form_str
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.services.schools.academies import check_staff_email
from mystage.services.schools.constants import (
    INVITATION_TTL,
    INVITATION_URL,
    SCOPE_LABELS,
    STAFF_FUNCTIONS,
)
from mystage.services.schools.mails import send_mail
from mystage.services.schools.messages import (
    MSG_CLASSES,
    MSG_DENIED,
    MSG_FUNCTION_OTHER,
    MSG_INVITATION_DONE,
    MSG_INVITATION_INVALID,
    MSG_INVITE_ACCOUNT,
    MSG_INVITE_MEMBER,
    MSG_INVITE_PENDING,
    MSG_SCOPE,
    MSG_SCOPE_CLASSES,
)
from mystage.services.schools.scope import caller_scope, grant_classes, live_class_ids
from mystage.services.schools.values import fmt_date, form_email, id_list


def _invitation_prefix(school_id: int) -> str:
    return json.dumps({"school_id": school_id})[:-1] + ","


def pending_invitations(s: Session, school_id: int) -> list[dict[str, Any]]:
    now = clock.now()
    rows = s.exec(
        select(OneTimeToken)
        .where(
            OneTimeToken.purpose == TokenPurpose.INVITATION,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
            OneTimeToken.payload.startswith(_invitation_prefix(school_id), autoescape=True),
        )
        .order_by(OneTimeToken.created_at.desc())
    ).all()
    out = []
    for t in rows:
        p = tokens.payload_of(t)
        out.append(
            {
                "id": t.id,
                "email": t.target,
                "function": STAFF_FUNCTIONS.get(p.get("function"), ("", ""))[1],
                "created_at": fmt_date(t.created_at),
                "expires_at": fmt_date(t.expires_at),
            }
        )
    return out


def invite_staff(s: Session, actor: User | None, data: dict, school_id: Any = None) -> dict:
    """The head invites a staff member by mail: ``email`` (an address of the school's
    académie), ``function``, ``scope`` ("school"/"classes", default by function),
    ``class_ids``.  The mail carries a single-use link ``/invitation?token=…`` (14 days)
    to create the account (:func:`accept_invitation`).  A new invitation to the same
    address replaces the previous one.  Returns errors keyed by field ({} when sent)."""
    sc = caller_scope(s, actor, school_id, manage=True)
    if not isinstance(data, dict):
        return {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    email = form_email(data, errors, "Indiquez l'adresse e-mail académique de la personne.")
    if email is not None and (err := check_staff_email(sc.school, email)):
        errors["email"] = err.replace("votre adresse", "son adresse").replace(
            "Utilisez", "Indiquez"
        )
    function = form_str(data, "function", 40)
    if function not in STAFF_FUNCTIONS:
        errors["function"] = MSG_FUNCTION_OTHER
    staff_scope = form_str(data, "scope", 10) or (STAFF_FUNCTIONS.get(function, ("", "", ""))[2])
    # No function chosen: its message alone (the scope follows from the function).
    if staff_scope not in SCOPE_LABELS and "function" not in errors:
        errors["scope"] = MSG_SCOPE
    ids = id_list(data.get("class_ids"))
    if ids is None or (ids and live_class_ids(s, sc.school.id, ids) != set(ids)):
        errors["class_ids"] = MSG_CLASSES
    elif staff_scope == "classes" and not ids:
        errors["class_ids"] = MSG_SCOPE_CLASSES
    if "email" not in errors and email:
        existing = s.exec(select(User).where(User.email == email)).first()
        if existing is not None:
            status = s.execute(
                sa.select(StaffMembership.status).where(
                    StaffMembership.user_id == existing.id,
                    StaffMembership.school_id == sc.school.id,
                )
            ).scalar_one_or_none()
            errors["email"] = {"active": MSG_INVITE_MEMBER, "pending": MSG_INVITE_PENDING}.get(
                status or "", MSG_INVITE_ACCOUNT
            )
    if errors:
        s.rollback()
        return errors
    now = clock.now()
    s.execute(  # a new invitation replaces the previous one to that address
        sa.update(OneTimeToken)
        .where(
            OneTimeToken.purpose == TokenPurpose.INVITATION,
            OneTimeToken.target == email,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.payload.startswith(_invitation_prefix(sc.school.id), autoescape=True),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    payload = {
        "school_id": sc.school.id,
        "email": email,
        "function": function,
        "scope": staff_scope,
        "class_ids": ids,
        "invited_by": sc.user.id,
    }
    raw = tokens.issue(
        s, TokenPurpose.INVITATION, target=email, payload=payload, ttl=INVITATION_TTL
    )
    url = f"{INVITATION_URL}?token={raw}"
    send_mail(
        s, email, "school_invitation", f"school_invitation:{tokens.hash_token(raw)[:32]}", None,
        url=url, school_name=sc.school.name, inviter_name=sc.user.full_name,
        function_label=STAFF_FUNCTIONS[function][1],
    )  # fmt: skip
    audit.record(s, "school", sc.school.id, "invite", sc.user, message=f"{email} ({function})")
    s.commit()
    return {}


def cancel_invitation(s: Session, actor: User | None, invitation_id: Any) -> str:
    """The head withdraws an invitation not used yet."""
    tid = client_id(invitation_id)
    tok = s.get(OneTimeToken, tid) if tid is not None else None
    is_invitation = tok is not None and tok.purpose == TokenPurpose.INVITATION
    school_id = tokens.payload_of(tok).get("school_id") if is_invitation else None
    admin = actor is not None and actor.role == Role.ADMIN
    sc = caller_scope(s, actor, school_id if admin else None, manage=True)
    if not is_invitation or school_id != sc.school.id:
        raise PermissionDenied(MSG_DENIED)
    done = s.execute(
        sa.update(OneTimeToken)
        .where(OneTimeToken.id == tok.id, OneTimeToken.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_INVITATION_DONE
    audit.record(s, "school", sc.school.id, "cancel_invitation", sc.user, message=tok.target)
    s.commit()
    return ""


def _live_invitation(s: Session, raw: Any) -> OneTimeToken | None:
    if not isinstance(raw, str) or not raw or len(raw) > 200:
        return None
    return s.exec(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == tokens.hash_token(raw),
            OneTimeToken.purpose == TokenPurpose.INVITATION,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > clock.now(),
        )
    ).first()


def invitation_info(s: Session, raw_token: Any) -> dict[str, str] | None:
    """What the invitation page shows before the account is created (the token is not
    used up): ``{"school_name", "commune", "email", "function"}``, or None if invalid."""
    tok = _live_invitation(s, raw_token)
    if tok is None:
        return None
    p = tokens.payload_of(tok)
    school = s.get(School, p.get("school_id")) if client_id(p.get("school_id")) else None
    if school is None:
        return None
    return {
        "school_name": school.name,
        "commune": school.commune,
        "email": tok.target,
        "function": STAFF_FUNCTIONS.get(p.get("function"), ("", ""))[1],
    }


def accept_invitation(
    s: Session,
    token: Any,
    first_name: Any,
    last_name: Any,
    password: Any,
    *,
    accept_terms: bool = True,
) -> tuple[User | None, dict[str, str]]:
    """Open an invitation: the invitee chooses names and password and becomes an active
    member of the school (account active at once: the link proved the address).  Errors:
    ``first_name`` / ``last_name`` / ``password`` (the link stays usable) or ``token``."""
    errors: dict[str, str] = {}
    first = first_name.strip() if isinstance(first_name, str) else ""
    last = last_name.strip() if isinstance(last_name, str) else ""
    if not first:
        errors["first_name"] = accounts.MSG_FIRST_NAME_REQUIRED
    elif len(first) > 100:
        errors["first_name"] = accounts.MSG_NAME_TOO_LONG
    if not last:
        errors["last_name"] = accounts.MSG_LAST_NAME_REQUIRED
    elif len(last) > 100:
        errors["last_name"] = accounts.MSG_NAME_TOO_LONG
    pw = password if isinstance(password, str) else ""
    if err := passwords.password_error(pw, user_inputs=(first, last)):
        errors["password"] = err
    if not accept_terms:
        errors["accept_terms"] = accounts.MSG_TERMS_REQUIRED
    if _live_invitation(s, token) is None:
        return None, {"token": MSG_INVITATION_INVALID}
    if errors:
        return None, errors
    tok = tokens.consume(s, TokenPurpose.INVITATION, token)
    p = tokens.payload_of(tok) if tok is not None else {}
    school = s.get(School, p.get("school_id")) if client_id(p.get("school_id")) else None
    function = p.get("function")
    if tok is None or school is None or function not in STAFF_FUNCTIONS:
        s.rollback()
        return None, {"token": MSG_INVITATION_INVALID}
    role, label, _default = STAFF_FUNCTIONS[function]
    staff_scope = p.get("scope") if p.get("scope") in SCOPE_LABELS else "school"
    user, reg_errors = accounts.create_active_account(
        s, role=role, email=tok.target, password=pw, first_name=first, last_name=last,
        job_title=label, school_id=school.id, staff_scope=staff_scope,
    )  # fmt: skip
    if user is None:
        s.rollback()
        if "password" in reg_errors:
            return None, {"password": reg_errors["password"]}
        return None, {"token": MSG_INVITE_ACCOUNT}
    now = clock.now()
    user.terms_accepted_at = now
    user.privacy_accepted_at = now
    inviter = client_id(p.get("invited_by"))
    membership = StaffMembership(
        user_id=user.id, school_id=school.id, status="active", created_at=now, decided_at=now,
        invited_by_id=inviter if inviter and s.get(User, inviter) else None,
    )  # fmt: skip
    s.add(membership)
    s.flush()
    ids = id_list(p.get("class_ids")) or []
    live = sorted(live_class_ids(s, school.id, ids))
    grant_classes(s, user.id, live, live if role == Role.PROFESSEUR_PRINCIPAL else ())
    audit.record(
        s, "staff_membership", membership.id, "invitation_accepted", user, to_state="active"
    )
    s.commit()
    return user, {}

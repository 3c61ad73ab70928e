"""Invitations to a structure's team (« Inviter un collègue »).

The owner types a colleague's e-mail: a :class:`StructureMember` row (``status="invited"``,
``invited_email``, ``role="member"``, no user yet) and a single-use
:class:`OneTimeToken` (purpose ``INVITATION``, payload ``{"member_id", "structure_id"}``,
14 days, hashed as every token) whose link ``/invitation/equipe/<token>`` is mailed.
The school invitations share the purpose; their payload starts with ``school_id``, so
neither flow accepts the other's links.

Opening the link: a visitor signs up as an employer (the address is the invited one, no
SIRET step: the structure is the inviter's, :func:`accept_with_signup`) or logs in and
joins (:func:`accept_as_user`); a logged-in person with another address is refused.
« Renvoyer » issues a new link (the previous one dies), « Annuler » ends the invitation.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    OFFER_POSTING_ROLES,
    OneTimeToken,
    Role,
    Structure,
    StructureMember,
    TokenPurpose,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import accounts, audit, permissions
from mystage.services.accounts import passwords, ratelimit, tokens
from mystage.services.form_values import form_bool, form_str
from mystage.services.ids import client_id
from mystage.services.structures.membership import MSG_NOT_OWNER, owned_structure, owner_of

TEAM_INVITATION_TTL = timedelta(days=14)
TEAM_INVITATION_URL = "/invitation/equipe/{token}"
SCOPE_INVITE = "team_invite"  # LoginAttempt scope of invitations sent (address, e-mail)
SCOPE_SIGNUP = "register"  # sign-ups from an invitation count as sign-ups

MSG_EMAIL_REQUIRED = "Indiquez l'adresse e-mail de votre collègue."
MSG_ALREADY_MEMBER = "Cette personne fait déjà partie de l'équipe."
MSG_ALREADY_INVITED = (
    "Une invitation est déjà en cours pour cette adresse : utilisez « Renvoyer » dans la "
    "liste des invitations."
)
MSG_ALREADY_REQUESTED = (
    "Cette personne a déjà demandé à rejoindre l'équipe : acceptez sa demande ci-dessous."
)
MSG_TOO_MANY = "Trop d'invitations envoyées : réessayez dans une heure."
MSG_INVITATION_DONE = "Cette invitation a déjà été acceptée ou annulée."
MSG_LINK_USED = (
    "Cette invitation a déjà été utilisée ou annulée. Si vous avez déjà rejoint l'équipe, "
    "connectez-vous ; sinon, demandez une nouvelle invitation au responsable de la structure."
)
MSG_LINK_EXPIRED = (
    "Cette invitation a expiré (elle est valable 14 jours). Demandez au responsable de la "
    "structure de vous la renvoyer."
)
MSG_LINK_INVALID = (
    "Ce lien d'invitation n'est pas valide. Vérifiez que vous avez copié le lien entier "
    "depuis le message reçu."
)
MSG_WRONG_PERSON = (
    "Cette invitation a été envoyée à {email}, et vous êtes connecté(e) avec une autre "
    "adresse. Déconnectez-vous puis ouvrez à nouveau le lien, ou demandez une invitation à "
    "votre adresse."
)
MSG_WRONG_ROLE = (
    "Votre compte MyStage n'est pas un compte employeur : il ne peut pas rejoindre l'équipe "
    "d'une structure. Demandez une invitation à une autre adresse."
)
MSG_HAS_ACCOUNT = (
    "Un compte MyStage existe déjà avec cette adresse : connectez-vous pour rejoindre l'équipe."
)
MSG_SIGNUP_LIMIT = "Trop de créations de compte depuis cette connexion : réessayez plus tard."
MSG_CIVILITY = "Choisissez « Madame » ou « Monsieur »."
MSG_MOBILE_INVALID = "Numéro de téléphone portable invalide (exemple : 06 12 34 56 78)."
MSG_PASSWORD_MISMATCH = "Les deux mots de passe ne sont pas identiques."
MSG_PRIVACY = (
    "Vous devez accepter les conditions d'utilisation et la politique de données personnelles."
)


def _prefix(member_id: int) -> str:
    """The start of an invitation token's JSON payload for one member row."""
    return json.dumps({"member_id": member_id})[:-1] + ","


def _kill_links(s: Session, member_id: int) -> None:
    s.execute(
        sa.update(OneTimeToken)
        .where(
            OneTimeToken.purpose == TokenPurpose.INVITATION,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.payload.startswith(_prefix(member_id), autoescape=True),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def _take(s: Session, ip: str, email: str) -> bool:
    """One invitation mail to ``email`` from ``ip``: counted, or False past the limits
    (those of the activation mails sent again: 5 an hour per address mailed)."""
    keys = [ratelimit.ip_key(ip), ratelimit.ident_key(email)]
    for name, key in (("resend_ip", keys[0]), ("resend_id", keys[1])):
        lim = accounts.LIMITS[name]
        if not ratelimit.check(s, SCOPE_INVITE, key, lim.limit, lim.window):
            return False
    for key in keys:
        ratelimit.record(s, SCOPE_INVITE, key, True)
    return True


def _send(s: Session, actor: User, structure: Structure, member: StructureMember) -> None:
    """A new link for ``member`` (earlier ones die) and its mail, in the caller's transaction."""
    _kill_links(s, member.id)
    raw = tokens.issue(
        s, TokenPurpose.INVITATION, target=member.invited_email,
        payload={"member_id": member.id, "structure_id": structure.id},
        ttl=TEAM_INVITATION_TTL,
    )  # fmt: skip
    url = TEAM_INVITATION_URL.format(token=raw)
    subject, body = templates.render(
        "team_invitation", url=url, structure_name=structure.name,
        inviter_name=actor.full_name, days=TEAM_INVITATION_TTL.days,
    )  # fmt: skip
    queue_mail(
        s, to=member.invited_email, subject=subject, body=body, action_url=templates.link(url),
        template="team_invitation", dedupe_key=f"team_invitation:{tokens.hash_token(raw)[:32]}",
    )  # fmt: skip


def pending_invitations(s: Session, structure_id: int) -> list[dict[str, Any]]:
    """Invitations not accepted yet: ``[{"id" (member id), "email", "created_at",
    "expires_at", "expired"}]`` (the latest link's dates)."""
    rows = s.exec(
        select(StructureMember)
        .where(StructureMember.structure_id == structure_id, StructureMember.status == "invited")
        .order_by(StructureMember.created_at.desc(), StructureMember.id.desc())
    ).all()
    now = clock.now()
    out = []
    for m in rows:
        tok = s.exec(
            select(OneTimeToken)
            .where(
                OneTimeToken.purpose == TokenPurpose.INVITATION,
                OneTimeToken.payload.startswith(_prefix(m.id), autoescape=True),
            )
            .order_by(OneTimeToken.id.desc())
        ).first()
        expires = tok.expires_at if tok is not None else None
        out.append(
            {
                "id": m.id,
                "email": m.invited_email,
                "created_at": clock.fmt_paris(
                    tok.created_at if tok else m.created_at, with_time=False
                ),
                "expires_at": clock.fmt_paris(expires, with_time=False) if expires else "",
                "expired": expires is None or clock.as_utc(expires) <= now,
            }
        )
    return out


def invite_colleague(s: Session, actor: User | None, email: Any, ip: str = "") -> dict[str, str]:
    """« Inviter » (owner only): errors keyed ``email`` ({} when the mail is queued)."""
    structure = owned_structure(s, actor)
    raw = email.strip() if isinstance(email, str) else ""
    address = accounts.normalize_email(raw[:300])
    if not raw:
        return {"email": MSG_EMAIL_REQUIRED}
    if address is None:
        return {"email": accounts.MSG_EMAIL_INVALID}
    existing = s.exec(select(User).where(User.email == address)).first()
    if existing is not None:
        status = s.execute(
            sa.select(StructureMember.status).where(
                StructureMember.structure_id == structure.id,
                StructureMember.user_id == existing.id,
            )
        ).scalar_one_or_none()
        if status == "active":
            return {"email": MSG_ALREADY_MEMBER}
        if status == "pending":
            return {"email": MSG_ALREADY_REQUESTED}
    invited = s.execute(
        sa.select(StructureMember.id).where(
            StructureMember.structure_id == structure.id,
            StructureMember.status == "invited",
            StructureMember.invited_email == address,
        )
    ).first()
    if invited is not None:
        return {"email": MSG_ALREADY_INVITED}
    if not _take(s, ip, address):
        s.commit()
        return {"email": MSG_TOO_MANY}
    now = clock.now()
    member = StructureMember(
        structure_id=structure.id, user_id=None, invited_email=address, role="member",
        status="invited", created_at=now,
    )  # fmt: skip
    s.add(member)
    s.flush()
    _send(s, actor, structure, member)
    audit.record(
        s, "structure_member", member.id, "invite", actor, to_state="invited", message=address
    )
    s.commit()
    return {}


def _invitation_of_owner(s: Session, actor: User | None, member_id: Any) -> tuple:
    mid = client_id(member_id)
    member = s.get(StructureMember, mid) if mid is not None else None
    structure = s.get(Structure, member.structure_id) if member is not None else None
    permissions.require(
        structure is not None
        and member.user_id is None
        and permissions.can_manage_structure(s, actor, structure),
        MSG_NOT_OWNER,
    )
    return member, structure


def resend_invitation(s: Session, actor: User | None, member_id: Any, ip: str = "") -> str:
    """« Renvoyer »: a new link (the previous one dies).  "" or an error."""
    member, structure = _invitation_of_owner(s, actor, member_id)
    if member.status != "invited":
        return MSG_INVITATION_DONE
    if not _take(s, ip, member.invited_email):
        s.commit()
        return MSG_TOO_MANY
    _send(s, actor, structure, member)
    audit.record(s, "structure_member", member.id, "resend_invitation", actor, to_state="invited")
    s.commit()
    return ""


def cancel_invitation(s: Session, actor: User | None, member_id: Any) -> str:
    """« Annuler l'invitation »: the row is « cancelled » (conditional), its links die."""
    member, _structure = _invitation_of_owner(s, actor, member_id)
    done = s.execute(
        sa.update(StructureMember)
        .where(StructureMember.id == member.id, StructureMember.status == "invited")
        .values(status="cancelled", decided_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_INVITATION_DONE
    _kill_links(s, member.id)
    audit.record(
        s, "structure_member", member.id, "cancel_invitation", actor,
        from_state="invited", to_state="cancelled",
    )  # fmt: skip
    s.commit()
    return ""


# --- the invited person ----------------------------------------------------------------------


def _token_row(s: Session, raw: Any) -> OneTimeToken | None:
    if not isinstance(raw, str) or not raw or len(raw) > 200:
        return None
    return s.exec(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == tokens.hash_token(raw),
            OneTimeToken.purpose == TokenPurpose.INVITATION,
        )
    ).first()


def _lookup(s: Session, raw: Any) -> tuple[str, StructureMember | None, Structure | None]:
    """(error message or "", member row, structure) of a link, without using it up."""
    tok = _token_row(s, raw)
    p = tokens.payload_of(tok) if tok is not None else {}
    mid, sid = client_id(p.get("member_id")), client_id(p.get("structure_id"))
    member = s.get(StructureMember, mid) if mid is not None else None
    structure = s.get(Structure, sid) if sid is not None else None
    if tok is None or member is None or structure is None or member.structure_id != sid:
        return MSG_LINK_INVALID, None, None
    if tok.used_at is not None or member.status != "invited":
        return MSG_LINK_USED, None, None
    if clock.as_utc(tok.expires_at) <= clock.now():
        return MSG_LINK_EXPIRED, None, None
    return "", member, structure


def invitation_info(s: Session, raw: Any) -> tuple[dict[str, str] | None, str]:
    """What the page shows before anything is used: ``({"structure_name", "city", "email",
    "inviter_name"}, "")`` or ``(None, message)`` (invalid, used/cancelled, expired)."""
    error, member, structure = _lookup(s, raw)
    if error:
        return None, error
    owner = owner_of(s, structure)
    return {
        "structure_name": structure.name,
        "city": structure.city,
        "email": member.invited_email,
        "inviter_name": owner.full_name if owner is not None else "",
    }, ""


def _join(s: Session, user: User, member: StructureMember, raw: str) -> str:
    """Use the link and make ``user`` an active member (no commit; rolls back on error)."""
    if tokens.consume(s, TokenPurpose.INVITATION, raw) is None:
        s.rollback()
        return MSG_LINK_USED
    _kill_links(s, member.id)
    old = s.exec(
        select(StructureMember).where(
            StructureMember.structure_id == member.structure_id,
            StructureMember.user_id == user.id,
        )
    ).first()
    now = clock.now()
    if old is not None and old.status == "active":
        s.execute(
            sa.update(StructureMember)
            .where(StructureMember.id == member.id, StructureMember.status == "invited")
            .values(status="cancelled", decided_at=now)
            .execution_options(synchronize_session=False)
        )
        audit.record(s, "structure_member", member.id, "invitation_already_member", user)
        return ""
    if old is not None:  # an old request or membership (refused, removed): replaced
        audit.record(s, "structure_member", old.id, "replaced_by_invitation", user)
        s.delete(old)
        s.flush()
    done = s.execute(
        sa.update(StructureMember)
        .where(StructureMember.id == member.id, StructureMember.status == "invited")
        .values(user_id=user.id, status="active", role="member", decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_LINK_USED
    audit.record(
        s, "structure_member", member.id, "invitation_accepted", user,
        from_state="invited", to_state="active",
    )  # fmt: skip
    return ""


def accept_as_user(s: Session, user: User | None, raw: Any) -> str:
    """A logged-in person opens the link: joins the team when their address is the invited
    one and their account may post offers.  "" or a French message."""
    permissions.require(permissions.is_authenticated(user))
    error, member, _structure = _lookup(s, raw)
    if error:
        return error
    if (user.email or "").casefold() != member.invited_email.casefold():
        return MSG_WRONG_PERSON.format(email=member.invited_email)
    if user.role not in OFFER_POSTING_ROLES or user.role == Role.ADMIN:
        return MSG_WRONG_ROLE
    if error := _join(s, user, member, raw):
        return error
    s.commit()
    return ""


SIGNUP_FIELDS = ("civility", "first_name", "last_name", "job_title", "phone_mobile")


def accept_with_signup(
    s: Session, raw: Any, data: Any, ip: str = ""
) -> tuple[User | None, dict[str, str]]:
    """A visitor creates an employer account from the link (address = the invited one,
    proved by the link: the account is active at once) and joins the team.  ``data``:
    civility, first_name, last_name, job_title, phone_mobile (optional), password,
    password2, accept_privacy.  Errors keyed by field, or ``token`` for the link itself
    (nothing stored then)."""
    error, member, _structure = _lookup(s, raw)
    if error:
        return None, {"token": error}
    data = data if isinstance(data, dict) else {}
    errors: dict[str, str] = {}
    civility = form_str(data, "civility", 10)
    if civility not in ("Mme", "M."):
        errors["civility"] = MSG_CIVILITY
    names = {}
    for key, msg in (
        ("first_name", accounts.MSG_FIRST_NAME_REQUIRED),
        ("last_name", accounts.MSG_LAST_NAME_REQUIRED),
    ):
        value = form_str(data, key, 200)
        if not value:
            errors[key] = msg
        elif len(value) > 100:
            errors[key] = accounts.MSG_NAME_TOO_LONG
        names[key] = value
    job_title = form_str(data, "job_title", 300)
    if len(job_title) > 150:
        errors["job_title"] = accounts.MSG_NAME_TOO_LONG.replace("100", "150")
    raw_mobile = form_str(data, "phone_mobile", 40)
    mobile = accounts.normalize_phone(raw_mobile) if raw_mobile else None
    if raw_mobile and mobile is None:
        errors["phone_mobile"] = MSG_MOBILE_INVALID
    password = data.get("password") if isinstance(data.get("password"), str) else ""
    password2 = data.get("password2") if isinstance(data.get("password2"), str) else ""
    inputs = (names["first_name"], names["last_name"], member.invited_email, raw_mobile)
    if err := passwords.password_error(password[:200], user_inputs=inputs):
        errors["password"] = err
    elif password != password2:
        errors["password2"] = MSG_PASSWORD_MISMATCH
    if not form_bool(data, "accept_privacy"):
        errors["accept_privacy"] = MSG_PRIVACY
    if s.exec(select(User.id).where(User.email == member.invited_email)).first() is not None:
        return None, {"form": MSG_HAS_ACCOUNT}
    if errors:
        return None, errors
    key = ratelimit.ip_key(ip)
    pairs = [("register_ip", key), ("register_ip_day", key)]
    for name, k in pairs:
        lim = accounts.LIMITS[name]
        if not ratelimit.check(s, SCOPE_SIGNUP, k, lim.limit, lim.window):
            return None, {"form": MSG_SIGNUP_LIMIT}
    user, reg_errors = accounts.create_active_account(
        s, role=Role.EMPLOYEUR, email=member.invited_email, phone=mobile,
        password=password[:200], first_name=names["first_name"], last_name=names["last_name"],
        civility=civility, job_title=job_title,
    )  # fmt: skip
    if user is None:
        s.rollback()
        if "phone" in reg_errors:
            return None, {"phone_mobile": reg_errors["phone"]}
        if "password" in reg_errors:
            return None, {"password": reg_errors["password"]}
        return None, {"form": MSG_HAS_ACCOUNT}
    now = clock.now()
    user.terms_accepted_at = now
    user.privacy_accepted_at = now
    ratelimit.record(s, SCOPE_SIGNUP, key, True)
    if error := _join(s, user, member, raw):
        return None, {"token": error}
    s.commit()
    return user, {}

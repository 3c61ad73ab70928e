"""Back office, operators (issue 18; administrators only): the partner associations that
publish offers through the API (seed 004) — their page (name, website, logo, contact), their
users (an « Opérateur » account opened by a mailed link) and their API tokens.

API tokens: ``mst_`` + 43 random URL-safe characters, shown ONCE at creation; only their
SHA-256 (hex) and their first characters (``prefix``, to tell them apart) are stored;
named, with scopes, the last use and the revocation.  :func:`token_for` is what the API
calls to recognise a token.

Every public function checks the caller (``permissions.can_admin``) and raises
:class:`permissions.PermissionDenied`, except :func:`token_for` (no caller: the token is
the credential).  Forms return ``{field: French message}`` (nothing stored on errors).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    AccountStatus,
    Operator,
    OperatorToken,
    Role,
    TokenPurpose,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import accounts, audit, permissions, structures
from mystage.services.form_values import form_str
from mystage.services.ids import client_id
from mystage.settings import get_settings

TOKEN_PREFIX = "mst_"
PREFIX_LEN = 12  # « mst_ » + 8 characters, shown in the lists
SCOPES: dict[str, str] = {
    "offers:read": "Lire ses offres",
    "offers:write": "Publier et modifier ses offres",
    "applications": "Lire les candidatures reçues",
}
ACCOUNT_LINK_TTL = timedelta(days=7)
ACCOUNT_LINK_PATH = "/mot-de-passe/nouveau"

MSG_OPERATOR_GONE = "Cet opérateur n'existe pas."
MSG_NAME_REQUIRED = "Indiquez le nom de l'opérateur."
MSG_NAME_TAKEN = "Un opérateur porte déjà ce nom."
MSG_TOO_LONG = "{n} caractères au maximum."
MSG_CONTACT_EMAIL = "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr)."
MSG_CONTACT_PHONE = "Numéro de téléphone invalide (exemple : 01 23 45 67 89)."
MSG_FIRST_NAME = "Indiquez le prénom."
MSG_LAST_NAME = "Indiquez le nom."
MSG_USER_EMAIL = "Indiquez l'adresse e-mail de la personne (elle y reçoit son lien)."
MSG_TOKEN_NAME = "Donnez un nom au jeton (par exemple « Serveur de production »)."
MSG_SCOPES = "Choisissez au moins un droit."
MSG_TOKEN_GONE = "Ce jeton n'existe pas."
MSG_TOKEN_REVOKED = "Ce jeton est déjà révoqué."


def _operator(s: Session, operator_id: Any) -> Operator | None:
    oid = client_id(operator_id)
    return s.get(Operator, oid) if oid is not None else None


# --- Operators -----------------------------------------------------------------------------


def list_operators(s: Session, actor: User | None) -> list[dict[str, Any]]:
    """Every operator with its number of users and of live tokens, by name."""
    permissions.require(permissions.can_admin(actor))
    users = dict(
        s.execute(
            sa.select(User.operator_id, sa.func.count())
            .where(User.operator_id.is_not(None), User.role == Role.OPERATEUR)
            .group_by(User.operator_id)
        ).all()
    )
    live = dict(
        s.execute(
            sa.select(OperatorToken.operator_id, sa.func.count())
            .where(OperatorToken.revoked_at.is_(None))
            .group_by(OperatorToken.operator_id)
        ).all()
    )
    return [
        {
            "id": op.id,
            "name": op.name,
            "website": op.website,
            "contact": " — ".join(
                x for x in (op.contact_name, op.contact_email, op.contact_phone) if x
            ),
            "users": int(users.get(op.id, 0)),
            "tokens": int(live.get(op.id, 0)),
        }
        for op in s.execute(sa.select(Operator).order_by(Operator.name)).scalars()
    ]


def operator_form(s: Session, actor: User | None, operator_id: Any) -> dict[str, Any]:
    """One operator's fields as form values ({} when unknown), with its logo as a data URL."""
    permissions.require(permissions.can_admin(actor))
    op = _operator(s, operator_id)
    if op is None:
        return {}
    return {
        "id": op.id,
        "name": op.name,
        "website": op.website,
        "contact_name": op.contact_name,
        "contact_email": op.contact_email,
        "contact_phone": structures.display_phone(op.contact_phone),
        "logo": _logo_data_url(op.logo_path),
        "webhook_url": op.webhook_url,
        "webhook_secret_set": bool(op.webhook_secret),
    }


def _text(data: Any, key: str, n: int, errors: dict[str, str], required: str = "") -> str:
    value = form_str(data, key, n + 100)
    if required and not value:
        errors[key] = required
    elif len(value) > n:
        errors[key] = MSG_TOO_LONG.format(n=n)
    return value


def save_operator(
    s: Session, actor: User | None, operator_id: Any, data: Any
) -> tuple[int | None, dict[str, str]]:
    """Create (``operator_id`` None) or update an operator from the form ``data`` (name,
    website, contact_name, contact_email, contact_phone).  Returns (id, {}) committed, or
    (None, errors) with nothing stored."""
    permissions.require(permissions.can_admin(actor))
    op = None
    if operator_id is not None:
        op = _operator(s, operator_id)
        if op is None:
            return None, {"form": MSG_OPERATOR_GONE}
    errors: dict[str, str] = {}
    name = _text(data, "name", 150, errors, MSG_NAME_REQUIRED)
    website, web_error = structures.normalize_website(_text(data, "website", 300, errors))
    if web_error and "website" not in errors:
        errors["website"] = web_error
    contact_name = _text(data, "contact_name", 150, errors)
    raw_email = _text(data, "contact_email", 254, errors)
    contact_email = ""
    if raw_email and "contact_email" not in errors:
        contact_email = accounts.normalize_email(raw_email) or ""
        if not contact_email:
            errors["contact_email"] = MSG_CONTACT_EMAIL
    raw_phone = _text(data, "contact_phone", 30, errors)
    contact_phone = ""
    if raw_phone and "contact_phone" not in errors:
        contact_phone = structures.normalize_any_phone(raw_phone) or ""
        if not contact_phone:
            errors["contact_phone"] = MSG_CONTACT_PHONE
    if name and "name" not in errors:
        clash = s.execute(
            sa.select(Operator.id).where(sa.func.lower(Operator.name) == name.lower())
        ).scalar_one_or_none()
        if clash is not None and (op is None or clash != op.id):
            errors["name"] = MSG_NAME_TAKEN
    if errors:
        return None, errors
    values = {
        "name": name,
        "website": website,
        "contact_name": contact_name,
        "contact_email": contact_email,
        "contact_phone": contact_phone,
    }
    if op is None:
        op = Operator(**values, created_at=clock.now())
        s.add(op)
        action = "create"
    else:
        for key, value in values.items():
            setattr(op, key, value)
        action = "update"
    try:
        s.flush()
    except IntegrityError:  # the same name saved at the same moment
        s.rollback()
        return None, {"name": MSG_NAME_TAKEN}
    audit.record(s, "operator", op.id, action, actor, message=name)
    s.commit()
    return op.id, {}


def _logo_dir():
    return get_settings().private_dir / "operator_logos"


def _logo_data_url(relative: str) -> str:
    """The stored logo as a ``data:image/png`` URL (private storage, shown to admins)."""
    if not relative:
        return ""
    base = _logo_dir().resolve()
    path = (get_settings().private_dir / relative).resolve()
    if base not in path.parents or not path.is_file():
        return ""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def save_operator_logo(s: Session, actor: User | None, operator_id: Any, data: Any) -> str:
    """Store the operator's logo (PNG, JPEG or WebP ≤ 2 Mo, re-encoded as a PNG of at most
    256 px, as a structure's logo: ``structures.logo_png``); the previous one is deleted.
    Returns "" or a French error."""
    permissions.require(permissions.can_admin(actor))
    op = _operator(s, operator_id)
    if op is None:
        return MSG_OPERATOR_GONE
    png, error = structures.logo_png(data)
    if error:
        return error
    folder = _logo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{op.id}-{secrets.token_hex(8)}.png"
    (folder / name).write_bytes(png)
    old = op.logo_path
    op.logo_path = f"operator_logos/{name}"
    audit.record(s, "operator", op.id, "logo", actor, message=name)
    s.commit()
    if old:
        old_path = (get_settings().private_dir / old).resolve()
        if _logo_dir().resolve() in old_path.parents and old_path.name != name:
            old_path.unlink(missing_ok=True)
    return ""


# --- Users ---------------------------------------------------------------------------------


def operator_users(s: Session, actor: User | None, operator_id: Any) -> list[dict[str, Any]]:
    permissions.require(permissions.can_admin(actor))
    op = _operator(s, operator_id)
    if op is None:
        return []
    labels = {
        AccountStatus.ACTIVE: "Actif",
        AccountStatus.PENDING_ACTIVATION: "Lien envoyé, compte à ouvrir",
    }
    return [
        {
            "id": u.id,
            "name": u.full_name,
            "email": u.email or "",
            "status": "Bloqué" if u.blocked_at else labels.get(u.status, u.status),
            "last_login": clock.fmt_paris(u.last_login_at) if u.last_login_at else "",
        }
        for u in s.execute(
            sa.select(User)
            .where(
                User.operator_id == op.id,
                User.role == Role.OPERATEUR,
                User.anonymized_at.is_(None),
            )
            .order_by(User.last_name, User.first_name, User.id)
        ).scalars()
    ]


def create_operator_user(
    s: Session, actor: User | None, operator_id: Any, data: Any
) -> dict[str, str]:
    """An « Opérateur » account for the operator (first_name, last_name, email): created
    without a password, awaiting activation; the person is mailed a single-use link (7
    days) to choose their password, which opens the account (the reset path:
    ``/mot-de-passe/nouveau``).  Admins never see nor set a password.  Returns errors or {}
    (committed)."""
    permissions.require(permissions.can_admin(actor))
    op = _operator(s, operator_id)
    if op is None:
        return {"form": MSG_OPERATOR_GONE}
    errors: dict[str, str] = {}
    first_name = _text(data, "first_name", 100, errors, MSG_FIRST_NAME)
    last_name = _text(data, "last_name", 100, errors, MSG_LAST_NAME)
    email = _text(data, "email", 254, errors, MSG_USER_EMAIL)
    norm_email = None
    if email and "email" not in errors:
        norm_email, _ = accounts.validate_identity(s, email, None, errors)
    if errors:
        return errors
    now = clock.now()
    user = User(
        role=Role.OPERATEUR,
        email=norm_email,
        status=AccountStatus.PENDING_ACTIVATION,
        first_name=first_name,
        last_name=last_name,
        operator_id=op.id,
        created_by_id=actor.id,
        created_at=now,
    )
    if not accounts.flush_new_user(s, user, errors):
        return errors
    audit.record(
        s, "user", user.id, "create", actor, to_state=AccountStatus.PENDING_ACTIVATION,
        message=f"compte opérateur {op.name}",
    )  # fmt: skip
    raw = accounts.tokens.issue(
        s, TokenPurpose.PASSWORD_RESET, user_id=user.id, target=norm_email, ttl=ACCOUNT_LINK_TTL
    )
    url = f"{get_settings().public_url}{ACCOUNT_LINK_PATH}?token={raw}"
    subject, body = templates.render(
        "operator_account", url=url, operator_name=op.name, valid_for="7 jours",
        first_name=first_name,
    )  # fmt: skip
    queue_mail(
        s,
        to=norm_email,
        subject=subject,
        body=body,
        action_url=url,
        template="operator_account",
        user_id=user.id,
    )
    s.commit()
    return {}


# --- API tokens ----------------------------------------------------------------------------


def hash_api_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def operator_tokens(s: Session, actor: User | None, operator_id: Any) -> list[dict[str, Any]]:
    """The operator's tokens, newest first (never the secret: name, prefix, scopes…)."""
    permissions.require(permissions.can_admin(actor))
    op = _operator(s, operator_id)
    if op is None:
        return []
    return [
        {
            "id": t.id,
            "name": t.name,
            "prefix": t.prefix + "…",
            "scopes": ", ".join(SCOPES.get(x, x) for x in t.scopes.split(",") if x),
            "created_at": clock.fmt_paris(t.created_at),
            "last_used_at": clock.fmt_paris(t.last_used_at) if t.last_used_at else "jamais",
            "revoked_at": clock.fmt_paris(t.revoked_at) if t.revoked_at else "",
            "revoked": t.revoked_at is not None,
        }
        for t in s.execute(
            sa.select(OperatorToken)
            .where(OperatorToken.operator_id == op.id)
            .order_by(OperatorToken.created_at.desc(), OperatorToken.id.desc())
        ).scalars()
    ]


def create_token(
    s: Session, actor: User | None, operator_id: Any, data: Any
) -> tuple[str, dict[str, str]]:
    """A new API token (``data``: name, scopes — a list or comma-separated, among
    :data:`SCOPES`).  Returns (the raw token, shown once and never stored, {}) committed,
    or ("", errors)."""
    permissions.require(permissions.can_admin(actor))
    op = _operator(s, operator_id)
    if op is None:
        return "", {"form": MSG_OPERATOR_GONE}
    errors: dict[str, str] = {}
    name = _text(data, "name", 100, errors, MSG_TOKEN_NAME)
    raw_scopes = data.get("scopes") if isinstance(data, dict) else None
    if isinstance(raw_scopes, str):
        raw_scopes = raw_scopes.split(",")
    if not isinstance(raw_scopes, list | tuple):
        raw_scopes = []
    scopes = [x for x in SCOPES if x in {str(v).strip() for v in raw_scopes[:10]}]
    if not scopes:
        errors["scopes"] = MSG_SCOPES
    if errors:
        return "", errors
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = OperatorToken(
        operator_id=op.id,
        name=name,
        prefix=raw[:PREFIX_LEN],
        token_hash=hash_api_token(raw),
        scopes=",".join(scopes),
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    s.add(token)
    s.flush()
    audit.record(
        s, "operator_token", token.id, "create", actor, to_state="active",
        message=f"{op.name} — {name} ({token.prefix}…) : {token.scopes}",
    )  # fmt: skip
    s.commit()
    return raw, {}


def revoke_token(s: Session, actor: User | None, token_id: Any) -> str:
    """« Révoquer » (conditional UPDATE: revoked once).  Returns "" or an error."""
    permissions.require(permissions.can_admin(actor))
    tid = client_id(token_id)
    token = s.get(OperatorToken, tid) if tid is not None else None
    if token is None:
        return MSG_TOKEN_GONE
    result = s.execute(
        sa.update(OperatorToken)
        .where(OperatorToken.id == token.id, OperatorToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        s.rollback()
        return MSG_TOKEN_REVOKED
    audit.record(
        s, "operator_token", token.id, "revoke", actor, from_state="active", to_state="revoked",
        message=f"{token.name} ({token.prefix}…)",
    )  # fmt: skip
    s.commit()
    return ""


LAST_USE_PRECISION = timedelta(minutes=1)


def token_for(s: Session, raw: Any) -> OperatorToken | None:
    """The live token whose secret is ``raw`` (not revoked, its operator still there), else
    None; stamps ``last_used_at`` (at most once a minute, in the caller's transaction: the
    caller commits).  For the operators' API."""
    if not isinstance(raw, str) or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = s.execute(
        sa.select(OperatorToken)
        .join(Operator, Operator.id == OperatorToken.operator_id)
        .where(
            OperatorToken.token_hash == hash_api_token(raw),
            OperatorToken.revoked_at.is_(None),
        )
    ).scalar_one_or_none()
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        token.last_used_at = now
        s.flush()
    return token

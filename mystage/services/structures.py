"""Structures d'accueil: employer sign-up, team (same SIRET → join request), structure
profile and logo, validation by the MyStage team.

Conventions (as in :mod:`accounts`): form-like results are ``errors: dict[str, str]``
keyed by the form field name, with a French message; nothing is stored when there are
errors.  Every public function checks the caller's rights itself and raises
:class:`permissions.PermissionDenied` (or returns a French error string for actions).

Consents of seed 003 (« J'accepte d'être contacté(e) … ») are stored on the user without
a schema change: ``contact_on_application`` → ``User.consent_contact_email``;
``mobilisation`` and ``last_minute`` together → ``User.consent_contact_phone`` (either
box ticked sets it).  The landline (« Téléphone fixe ») has no column: it is validated and
kept in the audit log entry of the sign-up; the mobile is the account's phone.
"""

from __future__ import annotations

import io
import json
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    AccountStatus,
    Department,
    NafCode,
    Role,
    Structure,
    StructureMember,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import accounts, audit, geo, ministries, permissions, platform
from mystage.services.accounts import passwords
from mystage.services.siret import normalize_siret, siret_error
from mystage.services.text import fold
from mystage.settings import get_settings

STATUTS: dict[str, str] = {
    "entreprise": "Entreprise",
    "association": "Association",
    "administration": "Administration",
    "collectivite": "Collectivité territoriale",
}

# Seed 003 « Échanges avec les élèves — J'accepte d'être contacté(e) : »
CONSENTS: list[dict[str, str]] = [
    {
        "key": "contact_on_application",
        "label": "dès le dépôt de la candidature d'un élève, pour toute question",
    },
    {
        "key": "mobilisation",
        "label": (
            "pour organiser des actions de mobilisation dans un collège, du type bourse aux stages"
        ),
    },
    {
        "key": "last_minute",
        "label": (
            "pour étudier des solutions d'accueil de dernière minute pour les élèves "
            "qui n'auraient pas trouvé de stage"
        ),
    },
]

CIVILITIES = ("Mme", "M.")
TEAM_URL = "/espace/employeur/equipe"
DASHBOARD_URL = "/espace/employeur"
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 256
LOGO_MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding

# --- Messages -------------------------------------------------------------------------------

MSG_CIVILITY = "Choisissez « Madame » ou « Monsieur »."
MSG_EMAIL_REQUIRED = "Indiquez votre adresse e-mail : elle vous servira à vous connecter."
MSG_PHONE_REQUIRED = "Indiquez au moins un numéro de téléphone."
MSG_MOBILE_INVALID = "Numéro de téléphone portable invalide (exemple : 06 12 34 56 78)."
MSG_LANDLINE_INVALID = "Numéro de téléphone invalide (exemple : 02 40 99 15 44)."
MSG_PASSWORD_MISMATCH = "Les deux mots de passe ne sont pas identiques."
MSG_CHARTER = "Vous devez accepter les principes d'engagement."
MSG_PRIVACY = (
    "Vous devez accepter les conditions d'utilisation et la politique de données personnelles."
)
MSG_NAME_REQUIRED = "Indiquez la raison sociale."
MSG_ACTIVITY_REQUIRED = "Décrivez rapidement l'activité de votre structure."
MSG_NAF_REQUIRED = "Indiquez le code NAF (exemple : 62.01Z)."
MSG_NAF_UNKNOWN = "Code NAF inconnu (exemple : 62.01Z)."
MSG_STATUT = "Choisissez le statut de la structure."
MSG_ADDRESS_REQUIRED = "Indiquez l'adresse."
MSG_ADDRESS_NOT_FOUND = "Adresse introuvable : vérifiez l'adresse, le code postal et la ville."
MSG_POSTAL_CODE = "Code postal invalide (5 chiffres)."
MSG_CITY_REQUIRED = "Indiquez la ville."
MSG_WEBSITE = "Adresse web invalide (exemple : https://www.exemple.fr)."
MSG_TOO_LONG = "{n} caractères au maximum."
MSG_SIRET_TAKEN = "Une autre structure utilise déjà ce numéro SIRET."
MSG_PENDING_VALIDATION = (
    "Votre structure est en attente de validation par l'équipe MyStage : vous pouvez "
    "préparer vos offres, la publication sera possible après validation."
)
MSG_REFUSED = (
    "Votre structure n'a pas été validée par l'équipe MyStage : vos offres ne peuvent pas "
    "être publiées. Contactez l'assistance pour en savoir plus."
)
MSG_MEMBERSHIP_PENDING = (
    "Votre demande pour rejoindre {name} attend l'accord de son responsable : vous pourrez "
    "déposer des offres dès qu'il l'aura acceptée."
)
MSG_NOT_OWNER = "Action réservée au responsable de la structure."
MSG_LOGO_FORMAT = "Le logo doit être une image PNG, JPEG ou WebP."
MSG_LOGO_SIZE = "Le logo ne doit pas dépasser 2 Mo."
MSG_REQUEST_DONE = "Cette demande a déjà été traitée."
MSG_STRUCTURE_DONE = "Cette structure a déjà été traitée."


# --- small form helpers (shared with services.offers) ---------------------------------------


def form_str(data: dict, key: str, limit: int = 5000) -> str:
    """A trimmed string from a form dict (None / non-strings → "")."""
    v = data.get(key) if isinstance(data, dict) else None
    if isinstance(v, bool) or v is None:
        return ""
    if isinstance(v, int | float):
        v = str(v)
    return v.strip()[:limit] if isinstance(v, str) else ""


def form_bool(data: dict, key: str) -> bool:
    v = data.get(key) if isinstance(data, dict) else None
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        return v.strip().lower() in {"1", "true", "on", "oui", "yes"}
    return isinstance(v, int) and v == 1


def too_long(value: str, n: int) -> str | None:
    return MSG_TOO_LONG.format(n=f"{n:,}".replace(",", "\u202f")) if len(value) > n else None


def normalize_website(raw: str) -> tuple[str, str | None]:
    """``(url, error)``: "" is fine (optional); « www.exemple.fr » gets ``https://``."""
    raw = (raw or "").strip()
    if not raw:
        return "", None
    url = raw if "://" in raw else "https://" + raw
    try:
        parts = urlsplit(url)
    except ValueError:
        return raw, MSG_WEBSITE
    host = parts.hostname or ""
    if (
        parts.scheme not in ("http", "https")
        or "." not in host
        or any(ch.isspace() for ch in url)
        or len(url) > 300
        or parts.username
        or parts.password
    ):
        return raw, MSG_WEBSITE
    return url, None


def normalize_any_phone(raw: str | None) -> str | None:
    """A French phone number, mobile or landline, in E.164 (``02 40 99 15 44`` →
    ``+33240991544``); overseas mobiles as in :func:`accounts.normalize_phone`; else None."""
    mobile = accounts.normalize_phone(raw)
    if mobile:
        return mobile
    if not isinstance(raw, str):
        return None
    p = "".join(ch for ch in raw.strip().replace("(0)", "") if ch not in " .-/()\u00a0")
    if p.startswith("0033"):
        p = "+33" + p[4:]
    if p.startswith("+33"):
        p = "0" + p[3:]
    if len(p) == 10 and p.isdigit() and p[0] == "0" and p[1] in "123459":
        return "+33" + p[1:]
    return None


def display_phone(e164: str | None) -> str:
    """``+33240991544`` → ``02 40 99 15 44`` (other numbers unchanged)."""
    if not e164:
        return ""
    if e164.startswith("+33") and len(e164) == 12:
        national = "0" + e164[3:]
    elif e164.startswith(("+590", "+594", "+596", "+262")) and len(e164) == 13:
        national = "0" + e164[4:]
    else:
        return e164
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


def geocode_place(s: Session, street: str, postal_code: str, city: str) -> geo.GeoResult | None:
    """The address, else « postal code + city », else the postal code (commune precision)."""
    for query in (f"{street} {postal_code} {city}", f"{postal_code} {city}", postal_code):
        query = query.strip()
        if not query:
            continue
        found = geo.geocode(s, query)
        if found is not None and found.precision != geo.PRECISION_DEPARTMENT:
            return found
    return None


def academy_of(s: Session, department_code: str) -> str:
    if not department_code:
        return ""
    value = s.execute(
        sa.select(Department.academy).where(Department.code == department_code)
    ).scalar_one_or_none()
    return value or ""


def _mail_decision(
    s: Session, user_id: int | None, template: str, structure_name: str, accept: bool, key: str
) -> None:
    """Tell a user (join requester, structure owner) the decision taken on their request."""
    user = s.get(User, user_id) if user_id else None
    if user is None or not user.email:
        return
    subject, body = templates.render(
        template,
        url=DASHBOARD_URL,
        structure_name=structure_name,
        accepted=bool(accept),
        first_name=user.first_name,
    )
    queue_mail(
        s,
        to=user.email,
        subject=subject,
        body=body,
        action_url=templates.link(DASHBOARD_URL),
        template=template,
        user_id=user.id,
        dedupe_key=key,
    )


def _audit(
    s: Session,
    entity: str,
    entity_id: int,
    action: str,
    actor: User | None,
    *,
    from_state: str = "",
    to_state: str = "",
    message: str = "",
) -> None:
    audit.record(
        s, entity, entity_id, action, actor, from_state=from_state, to_state=to_state,
        message=message,
    )  # fmt: skip


# --- NAF ------------------------------------------------------------------------------------

_naf_cache: dict[str, list[tuple[str, str, str, str]]] = {}


def _naf_rows(s: Session) -> list[tuple[str, str, str, str]]:
    """(code, code_compact, label, folded label) of the 732 NAF sub-classes, cached."""
    key = str(s.get_bind().url)
    rows = _naf_cache.get(key)
    if not rows:
        rows = [
            (r.code, r.code_compact, r.label, fold(r.label))
            for r in s.execute(
                sa.select(NafCode.code, NafCode.code_compact, NafCode.label).order_by(NafCode.code)
            )
        ]
        if rows:
            _naf_cache[key] = rows
    return rows


def naf_suggestions(s: Session, query: str, limit: int = 10) -> list[dict[str, str]]:
    """NAF codes by code prefix (« 62 », « 6201 », « 62.01 », « 62.01Z ») or by words of
    the label (accent-insensitive, every word must appear): ``[{"code", "label"}]``."""
    if not isinstance(query, str):
        return []
    q = query.strip()[:100]
    if not q:
        return []
    limit = max(1, min(int(limit or 10), 50))
    compact = q.upper().replace(".", "").replace(" ", "")
    rows = _naf_rows(s)
    if compact[:1].isdigit():
        hits = [r for r in rows if r[1].startswith(compact)]
    else:
        words = fold(q).split()
        if not words:
            return []
        hits = [r for r in rows if all(w in r[3] for w in words)]
        # Labels that start with the first word first.
        hits.sort(key=lambda r: (not r[3].startswith(words[0]), r[0]))
    return [{"code": r[0], "label": r[2]} for r in hits[:limit]]


def naf_code_of(s: Session, raw: str) -> str | None:
    """« 62.01Z », « 6201Z », « 6201 z » → the stored code « 62.01Z », else None."""
    compact = (raw or "").upper().replace(".", "").replace(" ", "")
    if not compact or len(compact) > 6:
        return None
    return s.execute(
        sa.select(NafCode.code).where(NafCode.code_compact == compact)
    ).scalar_one_or_none()


# --- structure form -------------------------------------------------------------------------


def _validate_structure(
    s: Session, data: dict, errors: dict[str, str], *, siret_required: bool = True
) -> dict[str, Any]:
    """The structure part of the sign-up / profile form → clean values (fills ``errors``)."""
    clean: dict[str, Any] = {}
    name = form_str(data, "name", 300)
    if not name:
        errors["name"] = MSG_NAME_REQUIRED
    elif err := too_long(name, 200):
        errors["name"] = err
    clean["name"] = name
    activity = form_str(data, "activity", 400)
    if not activity:
        errors["activity"] = MSG_ACTIVITY_REQUIRED
    elif err := too_long(activity, 250):
        errors["activity"] = err
    clean["activity"] = activity
    raw_siret = form_str(data, "siret", 40)
    if raw_siret or siret_required:
        if err := siret_error(raw_siret):
            errors["siret"] = err
    clean["siret"] = normalize_siret(raw_siret) or None
    naf_raw = form_str(data, "naf_code", 20)
    if not naf_raw:
        errors["naf_code"] = MSG_NAF_REQUIRED
    else:
        code = naf_code_of(s, naf_raw)
        if code is None:
            errors["naf_code"] = MSG_NAF_UNKNOWN
        clean["naf_code"] = code or ""
    statut = form_str(data, "statut", 30)
    if statut not in STATUTS:
        errors["statut"] = MSG_STATUT
    clean["status"] = statut
    address = form_str(data, "address", 400)
    if not address:
        errors["address"] = MSG_ADDRESS_REQUIRED
    elif err := too_long(address, 250):
        errors["address"] = err
    clean["address"] = address
    postal_code = form_str(data, "postal_code", 10).replace(" ", "")
    if len(postal_code) != 5 or not postal_code.isdigit():
        errors["postal_code"] = MSG_POSTAL_CODE
    clean["postal_code"] = postal_code
    city = form_str(data, "city", 200)
    if not city:
        errors["city"] = MSG_CITY_REQUIRED
    elif err := too_long(city, 100):
        errors["city"] = err
    clean["city"] = city
    website, err = normalize_website(form_str(data, "website", 400))
    if err:
        errors["website"] = err
    clean["website"] = website
    clean["is_public"] = form_bool(data, "is_public")
    # « Institution de tutelle »: required for a public structure, cleared otherwise.
    clean["ministry"], err = ministries.check_public(data.get("ministry"), clean["is_public"])
    if err:
        errors["ministry"] = err
    if "description" in data:
        description = form_str(data, "description", 1200)
        if err := too_long(description, 1000):
            errors["description"] = err
        clean["description"] = description
    if not any(k in errors for k in ("address", "postal_code", "city")):
        found = geocode_place(s, address, postal_code, city)
        if found is None:
            errors["address"] = MSG_ADDRESS_NOT_FOUND
        else:
            clean.update(
                latitude=found.latitude,
                longitude=found.longitude,
                insee_code=found.insee_code,
                department_code=found.department_code,
            )
    return clean


def _validate_account(s: Session, data: dict, errors: dict[str, str]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    civility = form_str(data, "civility", 10)
    if civility not in CIVILITIES:
        errors["civility"] = MSG_CIVILITY
    clean["civility"] = civility
    for key, msg in (
        ("first_name", accounts.MSG_FIRST_NAME_REQUIRED),
        ("last_name", accounts.MSG_LAST_NAME_REQUIRED),
    ):
        value = form_str(data, key, 200)
        if not value:
            errors[key] = msg
        elif len(value) > 100:
            errors[key] = accounts.MSG_NAME_TOO_LONG
        clean[key] = value
    job_title = form_str(data, "job_title", 300)
    if err := too_long(job_title, 150):
        errors["job_title"] = err
    clean["job_title"] = job_title
    raw_email = form_str(data, "email", 300)
    email = accounts.normalize_email(raw_email)
    if not raw_email:
        errors["email"] = MSG_EMAIL_REQUIRED
    elif email is None:
        errors["email"] = accounts.MSG_EMAIL_INVALID
    clean["email"] = email  # a taken address is not an error (see register_employer)
    raw_mobile = form_str(data, "phone_mobile", 40)
    raw_landline = form_str(data, "phone_landline", 40)
    mobile = accounts.normalize_phone(raw_mobile) if raw_mobile else None
    landline = normalize_any_phone(raw_landline) if raw_landline else None
    if not raw_mobile and not raw_landline:
        errors["phone_mobile"] = MSG_PHONE_REQUIRED
    if raw_mobile and mobile is None:
        errors["phone_mobile"] = MSG_MOBILE_INVALID
    if raw_landline and landline is None:
        errors["phone_landline"] = MSG_LANDLINE_INVALID
    clean["phone"] = mobile
    clean["landline"] = landline
    password = data.get("password") if isinstance(data.get("password"), str) else ""
    names = (clean["first_name"], clean["last_name"], raw_email, raw_mobile)
    if err := passwords.password_error(password, user_inputs=names):
        errors["password"] = err
    elif password != (data.get("password2") if isinstance(data.get("password2"), str) else ""):
        errors["password2"] = MSG_PASSWORD_MISMATCH
    clean["password"] = password
    if not form_bool(data, "accept_charter"):
        errors["accept_charter"] = MSG_CHARTER
    if not form_bool(data, "accept_privacy"):
        errors["accept_privacy"] = MSG_PRIVACY
    clean["consent_contact_email"] = form_bool(data, "consent_contact_on_application")
    clean["consent_contact_phone"] = form_bool(data, "consent_mobilisation") or form_bool(
        data, "consent_last_minute"
    )
    return clean


class _FlushOnCommit:
    """The caller's session where ``commit()`` only flushes: :func:`accounts.register`
    commits its own work, but the employer sign-up must create the user, the structure
    and the membership in ONE transaction (committed by :func:`register_employer`)."""

    def __init__(self, s: Session):
        self._s = s

    def commit(self) -> None:
        self._s.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s, name)


def _structure_by_siret(s: Session, siret: str | None) -> Structure | None:
    if not siret:
        return None
    return s.exec(select(Structure).where(Structure.siret == siret)).first()


def register_employer(
    s: Session, *, data: dict, ip: str = "", _retry: bool = True
) -> tuple[dict | None, dict[str, str]]:
    """« Employeur, créez votre compte »: account + structure (seed 003).

    Returns ``({"user_id", "structure_id", "joined_existing"}, {})`` or ``(None, errors)``
    keyed by form field.  When a structure with that SIRET exists, no structure is created:
    the account asks to join it (StructureMember pending) and its owner is mailed; only the
    account fields and the SIRET are then required.  Otherwise the structure is created
    (validated, or pending when the setting ``employer_validation_required`` is on) with
    the new user as owner.  Everything is one transaction; the activation mail is queued
    by :func:`accounts.register`.

    An address that already has an account gets the same answer as a new one
    (``{"user_id": None, "structure_id": None, "joined_existing": …}``) and nothing is
    created: no account, structure nor join request; the owner is told by mail.
    """
    if not isinstance(data, dict):
        return None, {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    account = _validate_account(s, data, errors)
    raw_siret = form_str(data, "siret", 40)
    siret_err = siret_error(raw_siret)
    existing = None if siret_err else _structure_by_siret(s, normalize_siret(raw_siret))
    # Joining an existing structure: its other fields are not asked again.
    structure_fields = _validate_structure(s, data, errors) if existing is None else {}
    if errors:
        s.rollback()
        return None, errors

    user, reg_errors = accounts.register(
        _FlushOnCommit(s),  # type: ignore[arg-type]
        role=Role.EMPLOYEUR,
        email=account["email"],
        phone=account["phone"],
        password=account["password"],
        first_name=account["first_name"],
        last_name=account["last_name"],
        accept_terms=True,
        ip=ip or None,
        civility=account["civility"],
        job_title=account["job_title"],
        consent_contact_email=account["consent_contact_email"],
        consent_contact_phone=account["consent_contact_phone"],
    )
    if user is None and not reg_errors:  # taken address: the owner was told, nothing else
        s.commit()
        return {"user_id": None, "structure_id": None, "joined_existing": existing is not None}, {}
    if user is None:
        s.rollback()
        return None, {("phone_mobile" if k == "phone" else k): v for k, v in reg_errors.items()}

    landline = f"Téléphone fixe : {account['landline']}" if account["landline"] else ""
    now = clock.now()
    if existing is not None:
        member = StructureMember(
            structure_id=existing.id,
            user_id=user.id,
            role="member",
            status="pending",
            created_at=now,
        )
        s.add(member)
        s.flush()
        _audit(
            s, "structure_member", member.id, "join_request", user, to_state="pending",
            message=landline,
        )  # fmt: skip
        owner = s.get(User, existing.owner_id) if existing.owner_id else None
        if owner is not None and owner.email:
            subject, body = templates.render(
                "structure_join_request",
                url=TEAM_URL,
                structure_name=existing.name,
                requester_name=user.full_name,
                requester_email=user.email or "",
                requester_job=user.job_title,
                first_name=owner.first_name,
            )
            queue_mail(
                s,
                to=owner.email,
                subject=subject,
                body=body,
                action_url=templates.link(TEAM_URL),
                template="structure_join_request",
                user_id=owner.id,
                dedupe_key=f"structure_join_request:{member.id}",
            )
        s.commit()
        return {"user_id": user.id, "structure_id": existing.id, "joined_existing": True}, {}

    status = "pending" if platform.employer_validation_required(s) else "validated"
    structure = Structure(
        **structure_fields,
        owner_id=user.id,
        validation_status=status,
        created_at=now,
        updated_at=now,
    )
    s.add(structure)
    try:
        s.flush()
    except IntegrityError:
        # Someone registered the same SIRET meanwhile: start again, as a join request.
        s.rollback()
        if _retry:
            return register_employer(s, data=data, ip=ip, _retry=False)
        return None, {"siret": MSG_SIRET_TAKEN}
    s.add(
        StructureMember(
            structure_id=structure.id,
            user_id=user.id,
            role="owner",
            status="active",
            created_at=now,
            decided_at=now,
        )
    )
    _audit(s, "structure", structure.id, "create", user, to_state=status, message=landline)
    s.commit()
    return {"user_id": user.id, "structure_id": structure.id, "joined_existing": False}, {}


# --- membership and context -----------------------------------------------------------------


def _membership(s: Session, user: User | None, status: str = "active") -> StructureMember | None:
    if user is None or user.id is None:
        return None
    return s.exec(
        select(StructureMember)
        .where(StructureMember.user_id == user.id, StructureMember.status == status)
        .order_by(
            sa.case((StructureMember.role == "owner", 0), else_=1),
            StructureMember.created_at,
            StructureMember.id,
        )
    ).first()


def structure_for_user(s: Session, user: User | None) -> Structure | None:
    """The structure the user acts for: an active membership (owned first), else None.

    Admins, référents and operators usually have none: :func:`offers.create_draft`
    then creates a minimal structure owned by them (:func:`personal_structure`)."""
    member = _membership(s, user, "active")
    return s.get(Structure, member.structure_id) if member is not None else None


def pending_membership(s: Session, user: User | None) -> Structure | None:
    """The structure the user asked to join (join request not decided yet), if any."""
    member = _membership(s, user, "pending")
    return s.get(Structure, member.structure_id) if member is not None else None


def personal_structure(s: Session, user: User) -> Structure:
    """A minimal structure owned by ``user`` (poster without structure), flushed only."""
    now = clock.now()
    name = user.full_name or user.email or f"Compte n° {user.id}"
    if user.operator_id:
        from mystage.models import Operator

        operator = s.get(Operator, user.operator_id)
        if operator is not None:
            name = operator.name
    needs_validation = user.role == Role.EMPLOYEUR and platform.employer_validation_required(s)
    structure = Structure(
        name=name[:200],
        status="administration" if user.role != Role.EMPLOYEUR else "entreprise",
        is_public=user.role != Role.EMPLOYEUR,
        # A ministry-bound référent central posts for its ministry.
        ministry=user.ministry if user.role == Role.REFERENT_CENTRAL else "",
        department_code=user.department_code or "",
        owner_id=user.id,
        operator_id=user.operator_id,
        validation_status="pending" if needs_validation else "validated",
        created_at=now,
        updated_at=now,
    )
    s.add(structure)
    s.flush()
    s.add(
        StructureMember(
            structure_id=structure.id,
            user_id=user.id,
            role="owner",
            status="active",
            created_at=now,
            decided_at=now,
        )
    )
    _audit(s, "structure", structure.id, "create", user, to_state=structure.validation_status)
    s.flush()
    return structure


def _pending_requests(s: Session, structure_id: int) -> int:
    return int(
        s.execute(
            sa.select(sa.func.count(StructureMember.id)).where(
                StructureMember.structure_id == structure_id, StructureMember.status == "pending"
            )
        ).scalar_one()
    )


def publish_block_reason(s: Session, user: User | None, structure: Structure | None) -> str:
    """Why ``user`` cannot publish for ``structure`` ("" when they can)."""
    if user is not None and user.role == Role.ADMIN:
        return ""
    if structure is None:
        pending = pending_membership(s, user)
        return MSG_MEMBERSHIP_PENDING.format(name=pending.name) if pending is not None else ""
    if structure.validation_status == "pending":
        return MSG_PENDING_VALIDATION
    if structure.validation_status == "refused":
        return MSG_REFUSED
    return ""


def employer_context(s: Session, user: User | None) -> dict[str, Any]:
    """What the employer space shows around every page: ``{"structure_id" (int | None),
    "structure_name", "is_owner", "can_publish", "publish_block_reason",
    "pending_requests"}``.  Without a structure (admins, référents before their first
    offer): ``structure_id`` None and ``can_publish`` True, unless a join request is
    pending (then ``can_publish`` False with the reason)."""
    if not permissions.is_authenticated(user):
        return {
            "structure_id": None,
            "structure_name": "",
            "is_owner": False,
            "can_publish": False,
            "publish_block_reason": "",
            "pending_requests": 0,
        }
    structure = structure_for_user(s, user)
    reason = publish_block_reason(s, user, structure)
    is_owner = structure is not None and permissions.is_structure_owner(s, user, structure)
    return {
        "structure_id": structure.id if structure is not None else None,
        "structure_name": structure.name if structure is not None else "",
        "is_owner": is_owner,
        "can_publish": permissions.can_create_offer(user) and not reason,
        "publish_block_reason": reason,
        "pending_requests": _pending_requests(s, structure.id) if is_owner else 0,
    }


# --- team: join requests --------------------------------------------------------------------


def _owned_structure(s: Session, actor: User | None) -> Structure:
    structure = structure_for_user(s, actor)
    permissions.require(
        structure is not None and permissions.can_manage_structure(s, actor, structure),
        MSG_NOT_OWNER,
    )
    return structure


def join_requests(s: Session, actor: User | None) -> list[dict[str, Any]]:
    """Pending join requests of the actor's structure (owner only): ``[{"id" (member id),
    "user_id", "name", "email", "phone", "job_title", "created_at"}]``."""
    structure = _owned_structure(s, actor)
    rows = s.execute(
        sa.select(StructureMember.id, StructureMember.created_at, User)
        .join(User, User.id == StructureMember.user_id)
        .where(StructureMember.structure_id == structure.id, StructureMember.status == "pending")
        .order_by(StructureMember.created_at, StructureMember.id)
    ).all()
    return [
        {
            "id": member_id,
            "user_id": u.id,
            "name": u.full_name,
            "email": u.email or "",
            "phone": display_phone(u.phone),
            "job_title": u.job_title,
            "account_active": u.status == AccountStatus.ACTIVE,
            "created_at": clock.fmt_paris(created_at, with_time=False),
        }
        for member_id, created_at, u in rows
    ]


def team_members(s: Session, actor: User | None) -> list[dict[str, Any]]:
    """Active members of the actor's structure (any active member may see the team)."""
    structure = structure_for_user(s, actor)
    permissions.require(structure is not None)
    rows = s.execute(
        sa.select(StructureMember.id, StructureMember.role, User)
        .join(User, User.id == StructureMember.user_id)
        .where(StructureMember.structure_id == structure.id, StructureMember.status == "active")
        .order_by(sa.case((StructureMember.role == "owner", 0), else_=1), User.last_name)
    ).all()
    return [
        {
            "id": member_id,
            "user_id": u.id,
            "name": u.full_name,
            "email": u.email or "",
            "job_title": u.job_title,
            "is_owner": role == "owner",
        }
        for member_id, role, u in rows
    ]


def decide_join_request(s: Session, actor: User | None, member_id: int, accept: bool) -> str:
    """Accept or refuse a join request (owner of that structure only, PermissionDenied
    otherwise); the requester is mailed.  Returns "" or a French error."""
    member = s.get(StructureMember, member_id) if isinstance(member_id, int) else None
    structure = s.get(Structure, member.structure_id) if member is not None else None
    permissions.require(
        structure is not None and permissions.can_manage_structure(s, actor, structure),
        MSG_NOT_OWNER,
    )
    now = clock.now()
    new_status = "active" if accept else "refused"
    result = s.execute(
        sa.update(StructureMember)
        .where(StructureMember.id == member.id, StructureMember.status == "pending")
        .values(status=new_status, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        s.rollback()
        return MSG_REQUEST_DONE
    _audit(
        s, "structure_member", member.id, "accept" if accept else "refuse", actor,
        from_state="pending", to_state=new_status,
    )  # fmt: skip
    _mail_decision(
        s, member.user_id, "structure_join_decision", structure.name, accept,
        f"structure_join_decision:{member.id}",
    )  # fmt: skip
    s.commit()
    s.refresh(member)
    return ""


# --- structure profile ----------------------------------------------------------------------


def _target_structure(s: Session, actor: User | None, structure_id: int | None) -> Structure:
    if structure_id is not None:
        structure = s.get(Structure, structure_id) if isinstance(structure_id, int) else None
        permissions.require(
            structure is not None and permissions.can_manage_structure(s, actor, structure),
            MSG_NOT_OWNER,
        )
        return structure
    return _owned_structure(s, actor)


def structure_form(s: Session, actor: User | None, structure_id: int | None = None) -> dict:
    """The structure profile as form values (owner or admin)."""
    st = _target_structure(s, actor, structure_id)
    return {
        "id": st.id,
        "name": st.name,
        "activity": st.activity,
        "description": st.description,
        "siret": st.siret or "",
        "naf_code": st.naf_code,
        "statut": st.status,
        "address": st.address,
        "postal_code": st.postal_code,
        "city": st.city,
        "website": st.website,
        "is_public": st.is_public,
        "ministry": st.ministry,
        "ministry_label": ministries.label(st.ministry),
        "logo_url": f"/api/logos/{st.id}" if st.logo_path else "",
        "validation_status": st.validation_status,
    }


def update_structure(
    s: Session, actor: User | None, data: dict, structure_id: int | None = None
) -> dict[str, str]:
    """Edit the structure (owner of the actor's structure, or admin with ``structure_id``).
    Same fields and validations as the sign-up's structure part (+ optional
    ``description``); a SIRET used by another structure is refused."""
    st = _target_structure(s, actor, structure_id)
    if not isinstance(data, dict):
        return {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    clean = _validate_structure(s, data, errors, siret_required=bool(st.siret))
    if "siret" not in errors and clean.get("siret") and clean["siret"] != st.siret:
        other = _structure_by_siret(s, clean["siret"])
        if other is not None and other.id != st.id:
            errors["siret"] = MSG_SIRET_TAKEN
    if errors:
        s.rollback()
        return errors
    for key, value in clean.items():
        setattr(st, key, value)
    st.updated_at = clock.now()
    _audit(s, "structure", st.id, "update", actor)
    try:
        s.commit()
    except IntegrityError:
        s.rollback()
        return {"siret": MSG_SIRET_TAKEN}
    return {}


def _logo_dir() -> Path:
    return get_settings().private_dir / "logos"


def _logo_path(relative: str) -> Path | None:
    """The absolute path of a stored logo, only if it is inside the logo folder."""
    if not relative:
        return None
    base = _logo_dir().resolve()
    path = (get_settings().private_dir / relative).resolve()
    if base not in path.parents:
        return None
    return path


def save_logo(
    s: Session, actor: User | None, data: bytes, filename: str = "", structure_id: int | None = None
) -> str:
    """Store the structure's logo (owner, or admin with ``structure_id``).  The file is
    recognised by decoding it (PNG, JPEG or WebP, ≤ 2 Mo; the name is ignored), re-encoded
    as a PNG of at most 256×256 in private storage; the previous logo is deleted.
    Returns "" or a French error."""
    st = _target_structure(s, actor, structure_id)
    if not isinstance(data, bytes | bytearray) or not data:
        return MSG_LOGO_FORMAT
    if len(data) > LOGO_MAX_BYTES:
        return MSG_LOGO_SIZE
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ("PNG", "JPEG", "WEBP") or width * height > LOGO_MAX_PIXELS:
                return MSG_LOGO_FORMAT
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = img.convert("RGBA")
            img.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
            out = io.BytesIO()
            img.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return MSG_LOGO_FORMAT
    folder = _logo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{st.id}-{secrets.token_hex(8)}.png"
    (folder / name).write_bytes(out.getvalue())
    old = _logo_path(st.logo_path)
    st.logo_path = f"logos/{name}"
    st.updated_at = clock.now()
    _audit(s, "structure", st.id, "logo", actor, message=json.dumps({"file": name}))
    s.commit()
    if old is not None and old.name != name:
        old.unlink(missing_ok=True)
    return ""


def logo_bytes(s: Session, structure_id: int) -> bytes | None:
    """The stored PNG logo of a structure (public: logos show on offers), else None."""
    if not isinstance(structure_id, int):
        return None
    relative = s.execute(
        sa.select(Structure.logo_path).where(Structure.id == structure_id)
    ).scalar_one_or_none()
    path = _logo_path(relative or "")
    if path is None or not path.is_file():
        return None
    return path.read_bytes()


# --- validation by the MyStage team ---------------------------------------------------------


def structures_awaiting_validation(s: Session, actor: User | None) -> list[dict[str, Any]]:
    """New structures waiting for an admin (admin only)."""
    permissions.require(permissions.can_validate_structures(actor))
    rows = s.execute(
        sa.select(Structure, User)
        .outerjoin(User, User.id == Structure.owner_id)
        .where(Structure.validation_status == "pending")
        .order_by(Structure.created_at, Structure.id)
        .limit(200)
    ).all()
    return [
        {
            "id": st.id,
            "name": st.name,
            "siret": st.siret or "",
            "naf_code": st.naf_code,
            "statut": STATUTS.get(st.status, st.status),
            "city": f"{st.postal_code} {st.city}".strip(),
            "owner": owner.full_name if owner is not None else "",
            "owner_email": (owner.email or "") if owner is not None else "",
            "created_at": clock.fmt_paris(st.created_at, with_time=False),
        }
        for st, owner in rows
    ]


def validate_structure(s: Session, actor: User | None, structure_id: int, accept: bool) -> str:
    """Validate or refuse a structure awaiting validation (admin only, PermissionDenied
    otherwise); conditional update, audit, mail to the owner.  Returns "" or an error."""
    permissions.require(permissions.can_validate_structures(actor))
    st = s.get(Structure, structure_id) if isinstance(structure_id, int) else None
    if st is None:
        return "Cette structure n'existe pas."
    new_status = "validated" if accept else "refused"
    now = clock.now()
    result = s.execute(
        sa.update(Structure)
        .where(Structure.id == st.id, Structure.validation_status == "pending")
        .values(validation_status=new_status, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        s.rollback()
        return MSG_STRUCTURE_DONE
    _audit(
        s, "structure", st.id, "validate" if accept else "refuse", actor,
        from_state="pending", to_state=new_status,
    )  # fmt: skip
    _mail_decision(
        s, st.owner_id, "structure_validation_decision", st.name, accept,
        f"structure_validation:{st.id}:{new_status}",
    )  # fmt: skip
    s.commit()
    s.refresh(st)
    return ""

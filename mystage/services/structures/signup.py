"""« Employeur, créez votre compte »: the account, and a new structure or a request to join
the structure that has the SIRET.

Consents of seed 003 (« J'accepte d'être contacté(e) … ») are stored on the user without
a schema change: ``contact_on_application`` → ``User.consent_contact_email``;
``mobilisation`` and ``last_minute`` together → ``User.consent_contact_phone`` (either
box ticked sets it).  The landline (« Téléphone fixe ») has no column: it is validated and
kept in the audit log entry of the sign-up; the mobile is the account's phone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mystage import clock
from mystage.models import Role, Structure, StructureMember, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import accounts, audit, platform
from mystage.services.accounts import passwords
from mystage.services.form_values import form_bool, form_str
from mystage.services.siret import normalize_siret, siret_error
from mystage.services.structures.inputs import (
    checked_text,
    normalize_any_phone,
)
from mystage.services.structures.membership import add_default_space, add_owner
from mystage.services.structures.profile import (
    MSG_SIRET_TAKEN,
    structure_by_siret,
    validate_structure_form,
)

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
    job_title = checked_text(data, "job_title", errors, 150, read=300)
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
    existing = None if siret_err else structure_by_siret(s, normalize_siret(raw_siret))
    # Joining an existing structure: its other fields are not asked again.
    structure_fields = validate_structure_form(s, data, errors) if existing is None else {}
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
        audit.record(
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
    add_owner(s, structure, user, now)
    add_default_space(s, structure, now)
    audit.record(s, "structure", structure.id, "create", user, to_state=status, message=landline)
    s.commit()
    return {"user_id": user.id, "structure_id": structure.id, "joined_existing": False}, {}

"""Users (one table, one role each), sessions, one-time tokens, login attempts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created, dt, text


class Role(StrEnum):
    ELEVE = "eleve"
    PARENT = "parent"
    CHEF_ETABLISSEMENT = "chef_etablissement"
    PROFESSEUR_PRINCIPAL = "professeur_principal"
    PROFESSEUR = "professeur"
    PERSONNEL = "personnel"  # CPE, documentaliste, psy-EN, secrétariat
    REFERENT_ETABLISSEMENT = "referent_etablissement"
    EMPLOYEUR = "employeur"
    REFERENT_DEPARTEMENTAL = "referent_departemental"
    REFERENT_ACADEMIQUE = "referent_academique"
    REFERENT_CENTRAL = "referent_central"
    OPERATEUR = "operateur"
    MODERATEUR = "moderateur"  # offers and structures only (issue 18), named by an admin
    ADMIN = "admin"


ROLE_LABELS: dict[str, str] = {
    Role.ELEVE: "Élève",
    Role.PARENT: "Parent",
    Role.CHEF_ETABLISSEMENT: "Chef d'établissement",
    Role.PROFESSEUR_PRINCIPAL: "Professeur principal",
    Role.PROFESSEUR: "Professeur",
    Role.PERSONNEL: "Autre personnel (CPE, documentaliste, psy-EN, secrétariat)",
    Role.REFERENT_ETABLISSEMENT: "Référent établissement",
    Role.EMPLOYEUR: "Employeur",
    Role.REFERENT_DEPARTEMENTAL: "Référent départemental",
    Role.REFERENT_ACADEMIQUE: "Référent académique",
    Role.REFERENT_CENTRAL: "Référent central",
    Role.OPERATEUR: "Opérateur",
    Role.MODERATEUR: "Modérateur",
    Role.ADMIN: "Administrateur",
}

SCHOOL_STAFF_ROLES = frozenset(
    {
        Role.CHEF_ETABLISSEMENT,
        Role.PROFESSEUR_PRINCIPAL,
        Role.PROFESSEUR,
        Role.PERSONNEL,
        Role.REFERENT_ETABLISSEMENT,
    }
)
REFERENT_ROLES = frozenset(
    {Role.REFERENT_DEPARTEMENTAL, Role.REFERENT_ACADEMIQUE, Role.REFERENT_CENTRAL}
)
# Roles that may post offers (seed 001: référents may post offers like an employer).
OFFER_POSTING_ROLES = frozenset({Role.EMPLOYEUR, Role.OPERATEUR, Role.ADMIN} | REFERENT_ROLES)


class PupilLevel(StrEnum):
    QUATRIEME = "4e"
    TROISIEME = "3e"
    TROISIEME_SEGPA = "3e_segpa"
    TROISIEME_PREPA_METIERS = "3e_prepa_metiers"
    SECONDE_GT = "2de_gt"


LEVEL_LABELS = {
    PupilLevel.QUATRIEME: "4e",
    PupilLevel.TROISIEME: "3e générale",
    PupilLevel.TROISIEME_SEGPA: "3e SEGPA",
    PupilLevel.TROISIEME_PREPA_METIERS: "3e prépa-métiers",
    PupilLevel.SECONDE_GT: "2de générale et technologique",
}


class AccountStatus(StrEnum):
    PENDING_ACTIVATION = "pending_activation"  # email/phone not confirmed yet
    ACTIVE = "active"
    PENDING_VALIDATION = "pending_validation"  # awaits an admin or a school head
    REFUSED = "refused"
    DISABLED = "disabled"


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=254, unique=True, index=True)
    phone: str | None = Field(default=None, max_length=20, unique=True, index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    role: str = Field(max_length=32, index=True)
    status: str = Field(default=AccountStatus.PENDING_ACTIVATION, max_length=32, index=True)

    civility: str = Field(default="", max_length=8)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    job_title: str = Field(default="", max_length=150)  # « fonction »
    birth_date: date | None = None
    gender: str = Field(default="", max_length=2)  # "f", "m", "np" (ne souhaite pas répondre)

    # Pupils and school staff
    school_id: int | None = Field(default=None, foreign_key="schools.id", index=True)
    class_id: int | None = Field(default=None, foreign_key="school_classes.id", index=True)
    level: str = Field(default="", max_length=20)
    parental_authorization_at: datetime | None = dt()
    parental_authorization_by_id: int | None = Field(default=None, foreign_key="users.id")
    staff_scope: str = Field(default="school", max_length=10)  # "school" or "classes"
    targeted_offer_id: int | None = None  # come back to this offer after sign-up

    # Référents and operators
    department_code: str = Field(default="", max_length=3, index=True)
    academy: str = Field(default="", max_length=60)
    # Référent central bound to one ministry (slug of services/ministries.py; "" = all).
    ministry: str = Field(default="", max_length=40, sa_column_kwargs={"server_default": ""})
    operator_id: int | None = Field(default=None, foreign_key="operators.id")

    # Consents (seed 003) and terms
    consent_contact_email: bool = False
    consent_contact_phone: bool = False
    terms_accepted_at: datetime | None = dt()
    privacy_accepted_at: datetime | None = dt()

    # Lifecycle and security
    activated_at: datetime | None = dt()
    email_verified_at: datetime | None = dt()
    phone_verified_at: datetime | None = dt()
    validated_at: datetime | None = dt()
    validated_by_id: int | None = Field(default=None, foreign_key="users.id")
    failed_logins: int = 0
    locked_until: datetime | None = dt()
    last_login_at: datetime | None = dt()
    password_changed_at: datetime | None = dt()
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    anonymized_at: datetime | None = dt()
    # Issue 18: blocked by an admin (no login, sessions revoked) until unblocked.
    blocked_at: datetime | None = dt()
    blocked_reason: str = Field(
        default="", sa_type=sa.Text(), sa_column_kwargs={"server_default": ""}
    )
    deleted_at: datetime | None = dt()
    created_at: datetime = created()
    updated_at: datetime | None = dt()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ParentLink(SQLModel, table=True):
    __tablename__ = "parent_links"
    __table_args__ = (sa.UniqueConstraint("parent_id", "pupil_id"),)

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int = Field(foreign_key="users.id", index=True)
    pupil_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = created()


class AuthSession(SQLModel, table=True):
    """A login session.  Only the SHA-256 of the random token is stored."""

    __tablename__ = "auth_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = created()
    expires_at: datetime = dt(nullable=False)
    last_seen_at: datetime | None = dt()
    revoked_at: datetime | None = dt()
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=255)


class TokenPurpose(StrEnum):
    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"
    PHONE_CODE = "phone_code"  # SMS code: phone confirmation or reset
    MAGIC_LINK = "magic_link"
    LOGIN_GRANT = "login_grant"  # short-lived, exchanged for the session cookie
    INVITATION = "invitation"
    CLASS_INVITATION = "class_invitation"  # a listed pupil's link to sign up into the class
    SIGNATURE_CODE = "signature_code"
    ACTION_LINK = "action_link"  # direct link in a mail (opens a page after login)
    DOWNLOAD = "download"  # expiring private download link


class OneTimeToken(SQLModel, table=True):
    """Single-use, expiring secret.  Only its hash is stored; attempts are counted."""

    __tablename__ = "one_time_tokens"

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=32, index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    target: str = Field(default="", max_length=254)  # email / phone it was sent to
    payload: str = text()  # JSON (next URL, invitation details…)
    created_at: datetime = created()
    expires_at: datetime = dt(nullable=False)
    used_at: datetime | None = dt()
    attempts: int = 0


class LoginAttempt(SQLModel, table=True):
    """Every attempt on a login path (email, phone, magic link, reset, API): rate limits."""

    __tablename__ = "login_attempts"
    __table_args__ = (sa.Index("ix_login_attempts_scope_key_at", "scope", "key", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=32)
    key: str = Field(max_length=128)  # hashed identifier or client IP
    success: bool = False
    created_at: datetime = created()

"""Structures d'accueil (employers), their members/teams, spaces, operators."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created, dt, text


class Operator(SQLModel, table=True):
    """Partner association publishing offers through the API (JobIRL, Tous en stage…)."""

    __tablename__ = "operators"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=150, unique=True)
    website: str = Field(default="", max_length=300)
    api_token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    # Issue 18: the operator's page in the back office (logo in private storage).
    logo_path: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    contact_name: str = Field(default="", max_length=150, sa_column_kwargs={"server_default": ""})
    contact_email: str = Field(default="", max_length=254, sa_column_kwargs={"server_default": ""})
    contact_phone: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    # Issue 19: application events on its offers are POSTed to ``webhook_url`` (empty: none),
    # signed with HMAC-SHA256 under ``webhook_secret`` (the platform's signing key for this
    # operator, shown to it once; it must be kept to sign, unlike the API tokens).
    webhook_url: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    webhook_secret: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    created_at: datetime = created()


class OperatorToken(SQLModel, table=True):
    """An operator's API token: only its SHA-256 is stored; ``prefix`` (the first
    characters, shown in lists) tells tokens apart.  Revoked tokens stay for the audit."""

    __tablename__ = "operator_tokens"

    id: int | None = Field(default=None, primary_key=True)
    operator_id: int = Field(foreign_key="operators.id", index=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    scopes: str = Field(default="offers:read,offers:write,applications", max_length=200)
    rate_per_minute: int = Field(default=120, sa_column_kwargs={"server_default": "120"})
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = created()
    last_used_at: datetime | None = dt()
    revoked_at: datetime | None = dt()


class Structure(SQLModel, table=True):
    __tablename__ = "structures"
    __table_args__ = (sa.Index("ix_structures_lat_lon", "latitude", "longitude"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)  # raison sociale
    activity: str = Field(default="", max_length=250)
    description: str = text()
    siret: str | None = Field(default=None, max_length=14, unique=True, index=True)
    naf_code: str = Field(default="", max_length=6)
    status: str = Field(
        default="entreprise", max_length=20
    )  # entreprise/association/administration/collectivite
    is_public: bool = False
    # « Institution de tutelle » of a public structure (slug of services/ministries.py).
    ministry: str = Field(default="", max_length=40, sa_column_kwargs={"server_default": ""})
    address: str = Field(default="", max_length=250)
    postal_code: str = Field(default="", max_length=5)
    city: str = Field(default="", max_length=100)
    insee_code: str = Field(default="", max_length=5)
    department_code: str = Field(default="", max_length=3, index=True)
    latitude: float | None = None
    longitude: float | None = None
    website: str = Field(default="", max_length=300)
    logo_path: str = Field(default="", max_length=300)  # private storage, served resized
    operator_id: int | None = Field(default=None, foreign_key="operators.id")
    owner_id: int | None = Field(default=None, foreign_key="users.id")
    validation_status: str = Field(default="validated", max_length=20)  # pending/validated/refused
    # Issue 18: a suspended structure's offers leave the search; a merged duplicate points
    # at the structure that took its members, offers and history.
    suspended_at: datetime | None = dt()
    suspension_reason: str = Field(
        default="", sa_type=sa.Text(), sa_column_kwargs={"server_default": ""}
    )
    merged_into_id: int | None = Field(default=None, foreign_key="structures.id")
    created_at: datetime = created()
    updated_at: datetime | None = dt()


class StructureMember(SQLModel, table=True):
    """Team membership: same SIRET → request to join, the owner accepts; or invitation."""

    __tablename__ = "structure_members"
    __table_args__ = (sa.UniqueConstraint("structure_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    structure_id: int = Field(foreign_key="structures.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    invited_email: str = Field(default="", max_length=254)
    role: str = Field(default="member", max_length=10)  # owner, member
    status: str = Field(default="pending", max_length=10)  # pending, active, refused, removed
    created_at: datetime = created()
    decided_at: datetime | None = dt()
    # False: the member only sees the spaces where they have a SpaceMember row with access.
    all_spaces: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})


DEFAULT_SPACE_NAME = "Espace principal"  # every structure's first space


class EmployerSpace(SQLModel, table=True):
    """« Espace »: a named group of a structure's offers with its own mail recipients."""

    __tablename__ = "employer_spaces"

    id: int | None = Field(default=None, primary_key=True)
    structure_id: int = Field(foreign_key="structures.id", index=True)
    name: str = Field(max_length=150)
    created_at: datetime = created()


class SpaceMember(SQLModel, table=True):
    """A member's settings for one space.  No row: access as ``all_spaces`` says, notified."""

    __tablename__ = "space_members"
    __table_args__ = (sa.UniqueConstraint("space_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    space_id: int = Field(foreign_key="employer_spaces.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    notify: bool = True  # receives the application mails of this space
    # Used when the membership is limited (StructureMember.all_spaces False).
    access: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})

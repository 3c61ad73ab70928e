"""Établissements (collèges, lycées), classes, internship weeks, staff class access."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created, dt, text


class School(SQLModel, table=True):
    __tablename__ = "schools"
    __table_args__ = (sa.Index("ix_schools_lat_lon", "latitude", "longitude"),)

    id: int | None = Field(default=None, primary_key=True)
    uai: str = Field(max_length=8, unique=True, index=True)
    name: str = Field(max_length=200)
    search_name: str = Field(default="", max_length=300, index=True)  # name + commune, folded
    kind: str = Field(default="college", max_length=10)  # "college" or "lycee"
    sector: str = Field(default="public", max_length=10)  # "public" / "private"
    private_contract: str = Field(default="", max_length=60)
    status: str = Field(default="open", max_length=10)
    address: str = Field(default="", max_length=250)
    postal_code: str = Field(default="", max_length=5, index=True)
    commune: str = Field(default="", max_length=100)
    insee_code: str = Field(default="", max_length=5, index=True)
    department_code: str = Field(default="", max_length=3, index=True)
    academy: str = Field(default="", max_length=60, index=True)
    latitude: float | None = None
    longitude: float | None = None
    ep: str = Field(default="", max_length=5, index=True)  # "", "REP", "REP+"
    qpv: bool = Field(default=False, index=True)
    qpv_code: str = Field(default="", max_length=10)
    # Lycées: « teaches a 2de GT » per the ministry's annuaire: "yes", "no" or "" (unknown).
    seconde_gt: str = Field(default="", max_length=3, sa_column_kwargs={"server_default": ""})
    # Lycées have no QPV flag in the open data: the head declares « en QPV ou à moins de
    # 300 m », an admin confirms (``qpv`` becomes True then; reservations read ``qpv``).
    qpv_declared_at: datetime | None = dt()
    qpv_confirmed_at: datetime | None = dt()

    # School space (set up by the head)
    email: str = Field(default="", max_length=254)  # official ce.<UAI>@ac-….fr
    phone: str = Field(default="", max_length=20)
    registered_at: datetime | None = dt()  # the head opened the school space
    validation_required: bool = False  # applications validated by the school first
    search_scope: str = Field(default="radius", max_length=10)  # "radius" or "national"
    search_radius_km: int = 60
    referent_email: str = Field(default="", max_length=254)
    agreement_conditions: str = text()
    convention_mode: str = Field(default="online", max_length=10)  # "online" or "paper"
    convention_preset: str = text()  # JSON: week_max_hours, meals, transport, insurance, clauses
    created_at: datetime = created()
    updated_at: datetime | None = dt()


class SchoolClass(SQLModel, table=True):
    __tablename__ = "school_classes"
    __table_args__ = (sa.UniqueConstraint("school_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    name: str = Field(max_length=60)
    level: str = Field(default="", max_length=20)
    # « stage.fr/classe/AB7K2C »: the code staff hand out in class to sign up into it (None:
    # no code, or revoked).  Unambiguous capitals and digits; regenerated on demand.
    join_code: str | None = Field(default=None, max_length=8, unique=True, index=True)
    join_code_at: datetime | None = dt()
    created_at: datetime = created()
    deleted_at: datetime | None = dt()


class RosterEntry(SQLModel, table=True):
    """A pupil the staff listed in a class (« Liste de la classe »), signed up or not yet.

    ``contact`` (a pupil's or parent's e-mail or mobile, personal data seen only by the
    staff of that class) receives the invitation; it is erased once the pupil's account is
    linked (``user_id``).  Rows are deleted with their class, and those of past school years
    by the ``class_roster_purge`` job."""

    __tablename__ = "class_roster"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    class_id: int = Field(foreign_key="school_classes.id", index=True)
    school_year: int = Field(index=True)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    name_key: str = Field(default="", max_length=210)  # folded « nom|prénom »
    contact: str = Field(default="", max_length=254)  # e-mail or E.164 mobile, "" once linked
    contact_kind: str = Field(default="", max_length=8)  # "email", "phone" or ""
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    invited_at: datetime | None = dt()
    invitations: int = 0
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = created()
    linked_at: datetime | None = dt()


class SchoolWeek(SQLModel, table=True):
    """An internship week of a school (or of one class when classes differ)."""

    __tablename__ = "school_weeks"
    __table_args__ = (sa.UniqueConstraint("school_id", "class_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    class_id: int | None = Field(default=None, foreign_key="school_classes.id", index=True)
    week_start: date = Field(index=True)  # Monday of the ISO week
    school_year: int = Field(index=True)  # 2026 = year 2026-2027


class StaffClass(SQLModel, table=True):
    """A staff member's classes (professeur principal, or restricted rights)."""

    __tablename__ = "staff_classes"
    __table_args__ = (sa.UniqueConstraint("user_id", "class_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    class_id: int = Field(foreign_key="school_classes.id", index=True)
    is_main_teacher: bool = False


class StaffMembership(SQLModel, table=True):
    """A staff member's attachment to a school: requested, accepted or removed by the head."""

    __tablename__ = "staff_memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "school_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    status: str = Field(default="pending", max_length=10)  # pending, active, removed
    invited_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = created()
    decided_at: datetime | None = dt()

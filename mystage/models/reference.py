"""Reference data: départements/académies, communes, sectors (ONISEP), NAF codes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class Department(SQLModel, table=True):
    __tablename__ = "departments"

    code: str = Field(primary_key=True, max_length=3)
    name: str = Field(max_length=100)
    region_code: str = Field(default="", max_length=3)
    region_name: str = Field(default="", max_length=100)
    academy: str = Field(default="", max_length=60, index=True)
    chef_lieu_insee_code: str = Field(default="", max_length=5)
    zone: str = Field(default="metro", max_length=5)


class Commune(SQLModel, table=True):
    """One row per (commune, postal code), with the commune's point."""

    __tablename__ = "communes"
    __table_args__ = (
        sa.UniqueConstraint("insee_code", "postal_code"),
        sa.Index("ix_communes_lat_lon", "latitude", "longitude"),
    )

    id: int | None = Field(default=None, primary_key=True)
    insee_code: str = Field(max_length=5, index=True)
    name: str = Field(max_length=100)
    search_name: str = Field(max_length=100, index=True)  # lower-case, no accents, no dashes
    postal_code: str = Field(max_length=5, index=True)
    department_code: str = Field(max_length=3, index=True)
    latitude: float
    longitude: float
    population: int = 0
    type: str = Field(default="commune", max_length=16)
    parent_insee_code: str = Field(default="", max_length=5)


class CommuneAlias(SQLModel, table=True):
    """Former commune names (communes déléguées / associées) → current commune."""

    __tablename__ = "commune_aliases"

    id: int | None = Field(default=None, primary_key=True)
    alias_name: str = Field(max_length=100)
    search_name: str = Field(max_length=100, index=True)
    insee_code: str = Field(max_length=5, index=True)
    department_code: str = Field(max_length=3)


class Sector(SQLModel, table=True):
    __tablename__ = "sectors"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=150, unique=True)
    slug: str = Field(max_length=150, unique=True, index=True)
    onisep_url: str = Field(default="", max_length=300)
    uuid: str = Field(default="", max_length=36, index=True)  # monstage API sector_uuid


class NafCode(SQLModel, table=True):
    __tablename__ = "naf_codes"

    code: str = Field(primary_key=True, max_length=6)  # "62.01Z"
    code_compact: str = Field(max_length=5, index=True)  # "6201Z"
    label: str = Field(max_length=300)
    division_code: str = Field(default="", max_length=2)
    division_label: str = Field(default="", max_length=300)
    section_code: str = Field(default="", max_length=1)
    section_label: str = Field(default="", max_length=300)

"""Shared column types and helpers for the SQLModel tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from mystage import clock


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetime on both SQLite (stored naive UTC) and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def dt(nullable: bool = True, index: bool = False, **kw: Any) -> Any:
    """A UTC datetime column (None by default)."""
    return Field(default=None, sa_type=UTCDateTime(), nullable=nullable, index=index, **kw)


def created(index: bool = False) -> Any:
    """A creation timestamp filled by the domain clock."""
    return Field(default_factory=clock.now, sa_type=UTCDateTime(), nullable=False, index=index)


def text(max_length: int | None = None, **kw: Any) -> Any:
    """Long free text (TEXT column)."""
    return Field(default="", sa_type=sa.Text(), **kw)

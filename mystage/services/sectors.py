"""The ONISEP sectors (reference data) as choices for the search and the offer form."""

from __future__ import annotations

from sqlmodel import Session

from mystage.models import Sector


def choices(s: Session) -> list[dict[str, str]]:
    """Every sector as ``{"id", "name"}`` (ids as text), sorted by name."""
    rows = s.exec(Sector.__table__.select()).all()
    return sorted(({"id": str(x.id), "name": x.name} for x in rows), key=lambda x: x["name"])

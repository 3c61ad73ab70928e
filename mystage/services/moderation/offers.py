"""The moderators' queue (``/espace/admin/moderation``): offers submitted for publication
in review mode, oldest first, with what a moderator needs to decide — the structure
(name, SIRET, validation), the author, the whole text, the weeks and the address — and
the decisions « Publier » / « Refuser » (through the offer lifecycle)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mystage import clock
from mystage.models import Offer, OfferState, Sector, Structure, User
from mystage.services import offers, permissions
from mystage.services.permissions import PermissionDenied

PER_PAGE = 20
LEVEL_LABELS = (("level_4e", "4e"), ("level_3e", "3e"), ("level_2de", "2de"))


def _require(actor: User | None) -> None:
    if not permissions.can_moderate(actor):
        raise PermissionDenied


def queue_count(s: Session, actor: User | None) -> int:
    _require(actor)
    return int(
        s.execute(
            sa.select(sa.func.count(Offer.id)).where(Offer.state == OfferState.PENDING)
        ).scalar_one()
    )


def queue(s: Session, actor: User | None, page: int = 1) -> tuple[list[dict[str, Any]], int]:
    """One page of the submitted offers (oldest submission first) and their number."""
    _require(actor)
    total = queue_count(s, actor)
    page = max(1, int(page)) if isinstance(page, int) and not isinstance(page, bool) else 1
    author = aliased(User)
    rows = s.execute(
        sa.select(
            Offer,
            Structure.name.label("structure_name"),
            Structure.siret.label("siret"),
            Structure.validation_status.label("validation_status"),
            Sector.name.label("sector"),
            author.first_name,
            author.last_name,
            author.email,
        )
        .outerjoin(Structure, Structure.id == Offer.structure_id)
        .outerjoin(Sector, Sector.id == Offer.sector_id)
        .outerjoin(author, author.id == Offer.created_by_id)
        .where(Offer.state == OfferState.PENDING)
        .order_by(Offer.submitted_at.asc().nulls_last(), Offer.id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    out = []
    for r in rows:
        o: Offer = r[0]
        out.append(
            {
                "id": o.id,
                "title": o.title,
                "description": o.description,
                "employer_name": o.employer_name,
                "employer_description": o.employer_description,
                "employer_website": o.employer_website,
                "work_environment": o.work_environment,
                "structure_name": r.structure_name or "",
                "siret": r.siret or "",
                "structure_validated": (r.validation_status or "validated") == "validated",
                "sector": r.sector or "",
                "author": f"{r.first_name or ''} {r.last_name or ''}".strip() or "—",
                "author_email": r.email or "",
                "submitted_at": clock.fmt_paris(o.submitted_at) if o.submitted_at else "",
                "period": offers.period_text(o.all_year, o.first_week, o.last_week),
                "levels": ", ".join(label for key, label in LEVEL_LABELS if getattr(o, key)),
                "places": o.places_total,
                "address": ", ".join(
                    x for x in (o.street, f"{o.postal_code} {o.city}".strip()) if x
                ),
                "latitude": o.latitude,
                "longitude": o.longitude,
                "was_published": o.published_at is not None,
            }
        )
    return out, total


def approve_offer(s: Session, actor: User | None, offer_id: Any) -> str:
    """« Publier »: "" when done, else a French error."""
    return offers.approve(s, actor, offer_id)


def refuse_offer(s: Session, actor: User | None, offer_id: Any, reason: Any) -> str:
    """« Refuser » with a reason mailed to the author: "" when done, else a French error."""
    return offers.reject(s, actor, offer_id, reason)

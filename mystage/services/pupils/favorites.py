"""« Mes favoris »: offers a pupil keeps to come back to (and apply to later)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import PRIVATE_OFFER_STATES, Favorite, Offer, OfferState, User
from mystage.services import offers
from mystage.services.applications import may_view_reserved
from mystage.services.ids import client_id
from mystage.services.pupils.access import MSG_PUPILS_ONLY, is_pupil, visible_offer

MSG_FAVORITE_UNAVAILABLE = "Cette offre ne peut pas être ajoutée à tes favoris."


def favorite_count(s: Session, user: User) -> int:
    """How many offers the pupil keeps in their favourites."""
    return int(
        s.execute(
            sa.select(sa.func.count(Favorite.id)).where(Favorite.user_id == user.id)
        ).scalar_one()
    )


def is_favorite(s: Session, user: User | None, offer_id: Any) -> bool:
    oid = client_id(offer_id)
    if oid is None or not is_pupil(user):
        return False
    row = s.execute(
        sa.select(Favorite.id).where(Favorite.user_id == user.id, Favorite.offer_id == oid)
    ).first()
    return row is not None


def set_favorite(s: Session, user: User | None, offer_id: Any, on: bool) -> tuple[bool, str]:
    """Put an offer in or out of the caller's favourites (idempotent: a double click or
    two tabs end in the asked state).  Returns (is favourite now, French error)."""
    if not is_pupil(user):
        return False, MSG_PUPILS_ONLY
    oid = client_id(offer_id)
    if not on:
        if oid is not None:
            s.execute(
                sa.delete(Favorite).where(Favorite.user_id == user.id, Favorite.offer_id == oid)
            )
            s.commit()
        return False, ""
    offer = visible_offer(s, user, oid)
    if offer is None or offer.state not in (OfferState.PUBLISHED, OfferState.FULL):
        return False, MSG_FAVORITE_UNAVAILABLE
    if is_favorite(s, user, oid):
        return True, ""
    s.add(Favorite(user_id=user.id, offer_id=oid, created_at=clock.now()))
    try:
        s.commit()
    except sa.exc.IntegrityError:  # the same pupil, another tab, at the same moment
        s.rollback()
    return True, ""


def toggle_favorite(s: Session, user: User | None, offer_id: Any) -> tuple[bool, str]:
    """Flip the favourite; returns (is favourite now, French error)."""
    return set_favorite(s, user, offer_id, not is_favorite(s, user, offer_id))


def list_favorites(s: Session, user: User | None, limit: int = 200) -> list[dict[str, Any]]:
    """The caller's favourites, newest first: offer id, title, employer, city, places left,
    ``available`` (still open to applications)."""
    if not is_pupil(user):
        return []
    today = clock.today_paris()
    rows = s.execute(
        sa.select(Offer)
        .join(Favorite, Favorite.offer_id == Offer.id)
        .where(Favorite.user_id == user.id)
        .order_by(Favorite.created_at.desc(), Favorite.id.desc())
        .limit(limit)
    ).scalars()
    out = []
    for offer in rows:
        if not may_view_reserved(s, user, offer.id, False):
            continue
        open_ = offers.application_open(offer, today)
        gone = offer.state in PRIVATE_OFFER_STATES
        out.append(
            {
                "offer_id": offer.id,
                "title": offer.title if not gone else "Offre retirée",
                "employer_name": offer.employer_name if not gone else "",
                "city": offer.city,
                "postal_code": offer.postal_code,
                "places_left": max(offer.places_left, 0),
                "available": bool(open_ and not gone),
                "gone": gone,
            }
        )
    return out

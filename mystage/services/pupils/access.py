"""Who may use the pupil's space, which offers a pupil may see, and the small helpers every
pupil service uses.

Every entry point of :mod:`mystage.services.pupils` takes the caller (``User | None``) and
checks role and ownership itself; ids and form values may be of any type (they come from
clients) and are checked before use.  Functions that change data commit; they store nothing
when they answer with an error.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from mystage import clock
from mystage.models import PRIVATE_OFFER_STATES, Offer, OfferState, Role, User
from mystage.services import offers, permissions, weeks
from mystage.services.applications import may_view_reserved

MSG_PUPILS_ONLY = "Cet espace est réservé aux élèves."


def is_pupil(user: User | None) -> bool:
    """An active pupil account (the only callers of the pupil functions)."""
    return permissions.is_authenticated(user) and user.role == Role.ELEVE


def clean_text(raw: Any, limit: int) -> str:
    """A form value: stripped and cut to ``limit`` characters ("" when not a string)."""
    return raw.strip()[:limit] if isinstance(raw, str) else ""


def date_label(value: datetime | None, plus_days: int = 0) -> str:
    """« 20 octobre 2026 » (Europe/Paris) of ``value + plus_days``; "" for None."""
    v = clock.paris(value)
    if v is None:
        return ""
    return weeks.date_label((v + timedelta(days=plus_days)).date())


def visible_offer(s: Session, user: User | None, offer_id: int | None) -> Offer | None:
    """The offer when ``user`` may see its page (same rule as the offer page)."""
    if offer_id is None:
        return None
    offer = s.get(Offer, offer_id)
    if offer is None:
        return None
    can_edit = permissions.can_edit_offer(s, user, offer)
    if not can_edit:
        if offer.state in PRIVATE_OFFER_STATES:
            return None
        if offer.state == OfferState.UNPUBLISHED and not offers.has_applied(s, user, offer.id):
            return None
    if not may_view_reserved(s, user, offer.id, can_edit):
        return None
    return offer

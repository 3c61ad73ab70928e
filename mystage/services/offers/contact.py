"""Who receives an offer's applications and hears of its conventions."""

from __future__ import annotations

from sqlmodel import Session

from mystage.models import Offer, User


def employer_contact(s: Session, offer: Offer) -> tuple[str, str, int | None]:
    """(e-mail, first name, user id) of whoever receives the offer's applications."""
    user = None
    for uid in (offer.recipient_user_id, offer.created_by_id):
        if uid is not None:
            user = s.get(User, uid)
            if user is not None:
                break
    email = offer.contact_email or (user.email if user is not None else "") or ""
    return email, (user.first_name if user is not None else ""), (user.id if user else None)

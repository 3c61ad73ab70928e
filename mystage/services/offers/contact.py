"""Who receives an offer's applications and hears of its conventions: the recipients of
the offer's space (:mod:`mystage.services.structures.recipients`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from mystage.services.structures import offer_recipients, recipients_for_offers

__all__ = ["employer_contact", "offer_recipients", "recipients_for_offers"]


def employer_contact(s: Session, offer: Any) -> tuple[str, str, int | None]:
    """(e-mail, first name, user id) of the offer's first recipient (the owner first when
    they are one; ("", "", None) when nobody)."""
    found = offer_recipients(s, offer)
    return found[0] if found else ("", "", None)

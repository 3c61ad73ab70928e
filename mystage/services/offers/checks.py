"""All four steps of the form checked at once, without writing anything (the operators'
API, issue 19: an offer sent in one request is refused whole, with the form's messages,
before a draft is made or a step saved)."""

from __future__ import annotations

from sqlmodel import Session

from mystage.models import Offer, OfferState, User
from mystage.services import permissions
from mystage.services.offers.fields import MSG_REMOVED, STEPS
from mystage.services.offers.records import editable_offer, today_paris
from mystage.services.offers.validation import VALIDATORS


def check_steps(
    s: Session, actor: User | None, offer_id: int | None, data: dict[int, dict]
) -> dict[str, str]:
    """The errors of the form's four steps for ``data`` (``{step: form values}``), as
    :func:`save_step` would give them one step after the other; ``{}`` when every step
    would be saved.  ``offer_id`` None: a new offer by ``actor`` (PermissionDenied when
    ``actor`` may not post offers); else the offer ``actor`` edits (PermissionDenied when
    not allowed).  Nothing is written (geocoding may fill its cache)."""
    if offer_id is None:
        permissions.require(permissions.can_create_offer(actor))
        offer = Offer(state=OfferState.DRAFT, draft_step=1, created_by_id=actor.id)
    else:
        offer = editable_offer(s, actor, offer_id)
        if offer.state == OfferState.REMOVED:
            return {"form": MSG_REMOVED}
    today = today_paris()
    errors: dict[str, str] = {}
    for step in STEPS:
        values = data.get(step)
        _clean, step_errors, _extra = VALIDATORS[step](
            s, offer, values if isinstance(values, dict) else {}, today
        )
        for key, message in step_errors.items():
            errors.setdefault(key, message)
    return errors

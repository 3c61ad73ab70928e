"""The moderation transitions of an offer (issue 18): a moderator's « Publier » /
« Refuser » on a submitted offer, « Dépublier » after a report, and the author's
activation link (e-mail mode).  The states and actions are in the lifecycle's table
(:data:`.lifecycle.OFFER_TRANSITIONS`); :func:`.lifecycle.transition` refuses these
actions, only the functions here fire them.

Every function returns "" when done, else a French error (nothing changed); it checks
the caller, applies the change with a conditional UPDATE (two moderators deciding at
once: one wins, the other reads « déjà traitée »), writes the audit row and the author's
mail in the same transaction, and commits.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import OFFER_STATE_LABELS, Offer, OfferState, Structure, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import audit, permissions, structures
from mystage.services.offers.lifecycle import (
    MSG_NO_FUTURE_WEEK,
    OFFER_TRANSITIONS,
    has_future_places,
)
from mystage.services.offers.records import (
    MSG_DENIED,
    current_monday,
    get_offer,
    places_left_expr,
    today_paris,
)
from mystage.services.offers.submission import activation_token

S = OfferState
MAX_REASON = 1000
MSG_MODERATORS_ONLY = "Action réservée aux modérateurs."
MSG_REASON_REQUIRED = "Indiquez le motif : il sera envoyé à l'auteur de l'offre."
MSG_REASON_TOO_LONG = f"Le motif ne doit pas dépasser {MAX_REASON} caractères."
MSG_ALREADY_DECIDED = "Cette offre a déjà été traitée (état : {label}). Rechargez la liste."
MSG_SUSPENDED = "La structure de cette offre est suspendue : l'offre ne peut pas être publiée."
MSG_STRUCTURE_NOT_VALIDATED = (
    "La structure de cette offre n'est pas validée : l'offre ne peut pas être publiée."
)
MSG_LINK_INVALID = (
    "Ce lien n'est plus valable (déjà utilisé, expiré ou inconnu). Depuis votre espace, "
    "cliquez à nouveau sur « Publier » pour recevoir un nouveau lien."
)
DASHBOARD_URL = "/espace/employeur?onglet=offres"


def check_reason(reason: Any) -> tuple[str, str]:
    """``(clean reason, error)`` for a moderator's motive (required, ≤ 1000 characters)."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        return "", MSG_REASON_REQUIRED
    if len(text) > MAX_REASON:
        return "", MSG_REASON_TOO_LONG
    return text, ""


def _structure_block(s: Session, offer: Offer) -> str:
    """Why the offer's structure may not have it online ("" when it may)."""
    if offer.structure_id is None:
        return ""
    structure = s.get(Structure, offer.structure_id)
    if structure is None:
        return ""
    if getattr(structure, "suspended_at", None) is not None:
        return MSG_SUSPENDED
    if structure.validation_status not in (None, "validated"):
        return MSG_STRUCTURE_NOT_VALIDATED
    return ""


def _author_recipients(s: Session, offer: Offer) -> list[tuple[str, str, int | None]]:
    """The offer's author (its creator, when the account is usable), else whoever receives
    the offer's mails."""
    author = s.get(User, offer.created_by_id) if offer.created_by_id else None
    if permissions.is_authenticated(author) and author.email:
        return [(author.email, author.first_name or "", author.id)]
    return structures.offer_recipients(s, offer)


def _tell_author(s: Session, offer: Offer, template: str, key: str, **ctx: Any) -> None:
    for email, first_name, user_id in _author_recipients(s, offer):
        subject, body = templates.render(
            template,
            url=DASHBOARD_URL,
            offer_title=offer.title,
            offer_id=offer.id,
            first_name=first_name,
            **ctx,
        )
        queue_mail(
            s,
            to=email,
            subject=subject,
            body=body,
            action_url=templates.link(DASHBOARD_URL),
            template=template,
            user_id=user_id,
            dedupe_key=f"{key}:{email.lower()}",
        )


def _apply(
    s: Session,
    offer: Offer,
    action: str,
    actor: User | None,
    to_state: str,
    values: dict[str, Any],
    note: str = "",
) -> str:
    """The conditional UPDATE from the state read, and the audit row (no commit)."""
    current = offer.state
    result = s.execute(
        sa.update(Offer)
        .where(Offer.id == offer.id, Offer.state == current)
        .values(state=to_state, updated_at=clock.now(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        s.rollback()
        fresh = s.get(Offer, offer.id)
        label = OFFER_STATE_LABELS.get(fresh.state, fresh.state) if fresh else "?"
        return MSG_ALREADY_DECIDED.format(label=label)
    audit.record(
        s, "offer", offer.id, action, actor, from_state=current, to_state=to_state, message=note
    )
    return ""


def _online_values(today) -> dict[str, Any]:
    now = clock.now()
    return {
        "published_at": now,
        "owner_notified_at": None,
        "places_left": places_left_expr(current_monday(today)),
    }


def _moderated_offer(s: Session, actor: User | None, offer_id: Any, action: str):
    """``(offer, error)``: the offer when ``actor`` moderates and ``action`` may fire."""
    if not permissions.can_moderate(actor):
        return None, MSG_MODERATORS_ONLY
    offer = get_offer(s, offer_id)
    if offer is None:
        return None, MSG_DENIED
    if offer.state not in OFFER_TRANSITIONS[action][0]:
        return None, MSG_ALREADY_DECIDED.format(
            label=OFFER_STATE_LABELS.get(offer.state, offer.state)
        )
    return offer, ""


def approve(s: Session, actor: User | None, offer_id: Any) -> str:
    """« Publier » a submitted offer: it enters the search; the author is told."""
    offer, error = _moderated_offer(s, actor, offer_id, "approve")
    if offer is None:
        return error
    today = today_paris()
    if block := _structure_block(s, offer):
        return block
    if not has_future_places(s, offer.id, today):
        return MSG_NO_FUTURE_WEEK
    now = clock.now()
    values = {
        **_online_values(today),
        "moderated_at": now,
        "moderated_by_id": actor.id,
        "moderation_reason": "",
    }
    if error := _apply(s, offer, "approve", actor, S.PUBLISHED, values):
        return error
    _tell_author(
        s, offer, "offer_moderation_approved", f"offer_approved:{offer.id}:{now.isoformat()}"
    )
    s.commit()
    s.expire(offer)
    return ""


def reject(s: Session, actor: User | None, offer_id: Any, reason: Any) -> str:
    """« Refuser » a submitted offer with a reason: back to ``draft`` (``unpublished``
    when it was online before); the reason is mailed to the author and shown on their
    dashboard and form until they submit it again."""
    text, error = check_reason(reason)
    if error:
        return error
    offer, error = _moderated_offer(s, actor, offer_id, "reject")
    if offer is None:
        return error
    now = clock.now()
    to_state = S.UNPUBLISHED if offer.published_at is not None else S.DRAFT
    values = {"moderated_at": now, "moderated_by_id": actor.id, "moderation_reason": text}
    if error := _apply(s, offer, "reject", actor, to_state, values, note=text):
        return error
    _tell_author(
        s,
        offer,
        "offer_moderation_refused",
        f"offer_refused:{offer.id}:{now.isoformat()}",
        reason=text,
    )
    s.commit()
    s.expire(offer)
    return ""


def unpublish_by_moderator(
    s: Session, actor: User | None, offer_id: Any, reason: Any, *, commit: bool = True
) -> str:
    """« Dépublier » an online offer (after a report) with a reason: it leaves the search,
    the applications stay as they are (as the employer's « Dépublier »), the author is told
    and the offer goes back through the moderators when they publish it again."""
    text, error = check_reason(reason)
    if error:
        return error
    offer, error = _moderated_offer(s, actor, offer_id, "moderate_unpublish")
    if offer is None:
        return error
    now = clock.now()
    values = {
        "unpublished_at": now,
        "moderated_at": now,
        "moderated_by_id": actor.id,
        "moderation_reason": text,
    }
    if error := _apply(s, offer, "moderate_unpublish", actor, S.UNPUBLISHED, values, note=text):
        return error
    _tell_author(
        s,
        offer,
        "offer_moderation_unpublished",
        f"offer_unpublished_mod:{offer.id}:{now.isoformat()}",
        reason=text,
    )
    if commit:
        s.commit()
        s.expire(offer)
    return ""


def activation_offer(s: Session, offer_id: Any) -> dict[str, str] | None:
    """What the activation page shows before the click (title and number), or None."""
    offer = get_offer(s, offer_id)
    if offer is None or offer.state != S.ACTIVATION:
        return None
    return {"id": str(offer.id), "title": offer.title}


def activate(s: Session, raw_token: Any) -> tuple[int | None, str]:
    """The author's activation link (e-mail mode): ``(offer id, "")`` when the offer is
    published, else ``(None, error)``.  The link is single use; the author must still be
    allowed to publish the offer (member of a validated, not suspended structure)."""
    tok, offer_id = activation_token(s, raw_token if isinstance(raw_token, str) else None)
    if tok is None or offer_id is None:
        s.rollback()
        return None, MSG_LINK_INVALID
    offer = get_offer(s, offer_id)
    author = s.get(User, tok.user_id) if tok.user_id else None
    if offer is None or offer.state != S.ACTIVATION:
        s.rollback()
        return None, MSG_LINK_INVALID
    if not permissions.can_publish_offer(s, author, offer):
        s.rollback()
        return None, MSG_DENIED
    today = today_paris()
    block = _structure_block(s, offer) or (
        "" if has_future_places(s, offer.id, today) else MSG_NO_FUTURE_WEEK
    )
    if block:
        s.rollback()
        return None, block
    if error := _apply(s, offer, "activate", author, S.PUBLISHED, _online_values(today)):
        return None, error
    s.commit()
    return offer.id, ""

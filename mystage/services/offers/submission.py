"""Where « Publier » leads (issue 18, platform setting ``offer_moderation``).

- ``immediate`` (the default): the offer is published at once.
- ``email`` (seed 003: « l'offre n'est pas encore visible … il vous faut la valider via le
  mail automatique »): the offer waits in ``activation``; its author gets a single-use link
  (7 days, ``OneTimeToken`` purpose :data:`ACTIVATION_PURPOSE`) that publishes it.
- ``review``: the offer waits in ``pending`` in the moderators' queue
  (``/espace/admin/moderation``) until « Publier » or « Refuser ».

An offer a moderator refused or unpublished (``moderation_reason`` set) goes back to the
queue whatever the mode: its author cannot put it back online alone.  « Republier » an
offer that is already online (``full``) is never held.

Nothing here commits: the lifecycle's transaction does.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from mystage.models import Offer, OfferState, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import platform
from mystage.services.accounts import tokens

MODERATION_SETTING = "offer_moderation"
MODE_IMMEDIATE = "immediate"
MODE_EMAIL = "email"
MODE_REVIEW = "review"
MODES = {
    MODE_IMMEDIATE: "Publiées immédiatement",
    MODE_EMAIL: "Activées par le lien envoyé par courriel à leur auteur",
    MODE_REVIEW: "Vérifiées par un modérateur avant publication",
}
ACTIVATION_PURPOSE = "offer_activation"
ACTIVATION_TTL = timedelta(days=7)
ACTIVATION_URL = "/espace/employeur/offre/activation"


def moderation_mode(s: Session) -> str:
    """The platform's offer moderation mode (unknown values count as ``immediate``)."""
    mode = platform.get_setting(s, MODERATION_SETTING, MODE_IMMEDIATE).strip()
    return mode if mode in MODES else MODE_IMMEDIATE


def publication_route(s: Session, offer: Offer, current: str) -> str:
    """The state « Publier » / « Republier » leads to from ``current``."""
    if current == OfferState.FULL:
        return OfferState.PUBLISHED
    mode = moderation_mode(s)
    if mode == MODE_REVIEW or (offer.moderation_reason or "").strip():
        return OfferState.PENDING
    # E-mail mode confirms an author's address; an operator's offer (published with its API
    # token, a credential the back office issued) has none to confirm.
    if mode == MODE_EMAIL and offer.operator_id is None:
        return OfferState.ACTIVATION
    return OfferState.PUBLISHED


def _action_key(offer_id: int) -> str:
    return f"offer:{offer_id}"


def send_activation_link(s: Session, author: User, offer: Offer) -> None:
    """A new activation link for ``offer`` mailed to ``author`` (earlier links of this
    offer for them die)."""
    tokens.invalidate(s, ACTIVATION_PURPOSE, user_id=author.id, action=_action_key(offer.id))
    raw = tokens.issue(
        s,
        ACTIVATION_PURPOSE,
        user_id=author.id,
        target=author.email or "",
        payload={"action": _action_key(offer.id), "offer_id": offer.id},
        ttl=ACTIVATION_TTL,
    )
    if not author.email:
        return
    url = f"{ACTIVATION_URL}?jeton={raw}"
    subject, body = templates.render(
        "offer_activation",
        url=url,
        offer_title=offer.title,
        offer_id=offer.id,
        first_name=author.first_name or "",
    )
    queue_mail(
        s,
        to=author.email,
        subject=subject,
        body=body,
        action_url=templates.link(url),
        template="offer_activation",
        user_id=author.id,
        dedupe_key=f"offer_activation:{offer.id}:{tokens.hash_token(raw)[:16]}",
    )


def activation_token(s: Session, raw: str | None):
    """Consume an activation link: ``(token, offer_id)`` or ``(None, None)``."""
    tok = tokens.consume(s, ACTIVATION_PURPOSE, raw)
    if tok is None:
        return None, None
    offer_id = tokens.payload_of(tok).get("offer_id")
    return tok, offer_id if isinstance(offer_id, int) else None

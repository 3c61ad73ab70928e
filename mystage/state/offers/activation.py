"""The activation link of an offer (e-mail mode, seed 003: « il vous faut la valider via
le mail automatique »): the page asks for one click (a link opened by a mail scanner
publishes nothing), the single-use token does the rest; no login needed, the token names
its author and the service checks they may still publish the offer."""

from __future__ import annotations

import reflex as rx

from mystage import db


def _activate(s, raw: str):
    from mystage.services import offers

    return offers.activate(s, raw)


class OfferActivationState(rx.State):
    _token: str = ""
    has_token: bool = False
    done_offer: int = 0
    error: str = ""

    @rx.event
    def load(self):
        raw = self.router.url.query_parameters.get("jeton", "")
        self._token = raw[:200] if isinstance(raw, str) else ""
        self.has_token = bool(self._token)
        self.done_offer = 0
        self.error = ""

    @rx.event
    async def activate(self):
        if not self._token:
            from mystage.services.offers import MSG_LINK_INVALID

            self.error = MSG_LINK_INVALID
            return
        offer_id, error = await db.call(_activate, self._token)
        self._token = ""
        self.has_token = False
        self.error = error
        self.done_offer = int(offer_id or 0)

"""« Signaler cette offre » on the offer page: anyone who sees the offer (anonymous
visitors too); the service checks the offer, the reason, the text and the rate limits
(per client address and per offer)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.state.offers.public import offer_id_from_path
from mystage.state.session import caller, client_ip


def _create(s, user, offer_id: int, reason: str, text: str, ip: str) -> dict[str, str]:
    from mystage.services import moderation

    return moderation.create_report(s, user, offer_id, reason, text, ip)


def _reasons() -> list[list[str]]:
    from mystage.services import moderation

    return [[k, v] for k, v in moderation.REASONS.items()]


class OfferReportState(rx.State):
    open: bool = False
    sent: bool = False
    reason: str = ""
    text: str = ""
    reason_error: str = ""
    text_error: str = ""
    form_error: str = ""

    @rx.var
    def reasons(self) -> list[list[str]]:
        return _reasons()

    @rx.event
    def set_open(self, value: Any):
        self.open = value is True
        if self.open:
            self.sent = False
            self.reason_error = self.text_error = self.form_error = ""

    @rx.event
    async def submit(self, form_data: Any):
        data = form_data if isinstance(form_data, dict) else {}
        reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
        text = data.get("text") if isinstance(data.get("text"), str) else ""
        self.reason, self.text = reason[:40], text[:2000]
        offer_id = offer_id_from_path(self.router.url.path)
        user = await caller(self)
        errors = await db.call(_create, user, offer_id, reason, text, client_ip(self))
        self.reason_error = errors.get("reason", "")
        self.text_error = errors.get("text", "")
        self.form_error = errors.get("form", "")
        if not errors:
            self.sent = True
            self.reason = self.text = ""

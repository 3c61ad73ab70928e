"""« Modération des offres » (/espace/admin/moderation): the offers submitted for
publication and the reports.  Administrators and moderators; every handler re-derives
the caller and checks ``permissions.can_moderate`` on the server, ids from the client
are bounded before any lookup, and the services check again."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import permissions
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state.session import caller, login_redirect
from mystage.state.values import flat_rows

MSG_MODERATORS_ONLY = "Action réservée aux modérateurs."
MSG_BAD_REQUEST = "Demande invalide."
TABS = ("offres", "signalements")
# dialog kind → (title, confirmation button, the reason's label or "" for none)
DIALOGS: dict[str, tuple[str, str, str]] = {
    "approve": ("Publier cette offre ?", "Publier", ""),
    "refuse": ("Refuser cette offre", "Refuser", "Motif du refus (envoyé à l'auteur)"),
    "unpublish": ("Dépublier cette offre", "Dépublier", "Motif (envoyé à l'auteur)"),
    "dismiss": ("Classer ce signalement sans suite ?", "Classer sans suite", "Note (facultatif)"),
}
MAX_REASON = 1000


def _load(s, actor, tab: str, page: int):
    from mystage.services import moderation

    queue, queue_total = moderation.queue(s, actor, page if tab == "offres" else 1)
    reports, reports_total = moderation.open_reports(s, actor, page if tab != "offres" else 1)
    return queue, queue_total, reports, reports_total


def _decide(s, actor, kind: str, item_id: int, reason: str) -> str:
    from mystage.services import moderation

    if kind == "approve":
        return moderation.approve_offer(s, actor, item_id)
    if kind == "refuse":
        return moderation.refuse_offer(s, actor, item_id, reason)
    if kind == "unpublish":
        return moderation.unpublish_reported(s, actor, item_id, reason)
    return moderation.dismiss_report(s, actor, item_id, reason)


DONE = {
    "approve": "L'offre n° {id} est publiée : son auteur est prévenu.",
    "refuse": "L'offre n° {id} est refusée : son auteur a reçu le motif.",
    "unpublish": "L'offre est dépubliée : son auteur a reçu le motif.",
    "dismiss": "Le signalement est classé sans suite.",
}


class ModerationState(rx.State):
    allowed: bool = False
    loaded: bool = False
    tab: str = "offres"
    page: int = 1
    offers: list[dict[str, str]] = []
    offers_total: int = 0
    reports: list[dict[str, str]] = []
    reports_total: int = 0
    message: str = ""
    error: str = ""
    # The open dialog: its kind (``DIALOGS``), the offer or report it acts on, its title.
    dialog: str = ""
    dialog_id: int = 0
    dialog_subject: str = ""
    reason_draft: str = ""
    reason_error: str = ""

    @rx.var
    def pages(self) -> int:
        total = self.offers_total if self.tab == "offres" else self.reports_total
        return max(1, -(-total // 20))

    @rx.var
    def dialog_title(self) -> str:
        return DIALOGS.get(self.dialog, ("", "", ""))[0]

    @rx.var
    def dialog_yes(self) -> str:
        return DIALOGS.get(self.dialog, ("", "", ""))[1]

    @rx.var
    def reason_label(self) -> str:
        return DIALOGS.get(self.dialog, ("", "", ""))[2]

    async def _allowed_caller(self):
        actor = await caller(self)
        if not permissions.can_moderate(actor):
            self.allowed = False
            self.offers, self.reports = [], []
            self.dialog = ""
            return None
        return actor

    async def _refresh(self, actor) -> None:
        try:
            queue, qt, reports, rt = await db.call(_load, actor, self.tab, self.page)
        except PermissionDenied:
            self.allowed = False
            self.offers, self.reports = [], []
            return
        self.offers, self.offers_total = flat_rows(queue), qt
        self.reports, self.reports_total = flat_rows(reports), rt

    @rx.event
    async def load(self):
        tab = self.router.url.query_parameters.get("onglet", "offres")
        self.tab = tab if tab in TABS else "offres"
        self.page = 1
        self.message = self.error = ""
        self.dialog = ""
        actor = await caller(self)
        if actor is None:
            self.allowed = False
            return login_redirect(self)
        if not permissions.can_moderate(actor):
            self.allowed = False
            self.loaded = True
            return
        self.allowed = True
        await self._refresh(actor)
        self.loaded = True

    @rx.event
    async def set_tab(self, tab: Any):
        if tab not in TABS:
            return
        actor = await self._allowed_caller()
        if actor is None:
            return
        self.tab, self.page = tab, 1
        await self._refresh(actor)

    @rx.event
    async def go_page(self, page: Any):
        if not isinstance(page, int) or isinstance(page, bool):
            return
        actor = await self._allowed_caller()
        if actor is None:
            return
        self.page = min(max(page, 1), self.pages)
        await self._refresh(actor)

    @rx.event
    async def open_dialog(self, kind: Any, item_id: Any, subject: Any = ""):
        """Ask for the confirmation (and the reason) of an action on one item."""
        actor = await self._allowed_caller()
        if actor is None:
            self.error = MSG_MODERATORS_ONLY
            return
        item_id = client_id(item_id)
        if kind not in DIALOGS or item_id is None:
            self.error = MSG_BAD_REQUEST
            return
        self.dialog, self.dialog_id = kind, item_id
        self.dialog_subject = subject[:200] if isinstance(subject, str) else ""
        self.reason_draft = self.reason_error = ""

    @rx.event
    def close_dialog(self, _open: Any = False):
        if _open is True:
            return
        self.dialog, self.dialog_id = "", 0
        self.reason_error = ""

    @rx.event
    async def confirm(self, form_data: Any = None):
        """The dialog's action: the services check the rights, the state and the reason
        again; a reason refused keeps what was typed next to the field."""
        kind, item_id = self.dialog, client_id(self.dialog_id)
        actor = await self._allowed_caller()
        if actor is None:
            self.error = MSG_MODERATORS_ONLY
            return
        if kind not in DIALOGS or item_id is None:
            self.dialog = ""
            return
        reason = ""
        if isinstance(form_data, dict):
            raw = form_data.get("reason")
            reason = raw.strip() if isinstance(raw, str) else ""
        if len(reason) > MAX_REASON:
            self.reason_draft = reason[: MAX_REASON * 2]
            self.reason_error = f"Le motif ne doit pas dépasser {MAX_REASON} caractères."
            return
        error = await db.call(_decide, actor, kind, item_id, reason)
        if error and kind in ("refuse", "unpublish") and "motif" in error.lower():
            self.reason_draft = reason
            self.reason_error = error
            return
        self.dialog, self.dialog_id = "", 0
        self.reason_error = ""
        self.error = error
        self.message = "" if error else DONE[kind].format(id=item_id)
        await self._refresh(actor)

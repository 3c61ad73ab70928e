"""« Mon espace employeur »: applications to answer / answered, the offers and their
actions (stats, publish, deactivate, remove, duplicate, renew)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import permissions
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state.offers.preview import (
    DENIED,
    PUBLISH_OUTCOMES,
    offer_state,
    transition_offer,
)
from mystage.state.session import caller, login_redirect
from mystage.state.values import form_str, id_param, str_dict


def _dashboard(s, user, tab: str, filters: dict, page: int):
    from mystage.services import offers, structures

    ctx = structures.employer_context(s, user)
    ctx["spaces"] = structures.accessible_spaces(s, user, ctx.get("structure_id"))
    offer_id = filters.get("offer_id") or None
    state = filters.get("state") or None
    sort = filters.get("sort") or "recent"
    space_id = filters.get("space_id") or None
    if tab == "offres":
        rows, total = offers.employer_offers(
            s, user, offer_id=offer_id, state=state, sort=sort, page=page, space_id=space_id
        )
    else:
        rows, total = offers.employer_applications(
            s,
            user,
            tab="todo" if tab == "a_traiter" else "done",
            offer_id=offer_id,
            state=state,
            sort=sort,
            page=page,
            space_id=space_id,
        )
        rows = _with_conventions(s, user, rows)
    return ctx, rows, total


def _with_conventions(s, user, rows: list[dict]) -> list[dict]:
    """Each confirmed application's convention in plain words, with the link to it."""
    from mystage.services import conventions

    by_app = {
        str(c.get("application_id")): c
        for c in conventions.employer_list(s, user)
        if c.get("application_id")
    }
    out = []
    for r in rows:
        c = by_app.get(str(r.get("id")), {})
        out.append(
            {**r, "convention_label": c.get("state_label", ""), "convention_url": c.get("url", "")}
        )
    return out


def _stats(s, user, offer_id: int):
    from mystage.services import offers

    return offers.offer_stats(s, user, offer_id), offers.pending_applications_count(s, offer_id)


def _duplicate(s, user, offer_id: int, next_year: bool):
    from mystage.services import offers

    return offers.duplicate(s, user, offer_id, next_year=next_year)


class EmployerDashboardState(rx.State):
    tab: str = "a_traiter"
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    per_page: int = 20
    filter_offer: str = ""
    filter_state: str = ""
    # « Espace » filter (URL ``espace=<id>``): "" = every space the caller sees.
    filter_space: str = ""
    spaces: list[dict[str, str]] = []
    sort: str = "recent"
    structure_name: str = ""
    is_owner: bool = False
    pending_requests: int = 0
    can_publish: bool = True
    publish_block_reason: str = ""
    message: str = ""
    error: str = ""
    stats_offer: int = 0
    stats_title: str = ""
    stats: dict[str, str] = {}
    confirm_action: str = ""
    confirm_offer: int = 0
    confirm_pending: int = 0
    allowed: bool = True

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @rx.event
    async def load(self):
        params = self.router.url.query_parameters
        tab = params.get("onglet", "a_traiter")
        self.tab = tab if tab in ("a_traiter", "traitees", "offres") else "a_traiter"
        space = str(params.get("espace", "") or "")
        self.filter_space = str(client_id(space) or "") if space else ""
        self.message = ""
        for param, text in PUBLISH_OUTCOMES.values():
            value = params.get(param, "")
            if isinstance(value, str) and value.isdigit() and len(value) < 11:
                self.message = text.format(id=value)
        self.error = ""
        self.page = 1
        self.stats_offer = 0
        return await self._refresh()

    async def _refresh(self):
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        if not permissions.can_create_offer(user):
            self.allowed = False
            self.rows = []
            return
        self.allowed = True
        filters = {
            "offer_id": id_param(self.filter_offer) if self.filter_offer.strip() else None,
            "state": self.filter_state,
            "sort": self.sort,
            "space_id": self.filter_space or None,
        }
        try:
            ctx, rows, total = await db.call(_dashboard, user, self.tab, filters, self.page)
        except PermissionDenied:
            self.allowed = False
            self.rows = []
            return
        self.structure_name = ctx.get("structure_name") or ""
        self.is_owner = bool(ctx.get("is_owner"))
        self.pending_requests = int(ctx.get("pending_requests") or 0)
        self.can_publish = bool(ctx.get("can_publish", True))
        self.publish_block_reason = ctx.get("publish_block_reason", "")
        self.spaces = [{"id": str(sp["id"]), "name": sp["name"]} for sp in ctx.get("spaces", [])]
        self.rows = [str_dict(r) for r in rows]
        self.total = total

    @rx.event
    async def set_tab(self, tab: str):
        if tab not in ("a_traiter", "traitees", "offres"):
            return
        self.tab = tab
        self.page = 1
        self.filter_state = ""
        self.stats_offer = 0
        return await self._refresh()

    @rx.event
    async def apply_filters(self, form_data: dict):
        self.filter_offer = form_str(form_data, "offer_id", 10)
        self.filter_state = form_str(form_data, "state", 24)
        self.filter_space = str(client_id(form_str(form_data, "space_id", 12)) or "")
        sort = form_str(form_data, "sort", 12)
        self.sort = sort if sort in ("recent", "oldest", "title") else "recent"
        self.page = 1
        return await self._refresh()

    @rx.event
    async def go_page(self, page: int):
        if not isinstance(page, int) or isinstance(page, bool):
            return
        self.page = min(max(page, 1), self.pages)
        return await self._refresh()

    @rx.event
    async def show_stats(self, offer_id: Any, title: str):
        offer_id = client_id(offer_id)
        user = await caller(self)
        if user is None or offer_id is None:
            return
        try:
            stats, _pending = await db.call(_stats, user, offer_id)
        except PermissionDenied:
            self.error = DENIED
            return
        self.stats_offer = offer_id
        self.stats_title = str(title)[:150]
        self.stats = str_dict(stats)

    @rx.event
    def close_stats(self):
        self.stats_offer = 0

    @rx.event
    async def ask_confirm(self, action: str, offer_id: Any):
        offer_id = client_id(offer_id)
        if action not in ("deactivate", "remove") or offer_id is None:
            return
        user = await caller(self)
        if user is None:
            return
        try:
            _stats_, pending = await db.call(_stats, user, offer_id)
        except PermissionDenied:
            self.error = DENIED
            return
        self.confirm_action = action
        self.confirm_offer = offer_id
        self.confirm_pending = int(pending)

    @rx.event
    def cancel_confirm(self):
        self.confirm_action = ""
        self.confirm_offer = 0

    @rx.event
    async def confirm(self):
        action, offer_id = self.confirm_action, client_id(self.confirm_offer)
        self.confirm_action = ""
        self.confirm_offer = 0
        if action and offer_id is not None:
            return await self._act(action, offer_id)

    @rx.event
    async def act(self, action: str, offer_id: Any):
        allowed = ("publish", "unpublish", "republish", "close_applications")
        offer_id = client_id(offer_id)
        if action not in allowed or offer_id is None:
            return
        return await self._act(action, offer_id)

    async def _act(self, action: str, offer_id: int):
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion")
        error = await db.call(transition_offer, user, offer_id, action)
        labels = {
            "publish": "publiée",
            "republish": "republiée",
            "unpublish": "dépubliée",
            "deactivate": "désactivée",
            "remove": "supprimée",
            "close_applications": "fermée aux candidatures",
        }
        self.error = error
        self.message = "" if error else f"L'offre n° {offer_id} est {labels[action]}."
        if not error and action in ("publish", "republish"):
            state = await db.call(offer_state, offer_id)
            if state in ("pending", "activation"):
                self.message = PUBLISH_OUTCOMES[state][1].format(id=offer_id)
        return await self._refresh()

    @rx.event
    async def duplicate(self, offer_id: Any, next_year: bool):
        offer_id = client_id(offer_id)
        user = await caller(self)
        if user is None or offer_id is None:
            return
        new_id, error = await db.call(_duplicate, user, offer_id, bool(next_year))
        if error or new_id is None:
            self.error = error or "La copie a échoué."
            return
        return rx.redirect(f"/espace/employeur/offre?id={new_id}&etape=1")

"""The public offer page (/offres/<id>): what a pupil needs, the map, « Postuler »."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services.ids import client_id
from mystage.state.offers.preview import flatten_view
from mystage.state.session import SessionState, login_redirect
from mystage.state.values import str_dict


def offer_id_from_path(path: Any) -> int:
    """``/offres/<id>[/postuler]`` → id (bounded by the one helper); 0 when invalid."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p] if isinstance(path, str) else []
    if len(parts) < 2 or parts[0] != "offres":
        return 0
    return client_id(parts[1]) or 0


def _load(s, offer_id: int, user_id: int | None) -> dict[str, Any] | None:
    from mystage.models import Role, User
    from mystage.services import applications, map_store, maps, offers, pupils

    viewer = s.get(User, user_id) if user_id else None
    view = offers.offer_view(s, offer_id, viewer=viewer)
    if view is None or not applications.may_view_reserved(
        s, viewer, offer_id, view.get("can_edit")
    ):
        return None
    offers.increment_views(s, offer_id)
    s.commit()
    eligible, reason = applications.can_apply(s, viewer, offer_id) if viewer else (True, "")
    map_url = ""
    if view.get("latitude") is not None and view.get("longitude") is not None:
        map_url = map_store.publish(
            maps.render_point(view["latitude"], view["longitude"], view["employer_name"], 13)
        )
    return {
        "view": view,
        "map_url": map_url,
        "is_pupil": bool(viewer and viewer.role == Role.ELEVE),
        "eligible": bool(eligible),
        "reason": reason or "",
        "is_favorite": pupils.is_favorite(s, viewer, offer_id),
        "partner_link": applications.partner_link(s, offer_id),
    }


def _set_favorite(s, user, offer_id: int, on: bool) -> tuple[bool, str]:
    from mystage.services import pupils

    return pupils.set_favorite(s, user, offer_id, on)


class OfferPageState(rx.State):
    found: bool = True
    offer_id: int = 0
    view: dict[str, Any] = {}
    weeks: list[dict[str, str]] = []
    levels: list[str] = []
    handicaps: list[str] = []
    map_url: str = ""  # /api/carte/<key>
    is_authenticated: bool = False
    is_pupil: bool = False
    eligible: bool = True
    reason: str = ""
    is_favorite: bool = False
    favorite_error: str = ""
    partner_link: str = ""  # « Postuler sur le site du partenaire » (issue 19)

    @rx.var
    def page_title(self) -> str:
        return self.view.get("title", "Offre de stage") if self.view else "Offre de stage"

    @rx.event
    async def load(self):
        self.offer_id = offer_id_from_path(self.router.url.path)
        session = await self.get_state(SessionState)
        user_id = await session.current_user_id()
        self.is_authenticated = user_id is not None
        data = await db.call(_load, self.offer_id, user_id) if self.offer_id else None
        if data is None:
            self.found = False
            self.view = {}
            self.weeks = []
            self.partner_link = ""
            return
        self.found = True
        view = data["view"]
        self.view = flatten_view(view)
        self.weeks = [str_dict(w) for w in view.get("weeks") or []]
        self.levels = [str(x) for x in view.get("levels") or []]
        self.handicaps = [str(x) for x in view.get("handicaps") or []]
        self.map_url = data["map_url"]
        self.is_pupil = data["is_pupil"]
        self.eligible = data["eligible"]
        self.reason = data["reason"]
        self.is_favorite = data["is_favorite"]
        self.partner_link = data["partner_link"]
        self.favorite_error = ""

    @rx.event
    async def toggle_favorite(self):
        """« Ajouter aux favoris » / « Retirer des favoris »: pupils only; anonymous
        visitors are sent to log in and come back here."""
        from mystage.state.session import caller

        user = await caller(self)
        if user is None:
            return login_redirect(self)
        on, error = await db.call(_set_favorite, user, self.offer_id, not self.is_favorite)
        self.is_favorite = bool(on)
        self.favorite_error = error

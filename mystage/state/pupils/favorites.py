"""``/espace/eleve/favoris``: « Mes favoris »."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import pupils
from mystage.services.ids import client_id
from mystage.state.pupils.common import FAVORITES_URL, PupilPage, login
from mystage.state.session import caller
from mystage.state.values import flat

# --- « Mes favoris » --------------------------------------------------------------------------


class FavoritesState(PupilPage, rx.State):
    """``/espace/eleve/favoris``."""

    rows: list[dict[str, str]] = []
    error: str = ""

    def _deny(self) -> None:
        self.rows = []

    @rx.event
    async def load(self):
        self.loaded = False
        self.error = ""
        user, redirect = await self._open(FAVORITES_URL)
        if user is None:
            return redirect
        self.rows = [flat(r) for r in await db.call(pupils.list_favorites, user)]
        self.loaded = True

    @rx.event
    async def remove(self, offer_id: Any):
        offer_id = client_id(offer_id)
        if offer_id is None:
            return
        user = await caller(self)
        if user is None:
            return login(FAVORITES_URL)
        _on, error = await db.call(pupils.set_favorite, user, offer_id, False)
        self.error = error
        if pupils.is_pupil(user):
            self.rows = [flat(r) for r in await db.call(pupils.list_favorites, user)]

"""``/espace/etablissement/modele-convention``: « Modèle de convention de l'établissement »
(online or paper conventions, the week's maximum hours, meals, transport, insurance, the
school's own clauses).  The service says who may change it (the head)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import conventions
from mystage.state.schools.space import SpacePage
from mystage.state.session import login_redirect
from mystage.state.values import as_str, form_str

PRESET_URL = "/espace/etablissement/modele-convention"
PRESET_KEYS = ("mode", "week_max_hours", "meals", "transport", "insurance", "clauses")
LIMITS = {"mode": 10, "week_max_hours": 5, "clauses": 5000}
DENIED = "Seul le chef d'établissement peut voir et modifier le modèle de convention."


class ConventionPresetState(SpacePage, rx.State):
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    saved: bool = False
    form_key: int = 0

    async def _fetch(self, user) -> None:
        data = await db.call(conventions.preset_values, user)
        if not isinstance(data, dict):
            self.values = {}
            self.denied = DENIED
            return
        self.values = {k: as_str(data.get(k)) for k in PRESET_KEYS}
        self.form_key += 1

    @rx.event
    async def load(self):
        self.saved = False
        self.errors = {}
        user, redirect = await self._enter(PRESET_URL)
        if user is None:
            self.values = {}
            return redirect
        await self._fetch(user)
        self.loaded = True

    @rx.event
    async def save(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return login_redirect(self)
        data = {k: form_str(form_data, k, LIMITS.get(k, 2000)) for k in PRESET_KEYS}
        self.saved = False
        errors = await db.call(conventions.save_preset, user, data)
        if not isinstance(errors, dict):
            errors = {"form": DENIED}
        if errors:
            self.errors = {k: as_str(v) for k, v in errors.items()}
            self.values = {**self.values, **data}
            return
        self.errors = {}
        await self._fetch(user)
        self.saved = True

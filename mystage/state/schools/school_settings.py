"""``/espace/etablissement/parametres``: the school's settings."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import schools
from mystage.services.permissions import PermissionDenied
from mystage.state.schools.space import SETTINGS_URL, SpacePage
from mystage.state.schools.values import form_checked
from mystage.state.session import login_redirect
from mystage.state.values import form_str


class SchoolSettingsState(SpacePage, rx.State):
    """``/espace/etablissement/parametres``."""

    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    validation_required: bool = False
    validation_locked: bool = False  # SCHOOL_VALIDATION=mandatory (the deployment decides)
    can_edit: bool = False
    saved: bool = False
    form_key: int = 0
    # QPV: a lycée's head declares it, an admin confirms; a collège's comes from the file.
    qpv: dict[str, str] = {}  # status, label, declared_at, confirmed_at
    qpv_declared: bool = False
    qpv_message: str = ""
    qpv_error: str = ""

    @rx.event
    async def load(self):
        self.saved = False
        self.errors = {}
        self.qpv_message = ""
        self.qpv_error = ""
        user, redirect = await self._enter(SETTINGS_URL)
        if user is None:
            self.values = {}
            return redirect
        await self._fetch(user)
        self.loaded = True

    async def _fetch(self, user) -> None:
        try:
            data = await db.call(schools.school_settings, user)
        except PermissionDenied as e:
            self.denied = e.message
            self.values = {}
            return
        self.values = {
            "search_scope": data["search_scope"],
            "search_radius_km": str(data["search_radius_km"] or ""),
            "referent_email": data["referent_email"] or "",
            "official_email": data["official_email"] or "",
        }
        self.validation_required = bool(data["validation_required"])
        self.validation_locked = bool(data.get("validation_locked"))
        self.can_edit = bool(data["can_edit"])
        self.qpv = {
            "status": data["qpv_status"],
            "label": data["qpv_status_label"],
            "declared_at": data["qpv_declared_at"],
            "confirmed_at": data["qpv_confirmed_at"],
        }
        self.qpv_declared = bool(data["qpv_declared"])
        self.form_key += 1

    @rx.event
    async def save_qpv(self, form_data: Any):
        """The head of a lycée checks or unchecks « Établissement en QPV ou à moins de
        300 m d'un QPV » (the service checks the caller is this school's head)."""
        user = await self._actor()
        if user is None:
            return login_redirect(self, SETTINGS_URL)
        declared = form_checked(form_data, "qpv_declared")
        self.qpv_message = ""
        try:
            error = await db.call(schools.declare_qpv, user, declared)
        except PermissionDenied as e:
            self.qpv_error = e.message
            return
        self.qpv_error = error
        if error:
            return
        await self._fetch(user)
        self.qpv_message = {
            "pending": "Déclaration enregistrée : l'équipe MyStage va la vérifier.",
            "confirmed": "Déclaration enregistrée.",
        }.get(self.qpv["status"], "Aucune déclaration QPV en cours.")

    @rx.event
    async def save(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return login_redirect(self, SETTINGS_URL)
        form = form_data if isinstance(form_data, dict) else {}
        data = {
            "search_scope": form_str(form, "search_scope", 20),
            "search_radius_km": form_str(form, "search_radius_km", 10),
            "validation_required": form_checked(form, "validation_required"),
            "referent_email": form_str(form, "referent_email", 254),
        }
        self.saved = False
        try:
            errors = await db.call(schools.update_settings, user, data)
        except PermissionDenied as e:
            self.errors = {"form": e.message}
            return
        if errors:
            self.errors = errors
            self.values = {
                **self.values,
                **{k: v for k, v in data.items() if isinstance(v, str)},
            }
            self.validation_required = self.validation_locked or bool(data["validation_required"])
            return
        self.errors = {}
        await self._fetch(user)
        self.saved = True

"""Employer side, the structure: sign-up, structure profile and logo (the team:
:mod:`mystage.state.structures_team`).

Thin: every handler re-derives the caller from the session cookie and lets the services
check role and ownership (they raise PermissionDenied); ids from the client are only
ever used as lookups that the services authorise.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import ministries
from mystage.services.permissions import PermissionDenied
from mystage.services.structures import LOGO_MAX_BYTES, MSG_LOGO_SIZE
from mystage.state.session import caller, client_ip, login_redirect
from mystage.state.values import form_flag, form_str, str_dict

# « Institution de tutelle » of a public structure: (slug, label) for the select.
MINISTRY_OPTIONS = ministries.OPTIONS


# ---------------------------------------------------------------- sign-up


def _register_employer(s, data: dict, ip: str):
    from mystage.services import structures

    return structures.register_employer(s, data=data, ip=ip)


SIGNUP_TEXT = (
    "civility", "first_name", "last_name", "job_title", "email", "phone_mobile",
    "phone_landline", "name", "activity", "siret", "naf_code", "statut", "address",
    "postal_code", "city", "website", "ministry",
)  # fmt: skip
SIGNUP_BOOL = (
    "is_public", "accept_charter", "accept_privacy", "consent_contact_on_application",
    "consent_mobilisation", "consent_last_minute",
)  # fmt: skip


class EmployerSignupState(rx.State):
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    is_public: bool = False  # « Structure publique » ticked: shows « Institution de tutelle »
    done: bool = False
    joined_existing: bool = False
    sent_to: str = ""

    @rx.event
    def load(self):
        self.errors = {}
        self.done = False

    @rx.event
    def set_public(self, checked: bool):
        """The « Structure publique » box (display only: the service checks the form)."""
        self.is_public = checked is True

    @rx.event
    async def submit(self, form_data: dict):
        data: dict[str, Any] = {k: form_str(form_data, k, 300) for k in SIGNUP_TEXT}
        data.update({k: form_flag(form_data, k) for k in SIGNUP_BOOL})
        self.values = {k: v for k, v in data.items() if isinstance(v, str)}
        self.is_public = data["is_public"]
        data["password"] = (form_data.get("password") or "")[:200]
        data["password2"] = (form_data.get("password2") or "")[:200]
        result, errors = await db.call(_register_employer, data, client_ip(self))
        if errors or result is None:
            self.errors = errors or {"form": "Le compte n'a pas pu être créé."}
            return
        self.errors = {}
        self.done = True
        self.joined_existing = bool(result.get("joined_existing"))
        self.sent_to = data["email"]


# ---------------------------------------------------------------- structure profile and logo


def _structure_form(s, user):
    from mystage.services import structures

    return structures.structure_form(s, user)


def _save_logo(s, user, data: bytes, filename: str) -> str:
    from mystage.services import structures

    return structures.save_logo(s, user, data, filename)


class StructureState(rx.State):
    values: dict[str, str] = {}
    allowed: bool = True
    message: str = ""
    error: str = ""
    logo_version: int = 0

    @rx.event
    async def load(self):
        self.message = ""
        self.error = ""
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        try:
            self.values = str_dict(await db.call(_structure_form, user))
        except PermissionDenied:
            self.allowed = False
            self.values = {}
            return
        self.allowed = True

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion")
        if not files:
            self.error = "Choisissez une image."
            return
        upload = files[0]
        data = await upload.read(LOGO_MAX_BYTES + 1)
        if len(data) > LOGO_MAX_BYTES:
            self.error = MSG_LOGO_SIZE
            return
        try:
            error = await db.call(_save_logo, user, data, upload.name or "")
        except PermissionDenied:
            self.error = "Seul le responsable de la structure peut changer le logo."
            return
        self.error = error
        if not error:
            self.message = "Logo enregistré."
            self.logo_version += 1

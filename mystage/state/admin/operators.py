"""Back office, « Opérateurs » (issue 18): administrators only.

The list of operators, one operator open (``selected``): its page (name, website, logo,
contact), its users and its API tokens.  A new token's secret is kept in ``new_token``
only until the next event that changes the page (shown once, never stored).  Every
handler asks the caller again (``permissions.can_admin``); the services check it too."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import admin_orgs, permissions, structures
from mystage.services.ids import client_id
from mystage.state.session import caller, login_redirect

MSG_ADMIN_ONLY = "Action réservée aux administrateurs."
MSG_BAD_REQUEST = "Demande invalide."
SCOPE_OPTIONS: list[list[str]] = [[k, v] for k, v in admin_orgs.SCOPES.items()]


def _s(rows: list[dict]) -> list[dict[str, str]]:
    return [
        {k: ("1" if v else "") if isinstance(v, bool) else str(v) for k, v in r.items()}
        for r in rows
    ]


def _details(s, actor, operator_id: int):
    form = admin_orgs.operator_form(s, actor, operator_id)
    return (
        {k: str(v) for k, v in form.items()},
        _s(admin_orgs.operator_users(s, actor, operator_id)),
        _s(admin_orgs.operator_tokens(s, actor, operator_id)),
    )


def _list(s, actor):
    return _s(admin_orgs.list_operators(s, actor))


class OperatorsAdminState(rx.State):
    allowed: bool = False
    operators: list[dict[str, str]] = []
    selected: dict[str, str] = {}  # the operator open ({} : none; {"id": ""}: a new one)
    users: list[dict[str, str]] = []
    tokens: list[dict[str, str]] = []
    message: str = ""
    errors: dict[str, str] = {}  # the operator form
    user_errors: dict[str, str] = {}
    token_errors: dict[str, str] = {}
    logo_error: str = ""
    form_key: int = 0  # remounts the forms (empty fields) after a success
    new_token: str = ""  # the secret just created, shown once
    webhook_errors: dict[str, str] = {}
    new_secret: str = ""  # the webhook signing secret just generated, shown once
    revoke_id: int = 0
    revoke_name: str = ""

    async def _guard(self):
        actor = await caller(self)
        if not permissions.can_admin(actor):
            self.allowed = False
            self.operators, self.users, self.tokens, self.selected = [], [], [], {}
            self.new_token, self.new_secret = "", ""
            self.message = MSG_ADMIN_ONLY
            return None
        return actor

    def _selected_id(self) -> int | None:
        """The operator open on the page (an id the server put there, checked again by the
        services)."""
        return client_id(self.selected.get("id", "")) if self.selected else None

    async def _guard_selected(self):
        """(caller, open operator's id) for an action on the open operator, else None (the
        refusal or « requête invalide » shown)."""
        actor = await self._guard()
        if actor is None:
            return None
        oid = self._selected_id()
        if oid is None:
            self.message = MSG_BAD_REQUEST
            return None
        return actor, oid

    async def _open(self, actor, operator_id: int):
        self.selected, self.users, self.tokens = await db.call(_details, actor, operator_id)

    @rx.event
    async def load(self):
        actor = await caller(self)
        self.allowed = permissions.can_admin(actor)
        self.selected, self.users, self.tokens, self.new_token = {}, [], [], ""
        self.errors, self.user_errors, self.token_errors, self.logo_error = {}, {}, {}, ""
        self.message, self.revoke_id, self.new_secret, self.webhook_errors = "", 0, "", {}
        if not self.allowed:
            self.operators = []
            if actor is None:
                return login_redirect(self)
            return None
        self.operators = await db.call(_list, actor)
        return None

    @rx.event
    async def open_operator(self, operator_id: Any):
        actor = await self._guard()
        if actor is None:
            return
        oid = client_id(operator_id)
        if oid is None:
            self.message = MSG_BAD_REQUEST
            return
        self.errors, self.user_errors, self.token_errors, self.logo_error = {}, {}, {}, ""
        self.new_token, self.message, self.new_secret = "", "", ""
        self.webhook_errors = {}
        await self._open(actor, oid)
        self.form_key += 1

    @rx.event
    async def new_operator(self):
        """« Ajouter un opérateur »: an empty form."""
        if await self._guard() is None:
            return
        self.selected = {"id": ""}
        self.users, self.tokens, self.new_token, self.message = [], [], "", ""
        self.errors = {}
        self.form_key += 1

    @rx.event
    def close(self):
        self.new_secret, self.webhook_errors = "", {}
        self.selected, self.users, self.tokens, self.new_token = {}, [], [], ""
        self.errors, self.user_errors, self.token_errors = {}, {}, {}

    @rx.event
    async def save_operator(self, form: dict):
        """« Enregistrer » the operator's page (creates it when new)."""
        actor = await self._guard()
        if actor is None:
            return
        current = client_id(self.selected.get("id", "")) if self.selected else None
        oid, errors = await db.call(
            admin_orgs.save_operator, actor, current, form if isinstance(form, dict) else {}
        )
        if errors:
            self.errors = errors
            return
        self.errors = {}
        self.message = "Opérateur enregistré."
        self.operators = await db.call(_list, actor)
        await self._open(actor, oid)

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        actor = await self._guard()
        if actor is None:
            return
        oid = self._selected_id()
        if oid is None:
            self.logo_error = "Enregistrez d'abord l'opérateur."
            return
        if not files:
            self.logo_error = "Choisissez une image."
            return
        data = await files[0].read(structures.LOGO_MAX_BYTES + 1)
        error = await db.call(admin_orgs.save_operator_logo, actor, oid, data)
        self.logo_error = error
        if not error:
            self.message = "Logo enregistré."
            await self._open(actor, oid)

    @rx.event
    async def create_user(self, form: dict):
        """« Créer le compte »: the person receives a link to choose their password."""
        found = await self._guard_selected()
        if found is None:
            return
        actor, oid = found
        errors = await db.call(
            admin_orgs.create_operator_user, actor, oid, form if isinstance(form, dict) else {}
        )
        if errors:
            self.user_errors = errors
            return
        self.user_errors = {}
        self.message = "Compte créé : la personne a reçu un lien pour choisir son mot de passe."
        self.form_key += 1
        self.operators = await db.call(_list, actor)
        await self._open(actor, oid)

    @rx.event
    async def create_token(self, form: dict):
        """« Créer le jeton »: its secret is shown once, below the form."""
        found = await self._guard_selected()
        if found is None:
            return
        actor, oid = found
        data = form if isinstance(form, dict) else {}
        picked = [key for key in admin_orgs.SCOPES if data.get(f"scope_{key}") in (True, "on")]
        raw, errors = await db.call(
            admin_orgs.create_token, actor, oid, {"name": data.get("name", ""), "scopes": picked}
        )
        if errors:
            self.token_errors = errors
            self.new_token = ""
            return
        self.token_errors = {}
        self.new_token = raw
        self.message = ""
        self.form_key += 1
        self.operators = await db.call(_list, actor)
        await self._open(actor, oid)

    @rx.event
    async def save_webhook(self, form: dict):
        """« Enregistrer le webhook » (issue 19): the URL that receives the events."""
        found = await self._guard_selected()
        if found is None:
            return
        actor, oid = found
        data = form if isinstance(form, dict) else {}
        errors = await db.call(admin_orgs.save_webhook, actor, oid, data)
        self.webhook_errors = errors
        if not errors:
            self.message = "Webhook enregistré."
            await self._open(actor, oid)

    @rx.event
    async def generate_secret(self):
        """« Générer un secret »: replaces the signing secret; shown once."""
        found = await self._guard_selected()
        if found is None:
            return
        actor, oid = found
        secret, error = await db.call(admin_orgs.new_webhook_secret, actor, oid)
        self.new_secret = secret
        self.webhook_errors = {"form": error} if error else {}
        if not error:
            await self._open(actor, oid)

    @rx.event
    def hide_secret(self):
        self.new_secret = ""

    @rx.event
    def hide_token(self):
        self.new_token = ""

    @rx.event
    async def ask_revoke(self, token_id: Any):
        if await self._guard() is None:
            return
        tid = client_id(token_id)
        row = next((t for t in self.tokens if t.get("id") == str(tid)), None)
        if tid is None or row is None:
            self.message = MSG_BAD_REQUEST
            return
        self.revoke_id, self.revoke_name = tid, row.get("name", "")

    @rx.event
    def cancel_revoke(self):
        self.revoke_id, self.revoke_name = 0, ""

    @rx.event
    async def confirm_revoke(self):
        """« Révoquer » (confirmed): the token stops working at once."""
        actor = await self._guard()
        if actor is None:
            return
        tid = self.revoke_id
        self.cancel_revoke()
        if not tid:
            return
        error = await db.call(admin_orgs.revoke_token, actor, tid)
        self.message = error or "Jeton révoqué : il ne permet plus d'utiliser l'API."
        self.operators = await db.call(_list, actor)
        oid = self._selected_id()
        if oid is not None:
            await self._open(actor, oid)

    @rx.var
    def is_new(self) -> bool:
        return self.selected.get("id", "x") == ""

    @rx.var
    def is_open(self) -> bool:
        return len(self.selected) > 0

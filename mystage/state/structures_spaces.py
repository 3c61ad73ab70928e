"""« Tous mes espaces » (/espace/employeur/espaces): the caller's spaces with their offers
count and « Recevoir les notifications »; for the owner, create / rename / delete a space,
move offers, « Accès des membres ».

Thin: every handler re-derives the caller from the session cookie and hands the ids it
received to :mod:`mystage.services.structures.spaces`, which checks the owner, the
structure of every id and the member's access (PermissionDenied or a French message).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services.permissions import PermissionDenied
from mystage.state.session import caller, login_redirect
from mystage.state.values import flat, form_str

MSG_DENIED = "Action réservée au responsable de la structure."
MSG_DONE_CREATE = "L'espace « {name} » est créé."
MSG_DONE_RENAME = "L'espace est renommé."
MSG_DONE_DELETE = "L'espace est supprimé."
MSG_DONE_MOVE = "{n} offre(s) déplacée(s)."
MSG_DONE_ACCESS = "Les accès de ce membre sont enregistrés."
MSG_NOTIFY_ON = "Vous recevrez les notifications de cet espace."
MSG_NOTIFY_OFF = "Vous ne recevrez plus les notifications de cet espace."


def _load(s, user) -> dict[str, Any]:
    from mystage.services import permissions, structures

    out = structures.my_spaces(s, user)
    if out["is_owner"]:
        out["members"] = structures.member_access(s, user)
        out["offers"] = structures.structure_offers(s, user)
    else:
        out["members"], out["offers"] = [], []
    out["limited"] = any(v is not None for v in permissions.member_space_limits(s, user).values())
    return out


def _call(s, user, name: str, *args):
    from mystage.services import structures

    return getattr(structures, name)(s, user, *args)


def _picked(form: dict, prefix: str) -> list[str]:
    """The ids of the ticked checkboxes named ``<prefix><id>``."""
    out = []
    for key, value in (form or {}).items():
        if isinstance(key, str) and key.startswith(prefix) and value in (True, "on", "true"):
            out.append(key[len(prefix) :][:12])
    return out[:1000]


class SpacesState(rx.State):
    allowed: bool = True
    structure_name: str = ""
    is_owner: bool = False
    limited: bool = False
    spaces: list[dict[str, str]] = []
    members: list[dict[str, str]] = []
    offers: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    new_name: str = ""  # kept when refused
    editing: str = ""  # the space being renamed
    edit_name: str = ""
    message: str = ""
    error: str = ""

    async def _refresh(self, user=None):
        user = user or await caller(self)
        if user is None:
            return login_redirect(self)
        try:
            data = await db.call(_load, user)
        except PermissionDenied as exc:
            self.allowed = False
            self.error = exc.message
            self.spaces, self.members, self.offers = [], [], []
            return
        self.allowed = True
        self.structure_name = data["structure_name"]
        self.is_owner = bool(data["is_owner"])
        self.limited = bool(data["limited"])
        names = {sp["id"]: sp["name"] for sp in data["spaces"]}
        self.spaces = [flat(sp) for sp in data["spaces"]]
        self.members = [
            flat(
                {
                    **{k: v for k, v in m.items() if k != "space_ids"},
                    "space_ids": ",".join(str(i) for i in m["space_ids"]),
                    "spaces_label": "Tous les espaces"
                    if m["all_spaces"]
                    else ", ".join(names.get(i, "") for i in m["space_ids"] if i in names)
                    or "Aucun espace",
                }
            )
            for m in data["members"]
        ]
        self.offers = [flat(o) for o in data["offers"]]

    @rx.event
    async def load(self):
        self.errors, self.message, self.error, self.editing = {}, "", "", ""
        return await self._refresh()

    async def _act(self, name: str, *args) -> tuple[Any, bool]:
        """Run the service ``name``; (result, True) or (None, False) after a refusal."""
        user = await caller(self)
        if user is None:
            return None, False
        self.message, self.error = "", ""
        try:
            return await db.call(_call, user, name, *args), True
        except PermissionDenied:
            self.error = MSG_DENIED
            return None, False

    @rx.event
    async def create(self, form_data: dict):
        name = form_str(form_data, "name", 200)
        self.new_name = name
        result, ok = await self._act("create_space", name)
        if not ok:
            return
        space_id, errors = result
        self.errors = errors
        if not errors:
            self.new_name = ""
            self.message = MSG_DONE_CREATE.format(name=" ".join(name.split()))
            return await self._refresh()

    @rx.event
    def start_rename(self, space_id: str, name: str):
        self.editing = str(space_id)[:12]
        self.edit_name = str(name)[:200]
        self.errors = {}

    @rx.event
    def cancel_rename(self):
        self.editing = ""
        self.errors = {}

    @rx.event
    async def rename(self, form_data: dict):
        name = form_str(form_data, "name", 200)
        self.edit_name = name
        errors, ok = await self._act("rename_space", self.editing, name)
        if not ok:
            return
        self.errors = {"rename": errors["name"]} if errors else {}
        if not errors:
            self.editing = ""
            self.message = MSG_DONE_RENAME
            return await self._refresh()

    @rx.event
    async def delete(self, space_id: Any):
        error, ok = await self._act("delete_space", space_id)
        if not ok:
            return
        self.error = error
        self.message = "" if error else MSG_DONE_DELETE
        return await self._refresh()

    @rx.event
    async def set_notify(self, space_id: Any, on: Any):
        error, ok = await self._act("set_notify", space_id, on)
        if not ok:
            return
        self.error = error
        self.message = "" if error else (MSG_NOTIFY_ON if on is True else MSG_NOTIFY_OFF)
        return await self._refresh()

    @rx.event
    async def move(self, form_data: dict):
        ids = _picked(form_data, "offer_")
        target = form_str(form_data, "space_id", 12)
        result, ok = await self._act("move_offers", ids, target)
        if not ok:
            return
        count, error = result
        self.errors = {"move": error} if error else {}
        if not error:
            self.message = MSG_DONE_MOVE.format(n=count)
            return await self._refresh()

    @rx.event
    async def set_access(self, form_data: dict):
        member_id = form_str(form_data, "member_id", 12)
        every = form_str(form_data, "scope", 8) == "all"
        ids = _picked(form_data, "space_")
        error, ok = await self._act("set_member_access", member_id, every, ids)
        if not ok:
            return
        self.errors = {f"access_{member_id}": error} if error else {}
        if not error:
            self.message = MSG_DONE_ACCESS
            return await self._refresh()

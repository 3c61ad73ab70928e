"""``/espace/etablissement/equipe``: the team, requests, rights and invitations (head only)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import schools
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state.schools.space import TEAM_URL, SpacePage
from mystage.state.schools.values import display_row, form_picked, safe_id
from mystage.state.session import login_redirect
from mystage.state.values import form_str

SCOPE_CHOICES = [{"value": k, "label": v} for k, v in schools.SCOPE_LABELS.items()]


def _team(s, user):
    staff = schools.staff_list(s, user)
    return staff, schools.classes(s, user)


class SchoolTeamState(SpacePage, rx.State):
    """``/espace/etablissement/equipe``."""

    pending: list[dict[str, str]] = []
    active: list[dict[str, str]] = []
    former: list[dict[str, str]] = []
    invitations: list[dict[str, str]] = []
    class_options: list[dict[str, str]] = []
    message: str = ""
    error: str = ""
    editing: str = ""  # membership id whose rights are being edited
    edit_scope: str = ""
    edit_classes: list[str] = []
    edit_mains: list[str] = []
    rights_errors: dict[str, str] = {}
    confirm_remove: str = ""
    invite_values: dict[str, str] = {}
    invite_errors: dict[str, str] = {}
    invite_sent: str = ""
    _members: dict[str, dict[str, Any]] = {}

    @rx.event
    async def load(self):
        self.message = ""
        self.error = ""
        self.editing = ""
        self.confirm_remove = ""
        self.invite_errors = {}
        self.invite_sent = ""
        user, redirect = await self._enter(TEAM_URL)
        if user is None:
            self._clear()
            return redirect
        await self._refresh(user)
        self.loaded = True

    def _clear(self):
        self.pending, self.active, self.former, self.invitations = [], [], [], []
        self.class_options = []
        self._members = {}

    async def _refresh(self, user) -> bool:
        try:
            staff, classes = await db.call(_team, user)
        except PermissionDenied as e:
            self.denied = e.message
            self._clear()
            return False
        members: dict[str, dict[str, Any]] = {}
        for key in ("pending", "active", "former"):
            for m in staff[key]:
                members[str(m["id"])] = m
        self._members = members
        self.pending = [self._member_row(m) for m in staff["pending"]]
        self.active = [self._member_row(m) for m in staff["active"]]
        self.former = [self._member_row(m) for m in staff["former"]]
        self.invitations = [display_row(i) for i in staff["invitations"]]
        self.class_options = [
            {"id": str(c["id"]), "name": c["name"], "level": c["level_label"]} for c in classes
        ]
        return True

    @staticmethod
    def _member_row(m: dict) -> dict[str, str]:
        row = display_row({k: v for k, v in m.items() if k != "classes"})
        names = [c["name"] + (" (professeur principal)" if c["main"] else "") for c in m["classes"]]
        row["classes_label"] = ", ".join(names)
        return row

    async def _after(self, user, message: str = "", error: str = ""):
        self.message = message
        self.error = error
        await self._refresh(user)

    @rx.event
    async def decide(self, membership_id: Any, accept: Any):
        membership_id = client_id(membership_id)
        if membership_id is None:
            return
        user = await self._actor()
        if user is None:
            return login_redirect(self, TEAM_URL)
        self.message, self.error = "", ""
        accepted = accept is True
        try:
            err = await db.call(schools.decide_staff, user, membership_id, accepted)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        done = "Demande acceptée : cette personne a maintenant accès à l'espace."
        await self._after(user, "" if err else (done if accepted else "Demande refusée."), err)

    @rx.event
    def ask_remove(self, membership_id: Any):
        mid = safe_id(membership_id)
        self.confirm_remove = mid if mid in self._members else ""

    @rx.event
    def cancel_remove(self):
        self.confirm_remove = ""

    @rx.event
    async def remove(self):
        user = await self._actor()
        if user is None:
            return login_redirect(self, TEAM_URL)
        self.message, self.error = "", ""
        mid, self.confirm_remove = self.confirm_remove, ""
        if not mid:
            return
        try:
            err = await db.call(schools.remove_staff, user, mid)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        await self._after(user, "" if err else "Cette personne n'a plus accès à l'espace.", err)

    @rx.event
    def edit_rights(self, membership_id: Any):
        mid = safe_id(membership_id)
        m = self._members.get(mid)
        self.rights_errors = {}
        if m is None or m.get("is_head"):
            self.editing = ""
            return
        self.editing = mid
        self.edit_scope = str(m.get("scope") or "school")
        self.edit_classes = [str(c["id"]) for c in m.get("classes", [])]
        self.edit_mains = [str(c["id"]) for c in m.get("classes", []) if c.get("main")]

    @rx.event
    def cancel_rights(self):
        self.editing = ""
        self.rights_errors = {}

    @rx.event
    async def save_rights(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return login_redirect(self, TEAM_URL)
        self.message, self.error = "", ""
        if not self.editing:
            return
        form = form_data if isinstance(form_data, dict) else {}
        allowed = {c["id"] for c in self.class_options}
        scope = form_str(form, "scope", 10)
        class_ids = form_picked(form, "class_", allowed)
        mains = form_picked(form, "main_", allowed)
        # Remember what was ticked, so an error keeps the choices.
        self.edit_scope, self.edit_classes, self.edit_mains = scope, class_ids, mains
        try:
            errors = await db.call(
                schools.set_staff_rights,
                user,
                self.editing,
                scope=scope,
                class_ids=class_ids,
                main_class_ids=[c for c in mains if c in class_ids],
            )
        except PermissionDenied as e:
            self.error, self.message, self.editing = e.message, "", ""
            return
        if errors:
            self.rights_errors = errors
            return
        self.rights_errors = {}
        self.editing = ""
        await self._after(user, "Droits enregistrés.")

    @rx.event
    async def invite(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return login_redirect(self, TEAM_URL)
        self.message, self.error = "", ""
        form = form_data if isinstance(form_data, dict) else {}
        allowed = {c["id"] for c in self.class_options}
        class_ids = form_picked(form, "class_", allowed)
        data = {
            "email": form_str(form, "email", 254),
            "function": form_str(form, "function", 40),
            "scope": form_str(form, "scope", 10),
            "class_ids": class_ids,
        }
        self.invite_values = {**{k: data[k] for k in ("email", "function", "scope")}}
        self.invite_values["class_ids"] = ",".join(class_ids)
        self.invite_sent = ""
        try:
            errors = await db.call(schools.invite_staff, user, data)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        if errors:
            self.invite_errors = errors
            return
        self.invite_errors = {}
        self.invite_values = {}
        self.invite_sent = data["email"].lower()
        await self._after(user)

    @rx.event
    async def cancel_invitation(self, invitation_id: Any):
        invitation_id = client_id(invitation_id)
        if invitation_id is None:
            return
        user = await self._actor()
        if user is None:
            return login_redirect(self, TEAM_URL)
        self.message, self.error = "", ""
        try:
            err = await db.call(schools.cancel_invitation, user, invitation_id)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        await self._after(user, "" if err else "Invitation annulée.", err)

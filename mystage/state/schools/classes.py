"""``/espace/etablissement/classes``: classes, their pupils, moving a pupil."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.models import LEVEL_LABELS
from mystage.services import schools
from mystage.services.permissions import PermissionDenied
from mystage.state.schools.space import CLASSES_URL, SpacePage
from mystage.state.schools.values import safe_id
from mystage.state.session import login_redirect
from mystage.state.values import form_str

LEVEL_CHOICES = [{"value": str(k), "label": v} for k, v in LEVEL_LABELS.items()]
# The class levels offered by kind of school (2de GT in a lycée, 4e and 3e in a collège).
_LEVEL_CHOICES_BY_KIND = {
    kind: [c for c in LEVEL_CHOICES if c["value"] in schools.level_choices(kind)]
    for kind in ("college", "lycee")
}


def _pupils(s, user, class_id: Any):
    table = schools.class_table(s, user, class_id)
    return [
        {
            "id": str(r["id"]),
            "name": r["name"],
            "authorized": "oui" if r["authorized"] else "",
            "applications": str(r["applications"]),
        }
        for r in table["rows"]
    ]


class SchoolClassesState(SpacePage, rx.State):
    """``/espace/etablissement/classes``."""

    rows: list[dict[str, str]] = []
    can_manage: bool = False
    message: str = ""
    error: str = ""
    create_values: dict[str, str] = {}
    create_errors: dict[str, str] = {}
    form_key: int = 0  # a new key empties the creation form after a success
    renaming: str = ""
    rename_errors: dict[str, str] = {}
    confirm_delete: str = ""
    row_error: dict[str, str] = {}
    open_class: str = ""  # class whose pupils are shown ("0": pupils without a class)
    open_name: str = ""
    pupils: list[dict[str, str]] = []
    move_error: dict[str, str] = {}

    @rx.var
    def level_choices(self) -> list[dict[str, str]]:
        """The levels of the « Niveau » selects for this school's kind."""
        return _LEVEL_CHOICES_BY_KIND.get(self.school_kind, LEVEL_CHOICES)

    @rx.var
    def move_targets(self) -> list[dict[str, str]]:
        """Where a pupil may go: the other classes (and « Sans classe » for whole-school
        staff)."""
        out = [{"id": r["id"], "name": r["name"]} for r in self.rows if r["id"] != self.open_class]
        if self.see_all and self.open_class != "0":
            out.append({"id": "0", "name": "Sans classe"})
        return out

    @rx.event
    async def load(self):
        self.message = ""
        self.error = ""
        self.renaming = ""
        self.confirm_delete = ""
        self.row_error = {}
        self.open_class = ""
        self.pupils = []
        self.create_errors = {}
        user, redirect = await self._enter(CLASSES_URL)
        if user is None:
            self.rows = []
            return redirect
        await self._refresh(user)
        self.loaded = True

    async def _refresh(self, user) -> None:
        try:
            rows = await db.call(schools.classes, user)
        except PermissionDenied as e:
            self.denied = e.message
            self.rows = []
            return
        self.can_manage = self.is_head
        self.rows = [
            {
                "id": str(r["id"]),
                "name": r["name"],
                "level": r["level"] or "",
                "level_label": r["level_label"],
                "pupils": str(r["pupils"]),
                "authorized": str(r["authorized"]),
                "main_teachers": ", ".join(r["main_teachers"]),
            }
            for r in rows
        ]

    async def _reload_pupils(self, user) -> None:
        if not self.open_class:
            self.pupils = []
            return
        try:
            self.pupils = await db.call(_pupils, user, self.open_class)
        except PermissionDenied:
            self.open_class = ""
            self.pupils = []

    @rx.event
    async def create(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return login_redirect(self, CLASSES_URL)
        self.message, self.error = "", ""
        form = form_data if isinstance(form_data, dict) else {}
        name, level = form_str(form, "name", 100), form_str(form, "level", 20)
        self.create_values = {"name": name, "level": level}
        try:
            class_id, errors = await db.call(schools.create_class, user, name, level)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        if errors:
            self.create_errors = errors
            return
        self.create_errors = {}
        self.create_values = {}
        self.form_key += 1
        self.error = ""
        self.message = f"Classe « {' '.join(name.split())} » créée."
        await self._refresh(user)

    @rx.event
    def start_rename(self, class_id: Any):
        cid = safe_id(class_id)
        self.renaming = cid if any(r["id"] == cid for r in self.rows) else ""
        self.rename_errors = {}

    @rx.event
    def cancel_rename(self):
        self.renaming = ""
        self.rename_errors = {}

    @rx.event
    async def rename(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return login_redirect(self, CLASSES_URL)
        self.message, self.error = "", ""
        if not self.renaming:
            return
        form = form_data if isinstance(form_data, dict) else {}
        name, level = form_str(form, "name", 100), form_str(form, "level", 20)
        try:
            errors = await db.call(schools.rename_class, user, self.renaming, name, level)
        except PermissionDenied as e:
            self.error, self.message, self.renaming = e.message, "", ""
            return
        if errors:
            self.rename_errors = errors
            return
        self.renaming = ""
        self.rename_errors = {}
        self.error = ""
        self.message = "Classe modifiée."
        await self._refresh(user)
        if self.open_class not in ("", "0"):
            name = next((r["name"] for r in self.rows if r["id"] == self.open_class), "")
            self.open_name = f"Élèves de la classe {name}" if name else self.open_name

    @rx.event
    def ask_delete(self, class_id: Any):
        cid = safe_id(class_id)
        self.confirm_delete = cid if any(r["id"] == cid for r in self.rows) else ""
        self.row_error = {}

    @rx.event
    def cancel_delete(self):
        self.confirm_delete = ""

    @rx.event
    async def delete(self):
        user = await self._actor()
        if user is None:
            return login_redirect(self, CLASSES_URL)
        self.message, self.error = "", ""
        cid, self.confirm_delete = self.confirm_delete, ""
        if not cid:
            return
        try:
            err = await db.call(schools.delete_class, user, cid)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        if err:
            self.row_error = {cid: err}
            return
        self.row_error = {}
        self.error = ""
        self.message = "Classe supprimée."
        if self.open_class == cid:
            self.open_class, self.pupils = "", []
        await self._refresh(user)

    @rx.event
    async def show_pupils(self, class_id: Any):
        user = await self._actor()
        if user is None:
            return login_redirect(self, CLASSES_URL)
        cid = safe_id(class_id)
        if cid == "0":
            name = "Élèves sans classe"
        else:
            name = next((r["name"] for r in self.rows if r["id"] == cid), "")
            if not name:
                return
            name = f"Élèves de la classe {name}"
        if self.open_class == cid:  # second click: close
            self.open_class, self.pupils = "", []
            return
        self.move_error = {}
        try:
            pupils = await db.call(_pupils, user, cid)
        except PermissionDenied as e:
            self.error = e.message
            return
        self.open_class, self.open_name, self.pupils = cid, name, pupils

    @rx.event
    async def move(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return login_redirect(self, CLASSES_URL)
        self.message, self.error = "", ""
        form = form_data if isinstance(form_data, dict) else {}
        pupil_id = form_str(form, "pupil_id", 12)
        target = form_str(form, "class_id", 12)
        if not target:
            self.move_error = {pupil_id: "Choisissez la nouvelle classe."}
            return
        try:
            err = await db.call(schools.move_pupil, user, pupil_id, target)
        except PermissionDenied as e:
            self.move_error = {pupil_id: e.message}
            return
        if err:
            self.move_error = {pupil_id: err}
            return
        self.move_error = {}
        self.row_error = {}  # « the class still has pupils » may no longer be true
        self.error = ""
        self.message = "Élève changé de classe."
        await self._refresh(user)
        await self._reload_pupils(user)

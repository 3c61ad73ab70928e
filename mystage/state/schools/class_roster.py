"""The class page's roster tools (``/espace/etablissement/classe/[classe_id]``): add pupils one
by one or by pasting a list (checked first, errors per line), the class code, and the listed
pupils' « Renvoyer l'invitation » / « Retirer ».  Every handler finds the caller again; the
services check the class is one they see."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import schools
from mystage.services.permissions import PermissionDenied
from mystage.settings import get_settings
from mystage.state.schools.class_tracking import SchoolClassState
from mystage.state.schools.values import denial, id_after
from mystage.state.session import caller
from mystage.state.values import as_str, form_str

PASTE_MAX = 20_000


def _class_code(s, user, class_id: int) -> str:
    table = schools.class_table(s, user, class_id, filter="pas_inscrit")
    return as_str(table["class"].get("join_code"))


def _set_code(s, user, class_id: int, revoke: bool) -> str:
    return schools.set_class_code(s, user, class_id, revoke=revoke)


def _preview(s, user, class_id: int, text: str) -> dict[str, Any]:
    return schools.preview_roster(s, user, class_id, text)


def _add(s, user, class_id: int, text: str, only_valid: bool):
    return schools.add_roster(s, user, class_id, text, only_valid=only_valid)


def _add_one(s, user, class_id: int, data: dict):
    return schools.add_roster_pupil(s, user, class_id, data)


def _remove(s, user, roster_id: int) -> str:
    return schools.remove_roster(s, user, roster_id)


def _resend(s, user, roster_id: int) -> str:
    return schools.resend_roster_invitation(s, user, roster_id)


def _lines(preview: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "line": as_str(x.get("line")),
            "raw": as_str(x.get("raw")),
            "name": f"{as_str(x.get('last_name')).upper()} {as_str(x.get('first_name'))}".strip(),
            "contact": as_str(x.get("contact")),
            "error": as_str(x.get("error")),
        }
        for x in preview.get("lines") or []
    ]


def _added_message(result: dict[str, int]) -> str:
    n, invited = result.get("added", 0), result.get("invited", 0)
    text = f"{n} élève(s) ajouté(s) à la liste de la classe"
    if invited:
        text += f", {invited} invitation(s) envoyée(s) par courriel ou SMS"
    return text + "."


class ClassRosterState(rx.State):
    """The roster tools of a class page."""

    class_id: int = -1
    code: str = ""
    paste: str = ""
    lines: list[dict[str, str]] = []
    valid: int = 0
    invalid: int = 0
    paste_error: str = ""
    one: dict[str, str] = {}
    one_errors: dict[str, str] = {}
    notice: str = ""
    error: str = ""
    # Bumped after a list or a pupil is added: the forms start again empty.
    round: int = 0
    # « Ajouter des élèves » stays open once used (until the page is loaded again).
    keep_open: bool = False

    @rx.var
    def code_url(self) -> str:
        if not self.code:
            return ""
        return f"{get_settings().public_url}{schools.CLASS_CODE_URL}/{self.code}"

    @rx.var
    def checked(self) -> bool:
        return len(self.lines) > 0

    async def _user(self):
        self.keep_open = True
        user = await caller(self)
        if user is None or self.class_id <= 0:
            return None
        return user

    @rx.event
    async def load(self):
        found = id_after(self.router.url.path, "classe")
        self.class_id = found if found is not None and found > 0 else -1
        self.paste = ""
        self.lines = []
        self.valid = self.invalid = 0
        self.paste_error = ""
        self.one = {}
        self.one_errors = {}
        self.notice = ""
        self.error = ""
        self.code = ""
        user = await self._user()
        self.keep_open = False
        if user is None:
            return
        try:
            self.code = await db.call(_class_code, user, self.class_id)
        except PermissionDenied:
            self.code = ""

    @rx.event
    def set_paste(self, value: Any):
        """The list was edited after « Vérifier la liste »: the preview must be redone."""
        value = value[:PASTE_MAX] if isinstance(value, str) else ""
        self.keep_open = True
        if value != self.paste:
            self.paste = value
            self.lines = []
            self.paste_error = ""

    @rx.event
    async def check_paste(self, form: dict):
        """« Vérifier la liste »: the preview, nothing stored."""
        text = form_str(form, "paste", PASTE_MAX) if isinstance(form, dict) else ""
        self.paste = text
        self.notice = self.error = ""
        user = await self._user()
        if user is None:
            return
        try:
            preview = await db.call(_preview, user, self.class_id, text)
        except PermissionDenied as exc:
            self.error = denial(exc)
            return
        self.lines = _lines(preview)
        self.valid = int(preview.get("valid") or 0)
        self.invalid = int(preview.get("invalid") or 0)
        self.paste_error = as_str(preview.get("error"))

    @rx.event
    async def add_paste(self, only_valid: Any = False):
        """« Ajouter les élèves » (every line good) or « Ajouter seulement les lignes
        correctes »: stored and invited; with an error in a line and not ``only_valid``,
        nothing is stored and the preview shows the errors again."""
        self.notice = self.error = ""
        user = await self._user()
        if user is None:
            return
        try:
            result, errors = await db.call(
                _add, user, self.class_id, self.paste, only_valid is True
            )
        except PermissionDenied as exc:
            self.error = denial(exc)
            return
        if errors:
            self.paste_error = as_str(errors.get("form"))
            if errors.get("lines"):
                preview = {"lines": errors["lines"]}
                self.lines = _lines(preview)
                self.invalid = sum(1 for x in self.lines if x["error"])
                self.valid = len(self.lines) - self.invalid
            return
        self.paste = ""
        self.lines = []
        self.valid = self.invalid = 0
        self.round += 1
        self.notice = _added_message(result)
        return SchoolClassState.reload

    @rx.event
    async def add_one(self, form: dict):
        """« Ajouter » one pupil (first name, last name, optional contact)."""
        form = form if isinstance(form, dict) else {}
        self.one = {k: form_str(form, k, 254) for k in ("first_name", "last_name", "contact")}
        self.notice = self.error = ""
        user = await self._user()
        if user is None:
            return
        try:
            result, errors = await db.call(_add_one, user, self.class_id, self.one)
        except PermissionDenied as exc:
            self.error = denial(exc)
            return
        self.one_errors = errors
        if errors:
            return
        self.one = {}
        self.round += 1
        self.notice = _added_message(result)
        return SchoolClassState.reload

    @rx.event
    async def set_code(self, action: Any):
        """« Créer un code » / « Nouveau code » (``new``) or « Désactiver le code »
        (``revoke``)."""
        if action not in ("new", "revoke"):
            return
        self.notice = self.error = ""
        user = await self._user()
        if user is None:
            return
        try:
            self.code = await db.call(_set_code, user, self.class_id, action == "revoke")
        except PermissionDenied as exc:
            self.error = denial(exc)
            return
        self.notice = (
            "Code de la classe désactivé : il ne permet plus de s'inscrire."
            if action == "revoke"
            else f"Nouveau code de la classe : {self.code} (l'ancien ne marche plus)."
        )

    async def _row_action(self, fn, roster_id: Any, done: str):
        self.notice = self.error = ""
        user = await self._user()
        if user is None:
            return
        try:
            error = await db.call(fn, user, roster_id)
        except PermissionDenied as exc:
            self.error = denial(exc)
            return
        if error:
            self.error = error
            return None
        self.notice = done
        return SchoolClassState.reload

    @rx.event
    async def remove(self, roster_id: Any):
        return await self._row_action(_remove, roster_id, "Élève retiré de la liste de la classe.")

    @rx.event
    async def resend(self, roster_id: Any):
        return await self._row_action(_resend, roster_id, "Invitation renvoyée.")

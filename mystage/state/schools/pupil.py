"""``/espace/etablissement/eleve/[eleve_id]``: a pupil's applications for the staff, with the
school's « Valider » / « Refuser » where allowed."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import schools
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state.schools.space import DENIED, SPACE_URL
from mystage.state.schools.values import denial, flat, flat_rows, id_after
from mystage.state.session import caller, login_redirect
from mystage.state.values import as_str

# The pupil page's decision dialog: (title, hint, button).
DIALOGS = {
    "school_validate": (
        "Valider la candidature",
        "Elle sera transmise à l'employeur. Vous pouvez laisser un message à l'élève (facultatif).",
        "Valider",
    ),
    "school_refuse": (
        "Refuser la candidature",
        "Elle ne sera pas transmise à l'employeur. Un mot d'explication aide l'élève (facultatif).",
        "Refuser",
    ),
}
DONE = {
    "school_validate": "Candidature validée : elle est transmise à l'employeur.",
    "school_refuse": "Candidature refusée. L'élève en est informé(e).",
}


def _pupil(s, user, pupil_id: int) -> dict[str, Any]:
    return schools.pupil_applications(s, user, pupil_id)


def _decide(s, user, app_id: int, action: str, message: Any) -> dict[str, str]:
    from mystage.services import applications

    return applications.decide_as_school(s, user, app_id, action, message)


class SchoolPupilState(rx.State):
    """``/espace/etablissement/eleve/[eleve_id]``: the pupil's applications, read-only,
    with « Valider » / « Refuser » where the service allows the caller."""

    pupil_id: int = -1
    loaded: bool = False
    denied: str = ""
    pupil: dict[str, str] = {}
    apps: list[dict[str, str]] = []
    actions: list[dict[str, str]] = []  # {"app_id", "action", "label"}
    dialog_app: int = 0
    dialog_action: str = ""
    dialog_version: int = 0
    message_error: str = ""
    notice: str = ""
    error: str = ""

    @rx.var
    def dialog_title(self) -> str:
        return DIALOGS.get(self.dialog_action, ("", "", ""))[0]

    @rx.var
    def dialog_hint(self) -> str:
        return DIALOGS.get(self.dialog_action, ("", "", ""))[1]

    @rx.var
    def dialog_yes(self) -> str:
        return DIALOGS.get(self.dialog_action, ("", "", ""))[2]

    @rx.var
    def dialog_required(self) -> bool:
        return False  # the school's message is optional (seed 000, step 2)

    @rx.var
    def dialog_key(self) -> str:
        return f"{self.dialog_action}-{self.dialog_app}-{self.dialog_version}"

    @rx.var
    def class_url(self) -> str:
        cid = self.pupil.get("class_id", "")
        return f"{SPACE_URL}/classe/{cid}" if cid.isdigit() else SPACE_URL

    def _clear(self) -> None:
        self.pupil = {}
        self.apps = []
        self.actions = []
        self.dialog_action = ""
        self.dialog_app = 0

    async def _refresh(self, user) -> None:
        try:
            if self.pupil_id <= 0:
                raise PermissionDenied(DENIED)
            data = await db.call(_pupil, user, self.pupil_id)
        except PermissionDenied as exc:
            self._clear()
            self.denied = denial(exc)
            return
        self.denied = ""
        self.pupil = flat(data.get("pupil"))
        apps = data.get("applications") or []
        self.apps = flat_rows(apps)
        self.actions = [
            {
                "app_id": as_str(a["id"]),
                "action": as_str(x["action"]),
                "label": as_str(x["label"]),
            }
            for a in apps
            for x in a.get("actions") or []
            if x.get("action") in DIALOGS
        ]

    @rx.event
    async def load(self):
        found = id_after(self.router.url.path, "eleve")
        self.pupil_id = found if found is not None else -1
        self.loaded = False
        self.notice = ""
        self.error = ""
        self.message_error = ""
        self.dialog_action = ""
        user = await caller(self)
        if user is None:
            self._clear()
            self.loaded = True
            return login_redirect(self)
        await self._refresh(user)
        self.loaded = True

    @rx.event
    def open_dialog(self, app_id: Any, action: Any):
        """Only an action shown for this pupil's application opens the dialog (the
        service checks again on « Valider » / « Refuser »)."""
        app_id = client_id(app_id)
        allowed = {(a["app_id"], a["action"]) for a in self.actions}
        if app_id is None or not isinstance(action, str) or (str(app_id), action) not in allowed:
            return
        self.dialog_app = app_id
        self.dialog_action = action
        self.dialog_version += 1
        self.message_error = ""
        self.notice = ""
        self.error = ""

    @rx.event
    def close_dialog(self):
        self.dialog_action = ""
        self.dialog_app = 0
        self.message_error = ""

    @rx.event
    def set_dialog_open(self, value: Any):
        if value is not True:
            self.close_dialog()

    @rx.event
    async def decide(self, form_data: Any):
        action, app_id = self.dialog_action, self.dialog_app
        user = await caller(self)
        if user is None:
            self.close_dialog()
            return login_redirect(self)
        if action not in DIALOGS or app_id <= 0:
            self.close_dialog()
            return
        message = form_data.get("message") if isinstance(form_data, dict) else ""
        errors = await db.call(_decide, user, app_id, action, message)
        if not isinstance(errors, dict):
            errors = {"form": DENIED}
        if errors.get("message"):
            self.message_error = as_str(errors["message"])  # the dialog stays open, text kept
            return
        self.close_dialog()
        self.error = as_str(errors.get("form"))
        self.notice = "" if self.error else DONE.get(action, "")
        await self._refresh(user)

"""``/espace/eleve/candidatures`` (« Mes candidatures »: confirm, cancel) and the pupil
section of « Mon espace »."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import pupils
from mystage.services.ids import client_id
from mystage.state.pupils.common import (
    APPLICATIONS_URL,
    PupilPage,
    form_text,
    form_values,
    login,
)
from mystage.state.session import caller
from mystage.state.values import flat


def _my_applications(s, user):
    from mystage.services import conventions

    by_app = conventions.pupil_rows(s, user)
    rows = []
    for r in pupils.my_applications(s, user):
        c = by_app.get(r.get("id"), {}) if isinstance(by_app, dict) else {}
        rows.append(
            {
                **r,
                "convention_label": c.get("state_label", ""),
                "convention_url": c.get("url", ""),
                "convention_can_sign": bool(c.get("can_sign")),
            }
        )
    return rows, pupils.pupil_overview(s, user)


# --- « Mes candidatures » ---------------------------------------------------------------------

DIALOG_TEXTS = {
    "confirm": (
        "Confirmer ton stage ?",
        "En confirmant ce stage ({week}), tes autres candidatures pour {these} seront "
        "retirées et les employeurs prévenus. L'employeur et ton établissement "
        "prépareront ensuite la convention de stage.",
    ),
    "cancel_by_pupil": (
        "Annuler ta candidature ?",
        "Ta candidature à « {title} » ({week}) sera annulée. L'employeur sera prévenu s'il "
        "l'a déjà reçue.",
    ),
}
DONE_TEXTS = {
    "confirm": "Ton stage est confirmé ! Tes autres candidatures pour cette semaine sont retirées.",
    "cancel_by_pupil": "Ta candidature est annulée.",
}


class MyApplicationsState(PupilPage, rx.State):
    """``/espace/eleve/candidatures``."""

    rows: list[dict[str, str]] = []
    authorized: bool = True
    notice: str = ""
    error: str = ""
    dialog_open: bool = False
    dialog_action: str = ""
    dialog_app_id: int = 0
    dialog_title: str = ""
    dialog_text: str = ""

    async def _reload(self, user) -> None:
        rows, overview = await db.call(_my_applications, user)
        self.rows = [flat(r) for r in rows]
        self.authorized = bool(overview.get("authorized", True))

    def _deny(self) -> None:
        self.rows = []

    @rx.event
    async def load(self):
        self.loaded = False
        self.notice = ""
        self.error = ""
        self.dialog_open = False
        user, redirect = await self._open(APPLICATIONS_URL)
        if user is None:
            return redirect
        await self._reload(user)
        self.loaded = True

    @rx.event
    def ask(self, app_id: Any, action: Any):
        """Open the confirmation dialog for a button (the action runs on « Oui »)."""
        if not isinstance(action, str) or action not in DIALOG_TEXTS:
            return
        app_id = client_id(app_id)
        if app_id is None:
            return
        row = next((r for r in self.rows if r.get("id") == str(app_id)), {})
        title, text = DIALOG_TEXTS[action]
        self.dialog_action = action
        self.dialog_app_id = app_id
        self.dialog_title = title
        label = (row.get("week_label") or "cette semaine").lower()
        two_weeks = " (2 semaines)" in label  # a 2de period of two weeks
        self.dialog_text = text.format(
            title=row.get("offer_title", "cette offre"),
            week=label.replace(" (2 semaines)", ", 2 semaines"),
            these="ces semaines" if two_weeks else "cette semaine",
        )
        self.error = ""
        self.notice = ""
        self.dialog_open = True

    @rx.event
    def close_dialog(self):
        self.dialog_open = False

    @rx.event
    def set_dialog_open(self, value: Any):
        self.dialog_open = value is True

    @rx.event
    async def do_action(self, form_data: Any = None):
        """« Oui » in the dialog: the service checks that the caller is the application's
        pupil and that the action is possible now."""
        self.dialog_open = False
        user = await caller(self)
        if user is None:
            return login(APPLICATIONS_URL)
        action = self.dialog_action
        message = form_text(form_values(form_data), "message", 2000)
        error = await db.call(pupils.act_on_application, user, self.dialog_app_id, action, message)
        self.dialog_action, self.dialog_app_id = "", 0
        if error:
            self.error = error
            self.notice = ""
        else:
            self.error = ""
            self.notice = DONE_TEXTS.get(action, "C'est fait.")
        if pupils.is_pupil(user):
            await self._reload(user)


# --- « Mon espace » (pupil section) -----------------------------------------------------------


class PupilSpaceState(rx.State):
    """The pupil section of ``/espace`` (nothing shown to other roles)."""

    is_pupil: bool = False
    counts: dict[str, str] = {}
    authorized: bool = True
    authorized_on: str = ""
    cv_empty: bool = True
    favorites: str = "0"
    targeted: dict[str, str] = {}  # the offer they came from, not applied to yet

    @rx.event
    async def load(self):
        user = await caller(self)
        overview = await db.call(pupils.pupil_overview, user) if pupils.is_pupil(user) else {}
        self.is_pupil = bool(overview)
        if not overview:
            self.counts = {}
            self.targeted = {}
            return
        self.targeted = {k: str(v) for k, v in overview.get("targeted", {}).items()}
        self.counts = flat(overview["counts"])
        self.authorized = bool(overview["authorized"])
        self.authorized_on = overview["authorized_on"]
        self.cv_empty = bool(overview["cv"]["empty"])
        self.favorites = str(overview["favorites"])

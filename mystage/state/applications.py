"""One application as the employer and as the school see it.

Thin: every handler re-derives the caller from the session cookie (``caller(self)``); the
services (:mod:`mystage.services.applications`) check role, ownership and the
action allowed in the current state, so ids or actions sent by a client grant nothing.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import applications
from mystage.services.ids import client_id
from mystage.state.session import caller, login_redirect
from mystage.state.values import as_str, flat_rows

DENIED = "Vous n'avez pas accès à cette candidature."

# The decision dialog: (title, hint above the message, message required, button label).
DIALOGS: dict[str, tuple[str, str, bool, str]] = {
    "accept": (
        "Accepter la candidature",
        "Votre message accompagne votre réponse (facultatif). Vous pouvez accepter plusieurs "
        "élèves pour une même semaine : le premier qui confirme son stage prend la place.",
        False,
        "Accepter",
    ),
    "review": (
        "Mettre la candidature à l'étude",
        "L'élève saura que vous étudiez sa candidature. Message facultatif.",
        False,
        "Mettre à l'étude",
    ),
    "refuse": (
        "Refuser la candidature",
        "Choisissez le motif du refus : l'élève le verra. Un mot d'explication l'aide aussi.",
        False,
        "Refuser",
    ),
    "cancel_by_employer": (
        "Annuler la candidature",
        "Indiquez à l'élève la raison de l'annulation (obligatoire).",
        True,
        "Annuler la candidature",
    ),
    # The same action, in the words of the application's state (services: EMPLOYER_BUTTONS).
    "cancel_by_employer:accepted": (
        "Annuler mon accord",
        "L'élève n'a pas encore confirmé : il ou elle sera prévenu(e) que vous retirez votre "
        "accord. Indiquez-lui la raison (obligatoire).",
        True,
        "Annuler mon accord",
    ),
    "cancel_by_employer:confirmed": (
        "Annuler le stage",
        "L'élève a confirmé son stage chez vous : il n'aura pas lieu. Indiquez-lui la raison "
        "(obligatoire).",
        True,
        "Annuler le stage",
    ),
    "school_validate": (
        "Valider la candidature",
        "Elle sera transmise à l'employeur. Vous pouvez laisser un message à l'élève (facultatif).",
        False,
        "Valider",
    ),
    "school_refuse": (
        "Refuser la candidature",
        "Elle ne sera pas transmise à l'employeur. Un mot d'explication aide l'élève (facultatif).",
        False,
        "Refuser",
    ),
}
DONE = {
    "accept": "Candidature acceptée. L'élève est prévenu(e) et doit maintenant confirmer son stage.",
    "review": "Candidature mise à l'étude. L'élève en est informé(e).",
    "refuse": "Candidature refusée. L'élève en est informé(e).",
    "cancel_by_employer": "Candidature annulée. L'élève en est informé(e).",
    "cancel_by_employer:accepted": "Votre accord est annulé. L'élève en est informé(e).",
    "cancel_by_employer:confirmed": "Le stage est annulé. L'élève en est informé(e).",
    "school_validate": "Candidature validée : elle est transmise à l'employeur.",
    "school_refuse": "Candidature refusée. L'élève en est informé(e).",
}


def app_id_from_path(path: Any) -> int:
    """``/espace/<side>/candidatures/<id>[/impression]`` → id (0 when absent or invalid)."""
    if not isinstance(path, str):
        return 0
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    try:
        i = parts.index("candidatures")
    except ValueError:
        return 0
    return client_id(parts[i + 1] if len(parts) > i + 1 else "") or 0


class _ApplicationPage(rx.State, mixin=True):
    """What the employer's and the school's pages share: the view and the dialog."""

    app_id: int = 0
    loaded: bool = False
    denied: bool = False
    view: dict[str, str] = {}
    cv: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    actions: list[dict[str, str]] = []
    dialog_action: str = ""
    message_error: str = ""
    reason_error: str = ""
    # « Refuser »: the reasons to choose from (value, label), REFUSE_REASONS.
    refuse_reasons: list[list[str]] = [[k, v] for k, v in applications.REFUSE_REASONS.items()]
    notice: str = ""
    error: str = ""
    dialog_version: int = 0

    def _words_key(self) -> str:
        """The open action as its words depend on the application's state (« Annuler mon
        accord » once accepted, « Annuler le stage » once confirmed)."""
        keyed = f"{self.dialog_action}:{self.view.get('state', '')}"
        return keyed if keyed in DIALOGS else self.dialog_action

    def _dialog(self) -> tuple[str, str, bool, str]:
        """(title, hint, message required, button label) of the open dialog."""
        return DIALOGS.get(self._words_key(), ("", "", False, ""))

    @rx.var
    def dialog_title(self) -> str:
        return self._dialog()[0]

    @rx.var
    def dialog_hint(self) -> str:
        return self._dialog()[1]

    @rx.var
    def dialog_required(self) -> bool:
        return self._dialog()[2]

    @rx.var
    def dialog_yes(self) -> str:
        return self._dialog()[3]

    @rx.var
    def dialog_key(self) -> str:
        return f"{self.dialog_action}-{self.dialog_version}"

    def _clear(self) -> None:
        self.view = {}
        self.cv = []
        self.history = []
        self.actions = []
        self.dialog_action = ""

    def _set_view(self, data: dict | None) -> None:
        if data is None:
            self.denied = True
            self._clear()
            return
        self.denied = False
        self.view = {
            k: as_str(v) for k, v in data.items() if not isinstance(v, (list, dict, tuple))
        }
        self.cv = flat_rows(data.get("cv"))
        self.history = flat_rows(data.get("history"))
        self.actions = flat_rows(data.get("actions"))

    def _begin_load(self) -> int:
        self.app_id = app_id_from_path(self.router.url.path)
        self.loaded = False
        self.notice = ""
        self.error = ""
        self.message_error = ""
        self.dialog_action = ""
        return self.app_id

    def _login_redirect(self):
        self._clear()
        return login_redirect(self)

    async def _load(self, view) -> Any:
        """Load the page with ``view(s, user, app_id)`` (None when not allowed)."""
        app_id = self._begin_load()
        user = await caller(self)
        if user is None:
            return self._login_redirect()
        self._set_view(await db.call(view, user, app_id) if app_id else None)
        self.loaded = True

    async def _decide(self, form_data: Any, decide, view, reasons: bool = False) -> Any:
        """« Confirmer » in the dialog: ``decide(s, user, app_id, action, message)`` returns
        errors keyed "message" (the dialog stays open, text kept) or "form"; with
        ``reasons`` (the employer), « Refuser » also sends the reason chosen (errors keyed
        "reason")."""
        action = self.dialog_action
        done = DONE.get(self._words_key(), "")
        user = await caller(self)
        if user is None:
            self.dialog_action = ""
            return self._login_redirect()
        if action not in DIALOGS:
            self.dialog_action = ""
            return
        message = form_data.get("message") if isinstance(form_data, dict) else ""
        if reasons and action == "refuse":  # the reason only goes with a refusal
            reason = form_data.get("reason") if isinstance(form_data, dict) else None
            errors = await db.call(decide, user, self.app_id, action, message, reason)
        else:
            errors = await db.call(decide, user, self.app_id, action, message)
        if not isinstance(errors, dict):
            errors = {"form": DENIED}
        if errors.get("message") or errors.get("reason"):
            self.message_error = errors.get("message", "")
            self.reason_error = errors.get("reason", "")
            return
        self.dialog_action = ""
        self.message_error = ""
        self.reason_error = ""
        self.error = errors.get("form", "")
        self.notice = "" if self.error else done
        self._set_view(await db.call(view, user, self.app_id))

    @rx.event
    def open_dialog(self, action: Any):
        """A decision button: only the actions shown for this application open the dialog
        (the service checks again when « Confirmer » is clicked)."""
        allowed = {a.get("action") for a in self.actions}
        if not isinstance(action, str) or action not in allowed or action not in DIALOGS:
            return
        self.dialog_action = action
        self.message_error = ""
        self.reason_error = ""
        self.notice = ""
        self.error = ""
        self.dialog_version += 1

    @rx.event
    def close_dialog(self):
        self.dialog_action = ""
        self.message_error = ""
        self.reason_error = ""

    @rx.event
    def set_dialog_open(self, value: Any):
        if value is not True:
            self.close_dialog()


class EmployerApplicationState(_ApplicationPage, rx.State):
    """``/espace/employeur/candidatures/[cand_id]`` and its « Impression PDF »."""

    @rx.event
    async def load(self):
        """Opening the page as the deciding employer marks a new application « lue »."""
        return await self._load(applications.open_as_employer)

    @rx.event
    async def load_print(self):
        return await self._load(applications.employer_view)

    @rx.event
    async def decide(self, form_data: Any):
        return await self._decide(
            form_data, applications.decide_as_employer, applications.employer_view, reasons=True
        )


class SchoolApplicationState(_ApplicationPage, rx.State):
    """``/espace/etablissement/candidatures/[cand_id]``: « Valider » / « Refuser »."""

    @rx.event
    async def load(self):
        return await self._load(applications.school_view)

    @rx.event
    async def decide(self, form_data: Any):
        return await self._decide(
            form_data, applications.decide_as_school, applications.school_view
        )


class ApplicationsRedirectState(rx.State):
    @rx.event
    def to_dashboard(self):
        """``/espace/employeur/candidatures`` (reminder mails): the « à traiter » tab."""
        return rx.redirect("/espace/employeur?onglet=a_traiter")

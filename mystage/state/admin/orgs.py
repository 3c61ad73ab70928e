"""Back office, « Structures » (issue 18): administrators and moderators.

Every handler asks the caller again (``permissions.can_moderate``) and the services check
it once more; ids from the client go through ``client_id``.  An action opens a
confirmation (``ask``) and runs on « Confirmer » (``confirm``, or ``submit_dialog`` for
the actions with a field: the suspension's reason, the structure kept by a merge)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import admin_orgs, permissions
from mystage.services.ids import client_id
from mystage.state.session import caller, login_redirect

MSG_MODERATORS_ONLY = "Action réservée aux administrateurs et aux modérateurs."
MSG_BAD_REQUEST = "Demande invalide."

# action → (dialog title, button)
ACTIONS: dict[str, tuple[str, str]] = {
    "validate": ("Valider cette structure ?", "Valider"),
    "refuse": ("Refuser cette structure ?", "Refuser"),
    "suspend": ("Suspendre cette structure ?", "Suspendre"),
    "lift": ("Lever la suspension ?", "Lever la suspension"),
    "merge": ("Regrouper ce doublon ?", "Regrouper"),
}
FORM_ACTIONS = frozenset({"suspend", "merge"})
DONE = {
    "validate": "Structure validée : son responsable est prévenu par courriel.",
    "refuse": "Structure refusée : son responsable est prévenu par courriel.",
    "suspend": "Structure suspendue : ses offres ont quitté la recherche, ses membres sont "
    "prévenus.",
    "lift": "Suspension levée : les membres sont prévenus et peuvent republier leurs offres.",
    "merge": "Doublon regroupé : ses membres, espaces et offres sont passés à la structure "
    "conservée ; les deux responsables sont prévenus.",
}


def _strings(rows: list[dict]) -> list[dict[str, str]]:
    """Rows for the page: every value a string (flags "1" or "")."""
    return [
        {k: ("1" if v else "") if isinstance(v, bool) else str(v) for k, v in r.items()}
        for r in rows
    ]


def _lists(s, actor, query: str):
    pending = admin_orgs.pending_structures(s, actor)
    results = admin_orgs.search_structures(s, actor, query)
    return _strings(pending), _strings(results)


def _run(s, actor, action: str, structure_id: int, data: dict) -> dict[str, str]:
    if action in ("validate", "refuse"):
        error = admin_orgs.decide_structure(s, actor, structure_id, action == "validate")
        return {"form": error} if error else {}
    if action == "lift":
        error = admin_orgs.lift_suspension(s, actor, structure_id)
        return {"form": error} if error else {}
    if action == "suspend":
        return admin_orgs.suspend_structure(s, actor, structure_id, data)
    if action == "merge":
        return admin_orgs.merge_structures(s, actor, structure_id, data.get("target", ""))
    return {"form": MSG_BAD_REQUEST}


class StructuresAdminState(rx.State):
    allowed: bool = False
    pending: list[dict[str, str]] = []
    results: list[dict[str, str]] = []
    query: str = ""
    message: str = ""
    # The confirmation open: its action, the structure (id, name), the errors.
    dialog_action: str = ""
    dialog_id: int = 0
    dialog_name: str = ""
    errors: dict[str, str] = {}
    history: list[dict[str, str]] = []
    history_name: str = ""

    async def _guard(self):
        """The caller when they may moderate; else clears the page and returns None."""
        actor = await caller(self)
        if not permissions.can_moderate(actor):
            self.allowed = False
            self.pending, self.results, self.history = [], [], []
            self.dialog_action = ""
            self.message = MSG_MODERATORS_ONLY
            return None
        return actor

    async def _reload(self, actor):
        self.pending, self.results = await db.call(_lists, actor, self.query)

    @rx.event
    async def load(self):
        actor = await caller(self)
        self.allowed = permissions.can_moderate(actor)
        self.dialog_action, self.errors, self.history = "", {}, []
        if not self.allowed:
            self.pending, self.results = [], []
            if actor is None:
                return login_redirect(self)
            return None
        self.message = ""
        await self._reload(actor)
        return None

    @rx.event
    async def search(self, form: dict):
        """« Rechercher »: by name, SIRET or « #id » (empty: the suspended structures)."""
        actor = await self._guard()
        if actor is None:
            return
        q = form.get("q", "") if isinstance(form, dict) else ""
        self.query = q.strip()[:200] if isinstance(q, str) else ""
        self.message = ""
        await self._reload(actor)

    def _name_of(self, structure_id: int) -> str:
        for row in (*self.pending, *self.results):
            if row.get("id") == str(structure_id):
                return row.get("name", "")
        return ""

    @rx.event
    async def ask(self, action: Any, structure_id: Any):
        """Open the confirmation of ``action`` on a structure (nothing is done yet)."""
        actor = await self._guard()
        if actor is None:
            return
        sid = client_id(structure_id)
        if action not in ACTIONS or sid is None:
            self.message = MSG_BAD_REQUEST
            return
        self.dialog_action, self.dialog_id = action, sid
        self.dialog_name = self._name_of(sid) or f"n° {sid}"
        self.errors = {}

    @rx.event
    def cancel(self):
        self.dialog_action, self.dialog_id, self.dialog_name, self.errors = "", 0, "", {}

    async def _apply(self, data: dict):
        actor = await self._guard()
        if actor is None:
            return
        action, sid = self.dialog_action, self.dialog_id
        if action not in ACTIONS or not sid:
            self.cancel()
            return
        errors = await db.call(_run, actor, action, sid, data)
        if errors:
            self.errors = errors
            return
        self.cancel()
        self.message = DONE[action]
        await self._reload(actor)

    @rx.event
    async def confirm(self):
        """« Confirmer » a validation, a refusal or the lifting of a suspension."""
        if self.dialog_action in FORM_ACTIONS:
            return
        await self._apply({})

    @rx.event
    async def submit_dialog(self, form: dict):
        """« Suspendre » (``reason``) or « Regrouper » (``target``): the dialog's form."""
        if self.dialog_action not in FORM_ACTIONS:
            return
        data = form if isinstance(form, dict) else {}
        await self._apply({k: data.get(k, "") for k in ("reason", "target")})

    @rx.event
    async def show_history(self, structure_id: Any):
        """« Historique »: the audit rows of a structure and of its merged duplicates."""
        actor = await self._guard()
        if actor is None:
            return
        sid = client_id(structure_id)
        if sid is None:
            self.message = MSG_BAD_REQUEST
            return
        self.history = await db.call(admin_orgs.structure_history, actor, sid)
        self.history_name = self._name_of(sid) or f"n° {sid}"

    @rx.var
    def dialog_title(self) -> str:
        return ACTIONS.get(self.dialog_action, ("", ""))[0]

    @rx.var
    def dialog_button(self) -> str:
        return ACTIONS.get(self.dialog_action, ("", ""))[1]

    @rx.var
    def form_error(self) -> str:
        return self.errors.get("form", "")

    @rx.var
    def reason_error(self) -> str:
        return self.errors.get("reason", "")

    @rx.var
    def target_error(self) -> str:
        return self.errors.get("target", "")

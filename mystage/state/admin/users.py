"""Back office « Utilisateurs »: the search (:class:`AdminUsersState`) and the user page
with its actions (:class:`AdminUserState`).  Administrators only: every handler asks
``permissions.can_admin`` of the caller re-derived from the session cookie; the account acted
upon comes from the page's address (bounded by ``client_id``), never from the payload."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import reflex as rx

from mystage import db
from mystage.services import admin_users, permissions
from mystage.services.ids import client_id
from mystage.state.session import caller, login_redirect

MSG_ADMIN_ONLY = admin_users.MSG_ADMIN_ONLY
MSG_BAD_REQUEST = "Demande invalide."

# action → (dialog title, dialog text, success message)
ACTIONS: dict[str, tuple[str, str, str]] = {
    "resend_activation": (
        "Renvoyer l'activation ?",
        "Un nouveau lien d'activation (ou un nouveau code par SMS pour un compte sans "
        "adresse e-mail) est envoyé ; les précédents ne marchent plus.",
        "Activation renvoyée.",
    ),
    "reset_link": (
        "Envoyer un lien de réinitialisation ?",
        "La personne reçoit par courriel un lien (valable 1 heure) pour choisir elle-même un "
        "nouveau mot de passe. Vous ne voyez ni ne choisissez jamais son mot de passe.",
        "Lien de réinitialisation envoyé.",
    ),
    "unlock": (
        "Déverrouiller ce compte ?",
        "Le compte verrouillé après des mots de passe incorrects peut de nouveau se "
        "connecter tout de suite.",
        "Compte déverrouillé.",
    ),
    "block": (
        "Bloquer ce compte ?",
        "Toutes ses sessions sont fermées et la connexion est refusée jusqu'au déblocage. "
        "La personne reçoit le motif par courriel.",
        "Compte bloqué : ses sessions sont fermées.",
    ),
    "unblock": (
        "Débloquer ce compte ?",
        "La personne peut de nouveau se connecter ; elle en est prévenue par courriel.",
        "Compte débloqué.",
    ),
    "role": (
        "Changer le profil ?",
        "Le compte change d'espace et de droits dès sa prochaine action ; la personne est "
        "prévenue par courriel.",
        "Profil changé.",
    ),
    "anonymise": (
        "Anonymiser ce compte ?",
        "Comme « Supprimer mon compte » : noms, adresse, téléphone et fichiers effacés, "
        "candidatures en cours retirées (les employeurs prévenus). C'est définitif.",
        "Compte anonymisé.",
    ),
}


def _search(s, actor, query: str, page: int):
    return admin_users.search_users(s, actor, query, page)


def _profile(s, actor, user_id: int):
    return admin_users.user_profile(s, actor, user_id)


def _run(s, actor, action: str, user_id: int, reason: str, role: str) -> dict[str, str]:
    if action == "resend_activation":
        return admin_users.resend_activation(s, actor, user_id)
    if action == "reset_link":
        return admin_users.send_reset_link(s, actor, user_id)
    if action == "unlock":
        return admin_users.unlock(s, actor, user_id)
    if action == "block":
        return admin_users.block(s, actor, user_id, reason)
    if action == "unblock":
        return admin_users.unblock(s, actor, user_id)
    if action == "role":
        return admin_users.change_role(s, actor, user_id, role)
    if action == "anonymise":
        return admin_users.anonymise(s, actor, user_id)
    return {"form": MSG_BAD_REQUEST}


def user_id_from_path(path: Any) -> int:
    """``/espace/admin/utilisateurs/<id>`` → id (bounded); 0 when invalid."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p] if isinstance(path, str) else []
    if len(parts) != 4 or parts[:3] != ["espace", "admin", "utilisateurs"]:
        return 0
    return client_id(parts[3]) or 0


class AdminUsersState(rx.State):
    """/espace/admin/utilisateurs?q=…&page=…: the search, its criteria in the address."""

    allowed: bool = False
    loaded: bool = False
    query: str = ""
    kind_label: str = ""
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1

    @rx.event
    async def load(self):
        actor = await caller(self)
        self.allowed = permissions.can_admin(actor)
        self.rows = []
        if not self.allowed:
            self.loaded = False
            return login_redirect(self) if actor is None else None
        params = self.router.url.query_parameters
        q = params.get("q", "")
        self.query = q[: admin_users.QUERY_MAX] if isinstance(q, str) else ""
        result = await db.call(_search, actor, self.query, params.get("page", "1"))
        self.rows = result["rows"]
        self.total = result["total"]
        self.page = result["page"]
        self.pages = result["pages"]
        self.kind_label = result["kind_label"]
        self.loaded = True

    def _url(self, query: str, page: int = 1) -> str:
        url = f"{admin_users.USERS_URL}?q={quote(query)}"
        return url + (f"&page={page}" if page > 1 else "")

    @rx.event
    async def search(self, form: Any):
        actor = await caller(self)
        if not permissions.can_admin(actor):
            self.allowed = False
            self.rows = []
            return login_redirect(self) if actor is None else None
        q = form.get("q", "") if isinstance(form, dict) else ""
        q = q.strip()[: admin_users.QUERY_MAX] if isinstance(q, str) else ""
        return rx.redirect(self._url(q))

    @rx.event
    async def go_page(self, page: Any):
        actor = await caller(self)
        if not permissions.can_admin(actor):
            self.allowed = False
            self.rows = []
            return None
        page_no = client_id(page)
        if page_no is None:
            return None
        return rx.redirect(self._url(self.query, page_no))


class AdminUserState(rx.State):
    """/espace/admin/utilisateurs/[user_id]: the account, and its actions behind a
    confirmation (the reason of a block and the new role are checked before the dialog
    opens and kept server-side until « Confirmer »)."""

    allowed: bool = False
    found: bool = False
    user: dict[str, Any] = {}
    sessions: list[dict[str, str]] = []
    applications: list[dict[str, str]] = []
    offers: list[dict[str, str]] = []
    audit: list[dict[str, str]] = []
    structures: list[dict[str, str]] = []
    role_options: list[dict[str, str]] = []
    blockers: list[str] = []
    actions: dict[str, bool] = {}
    errors: dict[str, str] = {}
    message: str = ""
    message_kind: str = "info"  # "success" or "error"
    confirm_action: str = ""
    confirm_title: str = ""
    confirm_text: str = ""
    _pending_reason: str = ""
    _pending_role: str = ""

    def _target(self) -> int:
        return user_id_from_path(self.router.url.path)

    def _deny(self, actor):
        self.allowed = False
        self.found = False
        self.user = {}
        self.confirm_action = ""
        self.message = MSG_ADMIN_ONLY
        self.message_kind = "error"
        return login_redirect(self) if actor is None else None

    async def _reload(self, actor) -> None:
        data = await db.call(_profile, actor, self._target())
        self.found = data is not None
        if data is None:
            self.user = {}
            self.sessions = self.applications = self.offers = self.audit = []
            self.structures = self.role_options = []
            self.blockers = []
            self.actions = {}
            return
        acts = data.pop("actions")
        self.sessions = data.pop("sessions")
        self.applications = data.pop("applications")
        self.offers = data.pop("offers")
        self.audit = data.pop("audit")
        self.structures = data.pop("structures")
        self.role_options = acts.pop("roles")
        self.blockers = acts.pop("anonymise_blockers")
        self.actions = {k: bool(v) for k, v in acts.items()}
        self.user = data

    @rx.event
    async def load(self):
        actor = await caller(self)
        self.allowed = permissions.can_admin(actor)
        self.errors = {}
        self.message = ""
        self.confirm_action = ""
        if not self.allowed:
            return self._deny(actor)
        await self._reload(actor)

    def _open(self, action: str) -> None:
        title, text, _done = ACTIONS[action]
        self.confirm_action = action
        self.confirm_title = title
        self.confirm_text = text

    @rx.event
    async def ask(self, action: Any):
        """Open the confirmation of an action without a form (not block nor role)."""
        actor = await caller(self)
        if not permissions.can_admin(actor):
            return self._deny(actor)
        self.errors = {}
        if not isinstance(action, str) or action not in ACTIONS or action in ("block", "role"):
            self.message, self.message_kind = MSG_BAD_REQUEST, "error"
            return None
        self._open(action)
        return None

    @rx.event
    async def ask_block(self, form: Any):
        """« Bloquer le compte »: the reason is checked, then the confirmation opens."""
        actor = await caller(self)
        if not permissions.can_admin(actor):
            return self._deny(actor)
        reason = form.get("reason", "") if isinstance(form, dict) else ""
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            self.errors = {"reason": "Indiquez le motif du blocage (il est envoyé à la personne)."}
            return None
        if len(reason) > admin_users.REASON_MAX:
            self.errors = {
                "reason": f"Le motif ne doit pas dépasser {admin_users.REASON_MAX} caractères."
            }
            return None
        self.errors = {}
        self._pending_reason = reason
        self._open("block")
        return None

    @rx.event
    async def ask_role(self, form: Any):
        """« Changer le profil »: the chosen role is checked, then the confirmation opens."""
        actor = await caller(self)
        if not permissions.can_admin(actor):
            return self._deny(actor)
        role = form.get("role", "") if isinstance(form, dict) else ""
        if not isinstance(role, str) or role not in {o["value"] for o in self.role_options}:
            self.errors = {"role": "Choisissez un des profils proposés."}
            return None
        self.errors = {}
        self._pending_role = role
        self._open("role")
        return None

    @rx.event
    def cancel(self):
        self.confirm_action = ""

    @rx.event
    async def confirm(self):
        """« Confirmer »: run the action opened by :meth:`ask` / :meth:`ask_block` /
        :meth:`ask_role` on the account of the page's address."""
        action = self.confirm_action
        self.confirm_action = ""
        actor = await caller(self)
        if not permissions.can_admin(actor):
            return self._deny(actor)
        if action not in ACTIONS:
            self.message, self.message_kind = MSG_BAD_REQUEST, "error"
            return None
        target = self._target()
        if not target:
            self.message, self.message_kind = MSG_BAD_REQUEST, "error"
            return None
        errors = await db.call(
            _run, actor, action, target, self._pending_reason, self._pending_role
        )
        self._pending_reason = ""
        self._pending_role = ""
        self.errors = {k: v for k, v in errors.items() if k != "form"}
        self.message = errors.get("form", "") or ("" if errors else ACTIONS[action][2])
        self.message_kind = "error" if errors else "success"
        await self._reload(actor)
        return None

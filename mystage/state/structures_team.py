"""« Mon équipe » (``/espace/employeur/equipe``) and the invitation link
(``/invitation/equipe/<token>``).

Thin: every handler re-derives the caller from the session cookie; the services check
role, ownership and the membership rows at each call (a removed member is refused at once)
and raise PermissionDenied; ids from the client are only lookups the services authorise.
"""

from __future__ import annotations

import time
from typing import Any

import reflex as rx

from mystage import db
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state.navigation import open_session
from mystage.state.session import caller, client_ip, here, login_redirect
from mystage.state.values import flat, flat_rows, form_flag, form_str

DASHBOARD_URL = "/espace/employeur"
TEAM_URL = "/espace/employeur/equipe"
MSG_DENIED = "Action réservée au responsable de la structure."
CONFIRM_ACTIONS = ("remove", "hand_over", "leave")


# ---------------------------------------------------------------- team page


def _overview(s, user):
    from mystage.services import structures

    return structures.team_overview(s, user)


def _act(s, user, action: str, member_id: int | None, ip: str):
    from mystage.services import structures

    if action == "leave":
        return structures.leave_team(s, user)
    fn = {
        "remove": structures.remove_member,
        "hand_over": structures.hand_over,
        "cancel": structures.cancel_invitation,
    }.get(action)
    if action == "resend":
        return structures.resend_invitation(s, user, member_id, ip)
    if fn is None:
        return "Action inconnue."
    return fn(s, user, member_id)


def _invite(s, user, email: str, ip: str):
    from mystage.services import structures

    return structures.invite_colleague(s, user, email, ip)


def _decide_request(s, user, member_id: int, accept: bool) -> str:
    from mystage.services import structures

    return structures.decide_join_request(s, user, member_id, accept)


DONE = {
    "remove": "Le membre a été retiré de l'équipe ; ses offres sont passées au responsable.",
    "hand_over": "La responsabilité de la structure a été confiée. Un e-mail vous a été envoyé.",
    "resend": "Une nouvelle invitation a été envoyée (le lien précédent ne marche plus).",
    "cancel": "L'invitation a été annulée.",
}


class TeamState(rx.State):
    allowed: bool = True
    is_owner: bool = False
    structure_name: str = ""
    members: list[dict[str, str]] = []
    invitations: list[dict[str, str]] = []
    requests: list[dict[str, str]] = []
    message: str = ""
    error: str = ""
    invite_error: str = ""
    invite_value: str = ""
    invite_key: int = 0  # a new key clears the e-mail input after a sent invitation
    confirm_action: str = ""
    confirm_id: int = 0
    confirm_name: str = ""

    def _show(self, overview: dict[str, Any]) -> None:
        self.allowed = True
        self.is_owner = bool(overview["is_owner"])
        self.structure_name = overview["structure_name"]
        self.members = flat_rows(overview["members"])
        self.invitations = flat_rows(overview["invitations"])
        self.requests = flat_rows(overview["requests"])

    def _deny(self) -> None:
        self.allowed = False
        self.is_owner = False
        self.members, self.invitations, self.requests = [], [], []

    async def _refresh(self, user) -> None:
        try:
            self._show(await db.call(_overview, user))
        except PermissionDenied:
            self._deny()

    @rx.event
    async def load(self):
        self.message = self.error = self.invite_error = ""
        self.confirm_action, self.confirm_id, self.confirm_name = "", 0, ""
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        await self._refresh(user)
        return None

    @rx.event
    async def invite(self, form_data: Any):
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        email = form_str(form_data, "email", 300)
        self.invite_value = email
        self.message = self.error = ""
        try:
            errors = await db.call(_invite, user, email, client_ip(self))
        except PermissionDenied:
            self.invite_error = MSG_DENIED
            await self._refresh(user)
            return None
        self.invite_error = errors.get("email", "") or errors.get("form", "")
        if not errors:
            self.message = f"Invitation envoyée à {email}."
            self.invite_value = ""
            self.invite_key += 1
        await self._refresh(user)
        return None

    async def _run(self, action: str, member_id: Any):
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        mid = client_id(member_id)
        self.message = self.error = ""
        try:
            error = await db.call(_act, user, action, mid, client_ip(self))
        except PermissionDenied:
            self.error = MSG_DENIED
            await self._refresh(user)
            return None
        self.error = error
        if not error and action == "leave":
            return rx.redirect(DASHBOARD_URL)
        if not error:
            self.message = DONE.get(action, "")
        await self._refresh(user)
        return None

    @rx.event
    async def resend(self, member_id: Any):
        return await self._run("resend", member_id)

    @rx.event
    async def cancel_invitation(self, member_id: Any):
        return await self._run("cancel", member_id)

    @rx.event
    def ask(self, action: Any, member_id: Any, name: Any = ""):
        """First click on « Retirer », « Confier la responsabilité », « Quitter l'équipe »:
        the confirmation line shows (nothing is done yet)."""
        if action not in CONFIRM_ACTIONS:
            return
        self.confirm_action = action
        self.confirm_id = client_id(member_id) or 0
        self.confirm_name = name[:200] if isinstance(name, str) else ""

    @rx.event
    def dismiss(self):
        self.confirm_action, self.confirm_id, self.confirm_name = "", 0, ""

    @rx.event
    async def confirm(self):
        action, mid = self.confirm_action, self.confirm_id
        self.dismiss()
        if action not in CONFIRM_ACTIONS:
            return None
        return await self._run(action, mid)

    @rx.event
    async def decide(self, member_id: Any, accept: bool):
        member_id = client_id(member_id)
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        if member_id is None:
            return None
        self.message = self.error = ""
        try:
            error = await db.call(_decide_request, user, member_id, accept is True)
        except PermissionDenied:
            self.error = MSG_DENIED
            await self._refresh(user)
            return None
        self.error = error
        if not error:
            self.message = "Demande acceptée." if accept is True else "Demande refusée."
        await self._refresh(user)
        return None


# ---------------------------------------------------------------- invitation link


def _info(s, token: str):
    from mystage.services import structures

    return structures.invitation_info(s, token)


def _join(s, user, token: str) -> str:
    from mystage.services import structures

    return structures.accept_as_user(s, user, token)


def _signup(s, token: str, data: dict, ip: str):
    from mystage.services import accounts, structures

    user, errors = structures.accept_with_signup(s, token, data, ip)
    if user is None:
        return None, errors
    grant = accounts.issue_login_grant(s, user, DASHBOARD_URL)
    s.commit()
    return grant, {}


SIGNUP_TEXT = ("civility", "first_name", "last_name", "job_title", "phone_mobile")


class TeamInvitationState(rx.State):
    """``/invitation/equipe/<token>``: sign up (visitor) or join (logged in)."""

    loaded: bool = False
    invalid: str = ""  # the link's problem (used, expired, invalid)
    info: dict[str, str] = {}
    logged_in: bool = False
    logged_email: str = ""
    login_href: str = "/connexion"
    refused: str = ""  # a logged-in person who may not use this link
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    done: bool = False
    _grant: str = ""
    _grant_at: float = 0.0

    def _token(self) -> str:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        token = parts[2] if len(parts) > 2 and parts[:2] == ["invitation", "equipe"] else ""
        return token[:200]

    @rx.event
    async def load(self):
        self.loaded = self.done = False
        self.errors, self.refused, self.invalid, self._grant = {}, "", "", ""
        info, error = await db.call(_info, self._token())
        self.info = flat(info) if info else {}
        self.invalid = error
        self.values = {"civility": "", "first_name": "", "last_name": ""}
        user = await caller(self)
        self.logged_in = user is not None
        self.logged_email = (user.email or "") if user is not None else ""
        from mystage.services import accounts

        self.login_href = accounts.login_url(here(self))
        self.loaded = True

    @rx.event
    async def join(self):
        """Logged in: « Rejoindre l'équipe »."""
        user = await caller(self)
        if user is None:
            self.logged_in = False
            return login_redirect(self)
        try:
            error = await db.call(_join, user, self._token())
        except PermissionDenied:
            return login_redirect(self)
        if error:
            self.refused = error
            return None
        self.done = True
        return rx.redirect(TEAM_URL)

    @rx.event
    async def submit(self, form_data: Any):
        form = form_data if isinstance(form_data, dict) else {}
        self.values = {k: form_str(form, k, 200) for k in SIGNUP_TEXT}
        data: dict[str, Any] = dict(self.values)
        for key in ("password", "password2"):
            value = form.get(key)
            data[key] = value[:200] if isinstance(value, str) else ""
        data["accept_privacy"] = form_flag(form, "accept_privacy")
        # The password estimator costs CPU: the service runs it off the event loop (db.call).
        grant, errors = await db.call(_signup, self._token(), data, client_ip(self))
        if grant is None:
            errors = dict(errors)
            if "token" in errors:
                self.invalid = errors.pop("token")
            self.errors = errors
            return None
        self.errors = {}
        self.done = True
        self._grant = grant
        self._grant_at = time.monotonic()
        return None

    @rx.event
    async def go(self):
        """« Accéder à mon espace »: log in with the grant just issued (2 minutes), else
        through the login page."""
        grant, self._grant = self._grant, ""
        if self.done and grant and time.monotonic() - self._grant_at < 110:
            await open_session(self, grant)
            return None
        return login_redirect(self, DASHBOARD_URL)

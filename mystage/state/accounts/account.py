"""« Mon compte » (/espace/compte): names, e-mail address, mobile number and sessions of the
caller, re-checked on the server in every handler; and the page of the link that confirms
a new e-mail address (/espace/compte/courriel).  The password form is AccountState's."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.models import AuthSession, Role, User
from mystage.services import permissions
from mystage.state.navigation import load_document
from mystage.state.session import SessionState, caller, client_ip, login_redirect
from mystage.state.values import form_str, id_param

SIGNED_OUT_URL = "/connexion"
MSG_SESSION_UNKNOWN = "Cette session n'existe plus ou n'est pas la vôtre."


def display_phone(phone: str) -> str:
    """``+33612345678`` → ``06 12 34 56 78`` (overseas mobiles too); others as stored."""
    national = ""
    if phone.startswith("+33") and len(phone) == 12:
        national = "0" + phone[3:]
    elif phone.startswith(("+590", "+594", "+596", "+262")) and len(phone) == 13:
        national = "0" + phone[4:]
    if not national:
        return phone
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


def _when(value) -> str:
    from mystage import clock

    local = clock.paris(value)
    return local.strftime("%d/%m/%Y à %H:%M") if local else ""


def _account(s, user_id: int, token: str | None) -> dict:
    from mystage.services.accounts import live_sessions

    user = s.get(User, user_id)
    sessions = [
        {
            "id": str(row["id"]),
            "device": row["device"],
            "ip": row["ip"],
            "last_seen": _when(row["last_seen"]),
            "created": _when(row["created"]),
            "current": "1" if row["current"] else "",
        }
        for row in live_sessions(s, user_id, token)
    ]
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email or "",
        "phone": display_phone(user.phone or ""),
        "tu": user.role == Role.ELEVE,
        "sessions": sessions,
    }


def _save_names(s, user_id: int, first: str, last: str) -> dict[str, str]:
    from mystage.services import accounts

    return accounts.change_names(s, user_id, first, last)


def _ask_email(s, user_id: int, email: str, ip: str):
    from mystage.services import accounts

    return accounts.request_email_change(s, user_id, email, ip)


def _ask_phone(s, user_id: int, phone: str, ip: str):
    from mystage.services import accounts

    return accounts.request_phone_change(s, user_id, phone, ip)


def _confirm_phone(s, user_id: int, phone: str, code: str):
    from mystage.services import accounts

    return accounts.confirm_phone_change(s, user_id, phone, code)


def _revoke_one(s, user_id: int, session_id: int) -> bool:
    from mystage.services.accounts import revoke_user_session

    row = s.get(AuthSession, session_id)
    user = s.get(User, user_id)
    if row is None or not permissions.can_revoke_session(user, row):
        return False
    return revoke_user_session(s, user_id, session_id)


def _sign_out(s, user_id: int, keep_token: str | None) -> int:
    from mystage.services.accounts import sign_out_everywhere

    return sign_out_everywhere(s, user_id, keep_token)


def _confirm_email(s, token: str):
    from mystage.services import accounts

    user, message = accounts.confirm_email_change(s, token)
    return (user is not None, message, bool(user is not None and user.role == Role.ELEVE))


class MyAccountState(rx.State):
    """The caller's own account; nothing here is trusted from the client but form text."""

    loaded: bool = False
    tu: bool = False
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    sessions: list[dict[str, str]] = []

    name_errors: dict[str, str] = {}
    name_saved: bool = False
    email_errors: dict[str, str] = {}
    email_sent_to: str = ""
    phone_errors: dict[str, str] = {}
    phone_pending: str = ""  # the new number a code was sent to, as shown
    _phone_pending: str = ""  # the same, normalised (backend only: no client sets it)
    phone_saved: bool = False
    sessions_message: str = ""

    async def _user(self):
        user = await caller(self)
        return user if permissions.can_edit_account(user) else None

    async def _token(self) -> str | None:
        session = await self.get_state(SessionState)
        return session._token()

    async def _refresh(self, user_id: int) -> None:
        data = await db.call(_account, user_id, await self._token())
        self.first_name = data["first_name"]
        self.last_name = data["last_name"]
        self.email = data["email"]
        self.phone = data["phone"]
        self.tu = data["tu"]
        self.sessions = data["sessions"]
        self.loaded = True

    def _clear(self) -> None:
        self.loaded = False
        self.first_name = self.last_name = self.email = self.phone = ""
        self.sessions = []
        self.phone_pending = self._phone_pending = self.email_sent_to = ""

    @rx.event
    async def load(self):
        self.name_errors, self.email_errors, self.phone_errors = {}, {}, {}
        self.name_saved = self.phone_saved = False
        self.sessions_message = ""
        user = await self._user()
        if user is None:
            self._clear()
            return login_redirect(self)
        await self._refresh(user.id)

    @rx.event
    async def save_names(self, form_data: dict):
        self.name_saved = False
        user = await self._user()
        if user is None:
            self._clear()
            return login_redirect(self)
        first = form_str(form_data, "first_name", 200)
        last = form_str(form_data, "last_name", 200)
        errors = await db.call(_save_names, user.id, first, last)
        self.name_errors = errors
        if not errors:
            self.name_saved = True
            await self._refresh(user.id)
            session = await self.get_state(SessionState)
            await session.current_user_id()  # the header shows the new name

    @rx.event
    async def request_email(self, form_data: dict):
        self.email_sent_to = ""
        user = await self._user()
        if user is None:
            self._clear()
            return login_redirect(self)
        email = form_str(form_data, "new_email", 300)
        sent_to, errors = await db.call(_ask_email, user.id, email, client_ip(self))
        self.email_errors = errors
        self.email_sent_to = sent_to or ""

    @rx.event
    async def request_phone(self, form_data: dict):
        self.phone_saved = False
        user = await self._user()
        if user is None:
            self._clear()
            return login_redirect(self)
        phone = form_str(form_data, "new_phone", 40)
        sent_to, errors = await db.call(_ask_phone, user.id, phone, client_ip(self))
        self.phone_errors = errors
        if sent_to:
            self._phone_pending = sent_to
            self.phone_pending = display_phone(sent_to)

    @rx.event
    async def confirm_phone(self, form_data: dict):
        user = await self._user()
        if user is None:
            self._clear()
            return login_redirect(self)
        if not self._phone_pending:
            self.phone_errors = {"code": "Il faut d'abord demander un code pour le nouveau numéro."}
            return
        code = form_str(form_data, "code", 20)
        number, errors = await db.call(_confirm_phone, user.id, self._phone_pending, code)
        self.phone_errors = errors
        if number:
            self.phone_pending = self._phone_pending = ""
            self.phone_saved = True
            await self._refresh(user.id)

    @rx.event
    async def cancel_phone(self):
        self.phone_pending = self._phone_pending = ""
        self.phone_errors = {}

    @rx.event
    async def revoke_session(self, session_id):
        user = await self._user()
        if user is None:
            self._clear()
            return login_redirect(self)
        sid = id_param(session_id)
        ok = bool(sid) and await db.call(_revoke_one, user.id, sid)
        self.sessions_message = "Session fermée." if ok else MSG_SESSION_UNKNOWN
        await self._refresh(user.id)

    @rx.event
    async def revoke_others(self):
        user = await self._user()
        if user is None:
            self._clear()
            return login_redirect(self)
        token = await self._token()
        if not token:
            return login_redirect(self)
        count = await db.call(_sign_out, user.id, token)
        self.sessions_message = (
            "Aucune autre session n'était ouverte."
            if count == 0
            else f"{count} autre(s) session(s) fermée(s)."
        )
        await self._refresh(user.id)

    @rx.event
    async def sign_out_everywhere(self):
        user = await self._user()
        if user is None:
            self._clear()
            return login_redirect(self)
        await db.call(_sign_out, user.id, None)
        self._clear()
        # Every session is revoked, this one too: the cookie left in this browser opens
        # nothing.  A full page load (no eval, components/browser) shows the logged-out site.
        await load_document(self, SIGNED_OUT_URL)


class EmailChangeState(rx.State):
    """/espace/compte/courriel?token=…: the link sent to the new address."""

    done: bool = False
    error: str = ""
    tu: bool = False

    @rx.event
    async def load(self):
        token = self.router.url.query_parameters.get("token", "")[:200]
        if not token:
            self.done = False
            self.error = "Lien incomplet : copiez le lien entier reçu par courriel."
            return
        self.done, self.error, self.tu = await db.call(_confirm_email, token)

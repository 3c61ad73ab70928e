"""``/invitation?token=…``: the invited staff member creates the account."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import reflex as rx

from mystage import db
from mystage.services import schools
from mystage.services.accounts import passwords
from mystage.state.navigation import open_session
from mystage.state.schools.space import SPACE_URL
from mystage.state.schools.values import display_row, form_checked, form_raw
from mystage.state.session import login_redirect
from mystage.state.values import form_str


def _accept(s, token: str, first: str, last: str, password: str, terms: bool):
    from mystage.services import accounts

    user, errors = schools.accept_invitation(s, token, first, last, password, accept_terms=terms)
    if user is None:
        return None, errors
    grant = accounts.issue_login_grant(s, user, SPACE_URL)
    return grant, {}


class InvitationState(rx.State):
    """``/invitation?token=…``: the invited staff member creates the account."""

    valid: bool = False
    info: dict[str, str] = {}
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    done: bool = False
    _grant: str = ""
    _grant_at: float = 0.0

    def _token(self) -> str:
        token = self.router.url.query_parameters.get("token", "")
        return token[:200] if isinstance(token, str) else ""

    @rx.event
    async def load(self):
        self.done = False
        self.errors = {}
        self._grant = ""
        token = self._token()
        info = await db.call(schools.invitation_info, token) if token else None
        self.valid = info is not None
        self.info = display_row(info) if info else {}

    @rx.event
    async def submit(self, form_data: Any):
        form = form_data if isinstance(form_data, dict) else {}
        token = self._token()
        self.values = {
            "first_name": form_str(form, "first_name", 100),
            "last_name": form_str(form, "last_name", 100),
        }
        password, password2 = form_raw(form, "password"), form_raw(form, "password2")
        mismatch = password != password2
        # Mismatched passwords: the service still checks the rest (all errors at once) but
        # gets no password, so it cannot create the account.
        grant, errors = await db.call(
            _accept,
            token,
            self.values["first_name"],
            self.values["last_name"],
            "" if mismatch else password,
            form_checked(form, "accept_terms"),
        )
        if grant is None:
            errors = dict(errors)
            if "token" in errors:
                self.valid = False
                self.info = {}
            elif mismatch:
                errors.pop("password", None)
                names = (self.values["first_name"], self.values["last_name"])
                # The estimator costs up to ~0.1 s of CPU: off the event loop.
                pw_error = await asyncio.to_thread(passwords.password_error, password, names)
                if pw_error:
                    errors["password"] = pw_error
                else:
                    errors["password2"] = schools.MSG_PASSWORD_MISMATCH
            self.errors = errors
            return
        self.errors = {}
        self.done = True
        self._grant = grant
        self._grant_at = time.monotonic()

    @rx.event
    async def go(self):
        """« Accéder à l'espace de l'établissement »: log in with the grant just issued
        (backend-only, 2 minutes), else through the login page."""
        grant, self._grant = self._grant, ""
        if self.done and grant and time.monotonic() - self._grant_at < 110:
            await open_session(self, grant)
            return None
        return login_redirect(self, SPACE_URL)

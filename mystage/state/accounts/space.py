"""« Mon espace » and the password form of « Mon compte »: only for the logged-in caller,
re-checked in every handler."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.models import LEVEL_LABELS, REFERENT_ROLES, ROLE_LABELS, Role, User
from mystage.services import permissions
from mystage.state.session import caller, login_redirect


def _profile(s, user_id: int) -> dict[str, str]:
    from mystage.services import accounts

    user = s.get(User, user_id)
    if user is None:
        return {}
    return {
        "name": user.full_name,
        "email": user.email or "",
        "phone": user.phone or "",
        "role": ROLE_LABELS.get(user.role, user.role),
        "level": LEVEL_LABELS.get(user.level, ""),
        # « Fonction » when it says more than the profile (not « Chef d'établissement » twice).
        "job_title": "" if user.job_title == ROLE_LABELS.get(user.role) else user.job_title,
        "territory": accounts.referent_territory(s, user),
    }


def _change_password(s, user_id: int, current: str, new: str, token: str | None):
    from mystage.services import accounts

    user = s.get(User, user_id)
    errors = accounts.change_password(s, user, current, new, keep_token=token)
    # The service names its fields current_password / new_password; the form: current / password.
    names = {"current_password": "current", "new_password": "password"}
    return {names.get(k, k): v for k, v in (errors or {}).items()}


class AccountState(rx.State):
    profile: dict[str, str] = {}
    errors: dict[str, str] = {}
    saved: bool = False
    # « Mon espace » cards by role (layout only: every target page checks the caller again).
    is_referent: bool = False  # départemental, académique, central
    is_admin: bool = False

    @rx.var
    def show_stats(self) -> bool:
        """« Statistiques et exports »: référents and administrators."""
        return self.is_referent or self.is_admin

    @rx.event
    async def load(self):
        self.saved = False
        self.errors = {}
        user = await caller(self)
        if not permissions.can_view_profile(user):
            self.profile = {}
            self.is_referent = self.is_admin = False
            return login_redirect(self)
        self.is_referent = user.role in REFERENT_ROLES
        self.is_admin = user.role == Role.ADMIN
        if self.router.url.path.rstrip("/") == "/espace":
            if user.role in permissions.STAFF:
                # School staff: their school's dashboard (it explains a pending access).
                return rx.redirect("/espace/etablissement")
            if permissions.can_create_offer(user) and not (self.is_admin or self.is_referent):
                # Employers and operators; référents and admins stay here (statistics card).
                return rx.redirect("/espace/employeur")
        self.profile = await db.call(_profile, user.id)

    @rx.event
    async def change_password(self, form_data: dict):
        user = await caller(self)
        if not permissions.can_change_password(user):
            return rx.redirect("/connexion")
        current = form_data.get("current")
        new = form_data.get("password")
        new2 = form_data.get("password2")
        if not all(isinstance(v, str) for v in (current, new, new2)):
            self.errors = {"password": "Formulaire incomplet."}
            return
        if new != new2:
            self.errors = {"password2": "Les deux mots de passe ne sont pas identiques."}
            return
        from mystage.state.session import SessionState

        session = await self.get_state(SessionState)
        errors = await db.call(
            _change_password, user.id, current[:200], new[:200], session._token()
        )
        self.errors = errors
        self.saved = not errors


def _dev_messages(s) -> list[dict]:
    from mystage.notify.outbox import list_messages

    return list_messages(s, limit=100)


class DevMailState(rx.State):
    enabled: bool = False
    messages: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        user = await caller(self)
        self.enabled = permissions.can_view_dev_mailbox(user)
        if not self.enabled:
            self.messages = []
            return
        rows = await db.call(_dev_messages)
        self.messages = [{k: str(v) for k, v in r.items()} for r in rows]

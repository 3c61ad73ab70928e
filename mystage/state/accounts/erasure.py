"""« Supprimer mon compte » (/espace/compte/suppression): only the caller's own account,
re-checked in every handler; the password is asked again (services/privacy)."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.models import Role, User
from mystage.services.privacy.account_deletion import delete_my_account, deletion_blockers
from mystage.state.session import caller, login_redirect

# The session rows are deleted with the account: the cookie left in the browser opens
# nothing any more (every page and handler re-reads the session), so a plain redirect.
DONE_URL = "/compte-supprime"


def _facts(s, user_id: int) -> dict:
    user = s.get(User, user_id)
    if user is None:
        return {}
    return {
        "role": user.role,
        "blockers": deletion_blockers(s, user),
    }


def _delete(s, user_id: int, password: str, confirmed: bool) -> dict[str, str]:
    return delete_my_account(s, s.get(User, user_id), password, confirmed)


class ErasureState(rx.State):
    loaded: bool = False
    is_pupil: bool = False
    is_school_head: bool = False
    is_employer: bool = False
    blockers: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    busy: bool = False

    @rx.event
    async def load(self):
        self.errors = {}
        self.busy = False
        user = await caller(self)
        if user is None or user.anonymized_at is not None:
            self.loaded = False
            return login_redirect(self)
        facts = await db.call(_facts, user.id)
        self.is_pupil = facts.get("role") == Role.ELEVE
        self.is_school_head = facts.get("role") == Role.CHEF_ETABLISSEMENT
        self.is_employer = facts.get("role") == Role.EMPLOYEUR
        self.blockers = facts.get("blockers", [])
        self.loaded = True

    @rx.event
    async def delete_account(self, form_data: dict):
        user = await caller(self)
        if user is None:
            yield login_redirect(self)
            return
        data = form_data if isinstance(form_data, dict) else {}
        password = data.get("password")
        confirmed = data.get("confirm") in ("on", True, "true")
        if not isinstance(password, str):
            password = ""
        self.busy = True
        yield
        errors = await db.call(_delete, user.id, password[:200], confirmed)
        self.busy = False
        if errors:
            self.errors = errors
            if "form" in errors:
                facts = await db.call(_facts, user.id)
                self.blockers = facts.get("blockers", [])
            return
        self.errors = {}
        self.loaded = False
        yield rx.redirect(DONE_URL)

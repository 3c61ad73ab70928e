"""Administration: accounts awaiting validation.  Admin role checked in every handler."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.services import admin, permissions
from mystage.state.session import caller


def _pending(s, actor):
    return admin.pending_accounts(s, actor)


def _decide(s, actor, user_id: int, accept: bool) -> str:
    error = admin.decide_account(s, actor, user_id, accept)
    if error:
        s.rollback()
    else:
        s.commit()
    return error


class AdminState(rx.State):
    allowed: bool = False
    pending: list[dict] = []
    message: str = ""

    @rx.event
    async def load(self):
        actor = await caller(self)
        self.allowed = permissions.can_admin(actor)
        if not self.allowed:
            self.pending = []
            if actor is None:
                return rx.redirect("/connexion?suivant=/espace/admin")
            return
        self.pending = await db.call(_pending, actor)

    @rx.event
    async def decide(self, user_id: int, accept: bool):
        actor = await caller(self)
        if not permissions.can_admin(actor):
            self.allowed = False
            self.message = "Action réservée aux administrateurs."
            return
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            self.message = "Demande invalide."
            return
        error = await db.call(_decide, actor, user_id, bool(accept))
        self.message = error or ("Compte validé." if accept else "Compte refusé.")
        self.pending = await db.call(_pending, actor)

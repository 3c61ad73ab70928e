"""Administration: accounts and structures awaiting validation, lycées' QPV declarations.
Admin role checked in every handler."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import accounts, permissions
from mystage.services.ids import client_id
from mystage.state.session import caller, login_redirect

MSG_ADMIN_ONLY = "Action réservée aux administrateurs."
MSG_BAD_REQUEST = "Demande invalide."


def _pending(s, actor):
    return accounts.pending_accounts(s, actor)


def _structures(s, actor):
    from mystage.services import platform

    return accounts.pending_structures(s, actor), platform.employer_validation_required(s)


def _decide_structure(s, actor, structure_id: int, accept: bool) -> str:
    from mystage.services import structures

    return structures.validate_structure(s, actor, structure_id, accept)


def _set_validation(s, actor, required: bool) -> None:
    from mystage.services import platform

    platform.set_setting(s, actor, "employer_validation_required", "1" if required else "0")
    s.commit()


def _pending_qpv(s, actor):
    from mystage.services import schools

    return [{k: str(v) for k, v in r.items()} for r in schools.pending_qpv(s, actor)]


def _decide_qpv(s, actor, school_id: int, accept: bool) -> str:
    from mystage.services import schools

    return schools.decide_qpv(s, actor, school_id, accept)


def _decide(s, actor, user_id: int, accept: bool) -> str:
    error = accounts.decide_account(s, actor, user_id, accept)
    if error:
        s.rollback()
    else:
        s.commit()
    return error


class AdminState(rx.State):
    allowed: bool = False
    pending: list[dict] = []
    structures: list[dict] = []
    qpv: list[dict[str, str]] = []  # lycées' QPV declarations awaiting a decision
    validation_required: bool = False
    message: str = ""

    async def _load_structures(self, actor):
        rows, required = await db.call(_structures, actor)
        self.structures = [{k: str(v) for k, v in r.items()} for r in rows]
        self.validation_required = bool(required)

    @rx.event
    async def load(self):
        actor = await caller(self)
        self.allowed = permissions.can_admin(actor)
        if not self.allowed:
            self.pending = []
            self.qpv = []
            if actor is None:
                return login_redirect(self)
            return
        self.pending = await db.call(_pending, actor)
        await self._load_structures(actor)
        self.qpv = await db.call(_pending_qpv, actor)

    @rx.event
    async def decide_qpv(self, school_id: Any, accept: Any):
        """« Confirmer » / « Refuser » a lycée's QPV declaration (the head is mailed)."""
        actor = await caller(self)
        if not permissions.can_admin(actor):
            self.allowed = False
            self.qpv = []
            self.message = MSG_ADMIN_ONLY
            return
        school_id = client_id(school_id)
        if school_id is None or not isinstance(accept, bool):
            self.message = MSG_BAD_REQUEST
            return
        error = await db.call(_decide_qpv, actor, school_id, accept)
        self.message = error or (
            "Statut QPV confirmé : le chef d'établissement est prévenu."
            if accept
            else "Déclaration QPV refusée : le chef d'établissement est prévenu."
        )
        self.qpv = await db.call(_pending_qpv, actor)

    @rx.event
    async def decide_structure(self, structure_id: Any, accept: Any):
        actor = await caller(self)
        if not permissions.can_admin(actor):
            self.allowed = False
            self.message = MSG_ADMIN_ONLY
            return
        structure_id = client_id(structure_id)
        if structure_id is None or not isinstance(accept, bool):
            self.message = MSG_BAD_REQUEST
            return
        error = await db.call(_decide_structure, actor, structure_id, accept)
        self.message = error or ("Structure validée." if accept else "Structure refusée.")
        await self._load_structures(actor)

    @rx.event
    async def set_validation_required(self, required: Any):
        actor = await caller(self)
        if not permissions.can_admin(actor):
            self.allowed = False
            self.message = MSG_ADMIN_ONLY
            return
        if not isinstance(required, bool):
            self.message = MSG_BAD_REQUEST
            return
        await db.call(_set_validation, actor, required)
        self.message = (
            "Les nouvelles structures devront être validées avant de publier."
            if required
            else "Les nouvelles structures peuvent publier sans validation."
        )
        await self._load_structures(actor)

    @rx.event
    async def decide(self, user_id: Any, accept: Any):
        """« Valider » / « Refuser » an account awaiting validation (the person is mailed)."""
        actor = await caller(self)
        if not permissions.can_admin(actor):
            self.allowed = False
            self.message = MSG_ADMIN_ONLY
            return
        user_id = client_id(user_id)
        if user_id is None or not isinstance(accept, bool):
            self.message = MSG_BAD_REQUEST
            return
        error = await db.call(_decide, actor, user_id, accept)
        self.message = error or ("Compte validé." if accept else "Compte refusé.")
        self.pending = await db.call(_pending, actor)

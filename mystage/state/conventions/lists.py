"""« Mes conventions de stage » (``/espace/employeur/conventions``) and the school's
« Conventions » (``/espace/etablissement/conventions``): the caller's conventions, a box on
each one the caller can sign now, « Signer en groupe (n) »."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import conventions
from mystage.state.schools.space import SpacePage
from mystage.state.session import caller, login_redirect
from mystage.state.values import flat_rows, id_param

EMPLOYER_URL = "/espace/employeur/conventions"
SCHOOL_URL = "/espace/etablissement/conventions"


class _ConventionList(rx.State, mixin=True):
    """The rows and the ticked ones (only among those the caller can sign: the signing
    service checks each id again)."""

    rows: list[dict[str, str]] = []
    selected: list[str] = []  # ids as the rows carry them (compared as text in the page)

    @rx.var
    def signable_count(self) -> int:
        return sum(1 for r in self.rows if r.get("can_sign") == "1")

    @rx.var
    def selected_count(self) -> int:
        return len(self.selected)

    def _set_rows(self, rows: Any) -> None:
        self.rows = flat_rows(rows if isinstance(rows, list) else [])
        signable = {r["id"] for r in self.rows if r.get("can_sign") == "1"}
        self.selected = [i for i in self.selected if i in signable]

    @rx.event
    def toggle(self, conv_id: Any, checked: Any):
        cid = id_param(conv_id)
        if not cid or not isinstance(checked, bool):
            return
        if not any(r.get("id") == str(cid) and r.get("can_sign") == "1" for r in self.rows):
            return
        rest = [i for i in self.selected if i != str(cid)]
        self.selected = [*rest, str(cid)] if checked else rest

    @rx.event
    def toggle_all(self, checked: Any):
        if not isinstance(checked, bool):
            return
        self.selected = (
            [r["id"] for r in self.rows if r.get("can_sign") == "1" and r.get("id")]
            if checked
            else []
        )


class EmployerConventionsState(_ConventionList, rx.State):
    """« Mes conventions de stage »: the conventions of the caller's structure."""

    loaded: bool = False

    @rx.event
    async def load(self):
        self.loaded = False
        self.selected = []
        user = await caller(self)
        if user is None:
            self.rows = []
            return login_redirect(self)
        self._set_rows(await db.call(conventions.employer_list, user))
        self.loaded = True

    @rx.event
    async def refresh(self):
        """After a signature (the signing dialog's closing)."""
        user = await caller(self)
        self._set_rows(await db.call(conventions.employer_list, user) if user else [])


class SchoolConventionsState(SpacePage, _ConventionList, rx.State):
    """The school's « Conventions »: those of the pupils the caller follows."""

    @rx.event
    async def load(self):
        self.selected = []
        user, redirect = await self._enter(SCHOOL_URL)
        if user is None:
            self.rows = []
            return redirect
        self._set_rows(await db.call(conventions.school_list, user))
        self.loaded = True

    @rx.event
    async def refresh(self):
        user = await caller(self)
        self._set_rows(await db.call(conventions.school_list, user) if user else [])

"""What a convention's page shares (the employer's and the school's): the id taken from the
address, the view the service returns shaped into ``dict[str, str]`` vars (the text of the
convention, its signatories, the party's form values), the form's errors and notices.

Thin: every handler re-derives the caller from the session cookie (:func:`caller`); the
services (:mod:`mystage.services.conventions`) check the caller may see or change this
convention and answer « not found » otherwise, so an id sent by a client grants nothing."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import conventions
from mystage.state.session import caller, login_redirect
from mystage.state.values import as_str, flat_rows, form_str, id_param

NOT_FOUND = "Convention introuvable."
DAYS: tuple[str, ...] = tuple(conventions.DAYS)


def conv_id_from_path(path: Any) -> int:
    """``/espace/<side>/conventions/<id>`` → id (0 when absent or invalid)."""
    if not isinstance(path, str):
        return 0
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    try:
        i = parts.index("conventions")
    except ValueError:
        return 0
    return id_param(parts[i + 1] if len(parts) > i + 1 else "")


def text_rows(sections: Any) -> list[dict[str, str]]:
    """The convention's sections (title, paragraphs) as one flat list for the page: a row
    ``{"title": …, "text": ""}`` opens a section, rows ``{"title": "", "text": …}`` follow."""
    rows: list[dict[str, str]] = []
    for sec in sections if isinstance(sections, list) else []:
        if not isinstance(sec, dict):
            continue
        rows.append({"title": as_str(sec.get("title")), "text": ""})
        paragraphs = sec.get("paragraphs")
        for p in paragraphs if isinstance(paragraphs, list) else []:
            rows.append({"title": "", "text": as_str(p)})
    return rows


def form_values(form: Any, keys: tuple[str, ...], limit: int = 2000) -> dict[str, str]:
    """The submitted values of ``keys`` (trimmed, bounded; "" for a missing one)."""
    return {k: form_str(form, k, limit) for k in keys}


class ConventionPage(rx.State, mixin=True):
    """One convention's page: ``load`` shows it, ``save`` (« Enregistrer ») and the send /
    validate button (``mark_submit`` then the form's submit) call the party's service."""

    conv_id: int = 0
    loaded: bool = False
    denied: bool = False
    view: dict[str, str] = {}
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    signatories: list[dict[str, str]] = []
    text: list[dict[str, str]] = []
    notice: str = ""
    form_key: int = 0
    _submit_next: bool = False

    def _side(self) -> str:
        """The key of this party's form values in the view (set by each page's state)."""
        raise NotImplementedError

    @rx.var
    def sign_ids(self) -> list[int]:
        """The ids « Signer » passes to the signing dialog (this convention)."""
        return [self.conv_id] if self.conv_id and self.view.get("can_sign") == "1" else []

    def _clear(self) -> None:
        self.view = {}
        self.values = {}
        self.signatories = []
        self.text = []

    def _set_view(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.denied = True
            self._clear()
            return
        self.denied = False
        self.view = {
            k: as_str(v) for k, v in data.items() if not isinstance(v, (list, dict, tuple))
        }
        parties = data.get("parties")
        if isinstance(parties, dict):  # school, structure, pupil: their names
            self.view.update(
                {k: as_str(v.get("name") if isinstance(v, dict) else v) for k, v in parties.items()}
            )
        side = data.get(self._side())
        self.values = {k: as_str(v) for k, v in side.items()} if isinstance(side, dict) else {}
        self.signatories = flat_rows(data.get("signatories"))
        self.text = text_rows(data.get("sections"))
        self.form_key += 1

    def _login_redirect(self):
        self._clear()
        return login_redirect(self)

    async def _show(self, user) -> None:
        self._set_view(
            await db.call(conventions.view, user, self.conv_id) if self.conv_id else None
        )

    @rx.event
    async def load(self):
        self.conv_id = conv_id_from_path(self.router.url.path)
        self.loaded = False
        self.notice = ""
        self.errors = {}
        self._submit_next = False
        user = await caller(self)
        if user is None:
            return self._login_redirect()
        await self._show(user)
        self.loaded = True

    @rx.event
    def mark_submit(self):
        """The send / validate button, clicked just before its form is submitted."""
        self._submit_next = True

    @rx.event
    def mark_save(self):
        self._submit_next = False

    async def _save(self, form_data: Any, save, keys: tuple[str, ...], done: tuple[str, str]):
        """``save(s, user, conv_id, values, submit=…)`` → errors by field ({} = done):
        errors next to their fields and the typed values kept, or the page reloaded with
        ``done[submit]``."""
        submit = self._submit_next
        self._submit_next = False
        user = await caller(self)
        if user is None:
            return self._login_redirect()
        data = form_values(form_data, keys)
        self.notice = ""
        errors = await db.call(save, user, self.conv_id, data, submit=submit)
        if not isinstance(errors, dict):
            errors = {"form": NOT_FOUND}
        if errors:
            self.errors = {k: as_str(v) for k, v in errors.items()}
            self.values = {**self.values, **data}
            return
        self.errors = {}
        await self._show(user)
        self.notice = done[1] if submit else done[0]

"""The two pages where a convention is read, then signed with the signing dialog
(:mod:`.signing`): the pupil's ``/espace/eleve/conventions/<id>`` (« J'ai pris connaissance de
la convention ») and the legal representative's ``/convention/signer/<token>`` (no account:
the personal link is the credential).

Thin: the pupil is re-derived from the session cookie on every load and
``conventions.view`` answers None for a convention that is not theirs; the link page asks
``conventions.link_view`` with the raw token of its address, and every failure (unknown,
expired, revoked, malformed) shows the same page, saying nothing of what exists.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import conventions
from mystage.state.conventions.base import text_rows
from mystage.state.conventions.signing import NOT_FOUND, token_from_path
from mystage.state.pupils.common import PupilPage
from mystage.state.values import as_str, flat_rows, id_param

PUPIL_CONVENTIONS_URL = "/espace/eleve/conventions"
SIGN_LINK_URL = "/convention/signer"


def pupil_convention_url(conv_id: int) -> str:
    return f"{PUPIL_CONVENTIONS_URL}/{conv_id}"


def conv_id_from_path(path: Any) -> int:
    """``/espace/eleve/conventions/<id>`` → id (0 when absent or invalid)."""
    if not isinstance(path, str):
        return 0
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if len(parts) == 4 and parts[:3] == ["espace", "eleve", "conventions"]:
        return id_param(parts[3])
    return 0


def _scalars(data: dict) -> dict[str, str]:
    return {k: as_str(v) for k, v in data.items() if not isinstance(v, (list, dict, tuple))}


class ConventionReading(rx.State, mixin=True):
    """What both pages show: the view's plain values, the text, the signatories."""

    view: dict[str, str] = {}
    text: list[dict[str, str]] = []
    signatories: list[dict[str, str]] = []

    def _clear(self) -> None:
        self.view = {}
        self.text = []
        self.signatories = []

    def _set(self, data: Any) -> bool:
        if not isinstance(data, dict):
            self._clear()
            return False
        self.view = _scalars(data)
        self.text = text_rows(data.get("sections"))
        self.signatories = flat_rows(
            [x for x in data.get("signatories") or [] if isinstance(x, dict)]
        )
        return True


class PupilConventionState(ConventionReading, PupilPage, rx.State):
    """``/espace/eleve/conventions/<id>``: the pupil reads their convention and signs it
    (« J'ai pris connaissance de la convention »)."""

    conv_id: int = 0

    @rx.var
    def sign_ids(self) -> list[int]:
        """What « J'ai pris connaissance » passes to ``SigningState.open_signing``."""
        return [self.conv_id] if self.conv_id and self.view.get("can_sign") == "1" else []

    @rx.var
    def pdf_url(self) -> str:
        return self.view.get("pdf_url", "")

    def _deny(self) -> None:
        self._clear()

    @rx.event
    async def load(self):
        self.loaded = False
        self.conv_id = conv_id_from_path(self.router.url.path)
        user, redirect = await self._open(self.router.url.path or PUPIL_CONVENTIONS_URL)
        if user is None:
            self._clear()
            return redirect
        data = await db.call(conventions.view, user, self.conv_id) if self.conv_id else None
        if not self._set(data):
            self.denied = NOT_FOUND
        self.loaded = True


class LinkConventionState(ConventionReading, rx.State):
    """``/convention/signer/<token>``: a legal representative's personal link."""

    loaded: bool = False
    valid: bool = False
    token: str = ""  # the page's own address part (the browser has it already)

    @rx.var
    def pdf_url(self) -> str:
        url = self.view.get("pdf_url", "")
        if not url or not self.token:
            return ""
        return url if "lien=" in url else f"{url}?lien={self.token}"

    @rx.event
    async def load(self):
        self.loaded = False
        self.token = token_from_path(self.router.url.path)
        data = await db.call(conventions.link_view, self.token) if self.token else None
        self.valid = self._set(data)
        if not self.valid:
            self.token = ""
        self.loaded = True

"""What the pupil's pages share: their addresses, the login redirect, form values, and the
load of a page only pupils see."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage.services import pupils
from mystage.state.session import caller

APPLICATIONS_URL = "/espace/eleve/candidatures"
CV_URL = "/espace/eleve/cv"
FAVORITES_URL = "/espace/eleve/favoris"


def login(next_path: str):
    """To « Se connecter », back to ``next_path`` (path and query) afterwards."""
    from mystage.services import accounts

    return rx.redirect(accounts.login_url(next_path))


def form_values(form_data: Any) -> dict[str, Any]:
    return form_data if isinstance(form_data, dict) else {}


def form_text(form: dict[str, Any], key: str, limit: int) -> str:
    v = form.get(key)
    return v[:limit] if isinstance(v, str) else ""


class PupilPage(rx.State, mixin=True):
    """A page of the pupil's space: ``loaded``, and ``denied`` (the French reason) for
    anyone but a pupil."""

    loaded: bool = False
    denied: str = ""

    def _deny(self) -> None:
        """What a denied page empties (the page's own data)."""

    async def _open(self, url: str):
        """The caller when a pupil (``denied`` cleared); else ``None`` with the login
        redirect to return (not logged in), or ``None`` and ``denied`` set, the page
        loaded (another role).  Returns (user, redirect)."""
        user = await caller(self)
        if user is None:
            return None, login(url)
        if not pupils.is_pupil(user):
            self.denied = pupils.MSG_PUPILS_ONLY
            self._deny()
            self.loaded = True
            return None, None
        self.denied = ""
        return user, None

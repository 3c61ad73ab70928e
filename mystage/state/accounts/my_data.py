"""« Mes données » (``/espace/compte/donnees``): the caller downloads everything the
platform holds about them.  Every handler re-derives the caller from the session cookie;
nothing from the page names whose data to take."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.models import Role
from mystage.services import permissions
from mystage.services.privacy import my_data_download as files
from mystage.state.session import caller, login_redirect


def _list(s, user) -> list[dict[str, str]]:
    return files.my_files(s, user)


def _request(s, user) -> dict:
    return files.request(s, user)


class MyDataState(rx.State):
    ready: bool = False  # the caller was read (the page shows its frame until then)
    tu: bool = False  # a pupil: « tu »; everyone else: « vous »
    message: str = ""
    error: str = ""
    busy: bool = False
    recent: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        self.message = ""
        self.error = ""
        self.busy = False
        user = await caller(self)
        if not permissions.is_authenticated(user):
            self.ready = False
            self.recent = []
            return login_redirect(self)
        self.tu = user.role == Role.ELEVE
        self.recent = await db.call(_list, user)
        self.ready = True

    @rx.event
    async def download(self):
        """« Télécharger mes données »: the zip now, or prepared in the background."""
        self.message = ""
        self.error = ""
        user = await caller(self)
        if not permissions.is_authenticated(user):
            self.recent = []
            yield login_redirect(self)
            return
        self.busy = True
        yield
        try:
            result = await db.call(_request, user)
        finally:
            self.busy = False
        self.recent = await db.call(_list, user)
        status = result.get("status")
        if status == "ready":
            self.message = (
                "Ton fichier est prêt : le téléchargement commence."
                if self.tu
                else "Votre fichier est prêt : le téléchargement commence."
            )
            yield rx.download(url=result["url"], filename=result["filename"])
            return
        if status == "queued":
            self.message = result.get("message", "")
            return
        self.error = result.get("error") or (
            "La préparation du fichier a échoué. Réessaie." if self.tu else files.MSG_FAILED
        )


__all__ = ["MyDataState"]

"""The printable parents' authorization form of a class
(``/espace/etablissement/classe/[classe_id]/autorisation``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import schools
from mystage.services.permissions import PermissionDenied
from mystage.state.schools.space import DENIED
from mystage.state.schools.values import denial, id_after
from mystage.state.session import caller, login_redirect
from mystage.state.values import as_str


def _sheet(s, user, class_id: int) -> dict[str, Any]:
    return schools.authorization_sheet(s, user, class_id)


class AuthorizationSheetState(rx.State):
    """``/espace/etablissement/classe/[classe_id]/autorisation``: one A4 form per pupil."""

    class_id: int = -1
    loaded: bool = False
    denied: str = ""
    sheet_title: str = ""
    school_name: str = ""
    class_name: str = ""
    year_label: str = ""
    sheets: list[dict[str, str]] = []
    paragraphs: list[str] = []
    only_missing: bool = False

    @rx.var
    def shown(self) -> list[dict[str, str]]:
        if not self.only_missing:
            return self.sheets
        return [x for x in self.sheets if x.get("authorized") != "1"]

    @rx.event
    async def load(self):
        found = id_after(self.router.url.path, "classe")
        self.class_id = found if found is not None else -1
        self.only_missing = False
        self.loaded = False
        user = await caller(self)
        if user is None:
            self.sheets = []
            self.loaded = True
            return login_redirect(self)
        try:
            if self.class_id <= 0:
                raise PermissionDenied(DENIED)
            data = await db.call(_sheet, user, self.class_id)
        except PermissionDenied as exc:
            self.sheets = []
            self.paragraphs = []
            self.denied = denial(exc)
            self.loaded = True
            return
        self.denied = ""
        self.sheet_title = as_str(data.get("title"))
        self.school_name = as_str(data.get("school_name"))
        self.class_name = as_str(data.get("class_name"))
        self.year_label = as_str(data.get("year_label"))
        paragraphs = [as_str(p) for p in data.get("paragraphs") or []]
        first, rest = (paragraphs[0], paragraphs[1:]) if paragraphs else ("", [])
        self.paragraphs = rest
        self.sheets = [
            {
                "id": as_str(p.get("id")),
                "name": as_str(p.get("name")),
                "authorized": as_str(bool(p.get("authorized"))),
                "text": first.replace("{pupil}", as_str(p.get("name"))),
            }
            for p in data.get("pupils") or []
        ]
        self.loaded = True

    @rx.event
    def set_only_missing(self, value: Any):
        self.only_missing = value is True

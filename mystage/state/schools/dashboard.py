"""``/espace/etablissement``: « Tableau de bord » (to-do box, school-wide table, application tabs)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import conventions, schools
from mystage.services.permissions import PermissionDenied
from mystage.state.schools.space import NOT_STAFF, SPACE_URL
from mystage.state.schools.values import flat, flat_rows
from mystage.state.session import caller, login_redirect
from mystage.state.values import as_str

MEMBER_MESSAGES = {
    "pending": (
        "Votre demande d'accès à l'espace de l'établissement est en attente : le chef "
        "d'établissement doit l'accepter. Vous recevrez un e-mail dès que ce sera fait."
    ),
    "refused": "Le chef d'établissement n'a pas accepté votre demande d'accès à cet espace.",
    "removed": "Vous n'avez plus accès à l'espace de cet établissement.",
    "none": "Votre accès à l'espace de l'établissement n'est pas encore ouvert.",
}

# The dashboard tabs: the key in the page (ids ``tab-<key>``, ``?onglet=<key>``) → service tab.
TABS = {
    "valider": "a_valider",
    "attente": "en_attente",
    "traitees": "traitees",
    "referents": "referents",
}
TAB_LABELS = {
    "valider": "Candidatures à valider",
    "attente": "Candidatures en attente",
    "traitees": "Candidatures traitées",
    "referents": "Candidatures des référents",
}
TAB_EMPTY = {
    "valider": "Pas de candidature à valider.",
    "attente": "Aucune candidature en attente.",
    "traitees": "Aucune candidature traitée pour l'instant.",
    "referents": "Aucune candidature pour l'instant.",
}
PER_PAGE = 25


def _member_message(ctx: dict) -> str:
    status = ctx.get("member_status") or "none"
    return "" if status == "active" else MEMBER_MESSAGES.get(status, MEMBER_MESSAGES["none"])


def _context(s, user) -> dict[str, Any]:
    return schools.space_context(s, user)


def _dashboard(s, user, tab: str, page: int) -> dict[str, Any]:
    ctx = _context(s, user)
    if ctx["member_status"] != "active":
        return {"ctx": ctx}
    table = schools.school_table(s, user)
    tabs = schools.application_tabs(s, user, TABS[tab], page=page, per_page=PER_PAGE)
    cal = schools.school_weeks(s, user)
    weeks_set = bool(cal["school"]) or any(c["weeks"] for c in cal["classes"])
    rows = conventions.school_list(s, user)
    to_validate = sum(1 for r in rows if r["state"] == "employer_done")
    to_sign = sum(1 for r in rows if r["can_sign"] == "1")
    return {"ctx": ctx, "table": table, "tabs": tabs, "weeks_set": weeks_set,
            "conventions": (to_validate, to_sign)}  # fmt: skip


class SchoolDashboardState(rx.State):
    """``/espace/etablissement``: « Tableau de bord »."""

    loaded: bool = False
    denied: str = ""
    member_message: str = ""
    school: dict[str, str] = {}
    is_head: bool = False
    restricted: bool = False
    validation_required: bool = False
    year_label: str = ""
    classes: list[dict[str, str]] = []
    total: dict[str, str] = {}
    missing_auth: list[dict[str, str]] = []
    # Classes without any pupil signed up (their roster, or the class code, is to hand out).
    empty_classes: list[dict[str, str]] = []
    weeks_set: bool = True
    conventions_to_validate: int = 0
    conventions_to_sign: int = 0
    tab: str = "attente"
    tabs: list[dict[str, str]] = []
    counts: dict[str, int] = {}
    rows: list[dict[str, str]] = []
    referents: list[dict[str, str]] = []
    apps_total: int = 0
    page: int = 1
    pages: int = 1

    @rx.var
    def awaiting(self) -> int:
        return int(self.counts.get("valider", 0))

    @rx.var
    def show_validation_tab(self) -> bool:
        return self.validation_required or self.awaiting > 0

    @rx.var
    def missing_total(self) -> int:
        return sum(int(r.get("missing") or 0) for r in self.missing_auth)

    @rx.var
    def nothing_to_do(self) -> bool:
        return (
            self.awaiting == 0 and not self.missing_auth and self.weeks_set
            and not self.empty_classes and self.conventions_to_validate == 0 and self.conventions_to_sign == 0
        )  # fmt: skip

    @rx.var
    def empty_text(self) -> str:
        return TAB_EMPTY.get(self.tab, "")

    def _clear(self) -> None:
        self.school = {}
        self._clear_lists()

    @rx.event
    async def load(self):
        tab = self.router.url.query_parameters.get("onglet", "")
        self.tab = tab if isinstance(tab, str) and tab in TABS else ""
        self.page = 1
        self.loaded = False
        return await self._refresh()

    async def _refresh(self):
        user = await caller(self)
        if user is None:
            self._clear()
            self.loaded = True
            return login_redirect(self, SPACE_URL)
        tab = self.tab or "attente"
        try:
            data = await db.call(_dashboard, user, tab, self.page)
        except PermissionDenied:
            self._clear()
            self.denied = NOT_STAFF
            self.loaded = True
            return
        self.denied = ""
        ctx = data["ctx"]
        self.school = {
            "name": as_str(ctx.get("school_name")),
            "commune": as_str(ctx.get("commune")),
            "uai": as_str(ctx.get("uai")),
            "ep": as_str(ctx.get("ep")),
            "function": as_str(ctx.get("function")),
            "kind": as_str(ctx.get("kind")),
            # The ministry's data show no 2de GT in this lycée ("" when unknown or taught).
            "no_seconde": schools.MSG_NO_SECONDE
            if ctx.get("kind") == "lycee" and ctx.get("seconde_gt") == "no"
            else "",
        }
        self.is_head = bool(ctx.get("is_head"))
        self.restricted = ctx.get("scope") == "classes"
        self.validation_required = bool(ctx.get("validation_required"))
        self.member_message = _member_message(ctx)
        if self.member_message:
            self._clear_lists()
            self.loaded = True
            return
        table, tabs = data["table"], data["tabs"]
        self.year_label = as_str(table.get("year_label"))
        self.classes = flat_rows(table.get("rows"))
        self.total = flat(table.get("total"))
        self.missing_auth = [
            {
                "id": as_str(r["id"]),
                "name": as_str(r["name"]),
                "missing": as_str(r["pupils"] - r["authorized"]),
            }
            for r in table.get("rows") or []
            if r["pupils"] > r["authorized"]
        ]
        self.empty_classes = [
            {"id": as_str(r["id"]), "name": as_str(r["name"])}
            for r in table.get("rows") or []
            if r["pupils"] == 0 and isinstance(r["id"], int) and r["id"] > 0
        ]
        self.weeks_set = bool(data["weeks_set"])
        self.conventions_to_validate, self.conventions_to_sign = data["conventions"]
        back = {v: k for k, v in TABS.items()}
        self.counts = {back[k]: int(v) for k, v in (tabs.get("counts") or {}).items() if k in back}
        if not self.tab:  # first opening: what needs the school first
            self.tab = "valider" if self.counts.get("valider") else "attente"
            if self.tab != tab:
                return await self._refresh()
        self.tabs = [
            {"key": k, "label": TAB_LABELS[k], "count": as_str(self.counts.get(k, 0))} for k in TABS
        ]
        self.rows = flat_rows(tabs.get("rows"))
        self.referents = flat_rows(tabs.get("referents"))
        self.apps_total = int(tabs.get("total") or 0)
        self.page = int(tabs.get("page") or 1)
        self.pages = int(tabs.get("pages") or 1)
        self.loaded = True

    def _clear_lists(self) -> None:
        self.classes = []
        self.total = {}
        self.missing_auth = []
        self.empty_classes = []
        self.tabs = []
        self.counts = {}
        self.rows = []
        self.referents = []
        self.apps_total = 0
        self.conventions_to_validate = self.conventions_to_sign = 0

    @rx.event
    async def set_tab(self, tab: Any):
        if not isinstance(tab, str) or tab not in TABS:
            return
        self.tab = tab
        self.page = 1
        return await self._refresh()

    @rx.event
    async def go_page(self, page: Any):
        if not isinstance(page, int) or isinstance(page, bool):
            return
        self.page = min(max(page, 1), max(self.pages, 1))
        return await self._refresh()

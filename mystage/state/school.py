"""The school space, part 2: « Tableau de bord » (to-do box, school-wide table, application
tabs), the class tracking table with the parents' authorizations, the printable
authorization form, and a pupil's applications.

Thin: every handler re-derives the caller from the session cookie (``caller(self)``) and
hands the ids it got (from the URL or the client) to :mod:`mystage.services.schools`,
which checks the caller's school, role and classes and raises ``PermissionDenied``
otherwise.  Nothing the client sends is trusted: tabs, filters and sorts are picked from
fixed lists, ids are only ever looked up by the services.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from mystage import clock, db
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state.session import caller

SPACE_URL = "/espace/etablissement"
DENIED = "Vous n'avez pas accès à cet établissement ou à cette page."
NOT_STAFF = "Cet espace est réservé aux personnels d'un établissement."
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

# The class table's filters: the key in the page (ids ``filter-<key>``) → service filter.
FILTERS = {
    "tous": "",
    "sans_candidature": "sans_candidature",
    "en_attente": "en_attente",
    "confirme": "confirme",
    "sans_autorisation": "sans_autorisation",
}
FILTER_LABELS = {
    "tous": "Tous",
    "sans_candidature": "Sans candidature",
    "en_attente": "En attente",
    "confirme": "Confirmé",
    "sans_autorisation": "Sans autorisation",
}
SORTS = ("name", "authorization", "applications", "state", "last_activity")

# The pupil page's decision dialog: (title, hint, button).
DIALOGS = {
    "school_validate": (
        "Valider la candidature",
        "Elle sera transmise à l'employeur. Vous pouvez laisser un message à l'élève (facultatif).",
        "Valider",
    ),
    "school_refuse": (
        "Refuser la candidature",
        "Elle ne sera pas transmise à l'employeur. Un mot d'explication aide l'élève (facultatif).",
        "Refuser",
    ),
}
DONE = {
    "school_validate": "Candidature validée : elle est transmise à l'employeur.",
    "school_refuse": "Candidature refusée. L'élève en est informé(e).",
}


# --- small helpers --------------------------------------------------------------------------


def _s(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else ""
    return v if isinstance(v, str) else str(v)


def _flat(item: Any) -> dict[str, str]:
    if not isinstance(item, dict):
        return {}
    return {k: _s(v) for k, v in item.items() if not isinstance(v, (list, dict, tuple))}


def _rows(items: Any) -> list[dict[str, str]]:
    return [_flat(item) for item in (items or [])]


def id_after(path: Any, segment: str) -> int | None:
    """``/espace/etablissement/<segment>/<id>[/…]`` → id (0 allowed), None when absent or
    malformed."""
    if not isinstance(path, str):
        return None
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    try:
        i = parts.index(segment)
    except ValueError:
        return None
    raw = parts[i + 1] if len(parts) > i + 1 else ""
    if raw and raw.isascii() and set(raw) == {"0"}:
        return 0
    return client_id(raw)


def _denial(exc: Exception) -> str:
    text = str(exc) if exc.args else ""
    return text if isinstance(text, str) and text else DENIED


def _today_iso() -> str:
    return clock.today_paris().isoformat()


def _member_message(ctx: dict) -> str:
    status = ctx.get("member_status") or "none"
    return "" if status == "active" else MEMBER_MESSAGES.get(status, MEMBER_MESSAGES["none"])


# --- service calls (run in a thread with their own session) ----------------------------------


def _context(s, user) -> dict[str, Any]:
    from mystage.services import schools

    return schools.space_context(s, user)


def _dashboard(s, user, tab: str, page: int) -> dict[str, Any]:
    from mystage.services import schools

    ctx = _context(s, user)
    if ctx["member_status"] != "active":
        return {"ctx": ctx}
    table = schools.school_table(s, user)
    tabs = schools.application_tabs(s, user, TABS[tab], page=page, per_page=PER_PAGE)
    cal = schools.school_weeks(s, user)
    weeks_set = bool(cal["school"]) or any(c["weeks"] for c in cal["classes"])
    return {"ctx": ctx, "table": table, "tabs": tabs, "weeks_set": weeks_set}


def _class_table(s, user, class_id: int, filter_: str, sort: str, desc: bool):
    from mystage.services import schools

    return schools.class_table(s, user, class_id, filter=filter_, sort=sort, descending=desc)


def _record(s, user, pupil_id: Any, on: str) -> dict[str, str]:
    from mystage.services import schools

    return schools.record_authorization(s, user, pupil_id, on)


def _undo(s, user, pupil_id: Any) -> str:
    from mystage.services import schools

    return schools.undo_authorization(s, user, pupil_id)


def _record_class(s, user, class_id: int, on: str) -> tuple[int, dict[str, str]]:
    from mystage.services import schools

    return schools.record_class_authorizations(s, user, class_id, on)


def _sheet(s, user, class_id: int) -> dict[str, Any]:
    from mystage.services import schools

    return schools.authorization_sheet(s, user, class_id)


def _pupil(s, user, pupil_id: int) -> dict[str, Any]:
    from mystage.services import schools

    return schools.pupil_applications(s, user, pupil_id)


def _decide(s, user, app_id: int, action: str, message: Any) -> dict[str, str]:
    from mystage.services import applications

    return applications.decide_as_school(s, user, app_id, action, message)


# --- the dashboard ------------------------------------------------------------------------------


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
    weeks_set: bool = True
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
        return self.awaiting == 0 and not self.missing_auth and self.weeks_set

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
            return rx.redirect(f"/connexion?suivant={SPACE_URL}")
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
            "name": _s(ctx.get("school_name")),
            "commune": _s(ctx.get("commune")),
            "uai": _s(ctx.get("uai")),
            "ep": _s(ctx.get("ep")),
            "function": _s(ctx.get("function")),
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
        self.year_label = _s(table.get("year_label"))
        self.classes = _rows(table.get("rows"))
        self.total = _flat(table.get("total"))
        self.missing_auth = [
            {"id": _s(r["id"]), "name": _s(r["name"]), "missing": _s(r["pupils"] - r["authorized"])}
            for r in table.get("rows") or []
            if r["pupils"] > r["authorized"]
        ]
        self.weeks_set = bool(data["weeks_set"])
        back = {v: k for k, v in TABS.items()}
        self.counts = {back[k]: int(v) for k, v in (tabs.get("counts") or {}).items() if k in back}
        if not self.tab:  # first opening: what needs the school first
            self.tab = "valider" if self.counts.get("valider") else "attente"
            if self.tab != tab:
                return await self._refresh()
        self.tabs = [
            {"key": k, "label": TAB_LABELS[k], "count": _s(self.counts.get(k, 0))} for k in TABS
        ]
        self.rows = _rows(tabs.get("rows"))
        self.referents = _rows(tabs.get("referents"))
        self.apps_total = int(tabs.get("total") or 0)
        self.page = int(tabs.get("page") or 1)
        self.pages = int(tabs.get("pages") or 1)
        self.loaded = True

    def _clear_lists(self) -> None:
        self.classes = []
        self.total = {}
        self.missing_auth = []
        self.tabs = []
        self.counts = {}
        self.rows = []
        self.referents = []
        self.apps_total = 0

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


# --- the class table ----------------------------------------------------------------------------


class SchoolClassState(rx.State):
    """``/espace/etablissement/classe/[classe_id]``: one row per pupil, the parents'
    authorizations and the export."""

    class_id: int = -1
    loaded: bool = False
    denied: str = ""
    cls: dict[str, str] = {}
    school_name: str = ""
    year_label: str = ""
    rows: list[dict[str, str]] = []
    filter_key: str = "tous"
    sort: str = "name"
    descending: bool = False
    auth_date: str = ""
    auth_error: str = ""
    confirm_all: bool = False
    notice: str = ""
    error: str = ""

    @rx.var
    def is_real_class(self) -> bool:
        return self.class_id > 0

    @rx.var
    def export_url(self) -> str:
        query = {"filtre": FILTERS.get(self.filter_key, ""), "tri": self.sort}
        if self.descending:
            query["ordre"] = "desc"
        return f"/api/etablissement/export/classe/{max(self.class_id, 0)}?{urlencode(query)}"

    @rx.var
    def sheet_url(self) -> str:
        return f"{SPACE_URL}/classe/{max(self.class_id, 0)}/autorisation"

    @rx.var
    def auth_date_label(self) -> str:
        try:
            return date.fromisoformat(self.auth_date).strftime("%d/%m/%Y")
        except ValueError:
            return self.auth_date

    @rx.var
    def missing_in_view(self) -> int:
        return sum(1 for r in self.rows if r.get("authorized") != "1")

    def _clear(self) -> None:
        self.cls = {}
        self.rows = []
        self.confirm_all = False

    @rx.event
    async def load(self):
        self.class_id = -1
        found = id_after(self.router.url.path, "classe")
        self.class_id = found if found is not None else -1
        params = self.router.url.query_parameters
        f = params.get("filtre", "tous")
        self.filter_key = f if isinstance(f, str) and f in FILTERS else "tous"
        srt = params.get("tri", "name")
        self.sort = srt if isinstance(srt, str) and srt in SORTS else "name"
        self.descending = params.get("ordre") == "desc"
        self.auth_date = _today_iso()
        self.auth_error = ""
        self.notice = ""
        self.error = ""
        self.loaded = False
        return await self._refresh()

    async def _refresh(self):
        user = await caller(self)
        if user is None:
            self._clear()
            self.loaded = True
            return rx.redirect(f"/connexion?suivant={self.router.url.path}")
        if self.class_id < 0:
            self._clear()
            self.denied = DENIED
            self.loaded = True
            return
        try:
            table = await db.call(
                _class_table, user, self.class_id, FILTERS[self.filter_key], self.sort,
                self.descending,
            )  # fmt: skip
        except PermissionDenied as exc:
            self._clear()
            self.denied = _denial(exc)
            self.loaded = True
            return
        self.denied = ""
        self.cls = _flat(table.get("class"))
        self.school_name = _s(table.get("school_name"))
        self.year_label = _s(table.get("year_label"))
        self.rows = _rows(table.get("rows"))
        self.loaded = True

    @rx.event
    async def set_filter(self, key: Any):
        if not isinstance(key, str) or key not in FILTERS:
            return
        self.filter_key = key
        self.notice = ""
        return await self._refresh()

    @rx.event
    async def set_sort(self, key: Any):
        if not isinstance(key, str) or key not in SORTS:
            return
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort = key
            self.descending = key in ("state", "last_activity", "applications")
        return await self._refresh()

    @rx.event
    def set_auth_date(self, value: Any):
        self.auth_date = value[:20] if isinstance(value, str) else ""
        self.auth_error = ""

    @rx.event
    async def toggle_auth(self, pupil_id: Any, checked: Any):
        """A pupil's checkbox: ticked → the parents' authorization at the chosen date,
        unticked → removed (the service checks the pupil is one the caller sees)."""
        pupil_id = client_id(pupil_id)
        if not isinstance(checked, bool) or pupil_id is None:
            return
        user = await caller(self)
        if user is None:
            return rx.redirect(f"/connexion?suivant={self.router.url.path}")
        self.notice = ""
        self.error = ""
        try:
            if checked:
                errors = await db.call(_record, user, pupil_id, self.auth_date)
                if errors:
                    self.auth_error = _s(errors.get("date")) or DENIED
                    return await self._refresh()
                self.auth_error = ""
                self.notice = "Autorisation parentale enregistrée : l'élève peut postuler."
            else:
                error = await db.call(_undo, user, pupil_id)
                self.error = error
                if not error:
                    self.notice = "Autorisation parentale retirée : l'élève ne peut plus postuler."
        except PermissionDenied as exc:
            self.error = _denial(exc)
        return await self._refresh()

    @rx.event
    def ask_all(self):
        if self.class_id > 0 and self.cls:
            self.confirm_all = True

    @rx.event
    def cancel_all(self):
        self.confirm_all = False

    @rx.event
    def set_confirm_open(self, value: Any):
        if value is not True:
            self.confirm_all = False

    @rx.event
    async def record_all(self):
        """« Tout cocher pour la classe »: every pupil of the class still without an
        authorization gets one at the chosen date."""
        self.confirm_all = False
        user = await caller(self)
        if user is None:
            return rx.redirect(f"/connexion?suivant={self.router.url.path}")
        if self.class_id <= 0:
            return
        self.notice = ""
        self.error = ""
        try:
            n, errors = await db.call(_record_class, user, self.class_id, self.auth_date)
        except PermissionDenied as exc:
            self.error = _denial(exc)
            return await self._refresh()
        if errors:
            self.auth_error = _s(errors.get("date")) or DENIED
            return
        self.auth_error = ""
        self.notice = (
            "Toute la classe avait déjà une autorisation parentale."
            if n == 0
            else f"{n} autorisation(s) parentale(s) enregistrée(s)."
        )
        return await self._refresh()


# --- the printable authorization form -----------------------------------------------------------


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
            return rx.redirect(f"/connexion?suivant={self.router.url.path}")
        try:
            if self.class_id <= 0:
                raise PermissionDenied(DENIED)
            data = await db.call(_sheet, user, self.class_id)
        except PermissionDenied as exc:
            self.sheets = []
            self.paragraphs = []
            self.denied = _denial(exc)
            self.loaded = True
            return
        self.denied = ""
        self.sheet_title = _s(data.get("title"))
        self.school_name = _s(data.get("school_name"))
        self.class_name = _s(data.get("class_name"))
        self.year_label = _s(data.get("year_label"))
        paragraphs = [_s(p) for p in data.get("paragraphs") or []]
        first, rest = (paragraphs[0], paragraphs[1:]) if paragraphs else ("", [])
        self.paragraphs = rest
        self.sheets = [
            {
                "id": _s(p.get("id")),
                "name": _s(p.get("name")),
                "authorized": _s(bool(p.get("authorized"))),
                "text": first.replace("{pupil}", _s(p.get("name"))),
            }
            for p in data.get("pupils") or []
        ]
        self.loaded = True

    @rx.event
    def set_only_missing(self, value: Any):
        self.only_missing = value is True


# --- a pupil's applications ---------------------------------------------------------------------


class SchoolPupilState(rx.State):
    """``/espace/etablissement/eleve/[eleve_id]``: the pupil's applications, read-only,
    with « Valider » / « Refuser » where the service allows the caller."""

    pupil_id: int = -1
    loaded: bool = False
    denied: str = ""
    pupil: dict[str, str] = {}
    apps: list[dict[str, str]] = []
    actions: list[dict[str, str]] = []  # {"app_id", "action", "label"}
    dialog_app: int = 0
    dialog_action: str = ""
    dialog_version: int = 0
    message_error: str = ""
    notice: str = ""
    error: str = ""

    @rx.var
    def dialog_title(self) -> str:
        return DIALOGS.get(self.dialog_action, ("", "", ""))[0]

    @rx.var
    def dialog_hint(self) -> str:
        return DIALOGS.get(self.dialog_action, ("", "", ""))[1]

    @rx.var
    def dialog_yes(self) -> str:
        return DIALOGS.get(self.dialog_action, ("", "", ""))[2]

    @rx.var
    def dialog_required(self) -> bool:
        return False  # the school's message is optional (seed 000, step 2)

    @rx.var
    def dialog_key(self) -> str:
        return f"{self.dialog_action}-{self.dialog_app}-{self.dialog_version}"

    @rx.var
    def class_url(self) -> str:
        cid = self.pupil.get("class_id", "")
        return f"{SPACE_URL}/classe/{cid}" if cid.isdigit() else SPACE_URL

    def _clear(self) -> None:
        self.pupil = {}
        self.apps = []
        self.actions = []
        self.dialog_action = ""
        self.dialog_app = 0

    async def _refresh(self, user) -> None:
        try:
            if self.pupil_id <= 0:
                raise PermissionDenied(DENIED)
            data = await db.call(_pupil, user, self.pupil_id)
        except PermissionDenied as exc:
            self._clear()
            self.denied = _denial(exc)
            return
        self.denied = ""
        self.pupil = _flat(data.get("pupil"))
        apps = data.get("applications") or []
        self.apps = _rows(apps)
        self.actions = [
            {"app_id": _s(a["id"]), "action": _s(x["action"]), "label": _s(x["label"])}
            for a in apps
            for x in a.get("actions") or []
            if x.get("action") in DIALOGS
        ]

    @rx.event
    async def load(self):
        found = id_after(self.router.url.path, "eleve")
        self.pupil_id = found if found is not None else -1
        self.loaded = False
        self.notice = ""
        self.error = ""
        self.message_error = ""
        self.dialog_action = ""
        user = await caller(self)
        if user is None:
            self._clear()
            self.loaded = True
            return rx.redirect(f"/connexion?suivant={self.router.url.path}")
        await self._refresh(user)
        self.loaded = True

    @rx.event
    def open_dialog(self, app_id: Any, action: Any):
        """Only an action shown for this pupil's application opens the dialog (the
        service checks again on « Valider » / « Refuser »)."""
        app_id = client_id(app_id)
        allowed = {(a["app_id"], a["action"]) for a in self.actions}
        if app_id is None or not isinstance(action, str) or (str(app_id), action) not in allowed:
            return
        self.dialog_app = app_id
        self.dialog_action = action
        self.dialog_version += 1
        self.message_error = ""
        self.notice = ""
        self.error = ""

    @rx.event
    def close_dialog(self):
        self.dialog_action = ""
        self.dialog_app = 0
        self.message_error = ""

    @rx.event
    def set_dialog_open(self, value: Any):
        if value is not True:
            self.close_dialog()

    @rx.event
    async def decide(self, form_data: Any):
        action, app_id = self.dialog_action, self.dialog_app
        user = await caller(self)
        if user is None:
            self.close_dialog()
            return rx.redirect(f"/connexion?suivant={self.router.url.path}")
        if action not in DIALOGS or app_id <= 0:
            self.close_dialog()
            return
        message = form_data.get("message") if isinstance(form_data, dict) else ""
        errors = await db.call(_decide, user, app_id, action, message)
        if not isinstance(errors, dict):
            errors = {"form": DENIED}
        if errors.get("message"):
            self.message_error = _s(errors["message"])  # the dialog stays open, text kept
            return
        self.close_dialog()
        self.error = _s(errors.get("form"))
        self.notice = "" if self.error else DONE.get(action, "")
        await self._refresh(user)

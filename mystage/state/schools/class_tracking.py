"""A class's tracking table with the parents' authorizations
(``/espace/etablissement/classe/[classe_id]``); its printable form is
:mod:`.authorization_sheet`."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from mystage import clock, db
from mystage.services import conventions, schools
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state.schools.space import DENIED, SPACE_URL
from mystage.state.schools.values import denial, flat, flat_rows, id_after
from mystage.state.session import caller, login_redirect
from mystage.state.values import as_str

# The class table's filters: the key in the page (ids ``filter-<key>``) → service filter.
FILTERS = {
    "tous": "",
    "sans_candidature": "sans_candidature",
    "en_attente": "en_attente",
    "confirme": "confirme",
    "sans_autorisation": "sans_autorisation",
    "pas_inscrit": "pas_inscrit",
}
FILTER_LABELS = {
    "tous": "Tous",
    "sans_candidature": "Sans candidature",
    "en_attente": "En attente",
    "confirme": "Confirmé",
    "sans_autorisation": "Sans autorisation",
    "pas_inscrit": "Pas encore inscrits",
}
SORTS = ("name", "authorization", "applications", "state", "last_activity")


def _today_iso() -> str:
    return clock.today_paris().isoformat()


def _class_table(s, user, class_id: int, filter_: str, sort: str, desc: bool):
    return schools.class_table(s, user, class_id, filter=filter_, sort=sort, descending=desc)


def _record(s, user, pupil_id: Any, on: str) -> dict[str, str]:
    return schools.record_authorization(s, user, pupil_id, on)


def _undo(s, user, pupil_id: Any) -> str:
    return schools.undo_authorization(s, user, pupil_id)


def _record_class(s, user, class_id: int, on: str) -> tuple[int, dict[str, str]]:
    return schools.record_class_authorizations(s, user, class_id, on)


def _remind(s, user, class_id: int) -> dict[str, Any]:
    return schools.remind_class(s, user, class_id)


def remind_message(result: dict[str, Any]) -> str:
    """« Relancer »'s answer: how many pupils were reminded and when the next is possible."""
    n, waiting, nxt = result.get("reminded", 0), result.get("waiting", 0), result.get("next_on")
    if not result.get("without"):
        return "Tous les élèves inscrits de la classe ont déjà postulé : personne à relancer."
    if n == 0:
        return (
            f"Les {waiting} élève(s) sans candidature ont déjà été relancé(s) cette semaine : "
            f"prochaine relance possible le {nxt}."
        )
    text = f"{n} élève(s) sans candidature relancé(s) par courriel ou SMS."
    if waiting:
        text += f" {waiting} autre(s) l'avaient déjà été cette semaine."
    return text + f" Prochaine relance possible le {nxt}."


def _with_convention(row: dict[str, str]) -> dict[str, str]:
    """The row with its convention in plain words and the link to it ("" without one)."""
    state = row.get("convention_state", "")
    cid = row.get("convention_id", "0")
    return {
        **row,
        "convention_label": (
            conventions.state_label(state, 0, 0, row.get("convention_paper") == "1")
            if state
            else ""
        ),
        "convention_url": f"{SPACE_URL}/conventions/{cid}" if state and cid != "0" else "",
    }


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
    # Listed pupils not signed up yet (« pas encore inscrit »), and each filter's count.
    roster: list[dict[str, str]] = []
    counts: dict[str, str] = {}
    filter_key: str = "tous"
    sort: str = "name"
    descending: bool = False
    auth_date: str = ""
    auth_error: str = ""
    confirm_all: bool = False
    paper_mode: bool = False
    notice: str = ""
    error: str = ""
    # The last box ticked or unticked, said next to the table with « Annuler ».
    auth_notice: str = ""
    undo_id: str = ""
    undo_checked: bool = False
    remind_notice: str = ""

    @rx.var
    def is_real_class(self) -> bool:
        return self.class_id > 0

    def _export(self, filter_key: str) -> str:
        query = {"filtre": FILTERS.get(filter_key, ""), "tri": self.sort}
        if self.descending:
            query["ordre"] = "desc"
        return f"/api/etablissement/export/classe/{max(self.class_id, 0)}?{urlencode(query)}"

    @rx.var
    def export_url(self) -> str:
        """The rows shown (the filter applied)."""
        return self._export(self.filter_key)

    @rx.var
    def export_all_url(self) -> str:
        return self._export("tous")

    @rx.var
    def shown_count(self) -> int:
        return len(self.rows) + len(self.roster)

    @rx.var
    def export_label(self) -> str:
        """The rows of the filter (what the file holds: a row kept after its box was ticked
        has left the filter)."""
        n = int(self.counts.get(self.filter_key, "0") or 0)
        return f"Exporter les {n} élève{'s' if n > 1 else ''} affiché{'s' if n > 1 else ''}"

    @rx.var
    def export_all_label(self) -> str:
        return f"Exporter toute la classe ({self.counts.get('tous', '0')})"

    @rx.var
    def is_filtered(self) -> bool:
        return self.filter_key != "tous"

    @rx.var
    def to_remind(self) -> str:
        return self.counts.get("sans_candidature", "0")

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
        self.roster = []
        self.counts = {}
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
        self._forget_undo()
        self.remind_notice = ""
        self.confirm_all = False  # a dialog left open does not come back with the page
        self.loaded = False
        return await self._refresh()

    @rx.event
    async def reload(self):
        """The table again (after the roster changed), same filter and sort."""
        return await self._refresh()

    def _forget_undo(self) -> None:
        self.auth_notice = ""
        self.undo_id = ""

    async def _refresh(self, keep_rows: bool = False):
        """Load the table.  ``keep_rows``: the rows shown stay, in their order, with their new
        values (a box ticked in « Sans autorisation » keeps its row until the filter is
        applied again)."""
        user = await caller(self)
        if user is None:
            self._clear()
            self.loaded = True
            return login_redirect(self)
        if self.class_id < 0:
            self._clear()
            self.denied = DENIED
            self.loaded = True
            return
        shown = [r.get("id") for r in self.rows] if keep_rows else []
        try:
            table = await db.call(
                _class_table, user, self.class_id, "" if keep_rows else FILTERS[self.filter_key],
                self.sort, self.descending,
            )  # fmt: skip
        except PermissionDenied as exc:
            self._clear()
            self.denied = denial(exc)
            self.loaded = True
            return
        self.denied = ""
        self.cls = flat(table.get("class"))
        self.school_name = as_str(table.get("school_name"))
        self.year_label = as_str(table.get("year_label"))
        self.paper_mode = table.get("convention_mode") == "paper"
        rows = [_with_convention(r) for r in flat_rows(table.get("rows"))]
        if keep_rows:
            by_id = {r["id"]: r for r in rows}
            rows = [by_id[i] for i in shown if i in by_id]
        else:
            self.roster = flat_rows(table.get("roster"))
        self.rows = rows
        counts = table.get("counts") or {}
        self.counts = {key: as_str(counts.get(f, 0)) for key, f in FILTERS.items()}
        self.loaded = True

    @rx.event
    async def set_filter(self, key: Any):
        if not isinstance(key, str) or key not in FILTERS:
            return
        self.filter_key = key
        self.notice = ""
        self._forget_undo()
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

    def _pupil_name(self, pupil_id: int) -> str:
        """« Léa Martin » (a last name typed in capitals in ordinary case)."""
        for r in self.rows:
            if r.get("id") == str(pupil_id):
                last = r.get("last_name", "")
                if last.isupper():
                    last = last.title()
                return f"{r.get('first_name', '')} {last}".strip()
        return ""

    @rx.event
    async def toggle_auth(self, pupil_id: Any, checked: Any):
        """A pupil's checkbox: ticked → the parents' authorization at the chosen date,
        unticked → removed (the service checks the pupil is one the caller sees).  The row
        stays where it is (until the filter is applied again) and the message names the
        pupil, with « Annuler »."""
        pupil_id = client_id(pupil_id)
        if not isinstance(checked, bool) or pupil_id is None:
            return
        return await self._toggle(pupil_id, checked)

    async def _toggle(self, pupil_id: int, checked: bool):
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        self.notice = ""
        self.error = ""
        self._forget_undo()
        name = self._pupil_name(pupil_id) or "l'élève"
        try:
            if checked:
                errors = await db.call(_record, user, pupil_id, self.auth_date)
                if errors:
                    self.auth_error = as_str(errors.get("date")) or DENIED
                    return await self._refresh(keep_rows=True)
                self.auth_error = ""
                self.auth_notice = (
                    f"Autorisation enregistrée pour {name} : l'élève peut postuler et en est "
                    "prévenu(e) par courriel ou SMS."
                )
            else:
                error = await db.call(_undo, user, pupil_id)
                self.error = error
                if not error:
                    self.auth_notice = (
                        f"Autorisation retirée pour {name} : l'élève ne peut plus postuler."
                    )
            if self.auth_notice:
                self.undo_id = str(pupil_id)
                self.undo_checked = not checked
        except PermissionDenied as exc:
            self.error = denial(exc)
        return await self._refresh(keep_rows=True)

    @rx.event
    async def undo_auth(self):
        """« Annuler » in the message: the last box back as it was (an authorization
        recorded by mistake is removed, and its message to the pupil withdrawn if not sent)."""
        pupil_id = client_id(self.undo_id)
        if pupil_id is None:
            return
        back_to = self.undo_checked
        self._forget_undo()
        result = await self._toggle(pupil_id, back_to)
        self.undo_id = ""
        if self.auth_notice:
            name = self._pupil_name(pupil_id) or "l'élève"
            self.auth_notice = (
                f"Annulé : l'autorisation de {name} est de nouveau enregistrée."
                if back_to
                else f"Annulé : pas d'autorisation enregistrée pour {name}."
            )
        return result

    @rx.event
    async def remind(self):
        """« Relancer les élèves sans candidature » (at most once a week per pupil)."""
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        if self.class_id <= 0:
            return
        self.error = ""
        try:
            result = await db.call(_remind, user, self.class_id)
        except PermissionDenied as exc:
            self.error = denial(exc)
            return
        self.remind_notice = remind_message(result)

    @rx.event
    async def toggle_paper(self, conv_id: Any, checked: Any):
        """« Convention signée (papier) » (paper mode): the service checks the convention is
        one of a pupil the caller follows and that the school works on paper."""
        conv_id = client_id(conv_id)
        if not isinstance(checked, bool) or conv_id is None:
            return
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        self.notice = ""
        self.error = await db.call(conventions.set_paper_signed, user, conv_id, checked)
        if not self.error:
            self.notice = (
                "Convention enregistrée comme signée sur papier."
                if checked
                else "La convention n'est plus marquée signée sur papier."
            )
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
            return login_redirect(self)
        if self.class_id <= 0:
            return
        self.notice = ""
        self.error = ""
        try:
            n, errors = await db.call(_record_class, user, self.class_id, self.auth_date)
        except PermissionDenied as exc:
            self.error = denial(exc)
            return await self._refresh()
        if errors:
            self.auth_error = as_str(errors.get("date")) or DENIED
            return
        self.auth_error = ""
        self.notice = (
            "Toute la classe avait déjà une autorisation parentale."
            if n == 0
            else f"{n} autorisation(s) parentale(s) enregistrée(s) : chaque élève en est "
            "prévenu(e) par courriel ou SMS."
        )
        return await self._refresh(keep_rows=True)

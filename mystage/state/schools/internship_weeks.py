"""``/espace/etablissement/semaines``: the internship weeks as toggle chips."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import reflex as rx

from mystage import db
from mystage.services import schools
from mystage.services.permissions import PermissionDenied
from mystage.state.schools.space import WEEKS_URL, SpacePage
from mystage.state.schools.values import safe_id
from mystage.state.session import login_redirect


def week_periods(mondays: list[str]) -> list[str]:
    """Consecutive weeks grouped into periods: « Du 7 au 11 déc. 2026 », « Du 1er au
    12 févr. 2027 »."""
    from mystage.services import weeks

    days = sorted({d for d in (weeks.parse_date(m) for m in mondays) if d is not None})
    out: list[str] = []
    start = prev = None
    for d in days:
        if prev is not None and d - prev == timedelta(days=7):
            prev = d
            continue
        if start is not None:
            out.append(weeks.period_label(start, prev))
        start = prev = d
    if start is not None:
        out.append(weeks.period_label(start, prev))
    return out


def _chip_label(monday: date) -> str:
    """« 7 – 11 » (same month) or « 30 nov. – 4 déc. »: the chip text under the month."""
    from mystage.services import weeks

    friday = monday + timedelta(days=4)
    if friday.month == monday.month:
        return f"{monday.day} – {friday.day}"
    return f"{weeks.short_date_label(monday, False)} – {weeks.short_date_label(friday, False)}"


class SchoolWeeksState(SpacePage, rx.State):
    """``/espace/etablissement/semaines``: the school year's Mondays as toggle chips."""

    year: str = ""
    years: list[dict[str, str]] = []
    year_label: str = ""
    chips: list[dict[str, str]] = []  # value, chip, label, month, first ("1" on a new month)
    scope: str = ""  # "" = the whole school, else a class id
    class_options: list[dict[str, str]] = []
    selected: list[str] = []
    school_selected: list[str] = []
    can_edit: bool = False
    saved: bool = False
    error: str = ""
    dirty: bool = False
    follows_school: bool = False  # the chosen class has no weeks of its own
    _class_weeks: dict[str, list[str]] = {}

    @rx.var
    def periods(self) -> list[str]:
        return week_periods(self.selected)

    @rx.var
    def school_periods(self) -> list[str]:
        return week_periods(self.school_selected)

    @rx.var
    def scope_name(self) -> str:
        for c in self.class_options:
            if c["id"] == self.scope:
                return c["name"]
        return ""

    @rx.event
    async def load(self):
        self.saved = False
        self.error = ""
        self.dirty = False
        user, redirect = await self._enter(WEEKS_URL)
        if user is None:
            self.chips = []
            return redirect
        wanted = self.router.url.query_parameters.get("annee", "")
        await self._fetch(user, wanted if isinstance(wanted, str) else "")
        self.loaded = True

    async def _fetch(self, user, year: Any) -> bool:
        try:
            data = await db.call(schools.school_weeks, user, year=safe_id(year) or None)
        except PermissionDenied as e:
            if e.message == schools.MSG_YEAR:
                data = await db.call(schools.school_weeks, user)
            else:
                self.denied = e.message
                self.chips = []
                return False
        self.year = str(data["year"])
        self.year_label = data["year_label"]
        self.years = [{"id": str(y["value"]), "name": y["label"]} for y in data["years"]]
        if self.year not in {y["id"] for y in self.years}:
            self.years = [{"id": self.year, "name": self.year_label}, *self.years]
        from mystage.services import weeks

        chips = []
        month = ""
        for w in data["calendar"]:
            monday = weeks.parse_date(w["value"])
            chips.append(
                {
                    "value": w["value"],
                    "label": w["label"],
                    "chip": _chip_label(monday) if monday else w["value"],
                    "month": w["month"],
                    "first": "1" if w["month"] != month else "",
                    "past": "1" if w["past"] else "",
                }
            )
            month = w["month"]
        self.chips = chips
        self.school_selected = list(data["school"])
        self._class_weeks = {str(c["id"]): list(c["weeks"]) for c in data["classes"]}
        self.class_options = [{"id": str(c["id"]), "name": c["name"]} for c in data["classes"]]
        if self.scope and self.scope not in self._class_weeks:
            self.scope = ""
        self.can_edit = bool(data["can_edit"])
        self._select_scope()
        return True

    def _select_scope(self):
        if self.scope:
            self.selected = list(self._class_weeks.get(self.scope, []))
        else:
            self.selected = list(self.school_selected)
        self.follows_school = bool(self.scope) and not self.selected
        self.dirty = False

    @rx.event
    def set_scope(self, value: Any):
        cid = safe_id(value)
        self.scope = cid if cid in self._class_weeks else ""
        self.saved = False
        self.error = ""
        self._select_scope()

    @rx.event
    async def set_year(self, value: Any):
        user = await self._actor()
        if user is None:
            return login_redirect(self, WEEKS_URL)
        self.saved = False
        self.error = ""
        await self._fetch(user, value)

    @rx.event
    def toggle(self, value: Any):
        if not self.can_edit or not isinstance(value, str):
            return
        if value not in {c["value"] for c in self.chips}:
            return
        if value in self.selected:
            self.selected = [v for v in self.selected if v != value]
        else:
            self.selected = sorted([*self.selected, value])
        self.saved = False
        self.dirty = True

    @rx.event
    async def save(self):
        user = await self._actor()
        if user is None:
            return login_redirect(self, WEEKS_URL)
        try:
            errors = await db.call(
                schools.set_weeks,
                user,
                list(self.selected),
                class_id=self.scope or None,
                year=self.year or None,
            )
        except PermissionDenied as e:
            self.error = e.message
            return
        if errors:
            self.error = next(iter(errors.values()))
            return
        self.error = ""
        scope = self.scope
        await self._fetch(user, self.year)
        self.scope = scope if scope in self._class_weeks else ""
        self._select_scope()
        self.saved = True

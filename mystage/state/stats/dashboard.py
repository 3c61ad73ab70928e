"""« Statistiques » of référents and admins: filters, tiles, charts, map, off-platform
figures (the « Exporter » panel is ``state/exports.py``, fed with these filters).

Every handler re-reads the caller from the session cookie and goes through
``services/stats/``, which computes the caller's territory
(scope) themselves: a filter value sent by a crafted client outside that territory is
replaced by the territory (and a notice says so), never trusted.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from mystage import db
from mystage.services import map_store, stats
from mystage.services.ids import client_id
from mystage.state.session import caller, login_redirect

FILTER_FIELDS = (
    "school_year",
    "department",
    "academy",
    "sector_id",
    "structure_type",
    "ep",
    "level",
    "ministry",
    "school_kind",
)
TOP_SECTORS = 12
PAGE_URL = "/espace/statistiques"
# The filters in the page's address (French names), so a view can be bookmarked or sent
# to a colleague: read on load, rewritten (history.replaceState) when a filter changes.
# What comes from the address goes through the same checks and scope as the selects.
URL_PARAMS = {
    "school_year": "annee",
    "department": "departement",
    "academy": "academie",
    "sector_id": "secteur",
    "structure_type": "structure",
    "ep": "ep",
    "level": "niveau",
    "ministry": "ministere",
    "school_kind": "etablissement",
}


def filters_from_query(query: Any) -> dict[str, str]:
    """``{"school_year": "2025", …}`` from the address's parameters (strings, capped)."""
    data = query if isinstance(query, dict) else {}
    out = {}
    for name, param in URL_PARAMS.items():
        value = data.get(param)
        if isinstance(value, str) and value.strip():
            out[name] = value.strip()[:80]
    return out


def page_url(filters: dict[str, str], default_year: str = "") -> str:
    """The page's address for the applied filters (the current school year left out)."""
    params = {
        URL_PARAMS[k]: v
        for k, v in filters.items()
        if k in URL_PARAMS and v and not (k == "school_year" and v == default_year)
    }
    return PAGE_URL + ("?" + urlencode(params) if params else "")


def _s(v: Any) -> str:
    return "" if v is None else str(v)


def _pick(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """The rows with only ``keys`` (what a chart and its table show)."""
    return [{k: r[k] for k in keys} for r in rows]


def _with_rate(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with ``registered_rate``: the share (%) of the eligible schools registered,
    drawn instead of the two counts (140 next to 2 cannot be read; 1 % can)."""
    return [
        {
            **r,
            "registered_rate": round(100 * r["registered"] / r["eligible"]) if r["eligible"] else 0,
        }
        for r in rows
    ]


def _view(data: dict[str, Any]) -> dict[str, Any]:
    """The service's dashboard as JSON-friendly state values (numbers stay numbers for the
    charts; the tables under the charts show them as text)."""
    ch = data["charts"]
    off = data["off_platform"]
    rates = ("label", "offers", "places", "filled", "fill_rate")
    return {
        "tiles": data["tiles_list"],
        "by_month": _pick(ch["by_month"], "label", "offered", "filled"),
        "by_state": _pick(ch["by_state"], "label", "count"),
        "by_sector": _pick(ch["by_sector"][:TOP_SECTORS], *rates),
        "by_structure": _pick(ch["by_structure"], *rates),
        "by_ep": _pick(ch["by_ep"], "label", "applications", "filled"),
        "by_school_kind": _pick(ch["by_school_kind"], "label", "applications", "filled"),
        "schools": _with_rate(_pick(data["schools"], "label", "eligible", "registered")),
        "schools_by_kind": _with_rate(
            _pick(data["schools_by_kind"], "label", "eligible", "registered")
        ),
        "top_communes": _pick(ch["top_communes"], "label", "offers", "places"),
        "off_by_kind": [
            {"label": r["label"], "platform": p["filled"], "off_platform": r["count"]}
            for r, p in zip(off["by_kind"], ch["by_structure"], strict=False)
        ],
        "off_by_sector": _pick(off["by_sector"][:TOP_SECTORS], "label", "count"),
        "map_url": map_store.publish(stats.map_html(ch["map_points"])),
        "source": data["source"],
        "updated_at": data["updated_at"] or "",
        "scope_label": data["scope"]["label"],
        "filters": {k: _s(v) for k, v in data["filters"].items()},
        "errors": dict(data["errors"]),
        "notices": dict(data["notices"]),
    }


def _load(s, actor, filters: dict[str, str]) -> dict[str, Any] | None:
    if not stats.can_view_stats(actor):
        return None
    data = stats.dashboard(s, actor, filters)
    view = _view(data)
    view["options"] = stats.filter_options(s, actor)
    view["off_entries"] = _entries(s, actor, view["filters"].get("school_year"))
    view["national"] = data["scope"]["departments"] is None
    return view


def _refresh(s, actor, filters: dict[str, str]) -> dict[str, Any] | None:
    if not stats.can_view_stats(actor):
        return None
    return _view(stats.dashboard(s, actor, filters))


def _entries(s, actor, year) -> list[dict[str, str]]:
    return [
        {k: _s(v) for k, v in row.items()}
        for row in stats.list_off_platform_figures(s, actor, year)
    ]


def _add_entry(s, actor, form: dict[str, Any]) -> tuple[int | None, dict[str, str]]:
    return stats.add_off_platform_figure(
        s,
        actor,
        school_year=form.get("school_year"),
        department_code=form.get("department_code"),
        kind=form.get("kind"),
        sector_id=form.get("sector_id"),
        count=form.get("count"),
    )


def _delete_entry(s, actor, figure_id) -> str:
    return stats.delete_off_platform_figure(s, actor, figure_id)


class StatsState(rx.State):
    allowed: bool = False
    denied: str = ""
    scope_label: str = ""
    national: bool = False
    filters: dict[str, str] = {}
    errors: dict[str, str] = {}
    notices: dict[str, str] = {}
    year_options: list[dict[str, str]] = []
    department_options: list[dict[str, str]] = []
    academy_options: list[str] = []
    sector_options: list[dict[str, str]] = []
    structure_options: list[dict[str, str]] = []
    ep_options: list[dict[str, str]] = []
    level_options: list[dict[str, str]] = []
    school_kind_options: list[dict[str, str]] = []
    ministry_options: list[dict[str, str]] = []
    tiles: list[dict[str, str]] = []
    by_month: list[dict[str, Any]] = []
    by_state: list[dict[str, Any]] = []
    by_sector: list[dict[str, Any]] = []
    by_structure: list[dict[str, Any]] = []
    by_ep: list[dict[str, Any]] = []
    by_school_kind: list[dict[str, Any]] = []
    schools: list[dict[str, Any]] = []
    schools_by_kind: list[dict[str, Any]] = []
    top_communes: list[dict[str, Any]] = []
    off_by_kind: list[dict[str, Any]] = []
    off_by_sector: list[dict[str, Any]] = []
    map_url: str = ""  # /api/carte/<key>
    source: str = ""
    updated_at: str = ""
    loading: bool = False
    # The page's address for the applied filters: the page rewrites the address bar when it
    # changes (components/browser.address_sync), so a view can be bookmarked or sent.
    address: str = ""
    # Off-platform figures.
    off_entries: list[dict[str, str]] = []
    off_errors: dict[str, str] = {}
    off_values: dict[str, str] = {}
    off_message: str = ""

    def _apply(self, view: dict[str, Any]) -> None:
        for key in (
            "tiles", "by_month", "by_state", "by_sector", "by_structure", "by_ep", "schools",
            "by_school_kind", "schools_by_kind", "top_communes", "off_by_kind", "off_by_sector", "map_url", "source", "updated_at",
            "scope_label", "filters", "errors", "notices",
        ):  # fmt: skip
            setattr(self, key, view[key])
        if "options" in view:
            o = view["options"]
            self.year_options = o["school_years"]
            self.department_options = o["departments"]
            self.academy_options = o["academies"]
            self.sector_options = o["sectors"]
            self.structure_options = o["structure_types"]
            self.ep_options = o["ep"]
            self.level_options = o["levels"]
            self.school_kind_options = o["school_kinds"]
            self.ministry_options = o["ministries"]
        for key in ("off_entries", "national"):
            if key in view:
                setattr(self, key, view[key])

    async def _viewer(self):
        """The caller when they may see statistics; else clears the page (and says why)."""
        actor = await caller(self)
        if actor is None or not stats.can_view_stats(actor):
            self.allowed = False
            self.tiles = []
            self.map_url = ""
            self.denied = stats.MSG_DENIED
            return None
        return actor

    @rx.event
    async def load(self):
        actor = await caller(self)
        if actor is None:
            return login_redirect(self)
        self.off_message = ""
        self.off_errors = {}
        asked = filters_from_query(dict(self.router.url.query_parameters))
        view = await db.call(_load, actor, asked)
        if view is None:
            self.allowed = False
            self.denied = stats.MSG_DENIED
            return
        self.allowed = True
        self.denied = ""
        self._apply(view)
        self.address = self._address()
        self.off_values = {"school_year": view["filters"]["school_year"], "kind": "association"}

    def _address(self) -> str:
        default_year = next((o["value"] for o in self.year_options), "")
        return page_url(self.filters, default_year)

    async def _recompute(self, actor) -> None:
        """Recompute with ``self.filters``; the address bar follows (``address``)."""
        self.loading = True
        try:
            view = await db.call(_refresh, actor, dict(self.filters))
        finally:
            self.loading = False
        if view is None:
            return
        self._apply(view)
        self.address = self._address()

    @rx.event
    async def set_filter(self, name: str, value: str):
        actor = await self._viewer()
        if actor is None:
            return
        if name not in FILTER_FIELDS or not isinstance(value, str):
            return
        filters = dict(self.filters)
        filters[name] = value[:80]
        if name == "academy" and value:
            filters["department"] = ""  # an académie replaces a département chosen before
        if name == "department" and value:
            filters["academy"] = ""
        self.filters = filters
        await self._recompute(actor)

    @rx.event
    async def reset_filters(self):
        actor = await self._viewer()
        if actor is None:
            return
        self.filters = {"school_year": self.filters.get("school_year", "")}
        await self._recompute(actor)

    # --- off-platform figures ---------------------------------------------------------------

    @rx.event
    async def add_off_platform(self, form_data: dict):
        actor = await self._viewer()
        if actor is None:
            return
        form = {
            k: (v.strip()[:80] if isinstance(v, str) else "")
            for k, v in (form_data if isinstance(form_data, dict) else {}).items()
            if k in ("school_year", "department_code", "kind", "sector_id", "count")
        }
        self.off_values = form
        new_id, errors = await db.call(_add_entry, actor, form)
        self.off_errors = errors
        if new_id is None:
            self.off_message = ""
            return
        self.off_message = "Chiffre enregistré."
        self.off_values = {"school_year": form.get("school_year", ""), "kind": form.get("kind", "")}
        await self._after_off_change(actor)

    async def _after_off_change(self, actor) -> None:
        self.off_entries = await db.call(_entries, actor, self.filters.get("school_year"))
        await self._recompute(actor)

    @rx.event
    async def delete_off_platform(self, figure_id: Any):
        figure_id = client_id(figure_id)
        actor = await self._viewer()
        if actor is None or figure_id is None:
            return
        error = await db.call(_delete_entry, actor, figure_id)
        self.off_message = error or "Saisie supprimée."
        await self._after_off_change(actor)


__all__ = ["StatsState"]

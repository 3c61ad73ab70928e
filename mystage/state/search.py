"""« Rechercher un stage »: criteria in the URL, one search per page load, lazy map.

No login needed; a logged-in pupil's eligibility (reserved offers) and default scope come
from the server-side session, never from the client.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from mystage import db
from mystage.settings import get_settings
from mystage.state.session import SessionState

RADII = ["0", "5", "10", "20", "30", "40", "60"]
HANDICAPS = [
    ("visual", "visuel"),
    ("motor", "moteur"),
    ("mental", "mental"),
    ("hearing", "auditif"),
]
LEVELS = [
    ("3e", "3e générale"),
    ("3e_segpa", "3e SEGPA"),
    ("3e_prepa_metiers", "3e prépa-métiers"),
    ("4e", "4e"),
    ("2de_gt", "2de générale et technologique"),
]


# The service names errors after SearchCriteria fields; the page after URL parameters.
ERROR_KEYS = {
    "where": "lieu",
    "radius_km": "rayon",
    "weeks": "semaines",
    "level": "niveau",
    "sectors": "secteurs",
    "handicaps": "handicaps",
}


def _viewer(s, user_id: int | None):
    from mystage.models import User

    return s.get(User, user_id) if user_id else None


def _run_search(s, params: dict[str, str], user_id: int | None, with_options: bool):
    from mystage import clock
    from mystage.models import School
    from mystage.services import search, sectors, weeks

    viewer = _viewer(s, user_id)
    ctx = search.viewer_context(s, viewer) if viewer else None
    defaults_applied = False
    if ctx and not params:
        # A pupil arriving without criteria starts from their default scope.
        params = {}
        school = s.get(School, ctx["school_id"]) if ctx.get("school_id") else None
        if not ctx.get("national") and school is not None and school.postal_code:
            params["lieu"] = school.postal_code
            params["rayon"] = str(min(max(school.search_radius_km or 60, 1), 60))
        if ctx.get("weeks"):
            params["semaines"] = ",".join(w.isoformat() for w in ctx["weeks"])
        if viewer.level:  # the offers open to their level, with the weeks of their kind
            params["niveau"] = viewer.level
        defaults_applied = bool(params)
    territory = get_settings().territory
    if not params and territory != "national":
        # A departmental deployment (like MyStage77) opens on its own département.
        params = {"lieu": territory}
    criteria, errors = search.SearchCriteria.from_query(params)
    result = search.search(s, criteria, viewer=viewer)
    out: dict[str, Any] = {
        "criteria": criteria.to_query(),
        "errors": {ERROR_KEYS.get(k, k): v for k, v in {**errors, **(result.errors or {})}.items()},
        "results": result.results,
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "place_label": result.place_label or "",
        "place_phrase": search.results_place(result.place_label or "", result.place_is_department),
        "suggestions": [
            {"label": sug["label"], "href": "/offres?" + urlencode(_query(sug["criteria"]))}
            for sug in result.suggestions
        ],
        "defaults_applied": defaults_applied,
        "sectors": [],
        "weeks": [],
    }
    if with_options:
        out["sectors"] = sectors.choices(s)
        today = clock.today_paris()
        year = weeks.school_year_of(today)
        this_monday = clock.monday_of(today)
        mondays = [m for m in weeks.weeks_of_school_year(year) if m >= this_monday]
        mondays += weeks.weeks_of_school_year(year + 1)[:10]
        out["weeks"] = [{"id": m.isoformat(), "name": weeks.week_label(m)} for m in mondays]
    return out


def _query(criteria: Any) -> dict[str, str]:
    if hasattr(criteria, "to_query"):
        return criteria.to_query()
    return {k: v for k, v in dict(criteria).items() if v not in ("", None)}


def _map(s, params: dict[str, str], user_id: int | None) -> str:
    """The URL of the « Carte » document for these criteria (see services/map_store)."""
    from mystage.services import map_store, maps, search

    viewer = _viewer(s, user_id)
    criteria, _errors = search.SearchCriteria.from_query(params)
    points = search.map_points(s, criteria, viewer=viewer, limit=1500)
    document = maps.render_map(
        [
            maps.Point(
                p["lat"], p["lon"], f"{p['title']} — {p['employer_name']}", f"/offres/{p['id']}"
            )
            for p in points
            if p.get("lat") is not None
        ],
        zoom=9,
        cluster=True,
        fit=True,
    )
    return map_store.publish(document)


def _suggest(s, prefix: str) -> list[dict]:
    from mystage.services import geo

    return geo.suggest_communes(s, prefix, limit=8)


def _flat(row: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in row.items():
        if isinstance(v, bool):
            out[k] = "1" if v else ""
        elif isinstance(v, list):
            out[k] = ", ".join(str(x) for x in v)
        elif isinstance(v, float):
            out[k] = f"{v:.1f}".replace(".", ",")
        else:
            out[k] = "" if v is None else str(v)
    return out


class SearchState(rx.State):
    loaded: bool = False
    query: dict[str, str] = {}
    errors: dict[str, str] = {}
    results: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    place_label: str = ""
    suggestions: list[dict[str, str]] = []
    sectors: list[dict[str, str]] = []
    week_options: list[dict[str, str]] = []
    selected_sectors: list[str] = []
    selected_weeks: list[str] = []
    selected_handicaps: list[str] = []
    lieu: str = ""  # the place of the URL: the field's first value (the browser owns it then)
    place_suggestions: list[dict[str, str]] = []
    # Bumped by each page load and each choice: a suggestion request typed before (a late
    # debounced event) is ignored (components/autocomplete.py).
    place_epoch: int = 0
    view: str = "list"  # list or map: from the address (``vue=carte``), never sticky
    filters_open: bool = False  # the criteria unfolded under « Filtres (n) » (phones)
    place_phrase: str = ""  # « en Seine-et-Marne », « autour de Meaux (77) »
    map_url: str = ""  # /api/carte/<key>
    defaults_applied: bool = False
    version: int = 0

    @rx.var
    def form_key(self) -> str:
        return f"search-{self.version}"

    @rx.var
    def searched(self) -> bool:
        """A search has criteria: on a phone its results come first, criteria folded."""
        return bool(self.query)

    @rx.var
    def filters_count(self) -> int:
        from mystage.services.search import criteria_count

        return criteria_count(self.query)

    @rx.var
    def offers_word(self) -> str:
        """« offre » / « offres » after the count (0 and 1 take the singular)."""
        return "offre" if self.total < 2 else "offres"

    @rx.var
    def list_href(self) -> str:
        return "/offres" + ("?" + urlencode(self.query) if self.query else "")

    @rx.var
    def map_href(self) -> str:
        return "/offres?" + urlencode({**self.query, "vue": "carte"})

    @rx.var
    def prev_href(self) -> str:
        return "/offres?" + urlencode({**self.query, "page": str(max(1, self.page - 1))})

    @rx.var
    def next_href(self) -> str:
        return "/offres?" + urlencode({**self.query, "page": str(min(self.pages, self.page + 1))})

    @rx.event
    async def load(self):
        params = {
            k: v[:300]
            for k, v in self.router.url.query_parameters.items()
            if k
            in {
                "q",
                "lieu",
                "rayon",
                "niveau",
                "secteurs",
                "semaines",
                "handicaps",
                "tout",
                "page",
            }  # fmt: skip
        }
        session = await self.get_state(SessionState)
        user_id = await session.current_user_id()
        data = await db.call(_run_search, params, user_id, not self.sectors)
        self.query = {k: str(v) for k, v in data["criteria"].items()}
        self.errors = data["errors"]
        self.results = [_flat(r) for r in data["results"]]
        self.total = data["total"]
        self.page = data["page"]
        self.pages = max(1, data["pages"])
        self.place_label = data["place_label"]
        self.place_phrase = data["place_phrase"]
        self.suggestions = data["suggestions"]
        self.defaults_applied = data["defaults_applied"]
        if data["sectors"]:
            self.sectors = data["sectors"]
            self.week_options = data["weeks"]
        self.selected_sectors = [x for x in self.query.get("secteurs", "").split(",") if x]
        self.selected_weeks = [x for x in self.query.get("semaines", "").split(",") if x]
        self.selected_handicaps = [x for x in self.query.get("handicaps", "").split(",") if x]
        self.lieu = self.query.get("lieu", "")
        self.place_suggestions = []
        self.place_epoch += 1
        self.map_url = ""
        # Folded on a phone once a search has run, unless a criterion needs fixing: its
        # message is shown next to the field.
        self.filters_open = bool(self.errors)
        self.view = "map" if self.router.url.query_parameters.get("vue") == "carte" else "list"
        if self.view == "map" and self.total > 0:
            await self._render_map(user_id)
        self.version += 1
        self.loaded = True

    @rx.event
    def submit(self, form_data: dict):
        def on(key: str) -> bool:
            """A ticked checkbox (Reflex sends unticked ones as False)."""
            v = form_data.get(key)
            return v is True or (isinstance(v, str) and v.lower() in {"on", "true", "1"})

        def text(key: str, limit: int = 200) -> str:
            v = form_data.get(key)
            return v.strip()[:limit] if isinstance(v, str) else ""

        query = {
            "q": text("q"),
            # What is in the field now (the form's data), not the last value the server saw.
            "lieu": text("lieu", 120),
            "rayon": text("rayon", 3),
            "niveau": text("niveau", 20),
            "secteurs": ",".join(
                k[8:] for k in form_data if k.startswith("secteur_") and k[8:].isdigit() and on(k)
            ),
            "semaines": ",".join(k[8:] for k in form_data if k.startswith("semaine_") and on(k)),
            "handicaps": ",".join(k[9:] for k in form_data if k.startswith("handicap_") and on(k)),
            "tout": "1" if on("tout") else "",
        }
        query = {k: v for k, v in query.items() if v}
        if query.get("rayon") and not query.get("lieu"):
            query.pop("rayon")
        self.place_suggestions = []
        self.place_epoch += 1
        if self.view == "map":  # a new search from the map stays on the map
            query["vue"] = "carte"
        return rx.redirect("/offres?" + urlencode(query))

    @rx.event
    async def type_place(self, value: str, epoch: Any = None):
        """Suggestions for what is typed in « Ville ou code postal » (debounced).  An event
        typed before the last page load, search or choice (``epoch``) is ignored."""
        if str(epoch) != str(self.place_epoch):
            return
        typed = value.strip()[:120] if isinstance(value, str) else ""
        if len(typed) < 2:
            self.place_suggestions = []
            return
        rows = await db.call(_suggest, typed)
        if str(epoch) != str(self.place_epoch):  # a choice or a search came meanwhile
            return
        self.place_suggestions = [{"label": r["label"]} for r in rows]

    @rx.event
    def pick_place(self, label: str):
        """A suggestion was chosen (the browser already wrote it into the field)."""
        self.lieu = str(label)[:120]
        self.place_suggestions = []
        self.place_epoch += 1

    @rx.event
    def toggle_filters(self):
        """« Filtres (n) »: unfold or fold the criteria (a phone's results come first)."""
        self.filters_open = not self.filters_open

    async def _render_map(self, user_id: int | None):
        self.map_url = await db.call(_map, dict(self.query), user_id)

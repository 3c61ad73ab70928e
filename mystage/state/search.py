"""« Rechercher un stage »: criteria in the URL, one search per page load, lazy map.

No login needed; a logged-in pupil's eligibility (reserved offers) and default scope come
from the server-side session, never from the client.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from mystage import db
from mystage.services import geo
from mystage.settings import get_settings
from mystage.state.session import SessionState, session_user, summary_of

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


URL_PARAMS = frozenset(
    ("q", "lieu", "rayon", "niveau", "secteurs", "semaines", "handicaps", "tout", "page")
)

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


def _context(s, user_id: int | None):
    """The caller's search context (a pupil's school and weeks), or None."""
    from mystage.services import search

    viewer = _viewer(s, user_id)
    return viewer, (search.viewer_context(s, viewer) if viewer else None)


def _run_search(s, params: dict[str, str], user_id: int | None, with_options: bool):
    viewer, ctx = _context(s, user_id)
    return _search(s, params, viewer, ctx, with_options)


def _search(s, params: dict[str, str], viewer, ctx, with_options: bool):
    from mystage import clock
    from mystage.models import School
    from mystage.services import search, sectors, weeks

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
    # The context read above: the search does not read the school and weeks again.
    result = search.search(s, criteria, viewer=ctx)
    out: dict[str, Any] = {
        "criteria": criteria.to_query(),
        "errors": {ERROR_KEYS.get(k, k): v for k, v in {**errors, **(result.errors or {})}.items()},
        "results": [_card(r) for r in result.results],
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
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


def _map(s, params: dict[str, str], ctx) -> str:
    """The URL of the « Carte » document for these criteria (see services/map_store)."""
    from mystage.services import map_store, maps, search

    criteria, _errors = search.SearchCriteria.from_query(params)
    points = search.map_points(s, criteria, viewer=ctx, limit=1500)
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


def _load(s, token: str | None, params: dict[str, str], with_options: bool, view: str):
    """All that a load of /offres reads, in one session: who calls (from the session
    cookie, as on every event), the search, and the map's document when the map shows."""
    from mystage.services import search

    viewer = session_user(s, token)
    ctx = search.viewer_context(s, viewer) if viewer else None
    data = _search(s, params, viewer, ctx, with_options)
    data["map_url"] = ""
    if view == "map" and data["total"] > 0:
        data["map_url"] = _map(s, {k: str(v) for k, v in data["criteria"].items()}, ctx)
    return summary_of(viewer), data


def _suggest(s, prefix: str) -> list[dict]:
    from mystage.services import geo

    return geo.suggest_communes(s, prefix, limit=SUGGESTIONS)


SUGGESTIONS = 8  # places proposed under « Ville ou code postal »

# The badges of a result card: (the service's key, its letter in the card's ``flags``,
# text, colour): one short string per card instead of five keys.
FLAGS = [
    ("accessible", "a", "Accessible", "green"),
    ("reserved_rep", "r", "Réservé REP/REP+", "orange"),
    ("reserved_qpv", "q", "Réservé QPV", "orange"),
    ("reserved_schools", "e", "Réservé à votre établissement", "orange"),
    ("applications_closed", "c", "Candidatures closes", "gray"),
]


def _card(row: dict) -> dict[str, str]:
    """What a result card shows, and nothing else: every card goes to the browser, so no
    coordinates, week lists or counts it does not display."""
    km = row.get("distance_km")
    return {
        "id": str(row["id"]),
        "title": row.get("title") or "",
        "employer": row.get("employer_name") or "",
        # « 77100 Meaux · Commerce » as the card's line under the employer.
        "where": f"{row.get('postal_code') or ''} {row.get('city') or ''} · {row.get('sector') or ''}",
        "km": "" if km is None else f"{km:.1f}".replace(".", ","),
        "weeks": row.get("weeks_label") or "",
        "places": row.get("places_label") or "",
        "flags": "".join(letter for key, letter, _text, _color in FLAGS if row.get(key)),
    }


class SearchState(rx.State):
    loaded: bool = False
    query: dict[str, str] = {}
    errors: dict[str, str] = {}
    results: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
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

    def _set(self, **values: Any) -> None:
        """Assign only what changed: Reflex sends (and stores) every var assigned, equal
        or not, so an unchanged list of results would cross the network again."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    @rx.event
    async def load(self):
        url_params = self.router.url.query_parameters
        params = {k: v[:300] for k, v in url_params.items() if k in URL_PARAMS}
        view = "map" if url_params.get("vue") == "carte" else "list"
        geo.warm_place_index()  # built in the background once per worker, before any keystroke
        session = await self.get_state(SessionState)
        # One thread, one database session: the caller (re-derived from the session
        # cookie), the search, the sectors and weeks (first load), the map (« Carte »).
        summary, data = await db.call(_load, session._token(), params, not self.sectors, view)
        session._remember(summary)
        query = {k: str(v) for k, v in data["criteria"].items()}
        errors = data["errors"]
        self._set(
            query=query,
            errors=errors,
            results=data["results"],
            total=data["total"],
            page=data["page"],
            pages=max(1, data["pages"]),
            place_phrase=data["place_phrase"],
            suggestions=data["suggestions"],
            defaults_applied=data["defaults_applied"],
            selected_sectors=[x for x in query.get("secteurs", "").split(",") if x],
            selected_weeks=[x for x in query.get("semaines", "").split(",") if x],
            selected_handicaps=[x for x in query.get("handicaps", "").split(",") if x],
            lieu=query.get("lieu", ""),
            place_suggestions=[],
            map_url=data["map_url"],
            # Folded on a phone once a search has run, unless a criterion needs fixing:
            # its message is shown next to the field.
            filters_open=bool(errors),
            view=view,
            loaded=True,
        )
        if data["sectors"]:
            self.sectors = data["sectors"]
            self.week_options = data["weeks"]
        self.place_epoch += 1
        self.version += 1  # a new form: its fields start from this address's criteria

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
        self._set(place_suggestions=[])
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
            self._set(place_suggestions=[])
            return
        # From memory once the worker's index is built (no thread, no session); the
        # first call builds it in a thread.
        rows = geo.suggest_communes_if_loaded(typed, SUGGESTIONS)
        if rows is None:
            rows = await db.call(_suggest, typed)
            if str(epoch) != str(self.place_epoch):  # a choice or a search came meanwhile
                return
        self._set(place_suggestions=[{"label": r["label"]} for r in rows])

    @rx.event
    def pick_place(self, label: str):
        """A suggestion was chosen (the browser already wrote it into the field)."""
        self._set(lieu=str(label)[:120], place_suggestions=[])
        self.place_epoch += 1

    @rx.event
    def toggle_filters(self):
        """« Filtres (n) »: unfold or fold the criteria (a phone's results come first)."""
        self.filters_open = not self.filters_open

"""Employer side: sign-up, « Déposer une offre » (4 steps), preview, dashboard, team.

Thin: every handler re-derives the caller from the session cookie and lets the services
check role and ownership (they raise PermissionDenied); ids from the client are only
ever used as lookups that the services authorise.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import ministries, permissions
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state.navigation import scroll_request
from mystage.state.session import caller, client_ip

DENIED = "Vous n'avez pas accès à cette offre."
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]
STEP_TITLES = ["Structure", "Offre", "Accueil", "Infos pratiques"]
# « Institution de tutelle » of a public structure: (slug, label) for the select.
MINISTRY_OPTIONS = list(ministries.MINISTRIES.items())


def _s(form: dict, key: str, limit: int = 2000) -> str:
    v = form.get(key)
    return v.strip()[:limit] if isinstance(v, str) else ""


def _b(form: dict, key: str) -> bool:
    v = form.get(key)
    return v is True or (isinstance(v, str) and v.lower() in {"on", "true", "1", "oui"})


def _int_param(raw: str, default: int = 0) -> int:
    """A small number from the address (the form's step)."""
    try:
        return int(raw) if isinstance(raw, str) and len(raw) < 6 else default
    except (TypeError, ValueError):
        return default


def _id_param(raw: Any) -> int:
    """An id from the address, a form or an event: bounded by the one helper; 0 if invalid."""
    return client_id(raw) or 0


# ---------------------------------------------------------------- sign-up


def _register_employer(s, data: dict, ip: str):
    from mystage.services import structures

    return structures.register_employer(s, data=data, ip=ip)


SIGNUP_TEXT = (
    "civility", "first_name", "last_name", "job_title", "email", "phone_mobile",
    "phone_landline", "name", "activity", "siret", "naf_code", "statut", "address",
    "postal_code", "city", "website", "ministry",
)  # fmt: skip
SIGNUP_BOOL = (
    "is_public", "accept_charter", "accept_privacy", "consent_contact_on_application",
    "consent_mobilisation", "consent_last_minute",
)  # fmt: skip


class EmployerSignupState(rx.State):
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    is_public: bool = False  # « Structure publique » ticked: shows « Institution de tutelle »
    done: bool = False
    joined_existing: bool = False
    sent_to: str = ""

    @rx.event
    def load(self):
        self.errors = {}
        self.done = False

    @rx.event
    def set_public(self, checked: bool):
        """The « Structure publique » box (display only: the service checks the form)."""
        self.is_public = checked is True

    @rx.event
    async def submit(self, form_data: dict):
        data: dict[str, Any] = {k: _s(form_data, k, 300) for k in SIGNUP_TEXT}
        data.update({k: _b(form_data, k) for k in SIGNUP_BOOL})
        self.values = {k: v for k, v in data.items() if isinstance(v, str)}
        self.is_public = data["is_public"]
        data["password"] = (form_data.get("password") or "")[:200]
        data["password2"] = (form_data.get("password2") or "")[:200]
        result, errors = await db.call(_register_employer, data, client_ip(self))
        if errors or result is None:
            self.errors = errors or {"form": "Le compte n'a pas pu être créé."}
            return
        self.errors = {}
        self.done = True
        self.joined_existing = bool(result.get("joined_existing"))
        self.sent_to = data["email"]


# ---------------------------------------------------------------- offer form


def _create_draft(s, user):
    from mystage.services import offers

    return offers.create_draft(s, user)


def _load_form(s, user, offer_id: int, step: int) -> dict:
    from mystage.models import Offer, Sector
    from mystage.services import calendar, offers, structures, weeks
    from mystage.services.offers import missing_steps

    values = offers.load_step(s, user, offer_id, step)
    offer = s.get(Offer, offer_id)
    ctx = structures.employer_context(s, user)
    out: dict[str, Any] = {
        "values": values,
        "draft_step": offer.draft_step if offer else 1,
        "state": offer.state if offer else "",
        "missing": missing_steps(s, offer_id),
        "ctx": ctx,
        "sectors": [],
        "weeks": [],
        "seconde": {},
        "reserved": [],
        "map_url": "",
    }
    if step == 1 and offer is not None and offer.latitude is not None:
        from mystage.services import map_store
        from mystage.services.maps import Point, render_map

        out["map_url"] = map_store.publish(
            render_map(
                [Point(offer.latitude, offer.longitude, offer.employer_name or offer.city)],
                zoom=14,
            )
        )
    if step == 2:
        out["sectors"] = [
            {"id": str(x.id), "name": x.name} for x in s.exec(Sector.__table__.select()).all()
        ]
        out["sectors"].sort(key=lambda x: x["name"])
    if step == 3:
        today = _today()
        year = weeks.school_year_of(today)
        mondays = [m for m in weeks.weeks_of_school_year(year) if m >= today]
        mondays += weeks.weeks_of_school_year(year + 1)[:20]
        lat = offer.latitude if offer else None
        lon = offer.longitude if offer else None
        near = calendar.nearby_school_weeks(s, lat, lon)
        chosen = set(values.get("weeks") or [])
        per_week = values.get("week_places") or {}
        out["weeks"] = [
            {
                "iso": m.isoformat(),
                "label": weeks.week_label(m),
                "month": _month_label(m),
                "schools": str(near.get(m, 0)),
                "near": "1" if near.get(m) else "",
                "checked": "1" if m.isoformat() in chosen else "",
                # Empty = same as « places par semaine »; a number overrides for that week.
                "places": str(per_week.get(m.isoformat(), "")),
            }
            for m in mondays
        ]
        periods = weeks.seconde_periods(year if today.month < 9 else year)
        out["seconde"] = {k: weeks.week_label(v) for k, v in periods.items()}
        out["reserved"] = values.get("reserved_schools") or []
    return out


MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip


def _month_label(d) -> str:
    return f"{MONTHS[d.month - 1].capitalize()} {d.year}"


def _today():
    from mystage import clock

    return clock.today_paris()


def _save_step(s, user, offer_id: int, step: int, data: dict) -> dict:
    from mystage.services import offers

    return offers.save_step(s, user, offer_id, step, data)


def _suggest_schools(s, query: str) -> list[dict]:
    from mystage.services import geo

    return geo.suggest_schools(s, query, limit=8)


def _str_dict(d: dict) -> dict[str, str]:
    return {k: ("" if v is None else (v if isinstance(v, str) else str(v))) for k, v in d.items()}


class OfferFormState(rx.State):
    offer_id: int = 0
    step: int = 1
    draft_step: int = 1
    loaded: bool = False
    denied: str = ""
    values: dict[str, str] = {}
    flags: dict[str, bool] = {}
    errors: dict[str, str] = {}
    sectors: list[dict[str, str]] = []
    weeks: list[dict[str, str]] = []
    seconde: dict[str, str] = {}
    per_day: dict[str, str] = {}
    reserved: list[dict[str, str]] = []
    school_query: str = ""
    school_suggestions: list[dict[str, str]] = []
    map_url: str = ""  # /api/carte/<key>
    can_publish: bool = True
    publish_block_reason: str = ""
    form_version: int = 0
    # The element the page scrolls to (components/browser.scroll_into_view).
    scroll_to_id: str = ""

    @rx.var
    def form_key(self) -> str:
        return f"{self.offer_id}-{self.step}-{self.form_version}"

    @rx.var
    def step_title(self) -> str:
        return STEP_TITLES[self.step - 1] if 1 <= self.step <= 4 else ""

    @rx.event
    async def new_offer(self):
        user = await caller(self)
        if not permissions.can_create_offer(user):
            return rx.redirect("/connexion?suivant=/espace/employeur")
        try:
            offer_id = await db.call(_create_draft, user)
        except PermissionDenied:
            return rx.redirect("/espace/employeur")
        return rx.redirect(f"/espace/employeur/offre?id={offer_id}&etape=1")

    _just_advanced: bool = False

    @rx.event
    async def load(self):
        params = self.router.url.query_parameters
        offer_id = _id_param(params.get("id", ""))
        step = min(max(_int_param(params.get("etape", "1"), 1), 1), 4)
        if self._just_advanced and self.loaded and (offer_id, step) == (self.offer_id, self.step):
            # The URL change after « Enregistrer et continuer »: the step is already loaded
            # and may already be typed into; reloading would remount the form.
            self._just_advanced = False
            return
        self._just_advanced = False
        self.offer_id, self.step = offer_id, step
        return await self._load()

    async def _load(self):
        self.loaded = False
        self.errors = {}
        self.school_suggestions = []
        user = await caller(self)
        if user is None:
            return rx.redirect(f"/connexion?suivant=/espace/employeur/offre?id={self.offer_id}")
        try:
            data = await db.call(_load_form, user, self.offer_id, self.step)
        except PermissionDenied:
            self.denied = DENIED
            return
        except Exception:  # noqa: BLE001  (unknown id etc.)
            self.denied = "Cette offre n'existe pas."
            return
        self.denied = ""
        values = data["values"]
        self.flags = {k: bool(v) for k, v in values.items() if isinstance(v, bool)}
        self.values = _str_dict(
            {k: v for k, v in values.items() if not isinstance(v, (bool, list, dict))}
        )
        per_day = values.get("per_day") or {}
        self.per_day = {
            f"{d}_{part}": (per_day.get(d) or {}).get(part, "")
            for d in WEEKDAYS
            for part in ("start", "end")
        }
        self.draft_step = int(data["draft_step"] or 1)
        self.sectors = data["sectors"]
        self.weeks = data["weeks"]
        self.seconde = data["seconde"]
        self.reserved = [_str_dict(r) for r in data["reserved"]]
        self.map_url = data["map_url"]
        self.can_publish = bool(data["ctx"].get("can_publish", True))
        self.publish_block_reason = data["ctx"].get("publish_block_reason", "")
        self.form_version += 1
        self.loaded = True

    def _collect(self, form: dict) -> dict[str, Any]:
        """Form data → the service's field names (checkboxes absent when unchecked)."""
        step = self.step
        if step == 1:
            data = {
                k: _s(form, k, 1100)
                for k in ("employer_name", "employer_description", "employer_website", "street")
            }
            data.update({k: _s(form, k, 100) for k in ("postal_code", "city")})
            data["is_public"] = _b(form, "is_public")
            data["ministry"] = _s(form, "ministry", 60)
        elif step == 2:
            data = {
                k: _s(form, k, 1100)
                for k in ("title", "description", "sector_id", "work_environment")
            }
            data["accessibility_text"] = _s(form, "accessibility_text", 1100)
            for k in ("handicap_visual", "handicap_motor", "handicap_mental", "handicap_hearing"):
                data[k] = _b(form, k)
        elif step == 3:
            data = {k: _b(form, k) for k in ("level_4e", "level_3e", "level_2de", "all_year")}
            data.update({k: _b(form, k) for k in ("reserved_rep", "reserved_qpv")})
            data["seconde_period"] = _s(form, "seconde_period", 10)
            data["group_kind"] = _s(form, "group_kind", 12) or "individual"
            for k in ("places", "max_per_group", "application_start", "application_end"):
                data[k] = _s(form, k, 12)
            valid = {w["iso"] for w in self.weeks}
            data["weeks"] = [
                k[5:] for k in form if k.startswith("week_") and k[5:] in valid and _b(form, k)
            ]
            data["week_places"] = {
                iso: _s(form, f"wp_{iso}", 4) for iso in data["weeks"] if _s(form, f"wp_{iso}", 4)
            }
            data["reserved_school_ids"] = [
                _id_param(r.get("id", "")) for r in self.reserved if r.get("id")
            ]
        else:
            data = {
                k: _s(form, k, 600)
                for k in (
                    "hours_mode",
                    "hours_start",
                    "hours_end",
                    "lunch_break",
                    "meals",
                    "travel",
                    "tutor_name",
                    "tutor_role",
                    "tutor_email",
                    "tutor_phone",
                    "contact_email",
                )  # fmt: skip
            }
            data["meals_on_site"] = _b(form, "meals_on_site")
            data["show_contact"] = _b(form, "show_contact")
            data["per_day"] = {
                d: {"start": _s(form, f"{d}_start", 5), "end": _s(form, f"{d}_end", 5)}
                for d in WEEKDAYS
                if _s(form, f"{d}_start", 5) or _s(form, f"{d}_end", 5)
            }
        return data

    @rx.event
    async def submit(self, form_data: dict):
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion")
        data = self._collect(form_data)
        try:
            errors = await db.call(_save_step, user, self.offer_id, self.step, data)
        except PermissionDenied:
            self.denied = DENIED
            return
        if errors:
            self.errors = errors
            self.values = {
                **self.values,
                **{k: v for k, v in data.items() if isinstance(v, str)},
            }
            self.flags = {**self.flags, **{k: v for k, v in data.items() if isinstance(v, bool)}}
            self.scroll_to_id = scroll_request("form-errors")
            return
        self.errors = {}
        if self.step >= 4:
            return rx.redirect(f"/espace/employeur/offre/apercu?id={self.offer_id}")
        self.step += 1
        redirect = await self._load()
        if redirect is not None:
            return redirect
        self._just_advanced = True
        return rx.redirect(f"/espace/employeur/offre?id={self.offer_id}&etape={self.step}")

    @rx.event
    async def search_schools(self, query: str):
        self.school_query = query[:80]
        if len(self.school_query.strip()) < 2:
            self.school_suggestions = []
            return
        if await caller(self) is None:
            return
        rows = await db.call(_suggest_schools, self.school_query)
        self.school_suggestions = [
            {"id": str(r["id"]), "label": r["label"], "ep": r.get("ep", "")} for r in rows
        ]

    @rx.event
    def add_school(self, school_id: Any, label: str):
        sid = client_id(school_id)
        if sid is None:
            return
        if any(r["id"] == str(sid) for r in self.reserved):
            return
        label = label[:200] if isinstance(label, str) else ""
        self.reserved = [*self.reserved, {"id": str(sid), "label": label}][:50]
        self.school_suggestions = []
        self.school_query = ""

    @rx.event
    def set_public(self, checked: bool):
        """Step 1's « Structure publique » box (display only: the service checks the form)."""
        self.flags = {**self.flags, "is_public": checked is True}

    @rx.event
    def remove_school(self, school_id: Any):
        sid = client_id(school_id)
        self.reserved = [r for r in self.reserved if r["id"] != str(sid)]


# ---------------------------------------------------------------- preview / publish


def _preview(s, user, offer_id: int):
    from mystage.services import offers, structures

    view = offers.offer_view(s, offer_id, viewer=user, preview=True)
    if view is None:
        raise PermissionDenied
    ctx = structures.employer_context(s, user)
    return view, offers.missing_steps(s, offer_id), ctx


def _transition(s, user, offer_id: int, action: str) -> str:
    from mystage.services import offers

    return offers.transition(s, user, offer_id, action)


VIEW_KEYS = (
    "id", "title", "description", "employer_name", "employer_description", "employer_website",
    "logo_url", "sector", "city", "postal_code", "street", "places_left", "hours",
    "lunch_break", "meals", "travel", "work_environment", "accessibility_text", "reserved",
    "state", "state_label", "application_window", "contact_name", "contact_email",
    "contact_phone", "all_year", "application_open",
)  # fmt: skip


def _flatten_view(view: dict) -> dict[str, Any]:
    """offer_view → flat strings for the component (every key present, derived labels)."""
    view = dict(view)
    start, end = view.get("application_start") or "", view.get("application_end") or ""
    if not view.get("application_window"):
        if start and end:
            view["application_window"] = f"du {start} au {end}"
        elif end:
            view["application_window"] = f"jusqu'au {end}"
        elif start:
            view["application_window"] = f"à partir du {start}"
    contact = view.get("contact") or {}
    if isinstance(contact, dict):
        view.setdefault("contact_name", contact.get("name") or contact.get("tutor_name") or "")
        view.setdefault("contact_email", contact.get("email") or contact.get("tutor_email") or "")
        view.setdefault("contact_phone", contact.get("phone") or contact.get("tutor_phone") or "")
    if view.get("meals_on_site") is True and not view.get("meals"):
        view["meals"] = "Repas possible sur place."
    out: dict[str, Any] = {k: "" for k in VIEW_KEYS}
    for k, v in view.items():
        if isinstance(v, bool):
            out[k] = "1" if v else ""
        elif isinstance(v, list):
            out[k] = v
        elif isinstance(v, dict):
            out[k] = _str_dict(v)
        else:
            out[k] = "" if v is None else str(v)
    return out


class OfferPreviewState(rx.State):
    offer_id: int = 0
    view: dict[str, Any] = {}
    weeks: list[dict[str, str]] = []
    levels: list[str] = []
    handicaps: list[str] = []
    missing: list[int] = []
    denied: str = ""
    message: str = ""
    error: str = ""
    can_publish: bool = True
    publish_block_reason: str = ""

    @rx.event
    async def load(self):
        self.offer_id = _id_param(self.router.url.query_parameters.get("id", ""))
        self.message = ""
        self.error = ""
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion?suivant=/espace/employeur")
        try:
            view, missing, ctx = await db.call(_preview, user, self.offer_id)
        except PermissionDenied:
            self.denied = DENIED
            self.view = {}
            return
        except Exception:  # noqa: BLE001
            self.denied = "Cette offre n'existe pas."
            self.view = {}
            return
        self.denied = ""
        self._set_view(view)
        self.missing = list(missing)
        self.can_publish = bool(ctx.get("can_publish", True))
        self.publish_block_reason = ctx.get("publish_block_reason", "")

    def _set_view(self, view: dict):
        self.view = _flatten_view(view)
        self.weeks = [_str_dict(w) for w in view.get("weeks") or []]
        self.levels = [str(x) for x in view.get("levels") or []]
        self.handicaps = [str(x) for x in view.get("handicaps") or []]

    @rx.event
    async def publish(self):
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion")
        error = await db.call(_transition, user, self.offer_id, "publish")
        if error:
            self.error = error
            return
        return rx.redirect(f"/espace/employeur?onglet=offres&publiee={self.offer_id}")


# ---------------------------------------------------------------- dashboard


def _dashboard(s, user, tab: str, filters: dict, page: int):
    from mystage.services import offers, structures

    ctx = structures.employer_context(s, user)
    offer_id = filters.get("offer_id") or None
    state = filters.get("state") or None
    sort = filters.get("sort") or "recent"
    if tab == "offres":
        rows, total = offers.employer_offers(
            s, user, offer_id=offer_id, state=state, sort=sort, page=page
        )
    else:
        rows, total = offers.employer_applications(
            s,
            user,
            tab="todo" if tab == "a_traiter" else "done",
            offer_id=offer_id,
            state=state,
            sort=sort,
            page=page,
        )
    return ctx, rows, total


def _stats(s, user, offer_id: int):
    from mystage.services import offers

    return offers.offer_stats(s, user, offer_id), offers.pending_applications_count(s, offer_id)


def _duplicate(s, user, offer_id: int, next_year: bool):
    from mystage.services import offers

    return offers.duplicate(s, user, offer_id, next_year=next_year)


class EmployerDashboardState(rx.State):
    tab: str = "a_traiter"
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    per_page: int = 20
    filter_offer: str = ""
    filter_state: str = ""
    sort: str = "recent"
    structure_name: str = ""
    is_owner: bool = False
    pending_requests: int = 0
    can_publish: bool = True
    publish_block_reason: str = ""
    message: str = ""
    error: str = ""
    stats_offer: int = 0
    stats_title: str = ""
    stats: dict[str, str] = {}
    confirm_action: str = ""
    confirm_offer: int = 0
    confirm_pending: int = 0
    allowed: bool = True

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @rx.event
    async def load(self):
        params = self.router.url.query_parameters
        tab = params.get("onglet", "a_traiter")
        self.tab = tab if tab in ("a_traiter", "traitees", "offres") else "a_traiter"
        published = params.get("publiee", "")
        self.message = f"L'offre n° {published} est publiée." if published.isdigit() else ""
        self.error = ""
        self.page = 1
        self.stats_offer = 0
        return await self._refresh()

    async def _refresh(self):
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion?suivant=/espace/employeur")
        if not permissions.can_create_offer(user):
            self.allowed = False
            self.rows = []
            return
        self.allowed = True
        filters = {
            "offer_id": _id_param(self.filter_offer) if self.filter_offer.strip() else None,
            "state": self.filter_state,
            "sort": self.sort,
        }
        try:
            ctx, rows, total = await db.call(_dashboard, user, self.tab, filters, self.page)
        except PermissionDenied:
            self.allowed = False
            self.rows = []
            return
        self.structure_name = ctx.get("structure_name") or ""
        self.is_owner = bool(ctx.get("is_owner"))
        self.pending_requests = int(ctx.get("pending_requests") or 0)
        self.can_publish = bool(ctx.get("can_publish", True))
        self.publish_block_reason = ctx.get("publish_block_reason", "")
        self.rows = [_str_dict(r) for r in rows]
        self.total = total

    @rx.event
    async def set_tab(self, tab: str):
        if tab not in ("a_traiter", "traitees", "offres"):
            return
        self.tab = tab
        self.page = 1
        self.filter_state = ""
        self.stats_offer = 0
        return await self._refresh()

    @rx.event
    async def apply_filters(self, form_data: dict):
        self.filter_offer = _s(form_data, "offer_id", 10)
        self.filter_state = _s(form_data, "state", 24)
        sort = _s(form_data, "sort", 12)
        self.sort = sort if sort in ("recent", "oldest", "title") else "recent"
        self.page = 1
        return await self._refresh()

    @rx.event
    async def go_page(self, page: int):
        if not isinstance(page, int) or isinstance(page, bool):
            return
        self.page = min(max(page, 1), self.pages)
        return await self._refresh()

    @rx.event
    async def show_stats(self, offer_id: Any, title: str):
        offer_id = client_id(offer_id)
        user = await caller(self)
        if user is None or offer_id is None:
            return
        try:
            stats, _pending = await db.call(_stats, user, offer_id)
        except PermissionDenied:
            self.error = DENIED
            return
        self.stats_offer = offer_id
        self.stats_title = str(title)[:150]
        self.stats = _str_dict(stats)

    @rx.event
    def close_stats(self):
        self.stats_offer = 0

    @rx.event
    async def ask_confirm(self, action: str, offer_id: Any):
        offer_id = client_id(offer_id)
        if action not in ("deactivate", "remove") or offer_id is None:
            return
        user = await caller(self)
        if user is None:
            return
        try:
            _stats_, pending = await db.call(_stats, user, offer_id)
        except PermissionDenied:
            self.error = DENIED
            return
        self.confirm_action = action
        self.confirm_offer = offer_id
        self.confirm_pending = int(pending)

    @rx.event
    def cancel_confirm(self):
        self.confirm_action = ""
        self.confirm_offer = 0

    @rx.event
    async def confirm(self):
        action, offer_id = self.confirm_action, client_id(self.confirm_offer)
        self.confirm_action = ""
        self.confirm_offer = 0
        if action and offer_id is not None:
            return await self._act(action, offer_id)

    @rx.event
    async def act(self, action: str, offer_id: Any):
        allowed = ("publish", "unpublish", "republish", "close_applications")
        offer_id = client_id(offer_id)
        if action not in allowed or offer_id is None:
            return
        return await self._act(action, offer_id)

    async def _act(self, action: str, offer_id: int):
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion")
        error = await db.call(_transition, user, offer_id, action)
        labels = {
            "publish": "publiée",
            "republish": "republiée",
            "unpublish": "dépubliée",
            "deactivate": "désactivée",
            "remove": "supprimée",
            "close_applications": "fermée aux candidatures",
        }
        self.error = error
        self.message = "" if error else f"L'offre n° {offer_id} est {labels[action]}."
        return await self._refresh()

    @rx.event
    async def duplicate(self, offer_id: Any, next_year: bool):
        offer_id = client_id(offer_id)
        user = await caller(self)
        if user is None or offer_id is None:
            return
        new_id, error = await db.call(_duplicate, user, offer_id, bool(next_year))
        if error or new_id is None:
            self.error = error or "La copie a échoué."
            return
        return rx.redirect(f"/espace/employeur/offre?id={new_id}&etape=1")


# ---------------------------------------------------------------- team (join requests)


def _requests(s, user):
    from mystage.services import structures

    return structures.join_requests(s, user)


def _decide_request(s, user, member_id: int, accept: bool) -> str:
    from mystage.services import structures

    return structures.decide_join_request(s, user, member_id, accept)


class TeamState(rx.State):
    requests: list[dict[str, str]] = []
    message: str = ""
    allowed: bool = True

    @rx.event
    async def load(self):
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion?suivant=/espace/employeur/equipe")
        try:
            rows = await db.call(_requests, user)
        except PermissionDenied:
            self.allowed = False
            self.requests = []
            return
        self.allowed = True
        self.requests = [_str_dict(r) for r in rows]

    @rx.event
    async def decide(self, member_id: Any, accept: bool):
        member_id = client_id(member_id)
        user = await caller(self)
        if user is None or member_id is None:
            return
        try:
            error = await db.call(_decide_request, user, member_id, bool(accept))
        except PermissionDenied:
            self.message = "Action réservée au responsable de la structure."
            return
        self.message = error or ("Demande acceptée." if accept else "Demande refusée.")
        rows = await db.call(_requests, user)
        self.requests = [_str_dict(r) for r in rows]


# ---------------------------------------------------------------- structure profile and logo

MAX_LOGO_BYTES = 2 * 1024 * 1024


def _structure_form(s, user):
    from mystage.services import structures

    return structures.structure_form(s, user)


def _save_logo(s, user, data: bytes, filename: str) -> str:
    from mystage.services import structures

    return structures.save_logo(s, user, data, filename)


class StructureState(rx.State):
    values: dict[str, str] = {}
    allowed: bool = True
    message: str = ""
    error: str = ""
    logo_version: int = 0

    @rx.event
    async def load(self):
        self.message = ""
        self.error = ""
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion?suivant=/espace/employeur/structure")
        try:
            self.values = _str_dict(await db.call(_structure_form, user))
        except PermissionDenied:
            self.allowed = False
            self.values = {}
            return
        self.allowed = True

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion")
        if not files:
            self.error = "Choisissez une image."
            return
        upload = files[0]
        data = await upload.read(MAX_LOGO_BYTES + 1)
        if len(data) > MAX_LOGO_BYTES:
            self.error = "Le logo ne doit pas dépasser 2 Mo."
            return
        try:
            error = await db.call(_save_logo, user, data, upload.name or "")
        except PermissionDenied:
            self.error = "Seul le responsable de la structure peut changer le logo."
            return
        self.error = error
        if not error:
            self.message = "Logo enregistré."
            self.logo_version += 1

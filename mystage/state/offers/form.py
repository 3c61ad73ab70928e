"""« Déposer une offre »: the 4-step form (each step saved on the draft by the service)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import offers, permissions, sectors
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state.navigation import scroll_request
from mystage.state.offers.preview import DENIED
from mystage.state.session import caller, login_redirect
from mystage.state.values import form_flag, form_str, id_param, int_param, str_dict

WEEKDAYS = list(offers.DAYS)
STEP_TITLES = [offers.STEP_TITLES[n] for n in offers.STEPS]
# Step 4's text fields (the hours of each day and the two checkboxes are read apart).
_STEP4_TEXT = tuple(
    k for k in offers.STEP_FIELDS[4] if k not in ("per_day", "meals_on_site", "show_contact")
)


def _create_draft(s, user):
    from mystage.services import offers

    return offers.create_draft(s, user)


def _load_form(s, user, offer_id: int, step: int) -> dict:
    from mystage.models import Offer
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
        "heading": offers.form_heading(s, offer),
        "window_warning": "",
        "moderation_note": offers.moderation_badge(offer.state, offer.moderation_reason)[2]
        if offer is not None
        else "",
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
        out["sectors"] = sectors.choices(s)
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
        out["window_warning"] = offers.window_warning_of(s, user, offer_id)
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


def _save_step(s, user, offer_id: int, step: int, data: dict) -> tuple[dict, str]:
    """The step's errors, and once step 3 is saved the warning about its window."""
    from mystage.services import offers

    errors = offers.save_step(s, user, offer_id, step, data)
    if errors or step != 3:
        return errors, ""
    return errors, offers.window_warning_of(s, user, offer_id)


def _suggest_schools(s, query: str) -> list[dict]:
    from mystage.services import geo

    return geo.suggest_schools(s, query, limit=8)


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
    spaces: list[dict[str, str]] = []  # step 1: the spaces the user may put the offer in
    school_query: str = ""
    school_suggestions: list[dict[str, str]] = []
    map_url: str = ""  # /api/carte/<key>
    # « Déposer une offre », « Copie de l'offre n° 18 », « Modifier l'offre n° 7 ».
    heading: str = "Déposer une offre"
    # Step 3: the application window closes long before some weeks (a warning, not an
    # error: the first « Enregistrer » shows it and stays, the next one goes on).
    window_warning: str = ""
    _warned: str = ""
    # « Motif : … » of a moderator's refusal (issue 18), until the offer is submitted again.
    moderation_note: str = ""
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
            return login_redirect(self)
        try:
            offer_id = await db.call(_create_draft, user)
        except PermissionDenied:
            return rx.redirect("/espace/employeur")
        return rx.redirect(f"/espace/employeur/offre?id={offer_id}&etape=1")

    _just_advanced: bool = False

    @rx.event
    async def load(self):
        params = self.router.url.query_parameters
        offer_id = id_param(params.get("id", ""))
        step = min(max(int_param(params.get("etape", "1"), 1), 1), 4)
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
            return login_redirect(self)
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
        self.values = str_dict(
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
        self.reserved = [str_dict(r) for r in data["reserved"]]
        self.spaces = [str_dict(sp) for sp in values.get("spaces") or []]
        self.map_url = data["map_url"]
        self.heading = data["heading"]
        self.moderation_note = data.get("moderation_note", "")
        self.window_warning = self._warned = data["window_warning"]
        self.can_publish = bool(data["ctx"].get("can_publish", True))
        self.publish_block_reason = data["ctx"].get("publish_block_reason", "")
        self.form_version += 1
        self.loaded = True

    def _collect(self, form: dict) -> dict[str, Any]:
        """Form data → the service's field names (checkboxes absent when unchecked)."""
        step = self.step
        if step == 1:
            data = {
                k: form_str(form, k, 1100)
                for k in ("employer_name", "employer_description", "employer_website", "street")
            }
            data.update({k: form_str(form, k, 100) for k in ("postal_code", "city")})
            if "space_id" in form:  # the picker is there when the user sees 2 spaces or more
                data["space_id"] = form_str(form, "space_id", 12)
            data["is_public"] = form_flag(form, "is_public")
            data["ministry"] = form_str(form, "ministry", 60)
        elif step == 2:
            data = {
                k: form_str(form, k, 1100)
                for k in ("title", "description", "sector_id", "work_environment")
            }
            data["accessibility_text"] = form_str(form, "accessibility_text", 1100)
            for k in ("handicap_visual", "handicap_motor", "handicap_mental", "handicap_hearing"):
                data[k] = form_flag(form, k)
        elif step == 3:
            data = {
                k: form_flag(form, k) for k in ("level_4e", "level_3e", "level_2de", "all_year")
            }
            data.update({k: form_flag(form, k) for k in ("reserved_rep", "reserved_qpv")})
            data["seconde_period"] = form_str(form, "seconde_period", 10)
            data["group_kind"] = form_str(form, "group_kind", 12) or "individual"
            for k in ("places", "max_per_group", "application_start", "application_end"):
                data[k] = form_str(form, k, 12)
            valid = {w["iso"] for w in self.weeks}
            data["weeks"] = [
                k[5:]
                for k in form
                if k.startswith("week_") and k[5:] in valid and form_flag(form, k)
            ]
            data["week_places"] = {
                iso: form_str(form, f"wp_{iso}", 4)
                for iso in data["weeks"]
                if form_str(form, f"wp_{iso}", 4)
            }
            data["reserved_school_ids"] = [
                id_param(r.get("id", "")) for r in self.reserved if r.get("id")
            ]
        else:
            data = {k: form_str(form, k, 600) for k in _STEP4_TEXT}
            data["meals_on_site"] = form_flag(form, "meals_on_site")
            data["show_contact"] = form_flag(form, "show_contact")
            data["per_day"] = {
                d: {
                    "start": form_str(form, f"{d}_start", 5),
                    "end": form_str(form, f"{d}_end", 5),
                }
                for d in WEEKDAYS
                if form_str(form, f"{d}_start", 5) or form_str(form, f"{d}_end", 5)
            }
        return data

    @rx.event
    async def submit(self, form_data: dict):
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion")
        data = self._collect(form_data)
        try:
            errors, warning = await db.call(_save_step, user, self.offer_id, self.step, data)
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
        self.window_warning = warning
        if warning and warning != self._warned:
            # Saved; the step stays open once with the warning next to the date.
            self._warned = warning
            self.scroll_to_id = scroll_request("f-application_end-warn")
            return
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

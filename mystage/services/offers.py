"""Offers: the 4-step form (each step saved on the draft), the lifecycle (one transition
table), the offer page, duplication/renewal and the employer dashboard.

Form conventions (as in :mod:`accounts`): ``save_step`` returns ``errors: dict[str, str]``
keyed by form field name, in French.  When a step does not validate, nothing of it is
stored, except the raw values typed, kept in ``offers.draft_form`` (JSON
``{"<step>": {field: value}}``) so :func:`load_step` shows them again.  Steps are saved in
order: ``draft_step`` is the first step not validly saved yet (5 when all are), so
:func:`missing_steps` is ``[draft_step … 4]``.

Weeks: an offer's ``offer_weeks`` rows are the Mondays it welcomes pupils, with their
places and ``places_taken`` (confirmed pupils).  Collégien weeks (chosen, or every
remaining week with « toute l'année ») and the national 2de weeks share the table.  A
week is *to come* from its Monday on (``week_start >= this Monday``): ``places_left`` is
the sum of the places still free in the weeks to come; an offer without weeks to come is
past.  New weeks must start after today.

Permissions: every public function checks the caller (``permissions.can_edit_offer``…)
and raises :class:`PermissionDenied`; :func:`transition` and :func:`duplicate` return a
French error instead, as the UI shows it next to the button.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    OFFER_STATE_LABELS,
    PENDING_STATES,
    Application,
    AppState,
    AuditLog,
    Offer,
    OfferSchool,
    OfferState,
    OfferWeek,
    School,
    Sector,
    Structure,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services import accounts, audit, ministries, permissions, structures, weeks
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.services.structures import form_bool, form_str, too_long
from mystage.services.text import search_tokens

STEPS = (1, 2, 3, 4)
STEP_TITLES = {1: "Structure", 2: "Offre", 3: "Accueil", 4: "Infos pratiques"}
STEP_FIELDS: dict[int, tuple[str, ...]] = {
    1: (
        "employer_name",
        "employer_description",
        "employer_website",
        "street",
        "postal_code",
        "city",
        "is_public",
        "ministry",
    ),
    2: (
        "title",
        "description",
        "sector_id",
        "work_environment",
        "accessibility_text",
        "handicap_visual",
        "handicap_motor",
        "handicap_mental",
        "handicap_hearing",
    ),
    3: (
        "level_4e",
        "level_3e",
        "level_2de",
        "seconde_period",
        "all_year",
        "weeks",
        "places",
        "week_places",
        "group_kind",
        "max_per_group",
        "application_start",
        "application_end",
        "reserved_rep",
        "reserved_qpv",
        "reserved_school_ids",
    ),
    4: (
        "hours_mode",
        "hours_start",
        "hours_end",
        "per_day",
        "lunch_break",
        "meals_on_site",
        "meals",
        "travel",
        "tutor_name",
        "tutor_role",
        "tutor_email",
        "tutor_phone",
        "contact_email",
        "show_contact",
    ),
}

LEVELS = {"level_4e": "4e", "level_3e": "3e", "level_2de": "2de générale et technologique"}
HANDICAPS = {
    "handicap_visual": "Handicap visuel",
    "handicap_motor": "Handicap moteur",
    "handicap_mental": "Handicap mental",
    "handicap_hearing": "Handicap auditif",
}
SECONDE_PERIODS = {
    "both": "Stage de 2 semaines",
    "week1": "Stage de 1 semaine (1re semaine)",
    "week2": "Stage de 1 semaine (2e semaine)",
}
GROUP_KINDS = {"individual": "Accueil individuel", "group": "Accueil en groupe"}
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
MAX_PLACES = 200
MAX_RESERVED_SCHOOLS = 50
MAX_WEEKS = 120

# Application states as the employer sees them (seed 003 tabs).
TODO_STATES = frozenset({AppState.SENT, AppState.READ, AppState.UNDER_REVIEW})
NOT_SENT_STATES = frozenset(
    {AppState.SUBMITTED, AppState.AWAITING_SCHOOL, AppState.REFUSED_BY_SCHOOL}
)
DONE_STATES = frozenset(AppState) - TODO_STATES - NOT_SENT_STATES
ACCEPTED_STATES = frozenset({AppState.ACCEPTED, AppState.CONFIRMED})

# --- The offer state machine: action → (from states, to state) ------------------------------
# ``close_applications`` keeps the state ("" = unchanged).  The system actions
# ``mark_full`` / ``mark_past`` / ``mark_available`` are applied set-based by the job
# ``offers_housekeeping`` (mystage/jobs/offers.py), never by a user.

S = OfferState
OFFER_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({S.DRAFT, S.UNPUBLISHED}), S.PUBLISHED),
    "unpublish": (frozenset({S.PUBLISHED, S.FULL}), S.UNPUBLISHED),
    "republish": (frozenset({S.UNPUBLISHED, S.FULL}), S.PUBLISHED),
    "deactivate": (frozenset({S.PUBLISHED, S.UNPUBLISHED, S.FULL}), S.UNPUBLISHED),
    "close_applications": (frozenset({S.PUBLISHED, S.FULL, S.UNPUBLISHED}), ""),
    "remove": (frozenset(set(OfferState) - {S.REMOVED}), S.REMOVED),
    "mark_full": (frozenset({S.PUBLISHED}), S.FULL),
    "mark_past": (frozenset({S.PUBLISHED, S.FULL}), S.PAST),
    "mark_available": (frozenset({S.FULL}), S.PUBLISHED),  # a place was freed
}
SYSTEM_ACTIONS = frozenset({"mark_full", "mark_past", "mark_available"})
# Who may fire each user action, and the timestamp column it sets.
_ACTION_PERMISSION = {
    "publish": permissions.can_publish_offer,
    "republish": permissions.can_publish_offer,
}
_ACTION_STAMP = {
    "publish": "published_at",
    "republish": "published_at",
    "unpublish": "unpublished_at",
    "deactivate": "unpublished_at",
    "remove": "removed_at",
}
ACTION_LABELS = {
    "publish": "Publier",
    "unpublish": "Dépublier",
    "republish": "Republier",
    "deactivate": "Désactiver",
    "close_applications": "Suspendre les candidatures",
    "remove": "Supprimer",
}

# --- Messages -------------------------------------------------------------------------------

MSG_DENIED = "Vous n'avez pas accès à cette offre."
MSG_REMOVED = "Cette offre a été supprimée : elle ne peut plus être modifiée."
MSG_STEP_ORDER = "Enregistrez d'abord l'étape {n} « {title} »."
MSG_EMPLOYER_NAME = "Indiquez le nom de la structure qui accueille l'élève."
MSG_STREET = "Indiquez l'adresse du lieu de stage."
MSG_STREET_NOT_FOUND = "Adresse introuvable : vérifiez la rue, le code postal et la ville."
MSG_TITLE = "Indiquez le titre de l'offre."
MSG_DESCRIPTION = "Décrivez le stage : les activités proposées, le lieu, la tenue à prévoir…"
MSG_SECTOR = "Choisissez un secteur d'activité."
MSG_LEVELS = "Choisissez au moins un niveau : collégiens (4e, 3e) ou lycéens de 2de."
MSG_SECONDE_PERIOD = "Choisissez la période de stage des élèves de 2de."
MSG_WEEKS_REQUIRED = "Choisissez au moins une semaine, ou « Toute l'année »."
MSG_WEEK_INVALID = "Semaine invalide."
MSG_WEEK_PAST = "La {label} est passée : choisissez des semaines à venir."
MSG_WEEK_RANGE = (
    "Choisissez des semaines de l'année scolaire en cours ou de la suivante (de septembre à juin)."
)
MSG_WEEK_TAKEN = (
    "La {label} a déjà {n} élève(s) confirmé(s) : vous ne pouvez pas la retirer de l'offre."
)
MSG_WEEK_SHRINK = "La {label} ne peut pas avoir moins de {n} place(s) : {n} élève(s) confirmé(s)."
MSG_PLACES = "Indiquez un nombre de places entre 1 et 200."
MSG_WEEK_PLACES = "Nombre de places invalide pour la {label} (entre 1 et 200)."
MSG_GROUP_KIND = "Choisissez un accueil individuel ou en groupe."
MSG_MAX_PER_GROUP = "Indiquez le nombre maximum d'élèves par groupe."
MSG_MAX_PER_GROUP_TOO_BIG = "Pas plus que le nombre de places ({n})."
MSG_DATE = "Date invalide."
MSG_WINDOW = "La date de fin doit être postérieure à la date de début."
MSG_WINDOW_PAST = (
    "La date de fin de candidature est passée : choisissez une date à venir "
    "(pour ne plus recevoir de candidatures, utilisez « Suspendre les candidatures »)."
)
MSG_SCHOOL_UNKNOWN = "Établissement inconnu : choisissez-le dans la liste proposée."
MSG_TOO_MANY_SCHOOLS = "50 établissements au maximum."
MSG_HOURS_MODE = "Choisissez des horaires identiques chaque jour ou jour par jour."
MSG_HOUR_START = "Indiquez l'heure d'arrivée (exemple : 09:00)."
MSG_HOUR_END = "Indiquez l'heure de départ (exemple : 17:00)."
MSG_HOUR_INVALID = "Heure invalide (exemple : 09:00)."
MSG_HOUR_ORDER = "L'heure de fin doit être après l'heure de début."
MSG_PER_DAY_NONE = "Indiquez les horaires d'au moins un jour."
MSG_PER_DAY_CHECK = "Vérifiez les horaires jour par jour."
MSG_TUTOR_NAME = "Indiquez le nom du tuteur ou de la tutrice."
MSG_TUTOR_EMAIL = "Indiquez l'adresse e-mail du tuteur ou de la tutrice."
MSG_EMAIL_INVALID = accounts.MSG_EMAIL_INVALID
MSG_PHONE_INVALID = "Numéro de téléphone invalide (exemple : 02 40 99 15 44)."
MSG_CONTACT_EMAIL = "Indiquez l'adresse e-mail qui recevra les candidatures."
MSG_INCOMPLETE = "Complétez toutes les étapes avant de publier."
MSG_NO_FUTURE_WEEK = (
    "Ajoutez au moins une semaine à venir avec des places disponibles (étape « Accueil »)."
)
MSG_ALREADY = "Cette offre est déjà {label}."
MSG_NOT_NOW = "Cette action n'est pas possible pour une offre « {label} »."
MSG_CONFLICT = "Cette offre vient d'être modifiée par ailleurs : rechargez la page."
MSG_UNKNOWN_ACTION = "Action inconnue."
MSG_DEACTIVATED = "L'offre a été désactivée par l'employeur."
MSG_REMOVED_REFUSAL = "L'offre a été supprimée par l'employeur."
MSG_NO_WINDOW_TO_CLOSE = "Les candidatures sont déjà suspendues pour cette offre."

_ALREADY_LABELS = {
    S.PUBLISHED: "publiée",
    S.UNPUBLISHED: "dépubliée",
    S.REMOVED: "supprimée",
}


# --- helpers --------------------------------------------------------------------------------


def _today() -> date:
    return clock.today_paris()


def _this_monday(today: date | None = None) -> date:
    return clock.monday_of(today or _today())


def _offer(s: Session, offer_id: Any) -> Offer | None:
    offer_id = client_id(offer_id, strings=False)
    return s.get(Offer, offer_id) if offer_id is not None else None


def _editable_offer(s: Session, actor: User | None, offer_id: Any) -> Offer:
    """The offer if ``actor`` may edit it, else PermissionDenied (unknown ids too)."""
    offer = _offer(s, offer_id)
    permissions.require(offer is not None and permissions.can_edit_offer(s, actor, offer))
    return offer


def _int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit() and len(raw.strip()) < 10:
        return int(raw.strip())
    return None


def _time(raw: str) -> str | None:
    """« 9:00 », « 09h30 », « 9h », « 0900 » → "09:00" / "09:30"; None when invalid."""
    t = (raw or "").strip().lower().replace(" ", "")
    if not t:
        return None
    for sep in (":", "h"):
        if sep in t:
            hh, _, mm = t.partition(sep)
            break
    else:
        hh, mm = (t[:-2], t[-2:]) if len(t) in (3, 4) else (t, "")
    mm = mm or "00"
    if not (hh.isdigit() and mm.isdigit() and len(hh) <= 2 and len(mm) == 2):
        return None
    h, m = int(hh), int(mm)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        return None
    return f"{h:02d}:{m:02d}"


def _time_label(hhmm: str) -> str:
    """ "09:00" → « 9 h », "09:30" → « 9 h 30 »."""
    try:
        h, m = (int(x) for x in hhmm.split(":"))
    except (ValueError, AttributeError):
        return hhmm or ""
    return f"{h} h" if m == 0 else f"{h} h {m:02d}"


def _json(raw: str) -> dict:
    try:
        value = json.loads(raw) if raw else {}
    except (ValueError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}


def _sanitize(value: Any, depth: int = 0) -> Any:
    """A JSON-safe, bounded copy of form data (for the draft snapshot)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return value[:2000]
    if depth >= 3:
        return None
    if isinstance(value, list | tuple):
        return [_sanitize(v, depth + 1) for v in list(value)[:300]]
    if isinstance(value, dict):
        return {str(k)[:40]: _sanitize(v, depth + 1) for k, v in list(value.items())[:300]}
    return str(value)[:2000]


def _audit(
    s: Session,
    offer_id: int,
    action: str,
    actor: User | None,
    *,
    from_state: str = "",
    to_state: str = "",
    message: str = "",
    entity: str = "offer",
) -> None:
    audit.record(
        s, entity, offer_id, action, actor, from_state=from_state, to_state=to_state,
        message=message,
    )  # fmt: skip


def _week_rows(s: Session, offer_id: int) -> list[OfferWeek]:
    return list(
        s.exec(
            select(OfferWeek).where(OfferWeek.offer_id == offer_id).order_by(OfferWeek.week_start)
        )
    )


def _seconde_mondays(offer: Offer, mondays: list[date] | set[date]) -> set[date]:
    """Which of ``mondays`` are the offer's national 2de weeks."""
    if not offer.level_2de or offer.seconde_period not in SECONDE_PERIODS:
        return set()
    out: set[date] = set()
    for year in {weeks.school_year_of(m) for m in mondays}:
        out |= set(weeks.seconde_weeks(year, offer.seconde_period)) & set(mondays)
    return out


def places_left_expr(this_monday: date) -> sa.ScalarSelect:
    """Correlated subquery: free places in the weeks to come of ``offers.id``."""
    return (
        sa.select(
            sa.func.coalesce(
                sa.func.sum(
                    sa.case(
                        (
                            OfferWeek.places > OfferWeek.places_taken,
                            OfferWeek.places - OfferWeek.places_taken,
                        ),
                        else_=0,
                    )
                ),
                0,
            )
        )
        .where(OfferWeek.offer_id == Offer.id, OfferWeek.week_start >= this_monday)
        .scalar_subquery()
    )


def _recompute(s: Session, offer: Offer, today: date | None = None) -> None:
    """first_week, last_week, places_left, school_year, is_accessible, search_text."""
    s.flush()
    today = today or _today()
    monday = _this_monday(today)
    rows = _week_rows(s, offer.id)
    mondays = [r.week_start for r in rows]
    offer.first_week = min(mondays) if mondays else None
    offer.last_week = max(mondays) if mondays else None
    offer.places_left = sum(
        max(r.places - r.places_taken, 0) for r in rows if r.week_start >= monday
    )
    upcoming = [m for m in mondays if m >= monday]
    if upcoming:
        offer.school_year = weeks.school_year_of(min(upcoming))
    elif mondays:
        offer.school_year = weeks.school_year_of(max(mondays))
    elif not offer.school_year:
        offer.school_year = weeks.active_school_year(today)
    offer.is_accessible = any(getattr(offer, k) for k in HANDICAPS)
    sector = s.get(Sector, offer.sector_id) if offer.sector_id else None
    parts = [
        offer.title,
        sector.name if sector else "",
        offer.description,
        offer.employer_name,
        offer.city,
    ]
    offer.search_text = " ".join(search_tokens(" ".join(p for p in parts if p)))


# --- the form: validation per step ----------------------------------------------------------


def _validate_step1(s: Session, offer: Offer, data: dict, today: date) -> tuple[dict, dict, dict]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    name = form_str(data, "employer_name", 400)
    if not name:
        errors["employer_name"] = MSG_EMPLOYER_NAME
    elif err := too_long(name, 200):
        errors["employer_name"] = err
    clean["employer_name"] = name
    description = form_str(data, "employer_description", 1200)
    if err := too_long(description, 1000):
        errors["employer_description"] = err
    clean["employer_description"] = description
    website, err = structures.normalize_website(form_str(data, "employer_website", 400))
    if err:
        errors["employer_website"] = err
    clean["employer_website"] = website
    street = form_str(data, "street", 400)
    if not street:
        errors["street"] = MSG_STREET
    elif err := too_long(street, 250):
        errors["street"] = err
    clean["street"] = street
    postal_code = form_str(data, "postal_code", 10).replace(" ", "")
    if len(postal_code) != 5 or not postal_code.isdigit():
        errors["postal_code"] = structures.MSG_POSTAL_CODE
    clean["postal_code"] = postal_code
    city = form_str(data, "city", 200)
    if not city:
        errors["city"] = structures.MSG_CITY_REQUIRED
    elif err := too_long(city, 100):
        errors["city"] = err
    clean["city"] = city
    clean["is_public"] = form_bool(data, "is_public")
    # « Institution de tutelle »: required for a public employer, cleared otherwise.
    clean["ministry"], err = ministries.check_public(data.get("ministry"), clean["is_public"])
    if err:
        errors["ministry"] = err
    if not any(k in errors for k in ("street", "postal_code", "city")):
        found = structures.geocode_place(s, street, postal_code, city)
        if found is None:
            errors["street"] = MSG_STREET_NOT_FOUND
        else:
            clean.update(
                latitude=found.latitude,
                longitude=found.longitude,
                insee_code=found.insee_code,
                department_code=found.department_code,
                academy=structures.academy_of(s, found.department_code),
            )
    return clean, errors, {}


def _validate_step2(s: Session, offer: Offer, data: dict, today: date) -> tuple[dict, dict, dict]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    title = form_str(data, "title", 400)
    if not title:
        errors["title"] = MSG_TITLE
    elif err := too_long(title, 150):
        errors["title"] = err
    clean["title"] = title
    description = form_str(data, "description", 1200)
    if not description:
        errors["description"] = MSG_DESCRIPTION
    elif err := too_long(description, 1000):
        errors["description"] = err
    clean["description"] = description
    sector_id = client_id(form_str(data, "sector_id", 12))
    if sector_id is None or s.get(Sector, sector_id) is None:
        errors["sector_id"] = MSG_SECTOR
    clean["sector_id"] = sector_id
    for key in ("work_environment", "accessibility_text"):
        value = form_str(data, key, 1200)
        if err := too_long(value, 1000):
            errors[key] = err
        clean[key] = value
    for key in HANDICAPS:
        clean[key] = form_bool(data, key)
    return clean, errors, {}


def _parse_date_field(data: dict, key: str, errors: dict[str, str]) -> date | None:
    raw = form_str(data, key, 20)
    if not raw:
        return None
    d = weeks.parse_date(raw)
    if d is None:
        errors[key] = MSG_DATE
    return d


def _validate_step3(s: Session, offer: Offer, data: dict, today: date) -> tuple[dict, dict, dict]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {k: form_bool(data, k) for k in LEVELS}
    lv_college = clean["level_4e"] or clean["level_3e"]
    if not any(clean.values()):
        errors["levels"] = MSG_LEVELS
    period = form_str(data, "seconde_period", 12)
    if clean["level_2de"] and period not in SECONDE_PERIODS:
        errors["seconde_period"] = MSG_SECONDE_PERIOD
    clean["seconde_period"] = period if clean["level_2de"] else ""
    all_year = form_bool(data, "all_year") and lv_college
    clean["all_year"] = all_year

    places = _int(form_str(data, "places", 12))
    if places is None or not 1 <= places <= MAX_PLACES:
        errors["places"] = MSG_PLACES
        places = None
    clean["places_total"] = places or 1

    existing = {r.week_start: r for r in _week_rows(s, offer.id)}
    year = weeks.active_school_year(today)
    allowed = set(weeks.weeks_of_school_year(year)) | set(weeks.weeks_of_school_year(year + 1))
    chosen: set[date] = set()
    if lv_college and all_year:
        chosen = {m for m in weeks.weeks_of_school_year(year) if m > today}
        if not chosen:
            chosen = set(weeks.weeks_of_school_year(year + 1))
    elif lv_college:
        raw_weeks = data.get("weeks")
        if isinstance(raw_weeks, str):
            raw_weeks = [w for w in raw_weeks.replace(";", ",").split(",") if w.strip()]
        if not isinstance(raw_weeks, list | tuple | set):
            raw_weeks = []
        for item in list(raw_weeks)[: MAX_WEEKS * 2]:
            m = weeks.parse_week(item) if isinstance(item, str | date) else None
            if m is None:
                errors["weeks"] = MSG_WEEK_INVALID
                continue
            if m in existing:  # already on the offer: kept as it is, even if now started
                chosen.add(m)
            elif m <= today:
                errors["weeks"] = MSG_WEEK_PAST.format(label=weeks.week_label(m).lower())
            elif m not in allowed:
                errors["weeks"] = MSG_WEEK_RANGE
            else:
                chosen.add(m)
        if not chosen and "weeks" not in errors:
            errors["weeks"] = MSG_WEEKS_REQUIRED
    seconde: set[date] = set()
    if clean["level_2de"] and period in SECONDE_PERIODS:
        seconde_year = weeks.upcoming_seconde_year(today)
        seconde = {
            m for m in weeks.seconde_weeks(seconde_year, period) if m > today or m in existing
        }
    all_weeks = chosen | seconde
    if len(all_weeks) > MAX_WEEKS:
        errors["weeks"] = MSG_WEEK_RANGE

    overrides: dict[date, int] = {}
    raw_wp = data.get("week_places")
    if isinstance(raw_wp, dict):
        for key, value in list(raw_wp.items())[: MAX_WEEKS * 2]:
            m = weeks.parse_week(key) if isinstance(key, str) else None
            if m is None or m not in all_weeks:
                continue
            if value in ("", None):
                continue
            n = _int(value if not isinstance(value, str) else value.strip())
            if n is None or not 1 <= n <= MAX_PLACES:
                errors["week_places"] = MSG_WEEK_PLACES.format(label=weeks.week_label(m).lower())
                continue
            overrides[m] = n
    plan = {m: overrides.get(m, places or 1) for m in all_weeks}

    this_monday = _this_monday(today)
    for m, row in sorted(existing.items()):
        label = weeks.week_label(m).lower()
        if m not in plan:
            if row.places_taken > 0:
                if m >= this_monday:
                    errors["weeks"] = MSG_WEEK_TAKEN.format(label=label, n=row.places_taken)
                else:
                    plan[m] = row.places  # past week with pupils: kept as history
        elif plan[m] < row.places_taken:
            errors["weeks"] = MSG_WEEK_SHRINK.format(label=label, n=row.places_taken)

    kind = form_str(data, "group_kind", 20) or "individual"
    if kind not in GROUP_KINDS:
        errors["group_kind"] = MSG_GROUP_KIND
    clean["group_kind"] = kind
    if kind == "group":
        per_group = _int(form_str(data, "max_per_group", 12))
        if per_group is None or per_group < 1:
            errors["max_per_group"] = MSG_MAX_PER_GROUP
        elif places is not None and per_group > places:
            errors["max_per_group"] = MSG_MAX_PER_GROUP_TOO_BIG.format(n=places)
        clean["max_per_group"] = per_group or 1
    else:
        clean["max_per_group"] = 1

    start = _parse_date_field(data, "application_start", errors)
    end = _parse_date_field(data, "application_end", errors)
    if start and end and end < start:
        errors["application_end"] = MSG_WINDOW
    elif (
        end
        and end < today
        and offer.state in (S.PUBLISHED, S.FULL)
        and end != offer.application_end
    ):
        errors["application_end"] = MSG_WINDOW_PAST
    clean["application_start"] = start
    clean["application_end"] = end

    clean["reserved_rep"] = form_bool(data, "reserved_rep")
    clean["reserved_qpv"] = form_bool(data, "reserved_qpv")
    raw_ids = data.get("reserved_school_ids") or []
    if not isinstance(raw_ids, list | tuple | set):
        raw_ids = []
    school_ids: list[int] = []
    for item in raw_ids:
        n = client_id(item)
        if n is None:
            errors["reserved_school_ids"] = MSG_SCHOOL_UNKNOWN
        elif n not in school_ids:
            school_ids.append(n)
    if len(school_ids) > MAX_RESERVED_SCHOOLS:
        errors["reserved_school_ids"] = MSG_TOO_MANY_SCHOOLS
    elif school_ids:
        found = s.execute(
            sa.select(sa.func.count(School.id)).where(School.id.in_(school_ids))
        ).scalar_one()
        if found != len(school_ids):
            errors["reserved_school_ids"] = MSG_SCHOOL_UNKNOWN
    clean["reserved_schools"] = bool(school_ids)
    return clean, errors, {"plan": plan, "school_ids": school_ids}


def _validate_step4(s: Session, offer: Offer, data: dict, today: date) -> tuple[dict, dict, dict]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    mode = form_str(data, "hours_mode", 10) or "same"
    if mode not in ("same", "per_day"):
        errors["hours_mode"] = MSG_HOURS_MODE
    clean["hours_mode"] = mode
    hours: dict[str, Any] = {}
    if mode == "same":
        raw_start, raw_end = form_str(data, "hours_start", 10), form_str(data, "hours_end", 10)
        start, end = _time(raw_start), _time(raw_end)
        if not raw_start:
            errors["hours_start"] = MSG_HOUR_START
        elif start is None:
            errors["hours_start"] = MSG_HOUR_INVALID
        if not raw_end:
            errors["hours_end"] = MSG_HOUR_END
        elif end is None:
            errors["hours_end"] = MSG_HOUR_INVALID
        if start and end and end <= start:
            errors["hours_end"] = MSG_HOUR_ORDER
        hours = {"start": start or "", "end": end or ""}
    elif mode == "per_day":
        per_day = data.get("per_day") if isinstance(data.get("per_day"), dict) else {}
        day_errors = False
        for day in DAYS:
            value = per_day.get(day)
            if not isinstance(value, dict):
                continue
            raw_start, raw_end = form_str(value, "start", 10), form_str(value, "end", 10)
            if not raw_start and not raw_end:
                continue  # closed that day
            start, end = _time(raw_start), _time(raw_end)
            if start is None:
                errors[f"{day}_start"] = MSG_HOUR_INVALID if raw_start else MSG_HOUR_START
            if end is None:
                errors[f"{day}_end"] = MSG_HOUR_INVALID if raw_end else MSG_HOUR_END
            if start and end and end <= start:
                errors[f"{day}_end"] = MSG_HOUR_ORDER
            if start is None or end is None or end <= start:
                day_errors = True
                continue
            hours[day] = {"start": start, "end": end}
        if day_errors:
            errors["per_day"] = MSG_PER_DAY_CHECK
        elif not hours:
            errors["per_day"] = MSG_PER_DAY_NONE
    clean["hours"] = json.dumps(hours, ensure_ascii=False)
    for key in ("lunch_break", "meals", "travel"):
        value = form_str(data, key, 700)
        if err := too_long(value, 500):
            errors[key] = err
        clean[key] = value
    clean["meals_on_site"] = form_bool(data, "meals_on_site")
    clean["show_contact"] = form_bool(data, "show_contact")
    tutor_name = form_str(data, "tutor_name", 300)
    if not tutor_name:
        errors["tutor_name"] = MSG_TUTOR_NAME
    elif err := too_long(tutor_name, 150):
        errors["tutor_name"] = err
    clean["tutor_name"] = tutor_name
    tutor_role = form_str(data, "tutor_role", 300)
    if err := too_long(tutor_role, 150):
        errors["tutor_role"] = err
    clean["tutor_role"] = tutor_role
    raw_email = form_str(data, "tutor_email", 300)
    tutor_email = accounts.normalize_email(raw_email)
    if not raw_email:
        errors["tutor_email"] = MSG_TUTOR_EMAIL
    elif tutor_email is None:
        errors["tutor_email"] = MSG_EMAIL_INVALID
    clean["tutor_email"] = tutor_email or ""
    raw_phone = form_str(data, "tutor_phone", 40)
    phone = structures.normalize_any_phone(raw_phone) if raw_phone else ""
    if raw_phone and phone is None:
        errors["tutor_phone"] = MSG_PHONE_INVALID
    clean["tutor_phone"] = phone or ""
    raw_contact = form_str(data, "contact_email", 300)
    if not raw_contact:
        creator = s.get(User, offer.created_by_id) if offer.created_by_id else None
        raw_contact = (creator.email or "") if creator is not None else ""
    contact = accounts.normalize_email(raw_contact) if raw_contact else None
    if not raw_contact:
        errors["contact_email"] = MSG_CONTACT_EMAIL
    elif contact is None:
        errors["contact_email"] = MSG_EMAIL_INVALID
    clean["contact_email"] = contact or ""
    return clean, errors, {}


_VALIDATORS = {1: _validate_step1, 2: _validate_step2, 3: _validate_step3, 4: _validate_step4}


def _apply_weeks(s: Session, offer: Offer, plan: dict[date, int]) -> None:
    existing = {r.week_start: r for r in _week_rows(s, offer.id)}
    for m, row in existing.items():
        if m in plan:
            row.places = plan[m]
        else:
            s.delete(row)
    for m, places in sorted(plan.items()):
        if m not in existing:
            s.add(OfferWeek(offer_id=offer.id, week_start=m, places=places, places_taken=0))


def _apply_schools(s: Session, offer: Offer, school_ids: list[int]) -> None:
    s.execute(
        sa.delete(OfferSchool)
        .where(OfferSchool.offer_id == offer.id)
        .execution_options(synchronize_session=False)
    )
    for school_id in school_ids:
        s.add(OfferSchool(offer_id=offer.id, school_id=school_id))


# --- the form: public API -------------------------------------------------------------------


def create_draft(s: Session, actor: User | None) -> int:
    """« Déposer une offre »: a new draft (step 1 prefilled from the actor's structure, step 4
    from the actor), returns its id.  An employer whose join request is pending cannot
    (PermissionDenied with the reason); a poster without structure (admin, référent,
    operator, employer created by staff) gets a minimal structure of their own."""
    permissions.require(permissions.can_create_offer(actor))
    structure = structures.structure_for_user(s, actor)
    if structure is None:
        pending = structures.pending_membership(s, actor)
        if pending is not None:
            raise PermissionDenied(structures.MSG_MEMBERSHIP_PENDING.format(name=pending.name))
        structure = structures.personal_structure(s, actor)
    now = clock.now()
    offer = Offer(
        state=OfferState.DRAFT,
        draft_step=1,
        structure_id=structure.id,
        created_by_id=actor.id,
        operator_id=structure.operator_id,
        school_year=weeks.active_school_year(),
        employer_name=structure.name,
        employer_description=structure.description,
        employer_website=structure.website,
        is_public=structure.is_public,
        ministry=structure.ministry if structure.is_public else "",
        street=structure.address,
        postal_code=structure.postal_code,
        city=structure.city,
        insee_code=structure.insee_code,
        department_code=structure.department_code,
        academy=structures.academy_of(s, structure.department_code),
        latitude=structure.latitude,
        longitude=structure.longitude,
        tutor_name=actor.full_name,
        tutor_role=actor.job_title,
        tutor_email=actor.email or "",
        tutor_phone=actor.phone or "",
        contact_email=actor.email or "",
        recipient_user_id=actor.id,
        places_total=1,
        created_at=now,
        updated_at=now,
    )
    s.add(offer)
    s.flush()
    _audit(s, offer.id, "create", actor, to_state=OfferState.DRAFT)
    s.commit()
    return offer.id


def _stored_values(s: Session, offer: Offer, step: int) -> dict[str, Any]:
    if step == 1:
        return {
            "employer_name": offer.employer_name,
            "employer_description": offer.employer_description,
            "employer_website": offer.employer_website,
            "street": offer.street,
            "postal_code": offer.postal_code,
            "city": offer.city,
            "is_public": bool(offer.is_public),
            "ministry": offer.ministry,
        }
    if step == 2:
        out: dict[str, Any] = {
            "title": offer.title,
            "description": offer.description,
            "sector_id": str(offer.sector_id) if offer.sector_id else "",
            "work_environment": offer.work_environment,
            "accessibility_text": offer.accessibility_text,
        }
        out.update({k: bool(getattr(offer, k)) for k in HANDICAPS})
        return out
    if step == 3:
        rows = _week_rows(s, offer.id)
        mondays = [r.week_start for r in rows]
        seconde = _seconde_mondays(offer, mondays)
        college = [r for r in rows if r.week_start not in seconde]
        school_ids = list(
            s.execute(
                sa.select(OfferSchool.school_id)
                .where(OfferSchool.offer_id == offer.id)
                .order_by(OfferSchool.id)
            ).scalars()
        )
        out = {k: bool(getattr(offer, k)) for k in LEVELS}
        out.update(
            {
                "seconde_period": offer.seconde_period,
                "all_year": bool(offer.all_year),
                "weeks": [r.week_start.isoformat() for r in college],
                "places": str(offer.places_total or 1),
                "week_places": {
                    r.week_start.isoformat(): str(r.places)
                    for r in rows
                    if r.places != offer.places_total
                },
                "group_kind": offer.group_kind or "individual",
                "max_per_group": str(offer.max_per_group or 1),
                "application_start": offer.application_start.isoformat()
                if offer.application_start
                else "",
                "application_end": offer.application_end.isoformat()
                if offer.application_end
                else "",
                "reserved_rep": bool(offer.reserved_rep),
                "reserved_qpv": bool(offer.reserved_qpv),
                "reserved_school_ids": school_ids,
            }
        )
        return out
    hours = _json(offer.hours)
    per_day = {d: hours[d] for d in DAYS if isinstance(hours.get(d), dict)}
    return {
        "hours_mode": offer.hours_mode or "same",
        "hours_start": hours.get("start", "") if offer.hours_mode != "per_day" else "",
        "hours_end": hours.get("end", "") if offer.hours_mode != "per_day" else "",
        "per_day": per_day if offer.hours_mode == "per_day" else {},
        "lunch_break": offer.lunch_break,
        "meals_on_site": bool(offer.meals_on_site),
        "meals": offer.meals,
        "travel": offer.travel,
        "tutor_name": offer.tutor_name,
        "tutor_role": offer.tutor_role,
        "tutor_email": offer.tutor_email,
        "tutor_phone": structures.display_phone(offer.tutor_phone),
        "contact_email": offer.contact_email,
        "show_contact": bool(offer.show_contact),
    }


def _school_labels(s: Session, ids: list[int]) -> list[dict[str, str]]:
    if not ids:
        return []
    rows = {
        r.id: r
        for r in s.execute(
            sa.select(School.id, School.name, School.commune, School.postal_code).where(
                School.id.in_(ids)
            )
        )
    }
    return [
        {"id": str(i), "label": f"{rows[i].name} — {rows[i].commune} ({rows[i].postal_code})"}
        for i in ids
        if i in rows
    ]


def load_step(s: Session, actor: User | None, offer_id: int, step: int) -> dict[str, Any]:
    """The fields of one step as form values (strings, bools, lists, dicts), with what the
    user typed in a step that did not validate yet (``unsaved_draft`` True then).  Step 3
    also gives ``reserved_schools`` [{"id", "label"}]."""
    offer = _editable_offer(s, actor, offer_id)
    if step not in STEPS:
        raise ValueError("Étape inconnue.")
    values = _stored_values(s, offer, step)
    snapshot = _json(offer.draft_form).get(str(step))
    values["unsaved_draft"] = bool(snapshot)
    if isinstance(snapshot, dict):
        values.update({k: v for k, v in snapshot.items() if k in STEP_FIELDS[step]})
    if step == 3:
        ids = [n for n in (client_id(x) for x in values.get("reserved_school_ids") or []) if n]
        values["reserved_schools"] = _school_labels(s, ids)
    return values


def save_step(
    s: Session, actor: User | None, offer_id: int, step: int, data: dict
) -> dict[str, str]:
    """Validate and save one step (see the module doc).  ``{}`` when saved; otherwise the
    errors, and only the raw values typed are kept (``offers.draft_form``).  Published
    offers may be edited too (same rules) and stay published."""
    offer = _editable_offer(s, actor, offer_id)
    if step not in STEPS:
        return {"form": "Étape inconnue."}
    if offer.state == OfferState.REMOVED:
        return {"form": MSG_REMOVED}
    if not isinstance(data, dict):
        return {"form": "Formulaire invalide."}
    if offer.state == OfferState.DRAFT and step > offer.draft_step:
        n = offer.draft_step
        return {"form": MSG_STEP_ORDER.format(n=n, title=STEP_TITLES.get(n, ""))}
    today = _today()
    clean, errors, extra = _VALIDATORS[step](s, offer, data, today)
    snapshot = _json(offer.draft_form)
    if errors:
        s.rollback()
        snapshot[str(step)] = _sanitize({k: v for k, v in data.items() if k in STEP_FIELDS[step]})
        s.execute(
            sa.update(Offer)
            .where(Offer.id == offer.id)
            .values(draft_form=json.dumps(snapshot, ensure_ascii=False))
            .execution_options(synchronize_session=False)
        )
        s.commit()
        s.expire(offer)
        return errors
    for key, value in clean.items():
        setattr(offer, key, value)
    if step == 3:
        _apply_weeks(s, offer, extra["plan"])
        _apply_schools(s, offer, extra["school_ids"])
    snapshot.pop(str(step), None)
    offer.draft_form = json.dumps(snapshot, ensure_ascii=False) if snapshot else ""
    offer.draft_step = max(offer.draft_step, step + 1)
    offer.updated_at = clock.now()
    _recompute(s, offer, today)
    if offer.state != OfferState.DRAFT:
        _audit(s, offer.id, "edit", actor, message=f"étape {step}")
    s.commit()
    return {}


def missing_steps(s: Session, offer_id: int) -> list[int]:
    """Steps not validly saved yet (steps are saved in order: ``[draft_step … 4]``)."""
    offer = _offer(s, offer_id)
    if offer is None:
        return list(STEPS)
    return [k for k in STEPS if k >= (offer.draft_step or 1)]


# --- the offer page -------------------------------------------------------------------------


def hours_text(mode: str, raw: str) -> str:
    """« Du lundi au vendredi, de 9 h à 17 h » or « Lundi : de 9 h à 17 h ; Mardi : fermé … »."""
    hours = _json(raw)
    if mode != "per_day":
        if not hours.get("start") or not hours.get("end"):
            return ""
        return (
            f"Du lundi au vendredi, de {_time_label(hours['start'])} à {_time_label(hours['end'])}"
        )
    parts = []
    for day in DAYS:
        value = hours.get(day)
        if isinstance(value, dict) and value.get("start") and value.get("end"):
            parts.append(
                f"{day.capitalize()} : de {_time_label(value['start'])} "
                f"à {_time_label(value['end'])}"
            )
        elif day != "samedi":
            parts.append(f"{day.capitalize()} : fermé")
    return " ; ".join(parts)


def _reserved_text(s: Session, offer: Offer) -> str:
    parts = []
    if offer.reserved_rep:
        parts.append("Réservé aux élèves des collèges REP/REP+")
    if offer.reserved_qpv:
        parts.append("Réservé aux lycées en QPV")
    if offer.reserved_schools:
        names = list(
            s.execute(
                sa.select(School.name, School.commune)
                .join(OfferSchool, OfferSchool.school_id == School.id)
                .where(OfferSchool.offer_id == offer.id)
                .order_by(School.name)
            )
        )
        if names:
            listed = ", ".join(f"{n} ({c})" if c else n for n, c in names)
            parts.append(f"Réservé aux élèves de : {listed}")
    return ". ".join(parts)


def _has_applied(s: Session, viewer: User | None, offer_id: int) -> bool:
    if viewer is None or viewer.id is None:
        return False
    return (
        s.execute(
            sa.select(Application.id).where(
                Application.offer_id == offer_id, Application.pupil_id == viewer.id
            )
        ).first()
        is not None
    )


def _application_open(offer: Offer, today: date) -> bool:
    return (
        offer.state == OfferState.PUBLISHED
        and offer.places_left > 0
        and (offer.application_start is None or offer.application_start <= today)
        and (offer.application_end is None or offer.application_end >= today)
    )


def _window_text(start: date | None, end: date | None) -> str:
    if start and end:
        return f"du {weeks.date_label(start)} au {weeks.date_label(end)}"
    if end:
        return f"jusqu'au {weeks.date_label(end)}"
    if start:
        return f"à partir du {weeks.date_label(start)}"
    return ""


def offer_view(
    s: Session, offer_id: int, viewer: User | None = None, preview: bool = False
) -> dict[str, Any] | None:
    """Everything the offer page shows, or None when ``viewer`` may not see it: drafts and
    removed offers only for their editors, unpublished ones for editors and pupils who
    applied; ``preview=True`` only for editors.  ``contact`` (tutor name, e-mail, phone)
    is filled only when the employer agreed (``show_contact``) and the viewer applied or
    edits the offer; otherwise ``{}``."""
    offer = _offer(s, offer_id)
    if offer is None:
        return None
    can_edit = permissions.can_edit_offer(s, viewer, offer)
    if preview and not can_edit:
        return None
    applied = _has_applied(s, viewer, offer.id)
    if not can_edit:
        if offer.state in (OfferState.DRAFT, OfferState.REMOVED):
            return None
        if offer.state == OfferState.UNPUBLISHED and not applied:
            return None
    today = _today()
    monday = _this_monday(today)
    rows = _week_rows(s, offer.id)
    shown = [r for r in rows if r.week_start >= monday] or rows
    seconde = _seconde_mondays(offer, [r.week_start for r in rows])
    sector = s.get(Sector, offer.sector_id) if offer.sector_id else None
    structure = s.get(Structure, offer.structure_id) if offer.structure_id else None
    contact: dict[str, str] = {}
    if offer.show_contact and (applied or can_edit):
        contact = {
            "name": offer.tutor_name,
            "email": offer.tutor_email,
            "phone": structures.display_phone(offer.tutor_phone),
        }
    group = GROUP_KINDS.get(offer.group_kind, "")
    if offer.group_kind == "group" and offer.max_per_group > 1:
        group = f"Accueil en groupe (jusqu'à {offer.max_per_group} élèves)"
    return {
        "id": offer.id,
        "title": offer.title,
        "description": offer.description,
        "employer_name": offer.employer_name,
        "employer_description": offer.employer_description,
        "employer_website": offer.employer_website,
        "is_public": bool(offer.is_public),
        "logo_url": f"/api/logos/{structure.id}"
        if structure is not None and structure.logo_path
        else "",
        "sector": sector.name if sector else "",
        "sector_id": offer.sector_id,
        "street": offer.street,
        "postal_code": offer.postal_code,
        "city": offer.city,
        "department_code": offer.department_code,
        "latitude": offer.latitude,
        "longitude": offer.longitude,
        "levels": [label for key, label in LEVELS.items() if getattr(offer, key)],
        "seconde_period": SECONDE_PERIODS.get(offer.seconde_period, "") if offer.level_2de else "",
        "weeks": [
            {
                "monday": r.week_start.isoformat(),
                "label": weeks.week_label(r.week_start),
                "places": r.places,
                "places_left": max(r.places - r.places_taken, 0),
                "for_seconde": r.week_start in seconde,
            }
            for r in shown
        ],
        "all_year": bool(offer.all_year),
        "places_left": offer.places_left,
        "group_kind": offer.group_kind,
        "group_label": group,
        "max_per_group": offer.max_per_group,
        "application_start": weeks.date_label(offer.application_start),
        "application_end": weeks.date_label(offer.application_end),
        "application_window": _window_text(offer.application_start, offer.application_end),
        "application_open": _application_open(offer, today),
        "hours": hours_text(offer.hours_mode, offer.hours),
        "lunch_break": offer.lunch_break,
        "meals_on_site": bool(offer.meals_on_site),
        "meals": offer.meals,
        "travel": offer.travel,
        "work_environment": offer.work_environment,
        "accessibility_text": offer.accessibility_text,
        "handicaps": [label for key, label in HANDICAPS.items() if getattr(offer, key)],
        "reserved": _reserved_text(s, offer),
        "state": offer.state,
        "state_label": OFFER_STATE_LABELS.get(offer.state, offer.state),
        "published_at": clock.fmt_paris(offer.published_at, with_time=False),
        "contact": contact,
        "can_edit": can_edit,
        "has_applied": applied,
    }


def increment_views(s: Session, offer_id: int) -> None:
    """One more view of a published offer (single UPDATE, committed)."""
    offer_id = client_id(offer_id, strings=False)
    if offer_id is None:
        return
    s.execute(
        sa.update(Offer)
        .where(Offer.id == offer_id, Offer.state == OfferState.PUBLISHED)
        .values(view_count=Offer.view_count + 1)
        .execution_options(synchronize_session=False)
    )
    s.commit()


# --- lifecycle ------------------------------------------------------------------------------


def available_actions(state: str) -> list[str]:
    """User actions possible from ``state`` (buttons of the dashboard), in table order."""
    return [
        action
        for action, (from_states, _to) in OFFER_TRANSITIONS.items()
        if action not in SYSTEM_ACTIONS and state in from_states
    ]


def pending_applications_count(s: Session, offer_id: int) -> int:
    """Applications still waiting for an answer (refused if the offer is deactivated)."""
    offer_id = client_id(offer_id, strings=False)
    if offer_id is None:
        return 0
    return int(
        s.execute(
            sa.select(sa.func.count(Application.id)).where(
                Application.offer_id == offer_id, Application.state.in_(PENDING_STATES)
            )
        ).scalar_one()
    )


def _has_future_places(s: Session, offer_id: int, today: date) -> bool:
    return (
        s.execute(
            sa.select(OfferWeek.id).where(
                OfferWeek.offer_id == offer_id,
                OfferWeek.week_start >= _this_monday(today),
                OfferWeek.places > OfferWeek.places_taken,
            )
        ).first()
        is not None
    )


def _refuse_pending(s: Session, offer: Offer, actor: User | None, *, removed: bool) -> int:
    """Every pending application of the offer → refused by the employer (one set-based
    UPDATE), an audit row each and one message per pupil.  Returns how many."""
    now = clock.now()
    message = MSG_REMOVED_REFUSAL if removed else MSG_DEACTIVATED
    pending = s.execute(
        sa.select(Application.id, Application.pupil_id, Application.state)
        .where(Application.offer_id == offer.id, Application.state.in_(PENDING_STATES))
        .order_by(Application.id)
        .with_for_update()
    ).all()
    if not pending:
        return 0
    ids = [r.id for r in pending]
    updated = s.execute(
        sa.update(Application)
        .where(Application.id.in_(ids), Application.state.in_(PENDING_STATES))
        .values(
            state=AppState.REFUSED,
            refused_at=now,
            refuse_message=message,
            updated_at=now,
            decided_by_id=actor.id if actor is not None else None,
        )
        .returning(Application.id)
        .execution_options(synchronize_session=False)
    )
    done = set(updated.scalars())
    rows = [r for r in pending if r.id in done]
    if not rows:
        return 0
    s.execute(
        sa.insert(AuditLog),
        [
            {
                "entity": "application",
                "entity_id": r.id,
                "action": "refuse",
                "from_state": r.state,
                "to_state": AppState.REFUSED,
                "actor_id": actor.id if actor is not None else None,
                "actor_role": actor.role if actor is not None else "system",
                "message": message,
                "created_at": now,
            }
            for r in rows
        ],
    )
    first_app: dict[int, int] = {}
    for r in rows:
        first_app.setdefault(r.pupil_id, r.id)
    pupils = s.execute(
        sa.select(User.id, User.email, User.phone, User.first_name).where(
            User.id.in_(list(first_app))
        )
    ).all()
    for p in pupils:
        key = f"offer_withdrawn:{offer.id}:{p.id}:{first_app[p.id]}"
        if p.email:
            subject, body = templates.render(
                "offer_withdrawn_pupil",
                url="/offres",
                offer_title=offer.title,
                employer_name=offer.employer_name,
                removed=removed,
                first_name=p.first_name,
            )
            queue_mail(
                s,
                to=p.email,
                subject=subject,
                body=body,
                action_url=templates.link("/offres"),
                template="offer_withdrawn_pupil",
                user_id=p.id,
                dedupe_key=key,
            )
        elif p.phone:
            _, body = templates.render("sms_offer_withdrawn_pupil", offer_title=offer.title)
            queue_sms(
                s,
                to=p.phone,
                body=body,
                template="sms_offer_withdrawn_pupil",
                user_id=p.id,
                dedupe_key=key,
            )
    return len(rows)


def transition(
    s: Session, actor: User | None, offer_id: int, action: str, message: str = ""
) -> str:
    """Fire ``action`` of :data:`OFFER_TRANSITIONS` on an offer: "" when done, else a
    French error (nothing changed).  Checks the caller, the from-state, the action's
    conditions (publish: all steps saved, structure validated, a week to come with
    places), then applies it with a conditional UPDATE (a double click or two members
    acting at once cannot apply it twice), writes the audit log and commits.

    ``deactivate`` and ``remove`` refuse every pending application (one mail per pupil);
    ``close_applications`` ends the application window yesterday (« suspendre »)."""
    if action not in OFFER_TRANSITIONS or action in SYSTEM_ACTIONS:
        return MSG_UNKNOWN_ACTION
    offer = _offer(s, offer_id)
    if offer is None or not permissions.can_edit_offer(s, actor, offer):
        return MSG_DENIED
    from_states, to_state = OFFER_TRANSITIONS[action]
    current = offer.state
    if current not in from_states:
        if to_state and current == to_state and current in _ALREADY_LABELS:
            return MSG_ALREADY.format(label=_ALREADY_LABELS[current])
        return MSG_NOT_NOW.format(label=OFFER_STATE_LABELS.get(current, current))
    today = _today()
    if action in ("publish", "republish"):
        if missing_steps(s, offer.id):
            return MSG_INCOMPLETE
        if not _ACTION_PERMISSION[action](s, actor, offer):
            structure = s.get(Structure, offer.structure_id) if offer.structure_id else None
            return structures.publish_block_reason(s, actor, structure) or MSG_DENIED
        if not _has_future_places(s, offer.id, today):
            return MSG_NO_FUTURE_WEEK
    now = clock.now()
    values: dict[str, Any] = {"updated_at": now}
    if to_state:
        values["state"] = to_state
    if stamp := _ACTION_STAMP.get(action):
        values[stamp] = now
    if action in ("publish", "republish"):
        values["owner_notified_at"] = None  # tell the owner again when it leaves the search
        values["places_left"] = places_left_expr(_this_monday(today))
    if action == "close_applications":
        yesterday = today - timedelta(days=1)
        if offer.application_end is not None and offer.application_end < today:
            return MSG_NO_WINDOW_TO_CLOSE
        values["application_end"] = yesterday
        if offer.application_start is not None and offer.application_start > yesterday:
            values["application_start"] = yesterday
    result = s.execute(
        sa.update(Offer)
        .where(Offer.id == offer.id, Offer.state == current)  # the state checked above
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        s.rollback()
        return MSG_CONFLICT
    refused = 0
    if action in ("deactivate", "remove"):
        refused = _refuse_pending(s, offer, actor, removed=action == "remove")
    note = message.strip()[:1000] if isinstance(message, str) else ""
    if refused:
        note = (note + " " if note else "") + f"{refused} candidature(s) en attente refusée(s)."
    _audit(
        s, offer.id, action, actor, from_state=current, to_state=to_state or current, message=note
    )
    s.commit()
    s.expire(offer)
    return ""


# --- duplication and renewal ----------------------------------------------------------------

_NOT_COPIED = {
    "id",
    "state",
    "draft_step",
    "mother_id",
    "created_by_id",
    "remote_id",
    "permalink",
    "school_year",
    "first_week",
    "last_week",
    "places_left",
    "search_text",
    "view_count",
    "published_at",
    "unpublished_at",
    "removed_at",
    "owner_notified_at",
    "created_at",
    "updated_at",
    "draft_form",
    "application_start",
    "application_end",
}


def _next_year_date(d: date | None) -> date | None:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28)


def duplicate(
    s: Session, actor: User | None, offer_id: int, next_year: bool = False
) -> tuple[int | None, str]:
    """« Dupliquer »: a new draft with every field, reservation and week of the offer
    (``mother_id`` set).  Plain copy: only the weeks still to come (after today).
    ``next_year`` (« renouveler ») : weeks moved to the same ISO week number of the next
    school year (« toute l'année » and the 2de weeks recomputed for that year), window
    dates one year later.  Returns ``(new_id, "")`` or ``(None, error)``."""
    src = _offer(s, offer_id)
    if (
        src is None
        or not permissions.can_edit_offer(s, actor, src)
        or not permissions.can_create_offer(actor)
    ):
        return None, MSG_DENIED
    today = _today()
    rows = _week_rows(s, src.id)
    seconde = _seconde_mondays(src, [r.week_start for r in rows])
    college_weeks = {r.week_start: r.places for r in rows if r.week_start not in seconde}
    plan: dict[date, int] = {}
    if next_year:
        base_year = src.school_year or weeks.school_year_of(src.first_week or today)
        target = base_year + 1
        school_weeks = set(weeks.weeks_of_school_year(target))
        if src.all_year and (src.level_4e or src.level_3e):
            plan.update({m: src.places_total for m in school_weeks})
        else:
            for m, places in college_weeks.items():
                shifted = weeks.shift_to_next_year(m)
                if shifted in school_weeks:
                    plan[shifted] = places
        if src.level_2de and src.seconde_period in SECONDE_PERIODS:
            for m in weeks.seconde_weeks(target, src.seconde_period):
                plan.setdefault(m, src.places_total)
        start = _next_year_date(src.application_start)
        end = _next_year_date(src.application_end)
    else:
        target = None
        plan = {r.week_start: r.places for r in rows}
        start, end = src.application_start, src.application_end
        if end is not None and end < today:
            start = end = None
    plan = {m: p for m, p in plan.items() if m > today}

    now = clock.now()
    values = {name: getattr(src, name) for name in Offer.model_fields if name not in _NOT_COPIED}
    copy = Offer(
        **values,
        state=OfferState.DRAFT,
        mother_id=src.id,
        created_by_id=actor.id,
        school_year=target or weeks.active_school_year(today),
        application_start=start,
        application_end=end,
        created_at=now,
        updated_at=now,
    )
    needs_weeks = src.level_4e or src.level_3e or src.level_2de
    step = min(src.draft_step or 1, 5)
    if needs_weeks and not plan:
        step = min(step, 3)  # no week left: step « Accueil » must be saved again
    copy.draft_step = step
    s.add(copy)
    s.flush()
    for m, places in sorted(plan.items()):
        s.add(OfferWeek(offer_id=copy.id, week_start=m, places=places, places_taken=0))
    school_ids = list(
        s.execute(
            sa.select(OfferSchool.school_id)
            .where(OfferSchool.offer_id == src.id)
            .order_by(OfferSchool.id)
        ).scalars()
    )
    for school_id in school_ids:
        s.add(OfferSchool(offer_id=copy.id, school_id=school_id))
    _recompute(s, copy, today)
    _audit(
        s,
        copy.id,
        "renew" if next_year else "duplicate",
        actor,
        to_state=OfferState.DRAFT,
        message=f"copie de l'offre n° {src.id}",
    )
    s.commit()
    return copy.id, ""


# --- employer dashboard ---------------------------------------------------------------------


def _scope(s: Session, actor: User) -> sa.ColumnElement:
    """Offers of the actor's structures (shared with the active team) or created by them."""
    ids = permissions.member_structure_ids(s, actor)
    own = Offer.created_by_id == actor.id
    return sa.or_(Offer.structure_id.in_(ids), own) if ids else own


def _page(page: Any, per_page: Any) -> tuple[int, int]:
    page = page if isinstance(page, int) and not isinstance(page, bool) else 1
    per_page = per_page if isinstance(per_page, int) and not isinstance(per_page, bool) else 20
    return max(1, page), max(1, min(per_page, 100))


def period_text(offer_all_year: bool, first: date | None, last: date | None) -> str:
    if offer_all_year:
        return "Toute l'année"
    return weeks.period_label(first, last)


def employer_offers(
    s: Session,
    actor: User | None,
    *,
    offer_id: int | None = None,
    state: str | None = None,
    sort: str = "recent",
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[dict[str, Any]], int]:
    """« Vos offres de stage »: one page of the offers of the actor's structure(s) and the
    total.  Removed offers only with ``state="removed"``.  Sorts: recent, oldest, title."""
    permissions.require(permissions.can_create_offer(actor))
    page, per_page = _page(page, per_page)
    conds = [_scope(s, actor)]
    if offer_id is not None:  # a filter typed by the user: an invalid id matches nothing
        oid = client_id(offer_id)
        conds.append(Offer.id == oid if oid else sa.false())
    if state:
        conds.append(Offer.state == state)
    else:
        conds.append(Offer.state != OfferState.REMOVED)
    total = int(s.execute(sa.select(sa.func.count(Offer.id)).where(*conds)).scalar_one())
    order = {
        "oldest": (Offer.created_at.asc(), Offer.id.asc()),
        "title": (Offer.title.asc(), Offer.id.desc()),
    }.get(sort, (Offer.created_at.desc(), Offer.id.desc()))
    places_total = (
        sa.select(sa.func.coalesce(sa.func.sum(OfferWeek.places), 0))
        .where(OfferWeek.offer_id == Offer.id)
        .scalar_subquery()
    )
    apps = (
        sa.select(
            Application.offer_id.label("offer_id"),
            sa.func.count(Application.id).label("applications"),
            sa.func.sum(sa.case((Application.state.in_(TODO_STATES), 1), else_=0)).label("pending"),
        )
        .where(Application.state.not_in(NOT_SENT_STATES))
        .group_by(Application.offer_id)
        .subquery()
    )
    rows = s.execute(
        sa.select(
            Offer.id,
            Offer.title,
            Offer.state,
            Offer.all_year,
            Offer.first_week,
            Offer.last_week,
            Offer.places_left,
            Offer.published_at,
            Offer.city,
            places_total.label("places_total"),
            sa.func.coalesce(apps.c.applications, 0).label("applications"),
            sa.func.coalesce(apps.c.pending, 0).label("pending"),
        )
        .outerjoin(apps, apps.c.offer_id == Offer.id)
        .where(*conds)
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return [
        {
            "id": r.id,
            "title": r.title or "(offre sans titre)",
            "state": r.state,
            "state_label": OFFER_STATE_LABELS.get(r.state, r.state),
            "period": period_text(r.all_year, r.first_week, r.last_week),
            "places_total": int(r.places_total or 0),
            "places_left": int(r.places_left or 0),
            "applications": int(r.applications or 0),
            "pending": int(r.pending or 0),
            "published_at": clock.fmt_paris(r.published_at, with_time=False),
            "city": r.city,
            "actions": available_actions(r.state),
        }
        for r in rows
    ], total


def offer_stats(s: Session, actor: User | None, offer_id: int) -> dict[str, int]:
    """The « i » of the dashboard (seed 003), in one aggregate query: places offered and
    left, applications received (sent to the employer), accepted (ever), confirmed,
    pending (to answer), refused, views."""
    offer = _editable_offer(s, actor, offer_id)
    a = Application

    def count_if(cond: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)

    places_offered = (
        sa.select(sa.func.coalesce(sa.func.sum(OfferWeek.places), 0))
        .where(OfferWeek.offer_id == Offer.id)
        .scalar_subquery()
    )
    row = s.execute(
        sa.select(
            places_offered.label("places_offered"),
            Offer.places_left,
            Offer.view_count,
            count_if(a.state.not_in(NOT_SENT_STATES)).label("received"),
            count_if(a.accepted_at.is_not(None) | a.state.in_(ACCEPTED_STATES)).label("accepted"),
            count_if(a.state == AppState.CONFIRMED).label("confirmed"),
            count_if(a.state.in_(TODO_STATES)).label("pending"),
            count_if(a.state == AppState.REFUSED).label("refused"),
        )
        .select_from(Offer)
        .outerjoin(a, a.offer_id == Offer.id)
        .where(Offer.id == offer.id)
        .group_by(Offer.id, Offer.places_left, Offer.view_count)
    ).one()
    return {
        "places_offered": int(row.places_offered or 0),
        "places_left": int(row.places_left or 0),
        "received": int(row.received or 0),
        "accepted": int(row.accepted or 0),
        "confirmed": int(row.confirmed or 0),
        "pending": int(row.pending or 0),
        "refused": int(row.refused or 0),
        "views": int(row.view_count or 0),
    }


def employer_applications(
    s: Session,
    actor: User | None,
    *,
    tab: str = "todo",
    offer_id: int | None = None,
    state: str | None = None,
    sort: str = "recent",
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[dict[str, Any]], int]:
    """« Candidatures à traiter » (``tab="todo"``: transmitted, read, under review) and
    « Candidatures traitées » (``"done"``: every later state; applications still with
    the school are never shown).  Sorts: recent, oldest (last change), week, offer (or
    title: the offer's title)."""
    permissions.require(permissions.can_create_offer(actor))
    page, per_page = _page(page, per_page)
    states = TODO_STATES if tab == "todo" else DONE_STATES
    if state:
        states = states & {state}
    conds = [_scope(s, actor), Application.state.in_(states)]
    if offer_id is not None:  # a filter typed by the user: an invalid id matches nothing
        oid = client_id(offer_id)
        conds.append(Application.offer_id == oid if oid else sa.false())
    base = sa.select(Application.id).join(Offer, Offer.id == Application.offer_id).where(*conds)
    total = int(s.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one())
    changed = sa.func.coalesce(Application.updated_at, Application.created_at)
    order = {
        "oldest": (changed.asc(), Application.id.asc()),
        "week": (Application.week_start.asc(), Application.id.asc()),
        "offer": (Offer.title.asc(), Application.id.desc()),
        "title": (Offer.title.asc(), Application.id.desc()),
    }.get(sort, (changed.desc(), Application.id.desc()))
    rows = s.execute(
        sa.select(
            Application.id,
            Application.offer_id,
            Application.week_start,
            Application.state,
            changed.label("changed"),
            Offer.title,
            User.first_name,
            User.last_name,
            School.name.label("school_name"),
            School.commune.label("school_city"),
            School.ep,
        )
        .join(Offer, Offer.id == Application.offer_id)
        .join(User, User.id == Application.pupil_id)
        .outerjoin(School, School.id == Application.school_id)
        .where(*conds)
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return [
        {
            "id": r.id,
            "offer_id": r.offer_id,
            "offer_title": r.title,
            "pupil_name": f"{r.first_name} {r.last_name}".strip(),
            "school": f"{r.school_name} ({r.school_city})"
            if r.school_name and r.school_city
            else (r.school_name or ""),
            "rep": r.ep or "",
            "week_label": weeks.week_label(r.week_start),
            "state": r.state,
            "state_label": APP_STATE_LABELS.get(r.state, r.state),
            "updated_at": clock.fmt_paris(r.changed),
        }
        for r in rows
    ], total

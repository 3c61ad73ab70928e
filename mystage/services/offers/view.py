"""The offer page: everything it shows (:func:`offer_view`), its texts (hours, reserved
schools, application window) and its view counter."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    OFFER_STATE_LABELS,
    PRIVATE_OFFER_STATES,
    Application,
    Offer,
    OfferSchool,
    OfferState,
    Role,
    School,
    Sector,
    Structure,
    User,
)
from mystage.services import permissions, structures, weeks
from mystage.services.ids import client_id
from mystage.services.offers.fields import (
    DAYS,
    GROUP_KINDS,
    HANDICAPS,
    LEVELS,
    SECONDE_PERIODS,
    parse_json,
)
from mystage.services.offers.records import (
    current_monday,
    get_offer,
    mondays_for_level,
    seconde_mondays,
    today_paris,
    week_rows,
)
from mystage.services.text import time_label


def hours_text(mode: str, raw: str) -> str:
    """« Du lundi au vendredi, de 9 h à 17 h » or « Lundi : de 9 h à 17 h ; Mardi : fermé … »."""
    hours = parse_json(raw)
    if mode != "per_day":
        if not hours.get("start") or not hours.get("end"):
            return ""
        return f"Du lundi au vendredi, de {time_label(hours['start'])} à {time_label(hours['end'])}"
    parts = []
    for day in DAYS:
        value = hours.get(day)
        if isinstance(value, dict) and value.get("start") and value.get("end"):
            parts.append(
                f"{day.capitalize()} : de {time_label(value['start'])} à {time_label(value['end'])}"
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


def has_applied(s: Session, viewer: User | None, offer_id: int) -> bool:
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


def application_open(offer: Offer, today: date) -> bool:
    return (
        offer.state == OfferState.PUBLISHED
        and offer.places_left > 0
        and (offer.application_start is None or offer.application_start <= today)
        and (offer.application_end is None or offer.application_end >= today)
    )


WEEKS_SECONDE = "Semaines des lycéens de 2de"
WEEKS_COLLEGE = "Semaines des collégiens"


def viewer_level(viewer: User | None) -> str | None:
    """The level whose weeks ``viewer`` sees: a pupil's own level (2de GT: the national
    June weeks only; any other: the other weeks only); None (both kinds) for anybody
    else."""
    if viewer is None or viewer.role != Role.ELEVE:
        return None
    return viewer.level or ""


def _weeks_list(offer: Offer, rows: list, seconde: set[date], level: str | None) -> list[dict]:
    """The weeks shown to a viewer of ``level`` (see :func:`viewer_level`): the
    collégiens' weeks, then the 2de ones, each group under its heading (``heading`` on its
    first week) when both kinds are shown."""
    visible = mondays_for_level(offer, [r.week_start for r in rows], level)
    shown = [r for r in rows if r.week_start in visible]
    college = [r for r in shown if r.week_start not in seconde]
    lycee = [r for r in shown if r.week_start in seconde]
    both = bool(college) and bool(lycee)
    out = []
    for group, heading in ((college, WEEKS_COLLEGE), (lycee, WEEKS_SECONDE)):
        for i, r in enumerate(group):
            out.append(
                {
                    "monday": r.week_start.isoformat(),
                    "label": weeks.week_label(r.week_start),
                    "places": r.places,
                    "places_left": max(r.places - r.places_taken, 0),
                    "for_seconde": r.week_start in seconde,
                    "heading": heading if both and i == 0 else "",
                }
            )
    return out


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
    offer = get_offer(s, offer_id)
    if offer is None:
        return None
    can_edit = permissions.can_edit_offer(s, viewer, offer)
    if preview and not can_edit:
        return None
    applied = has_applied(s, viewer, offer.id)
    if not can_edit:
        if offer.state in PRIVATE_OFFER_STATES:
            return None
        if offer.state == OfferState.UNPUBLISHED and not applied:
            return None
    today = today_paris()
    monday = current_monday(today)
    rows = week_rows(s, offer.id)
    shown = [r for r in rows if r.week_start >= monday] or rows
    seconde = seconde_mondays(offer, [r.week_start for r in rows])
    level = None if can_edit else viewer_level(viewer)
    sector = s.get(Sector, offer.sector_id) if offer.sector_id else None
    structure = s.get(Structure, offer.structure_id) if offer.structure_id else None
    contact: dict[str, str] = {}
    if offer.show_contact and (applied or can_edit):
        contact = {
            "name": offer.tutor_name,
            "email": offer.tutor_email,
            "phone": structures.display_phone(offer.tutor_phone),
        }
    weeks_shown = _weeks_list(offer, shown, seconde, level)
    places_left = offer.places_left
    if level is not None:  # a pupil: the places of the weeks they may take
        upcoming = monday.isoformat()
        places_left = sum(w["places_left"] for w in weeks_shown if w["monday"] >= upcoming)
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
        "weeks": weeks_shown,
        "all_year": bool(offer.all_year) and not weeks.is_lyceen(level),
        "places_left": places_left,
        "group_kind": offer.group_kind,
        "group_label": group,
        "max_per_group": offer.max_per_group,
        "application_start": weeks.date_label(offer.application_start),
        "application_end": weeks.date_label(offer.application_end),
        "application_window": _window_text(offer.application_start, offer.application_end),
        "application_open": application_open(offer, today),
        # « Suspendre les candidatures » (seed 003): still listed, no « Postuler ».
        "applications_closed": offer.state in (OfferState.PUBLISHED, OfferState.FULL)
        and offer.application_end is not None
        and offer.application_end < today,
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

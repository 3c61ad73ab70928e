"""An API offer in and out: the request's fields split into the form's four steps (as the
form sends them), the partner-site fields checked, and an offer read back as a plain dict
(what ``GET /api/v1/offers/{id}`` answers)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import OFFER_STATE_LABELS, Offer, OfferSchool, OfferWeek
from mystage.services import offers

MAX_PERMALINK = 300
MSG_PERMALINK_REQUIRED = (
    "Indiquez l'adresse de l'offre sur votre site (permalink) pour recevoir les "
    "candidatures sur le site du partenaire."
)
MSG_PERMALINK_INVALID = "Adresse invalide : elle doit commencer par http:// ou https://."
MSG_PERMALINK_LONG = "Adresse trop longue (300 caractères au plus)."

# Numbers the form sends as typed text.
_AS_TEXT = ("sector_id", "places", "max_per_group")
_PARTNER_FIELDS = ("remote_id", "permalink", "apply_on_partner_site")


def _form_value(key: str, value: Any) -> Any:
    if value is None:
        return "" if key not in ("reserved_school_ids", "weeks") else []
    if isinstance(value, date):
        return value.isoformat()
    if key in _AS_TEXT and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if key == "week_places" and isinstance(value, dict):
        return {str(k): str(v) if isinstance(v, int) else v for k, v in value.items()}
    return value


def to_steps(data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """``{step: form values}`` from the API's flat fields (unknown keys dropped)."""
    return {
        step: {k: _form_value(k, data[k]) for k in fields if k in data and k != "space_id"}
        for step, fields in offers.STEP_FIELDS.items()
    }


def check_permalink(raw: Any) -> tuple[str, str]:
    """``(permalink, error)``: an http(s) address (or "")."""
    value = raw.strip() if isinstance(raw, str) else ""
    if not value:
        return "", ""
    if len(value) > MAX_PERMALINK:
        return "", MSG_PERMALINK_LONG
    try:
        parts = urlsplit(value)
    except ValueError:
        return "", MSG_PERMALINK_INVALID
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return "", MSG_PERMALINK_INVALID
    return value, ""


def partner_fields(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """``({permalink, apply_on_partner_site}, errors)``."""
    errors: dict[str, str] = {}
    permalink, err = check_permalink(data.get("permalink"))
    if err:
        errors["permalink"] = err
    partner = data.get("apply_on_partner_site") is True
    if partner and not permalink and "permalink" not in errors:
        errors["permalink"] = MSG_PERMALINK_REQUIRED
    return {"permalink": permalink, "apply_on_partner_site": partner}, errors


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def offer_out(s: Session, offer: Offer) -> dict[str, Any]:
    """The offer as the operators' API shows it (every field of the form, its weeks with
    their places, its state and public address)."""
    weeks = list(
        s.execute(
            sa.select(OfferWeek.week_start, OfferWeek.places, OfferWeek.places_taken)
            .where(OfferWeek.offer_id == offer.id)
            .order_by(OfferWeek.week_start)
        )
    )
    school_ids = list(
        s.execute(
            sa.select(OfferSchool.school_id)
            .where(OfferSchool.offer_id == offer.id)
            .order_by(OfferSchool.id)
        ).scalars()
    )
    try:
        hours = json.loads(offer.hours) if offer.hours else {}
    except ValueError:
        hours = {}
    hours = hours if isinstance(hours, dict) else {}
    per_day = offer.hours_mode == "per_day"
    return {
        "id": offer.id,
        "remote_id": offer.remote_id or "",
        "state": offer.state,
        "state_label": OFFER_STATE_LABELS.get(offer.state, offer.state),
        "url": f"/offres/{offer.id}",
        "permalink": offer.permalink or "",
        "apply_on_partner_site": bool(offer.apply_on_partner_site),
        "partner_clicks": int(offer.partner_clicks or 0),
        "employer_name": offer.employer_name,
        "employer_description": offer.employer_description,
        "employer_website": offer.employer_website,
        "street": offer.street,
        "postal_code": offer.postal_code,
        "city": offer.city,
        "is_public": bool(offer.is_public),
        "ministry": offer.ministry or "",
        "latitude": offer.latitude,
        "longitude": offer.longitude,
        "title": offer.title,
        "description": offer.description,
        "sector_id": offer.sector_id,
        "work_environment": offer.work_environment,
        "accessibility_text": offer.accessibility_text,
        **{k: bool(getattr(offer, k)) for k in offers.HANDICAPS},
        **{k: bool(getattr(offer, k)) for k in offers.LEVELS},
        "seconde_period": offer.seconde_period or "",
        "all_year": bool(offer.all_year),
        "weeks": [w.week_start.isoformat() for w in weeks],
        "places": int(offer.places_total or 1),
        "week_plan": [
            {"week": w.week_start.isoformat(), "places": w.places, "places_taken": w.places_taken}
            for w in weeks
        ],
        "places_left": int(offer.places_left or 0),
        "group_kind": offer.group_kind or "individual",
        "max_per_group": int(offer.max_per_group or 1),
        "application_start": _iso(offer.application_start),
        "application_end": _iso(offer.application_end),
        "reserved_rep": bool(offer.reserved_rep),
        "reserved_qpv": bool(offer.reserved_qpv),
        "reserved_school_ids": school_ids,
        "hours_mode": offer.hours_mode or "same",
        "hours_start": "" if per_day else str(hours.get("start", "")),
        "hours_end": "" if per_day else str(hours.get("end", "")),
        "per_day": {
            d: {"start": str(v.get("start", "")), "end": str(v.get("end", ""))}
            for d, v in hours.items()
            if per_day and d in offers.DAYS and isinstance(v, dict)
        },
        "lunch_break": offer.lunch_break,
        "meals_on_site": bool(offer.meals_on_site),
        "meals": offer.meals,
        "travel": offer.travel,
        "tutor_name": offer.tutor_name,
        "tutor_role": offer.tutor_role,
        "tutor_email": offer.tutor_email,
        "tutor_phone": offer.tutor_phone,
        "contact_email": offer.contact_email,
        "show_contact": bool(offer.show_contact),
        "view_count": int(offer.view_count or 0),
        "created_at": offer.created_at,
        "updated_at": offer.updated_at,
        "published_at": offer.published_at,
    }

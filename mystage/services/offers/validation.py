"""The offer form's validation, one function per step: ``(clean, errors, extra)`` from
the raw form data (``extra``: step 3's week plan and reserved school ids)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Offer, OfferState, School, Sector, User
from mystage.services import accounts, ministries, structures, weeks
from mystage.services.form_values import form_bool, form_str
from mystage.services.ids import client_id
from mystage.services.offers.fields import (
    DAYS,
    GROUP_KINDS,
    HANDICAPS,
    LEVELS,
    MAX_PLACES,
    MAX_RESERVED_SCHOOLS,
    MAX_WEEKS,
    MSG_CONTACT_EMAIL,
    MSG_DATE,
    MSG_DESCRIPTION,
    MSG_EMAIL_INVALID,
    MSG_EMPLOYER_NAME,
    MSG_GROUP_KIND,
    MSG_HOUR_END,
    MSG_HOUR_INVALID,
    MSG_HOUR_ORDER,
    MSG_HOUR_START,
    MSG_HOURS_MODE,
    MSG_LEVELS,
    MSG_MAX_PER_GROUP,
    MSG_MAX_PER_GROUP_TOO_BIG,
    MSG_PER_DAY_CHECK,
    MSG_PER_DAY_NONE,
    MSG_PHONE_INVALID,
    MSG_PLACES,
    MSG_SCHOOL_UNKNOWN,
    MSG_SECONDE_PERIOD,
    MSG_SECTOR,
    MSG_STREET,
    MSG_STREET_NOT_FOUND,
    MSG_TITLE,
    MSG_TOO_MANY_SCHOOLS,
    MSG_TUTOR_EMAIL,
    MSG_TUTOR_NAME,
    MSG_WEEK_INVALID,
    MSG_WEEK_PAST,
    MSG_WEEK_PLACES,
    MSG_WEEK_RANGE,
    MSG_WEEK_SHRINK,
    MSG_WEEK_TAKEN,
    MSG_WEEKS_REQUIRED,
    MSG_WINDOW,
    MSG_WINDOW_PAST,
    SECONDE_PERIODS,
    parse_int,
)
from mystage.services.offers.records import current_monday, week_rows
from mystage.services.structures import checked_postal_code, checked_text
from mystage.services.text import parse_time


def _validate_step1(s: Session, offer: Offer, data: dict, today: date) -> tuple[dict, dict, dict]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    name = checked_text(data, "employer_name", errors, 200, read=400, required=MSG_EMPLOYER_NAME)
    clean["employer_name"] = name
    description = checked_text(data, "employer_description", errors, 1000, read=1200)
    clean["employer_description"] = description
    website, err = structures.normalize_website(form_str(data, "employer_website", 400))
    if err:
        errors["employer_website"] = err
    clean["employer_website"] = website
    street = checked_text(data, "street", errors, 250, read=400, required=MSG_STREET)
    clean["street"] = street
    postal_code = checked_postal_code(data, errors)
    clean["postal_code"] = postal_code
    city = checked_text(data, "city", errors, 100, read=200, required=structures.MSG_CITY_REQUIRED)
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
    title = checked_text(data, "title", errors, 150, read=400, required=MSG_TITLE)
    clean["title"] = title
    description = checked_text(
        data, "description", errors, 1000, read=1200, required=MSG_DESCRIPTION
    )
    clean["description"] = description
    sector_id = client_id(form_str(data, "sector_id", 12))
    if sector_id is None or s.get(Sector, sector_id) is None:
        errors["sector_id"] = MSG_SECTOR
    clean["sector_id"] = sector_id
    for key in ("work_environment", "accessibility_text"):
        value = checked_text(data, key, errors, 1000, read=1200)
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

    places = parse_int(form_str(data, "places", 12))
    if places is None or not 1 <= places <= MAX_PLACES:
        errors["places"] = MSG_PLACES
        places = None
    clean["places_total"] = places or 1

    existing = {r.week_start: r for r in week_rows(s, offer.id)}
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
            n = parse_int(value if not isinstance(value, str) else value.strip())
            if n is None or not 1 <= n <= MAX_PLACES:
                errors["week_places"] = MSG_WEEK_PLACES.format(label=weeks.week_label(m).lower())
                continue
            overrides[m] = n
    plan = {m: overrides.get(m, places or 1) for m in all_weeks}

    this_monday = current_monday(today)
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
        per_group = parse_int(form_str(data, "max_per_group", 12))
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
        and offer.state in (OfferState.PUBLISHED, OfferState.FULL)
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
        start, end = parse_time(raw_start), parse_time(raw_end)
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
            start, end = parse_time(raw_start), parse_time(raw_end)
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
        value = checked_text(data, key, errors, 500, read=700)
        clean[key] = value
    clean["meals_on_site"] = form_bool(data, "meals_on_site")
    clean["show_contact"] = form_bool(data, "show_contact")
    tutor_name = checked_text(data, "tutor_name", errors, 150, read=300, required=MSG_TUTOR_NAME)
    clean["tutor_name"] = tutor_name
    tutor_role = checked_text(data, "tutor_role", errors, 150, read=300)
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


VALIDATORS = {1: _validate_step1, 2: _validate_step2, 3: _validate_step3, 4: _validate_step4}

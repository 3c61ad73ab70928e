"""A convention is created when the pupil confirms (one per confirmed application), filled in
advance with what the platform already knows, and cancelled when its application is.

What each party adds later (the employer's representative and timetable, the school's legal
representatives and terms) goes into the same JSON columns; the pre-filled values are the
starting point of those forms, never a second source of truth for the application.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    Application,
    AuditLog,
    Convention,
    ConventionState,
    Offer,
    School,
    SchoolClass,
    Structure,
    User,
)
from mystage.services import weeks
from mystage.services.conventions import access, machine, preset
from mystage.services.conventions.access import head_of
from mystage.services.conventions.hours import DAYS
from mystage.services.text import parse_time

C = ConventionState
WORKDAYS = DAYS[:5]
CHUNK = 500  # ids per statement (SQLite's bound-parameter limit)


def _name(user: User | None) -> str:
    return f"{user.first_name} {user.last_name}".strip() if user else ""


def offer_timetable(offer: Offer) -> dict[str, dict[str, str]]:
    """The offer's hours as a convention timetable (every day of the week, break empty):
    the same hours Monday to Friday, or the days the offer lists one by one."""
    try:
        hours = json.loads(offer.hours) if offer.hours else {}
    except (TypeError, ValueError):
        hours = {}
    hours = hours if isinstance(hours, dict) else {}

    def slot(value: Any) -> dict[str, str]:
        value = value if isinstance(value, dict) else {}
        start = parse_time(str(value.get("start") or "")) or ""
        end = parse_time(str(value.get("end") or "")) or ""
        return {"start": start, "end": end, "break_start": "", "break_end": ""}

    empty = {"start": "", "end": "", "break_start": "", "break_end": ""}
    if offer.hours_mode == "per_day":
        return {d: slot(hours.get(d)) if d in hours else dict(empty) for d in DAYS}
    return {d: slot(hours) if d in WORKDAYS else dict(empty) for d in DAYS}


def prefill(s: Session, app: Application) -> tuple[dict[str, Any], dict[str, Any]]:
    """(employer_fields, school_fields) known at confirmation time."""
    offer = s.get(Offer, app.offer_id)  # an application always has its offer
    structure = s.get(Structure, offer.structure_id) if offer.structure_id else Structure(name="")
    pupil = s.get(User, app.pupil_id)
    school = s.get(School, app.school_id) if app.school_id else School(uai="", name="")
    cls = s.get(SchoolClass, app.class_id) if app.class_id else None
    # Monday of the first week to Friday of the last (two weeks for a 2de period of two).
    friday = weeks.application_end(app.week_start, app.week_count or 1)
    employer = {
        "structure": {
            "name": structure.name or offer.employer_name,
            "siret": structure.siret or "",
            "address": structure.address,
            "postal_code": structure.postal_code,
            "city": structure.city,
        },
        "place": {"street": offer.street, "postal_code": offer.postal_code, "city": offer.city},
        "offer_title": offer.title,
        "representative": {"name": "", "function": "", "email": ""},
        "tutor": {
            "name": offer.tutor_name,
            "function": offer.tutor_role,
            "email": offer.tutor_email,
            "phone": offer.tutor_phone,
        },
        "timetable": offer_timetable(offer),
        "lunch": offer.lunch_break,
        "meals": offer.meals,
        "travel": offer.travel,
        "activities": offer.description,
        "preparation": "",
        "learning": "",
        "week": {"start": app.week_start.isoformat(), "end": friday.isoformat()},
    }
    school_part = {
        "school": {
            "name": school.name,
            "uai": school.uai,
            "address": school.address,
            "postal_code": school.postal_code,
            "city": school.commune,
            "head": _name(head_of(s, school.id)) if school.id else "",
        },
        "pupil": {
            "first_name": pupil.first_name,
            "last_name": pupil.last_name,
            "birth_date": pupil.birth_date.isoformat() if pupil.birth_date else "",
            "class": cls.name if cls else "",
            "level": (cls.level if cls else "") or pupil.level,
        },
        "referent_email": app.referent_email,
        "legal_representatives": [],
        "emergency_contact": {"name": "", "phone": ""},
        "pupil_address": "",
        "referent_teacher": {"name": "", "email": "", "phone": ""},
        "terms": preset.terms(preset.load(school)),
    }
    return employer, school_part


def create_for_application(s: Session, app: Application) -> Convention:
    """The convention of a confirmed application (in the caller's transaction, no commit);
    the existing one when there is already one (a confirmation is never repeated, but a
    convention must not be doubled if it were)."""
    existing = s.execute(
        sa.select(Convention).where(Convention.application_id == app.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    employer, school_part = prefill(s, app)
    now = clock.now()
    conv = Convention(
        uuid=str(uuid.uuid4()),
        application_id=app.id,
        state=C.DRAFT,
        week_start=app.week_start,
        employer_fields=json.dumps(employer, ensure_ascii=False),
        school_fields=json.dumps(school_part, ensure_ascii=False),
        created_at=now,
        updated_at=now,
    )
    s.add(conv)
    s.flush()
    s.add(
        AuditLog(
            entity="convention", entity_id=conv.id, action="create", from_state="",
            to_state=C.DRAFT, actor_id=None, actor_role="system", created_at=now,
        )
    )  # fmt: skip
    x = access.Loaded(conv, app, s.get(Offer, app.offer_id), s.get(User, app.pupil_id))
    employer_person = machine.signatories(s, x)[0]
    machine.mail(s, x, employer_person, "to_employer", employer_person["url"], "n")
    return conv


def cancel_for_applications(s: Session, application_ids: list[int]) -> list[int]:
    """Cancel the open or signed conventions of these applications (their application was
    cancelled), with an audit row each; returns the conventions' ids (no commit).

    Set-based: per chunk of ids, one conditional UPDATE per current state (so the audit row
    knows the state each convention left)."""
    now = clock.now()
    cancelled: list[tuple[int, str]] = []
    for i in range(0, len(application_ids), CHUNK):
        chunk = application_ids[i : i + CHUNK]
        for state in sorted(set(C) - {C.CANCELLED}):
            ids = s.execute(
                sa.update(Convention)
                .where(Convention.application_id.in_(chunk), Convention.state == state)
                .values(state=C.CANCELLED, cancelled_at=now, updated_at=now)
                .returning(Convention.id)
                .execution_options(synchronize_session=False)
            ).scalars()
            cancelled.extend((conv_id, state) for conv_id in ids)
    if cancelled:
        s.execute(
            sa.insert(AuditLog.__table__),
            [
                {
                    "entity": "convention", "entity_id": conv_id, "action": "cancel",
                    "from_state": state, "to_state": C.CANCELLED, "actor_id": None,
                    "actor_role": "system", "message": "", "created_at": now,
                }
                for conv_id, state in cancelled
            ],
        )  # fmt: skip
    return sorted(c for c, _ in cancelled)

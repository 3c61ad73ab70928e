"""The 4-step offer form: a new draft, each step loaded and saved on the draft.

Form conventions (as in :mod:`accounts`): ``save_step`` returns ``errors: dict[str, str]``
keyed by form field name, in French.  When a step does not validate, nothing of it is
stored, except the raw values typed, kept in ``offers.draft_form`` (JSON
``{"<step>": {field: value}}``) so :func:`load_step` shows them again.  Steps are saved in
order: ``draft_step`` is the first step not validly saved yet (5 when all are), so
:func:`missing_steps` is ``[draft_step … 4]``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Offer, OfferSchool, OfferState, OfferWeek, School, User
from mystage.services import audit, permissions, structures, weeks
from mystage.services.ids import client_id
from mystage.services.offers.fields import (
    DAYS,
    HANDICAPS,
    LEVELS,
    MSG_REMOVED,
    MSG_STEP_ORDER,
    STEP_FIELDS,
    STEP_TITLES,
    STEPS,
    parse_json,
    sanitize,
)
from mystage.services.offers.records import (
    editable_offer,
    get_offer,
    recompute,
    reserved_school_ids,
    seconde_mondays,
    today_paris,
    week_rows,
)
from mystage.services.offers.validation import VALIDATORS
from mystage.services.permissions import PermissionDenied


def _apply_weeks(s: Session, offer: Offer, plan: dict[date, int]) -> None:
    existing = {r.week_start: r for r in week_rows(s, offer.id)}
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
        space_id=structures.default_space_for(s, actor, structure.id),
        places_total=1,
        created_at=now,
        updated_at=now,
    )
    s.add(offer)
    s.flush()
    audit.record(s, "offer", offer.id, "create", actor, to_state=OfferState.DRAFT)
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
            "space_id": str(offer.space_id or ""),
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
        rows = week_rows(s, offer.id)
        mondays = [r.week_start for r in rows]
        seconde = seconde_mondays(offer, mondays)
        college = [r for r in rows if r.week_start not in seconde]
        school_ids = reserved_school_ids(s, offer.id)
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
    hours = parse_json(offer.hours)
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


MSG_SPACE = "Choisissez un des espaces de votre structure."


def _checked_space(s: Session, actor: User | None, offer: Offer, raw: Any) -> int | None:
    """The space picked at step 1: one of the offer's structure the actor may use (empty:
    the offer's space, else the first usable one); None when refused."""
    if offer.structure_id is None:
        return offer.space_id
    usable = [sp["id"] for sp in structures.accessible_spaces(s, actor, offer.structure_id)]
    if raw in (None, ""):
        if offer.space_id in usable:
            return offer.space_id
        return usable[0] if usable else None
    picked = client_id(raw)
    return picked if picked in usable else None


def load_step(s: Session, actor: User | None, offer_id: int, step: int) -> dict[str, Any]:
    """The fields of one step as form values (strings, bools, lists, dicts), with what the
    user typed in a step that did not validate yet (``unsaved_draft`` True then).  Step 3
    also gives ``reserved_schools`` [{"id", "label"}]."""
    offer = editable_offer(s, actor, offer_id)
    if step not in STEPS:
        raise ValueError("Étape inconnue.")
    values = _stored_values(s, offer, step)
    snapshot = parse_json(offer.draft_form).get(str(step))
    values["unsaved_draft"] = bool(snapshot)
    if isinstance(snapshot, dict):
        values.update({k: v for k, v in snapshot.items() if k in STEP_FIELDS[step]})
    if step == 1:
        values["spaces"] = [
            {"id": str(sp["id"]), "name": sp["name"]}
            for sp in structures.accessible_spaces(s, actor, offer.structure_id)
        ]
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
    offer = editable_offer(s, actor, offer_id)
    if step not in STEPS:
        return {"form": "Étape inconnue."}
    if offer.state == OfferState.REMOVED:
        return {"form": MSG_REMOVED}
    if not isinstance(data, dict):
        return {"form": "Formulaire invalide."}
    if offer.state == OfferState.DRAFT and step > offer.draft_step:
        n = offer.draft_step
        return {"form": MSG_STEP_ORDER.format(n=n, title=STEP_TITLES.get(n, ""))}
    today = today_paris()
    clean, errors, extra = VALIDATORS[step](s, offer, data, today)
    if step == 1 and "space_id" in data:
        space_id = _checked_space(s, actor, offer, data.get("space_id"))
        if space_id is None:
            errors["space_id"] = MSG_SPACE
        else:
            clean["space_id"] = space_id
    snapshot = parse_json(offer.draft_form)
    if errors:
        s.rollback()
        snapshot[str(step)] = sanitize({k: v for k, v in data.items() if k in STEP_FIELDS[step]})
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
    recompute(s, offer, today)
    if offer.state != OfferState.DRAFT:
        audit.record(s, "offer", offer.id, "edit", actor, message=f"étape {step}")
    s.commit()
    return {}


def missing_steps(s: Session, offer_id: int) -> list[int]:
    """Steps not validly saved yet (steps are saved in order: ``[draft_step … 4]``)."""
    offer = get_offer(s, offer_id)
    if offer is None:
        return list(STEPS)
    return [k for k in STEPS if k >= (offer.draft_step or 1)]


# « Période de candidature » that ends long before some of the offer's weeks (4 February,
# a week in June): allowed, but most likely a slip — step 3 warns next to the field.
WINDOW_GAP = 56  # days: about two months between the window's end and a week


def window_warning(end: date | None, mondays: list[date]) -> str:
    """The warning of step 3 when the application window closes more than :data:`WINDOW_GAP`
    days before some of ``mondays`` (pupils cannot apply for them after that date); ""
    when it does not (or without an end date)."""
    if end is None:
        return ""
    late = sorted(m for m in mondays if (m - end).days > WINDOW_GAP)
    if not late:
        return ""
    first = weeks.in_sentence(weeks.week_label(late[0]))
    others = len(late) - 1
    more = f" et {others} autre{'s' if others > 1 else ''} semaine{'s' if others > 1 else ''}"
    return (
        f"Attention : les candidatures fermeront le {weeks.date_label(end)}, plus de deux "
        f"mois avant la {first}{more if others else ''}. Passé cette date, plus aucun élève "
        "ne pourra postuler pour "
        f"{'ces semaines' if others else 'cette semaine'}. Vérifiez la date de fin, ou "
        "gardez-la si c'est voulu."
    )


def window_warning_of(s: Session, actor: User | None, offer_id: int) -> str:
    """:func:`window_warning` for the offer as saved (its weeks, 2de June weeks included)."""
    offer = editable_offer(s, actor, offer_id)
    return window_warning(offer.application_end, [r.week_start for r in week_rows(s, offer.id)])

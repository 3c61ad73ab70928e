"""« Postuler » on the pupil's side: what the form shows (the offer, the weeks they may
pick, their contacts, their CV, why they may not apply) and its submission, checked and
stored by :func:`mystage.services.applications.apply`."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import Application, AppState, Offer, OfferWeek, Role, School, User
from mystage.services import applications, offers, permissions, platform, weeks
from mystage.services.ids import client_id
from mystage.services.pupils.access import clean_text, is_pupil, visible_offer
from mystage.services.pupils.cv import cv_status
from mystage.services.pupils.favorites import is_favorite
from mystage.services.structures import display_phone

A = AppState

MSG_OFFER_MISSING = "Cette offre n'existe pas ou n'est plus visible."


def _choice(
    monday: date, count: int, label: str, rows: dict[date, OfferWeek], taken: list[tuple]
) -> dict[str, Any]:
    """One radio of the form: the period ``monday`` … (``count`` weeks), its places left
    (the fewest of its weeks) and why it is disabled (applied already, a week full)."""
    covered = weeks.covered_mondays(monday, count)
    left = min(max(rows[m].places - rows[m].places_taken, 0) for m in covered)
    applied = any(set(covered) & set(weeks.covered_mondays(start, n or 1)) for start, n in taken)
    note = "déjà postulé" if applied else ("complète" if left <= 0 else "")
    value = weeks.period_value(monday, count)
    return {
        "iso": value,
        "key": value.replace("/", "-"),
        "label": label,
        "places_left": left,
        "full": left <= 0,
        "disabled": bool(note),
        "note": note,
    }


def _seconde_choices(
    offer: Offer, rows: dict[date, OfferWeek], taken: list[tuple]
) -> list[dict[str, Any]]:
    """A 2de pupil's choices: the offer's national weeks to come, as periods: « Les 2
    semaines (du 15 au 26 juin 2026) », « 1re semaine seulement (du 15 au 19 juin) », « 2e
    semaine seulement (du 22 au 26 juin) » when the offer takes both (« both »), that single
    week otherwise."""
    out: list[dict[str, Any]] = []
    for year in sorted({weeks.school_year_of(m) for m in rows}):
        periods = weeks.seconde_periods(year)
        offered = [m for m in weeks.seconde_weeks(year, offer.seconde_period) if m in rows]
        if offer.seconde_period == "both" and len(offered) == 2:
            span = weeks.span_label(offered[0], weeks.application_end(offered[0], 2))
            out.append(_choice(offered[0], 2, f"Les 2 semaines ({span})", rows, taken))
            for m in offered:
                which = "1re" if m == periods["week1"] else "2e"
                span = weeks.span_label(m, weeks.application_end(m), with_year=False)
                out.append(_choice(m, 1, f"{which} semaine seulement ({span})", rows, taken))
        else:
            out += [_choice(m, 1, weeks.week_label(m), rows, taken) for m in offered]
    return out


def _offered_weeks(s: Session, pupil: User, offer: Offer) -> list[dict[str, Any]]:
    """The weeks the pupil may pick: the offer's future weeks for their level (the national
    2de weeks, as periods of one or two weeks, for a lycéen; the other weeks for a
    collégien), restricted for a collégien to their school weeks (their class's or the whole
    school's) for each school year where the school has set some (all of them when it has
    none, or when the offer runs all year) — the same rules as :func:`applications.apply`.
    Full weeks and weeks already applied for are listed with ``disabled`` and the reason."""
    today = clock.today_paris()
    all_rows = s.exec(
        select(OfferWeek)
        .where(OfferWeek.offer_id == offer.id, OfferWeek.week_start > today)
        .order_by(OfferWeek.week_start)
    ).all()
    visible = offers.mondays_for_level(offer, [r.week_start for r in all_rows], pupil.level or "")
    rows = [r for r in all_rows if r.week_start in visible]
    taken = list(
        s.execute(
            sa.select(Application.week_start, Application.week_count).where(
                Application.pupil_id == pupil.id, Application.offer_id == offer.id
            )
        ).all()
    )
    by_monday = {r.week_start: r for r in rows}
    if weeks.is_lyceen(pupil.level):
        return _seconde_choices(offer, by_monday, taken)
    school_weeks: dict[int, set[date]] = {}
    out: list[dict[str, Any]] = []
    for row in rows:
        if not offer.all_year:
            year = weeks.school_year_of(row.week_start)
            if year not in school_weeks:
                school_weeks[year] = applications.school_weeks(s, pupil, year)
            allowed = school_weeks[year]
            if allowed and row.week_start not in allowed:
                continue
        out.append(_choice(row.week_start, 1, weeks.week_label(row.week_start), by_monday, taken))
    return out


def _blocked_kind(user: User | None, reason: str) -> str:
    if user is None:
        return "login"
    if user.role != Role.ELEVE:
        return "role"
    if user.parental_authorization_at is None and "autorisation" in reason:
        return "authorization"
    return "other"


def apply_context(s: Session, user: User | None, offer_id: Any) -> dict[str, Any]:
    """What the « Postuler » page shows.

    ``found`` False: no such visible offer (nothing else filled).  Otherwise ``offer``
    (id, title, employer_name, city, postal_code) and ``allowed``; when not allowed,
    ``reason`` (French) and ``blocked`` ("login", "role", "authorization", "other").  When
    allowed: ``weeks`` (see :func:`_offered_weeks`), ``defaults`` (contact phone and e-mail
    from the account, the school's référent e-mail), ``cv`` status, ``to_school`` (the
    application goes to the school first).  ``is_favorite`` for pupils."""
    oid = client_id(offer_id)
    offer = visible_offer(s, user, oid)
    if offer is None:
        return {"found": False}
    ctx: dict[str, Any] = {
        "found": True,
        "offer": {
            "id": offer.id,
            "title": offer.title,
            "employer_name": offer.employer_name,
            "city": offer.city,
            "postal_code": offer.postal_code,
        },
        "allowed": False,
        "reason": "",
        "blocked": "",
        "weeks": [],
        "seconde": False,
        "defaults": {"contact_phone": "", "contact_email": "", "referent_email": ""},
        "cv": {"has_text": False, "has_pdf": False, "empty": True},
        "to_school": False,
        "is_favorite": False,
    }
    active = user if permissions.is_authenticated(user) else None
    ok, reason = applications.can_apply(s, active, offer.id)
    if is_pupil(active):
        ctx["is_favorite"] = is_favorite(s, active, offer.id)
    if not ok:
        ctx["reason"] = reason
        ctx["blocked"] = _blocked_kind(active, reason)
        return ctx
    school = s.get(School, active.school_id) if active.school_id else None
    ctx["allowed"] = True
    ctx["weeks"] = _offered_weeks(s, active, offer)
    ctx["seconde"] = weeks.is_lyceen(active.level)
    ctx["defaults"] = {
        "contact_phone": display_phone(active.phone),
        "contact_email": active.email or "",
        "referent_email": (school.referent_email or school.email) if school else "",
    }
    ctx["cv"] = cv_status(s, active.id)
    ctx["to_school"] = platform.school_validates(school)
    return ctx


def submit_application(
    s: Session, user: User | None, offer_id: Any, form: Any
) -> tuple[int | None, dict[str, str], bool]:
    """« Postuler » with the form's raw values: ``(id, {}, to_school)`` when sent, else
    ``(None, errors, False)`` with French errors keyed week, motivation, contact_phone,
    contact_email, referent_email or form; nothing stored then."""
    oid = client_id(offer_id)
    active = user if permissions.is_authenticated(user) else None
    if oid is None or visible_offer(s, active, oid) is None:
        return None, {"form": MSG_OFFER_MISSING}, False
    data = form if isinstance(form, dict) else {}
    app_id, errors = applications.apply(
        s,
        active,
        oid,
        week=clean_text(data.get("week"), 20),
        motivation=clean_text(data.get("motivation"), applications.MOTIVATION_MAX + 500),
        contact_phone=clean_text(data.get("contact_phone"), 40),
        contact_email=clean_text(data.get("contact_email"), 300),
        referent_email=clean_text(data.get("referent_email"), 300),
    )
    if app_id is None:
        return None, errors or {"form": "La candidature n'a pas pu être envoyée."}, False
    state = s.execute(sa.select(Application.state).where(Application.id == app_id)).scalar_one()
    return app_id, {}, state == A.AWAITING_SCHOOL

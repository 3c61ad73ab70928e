"""« Postuler »: the pupil's application checked and stored, with a copy of their CV, then
sent to the school référent first or straight to the employer.

:func:`apply` returns ``(id, errors)`` with French errors keyed by form field (``"form"``
for the whole form); nothing is stored on error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import Application, AppState, AuditLog, Offer, OfferWeek, PupilCV, School, User
from mystage.services import accounts, offers, platform, weeks
from mystage.services.applications.eligibility import can_apply
from mystage.services.applications.limits import (
    MAX_WEEK_COUNT,
    confirmed_limit_error,
    overlaps,
)
from mystage.services.applications.machine import move

A = AppState

MOTIVATION_MIN = 30
MOTIVATION_MAX = 3000

# The CV's sections, copied into each application (keys of ``PupilCV`` and labels).
CV_SECTIONS = {
    "schooling": "Scolarité",
    "interests": "Centres d'intérêt",
    "languages": "Langues",
    "qualities": "Qualités",
}

MSG_WEEK = "Choisis une semaine proposée par l'offre."
MSG_WEEK_FULL = "Cette semaine est complète : choisis une autre semaine."
MSG_PERIOD_FULL = "Une des deux semaines est complète : choisis une seule semaine."
MSG_WEEK_SCHOOL = "Cette semaine n'est pas une semaine de stage de ton établissement."
MSG_MOTIVATION = "Écris quelques lignes de motivation (30 caractères au moins)."
MSG_MOTIVATION_LONG = "3000 caractères au maximum."
MSG_PHONE = accounts.MSG_PHONE_INVALID
MSG_EMAIL = accounts.MSG_EMAIL_INVALID
MSG_CONTACT = (
    "Indique ton adresse e-mail ou ton numéro de portable pour que l'employeur puisse te répondre."
)
MSG_DUPLICATE = "Tu as déjà postulé pour cette semaine."


def school_weeks(s: Session, pupil: User, school_year: int) -> set[date]:
    """The pupil's internship weeks: their class's own weeks when it has some, else the
    school's (the same rule as the school's week calendar)."""
    if pupil.school_id is None:
        return set()
    return set(weeks.weeks_for_class(s, pupil.school_id, pupil.class_id, school_year))


def _period(
    s: Session, pupil: User, offer: Offer, week: Any, errors: dict[str, str]
) -> tuple[date | None, int, int]:
    """(first Monday, number of weeks, school year) of the period chosen (``week``: a Monday,
    or ``<Monday>/P2W`` for a 2de period of two weeks), or an error in ``errors["week"]``.

    Every week covered must be an offered week to come, of the pupil's kind (the national
    2de weeks for a lycéen — two weeks only when the offer takes both —, the other weeks
    for a collégien), with a place free; a collégien's week must also be one of their
    school's internship weeks when it set some (unless the offer runs all year)."""
    monday, count = weeks.parse_period(week) if isinstance(week, str) else (None, 1)
    if monday is None or not 1 <= count <= MAX_WEEK_COUNT:
        errors["week"] = MSG_WEEK
        return None, 1, 0
    covered = weeks.covered_mondays(monday, count)
    rows = {
        r.week_start: r
        for r in s.exec(
            select(OfferWeek).where(
                OfferWeek.offer_id == offer.id, OfferWeek.week_start.in_(covered)
            )
        )
    }
    school_year = weeks.school_year_of(monday)
    lyceen = weeks.is_lyceen(pupil.level)
    mine = offers.mondays_for_level(offer, list(rows), pupil.level or "")
    if (
        monday <= clock.today_paris()
        or any(m not in rows or m not in mine for m in covered)
        or (count > 1 and not (lyceen and offer.seconde_period == "both"))
    ):
        errors["week"] = MSG_WEEK
    elif any(rows[m].places_taken >= rows[m].places for m in covered):
        errors["week"] = MSG_WEEK_FULL if count == 1 else MSG_PERIOD_FULL
    elif not lyceen and not offer.all_year:
        allowed = school_weeks(s, pupil, school_year)
        if allowed and monday not in allowed:
            errors["week"] = MSG_WEEK_SCHOOL
    return monday, count, school_year


def cv_snapshot(s: Session, pupil_id: int) -> tuple[str, str]:
    """(the CV's sections as JSON, the path of its PDF) copied into a new application."""
    cv = s.exec(select(PupilCV).where(PupilCV.user_id == pupil_id)).first()
    if cv is None:
        return "", ""
    sections = {k: getattr(cv, k) for k in CV_SECTIONS}
    return json.dumps(sections, ensure_ascii=False), cv.pdf_path or ""


def cv_sections(app: Application) -> list[dict[str, str]]:
    """The CV sections copied into an application at submission, for display:
    ``[{"label", "text"}]``, empty sections left out."""
    try:
        data = json.loads(app.cv_snapshot) if app.cv_snapshot else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        return []
    out = []
    for key, label in CV_SECTIONS.items():
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            out.append({"label": label, "text": value.strip()})
    return out


def _address(
    raw: Any, normalize: Callable[[str], str | None], errors: dict[str, str], key: str, msg: str
) -> str | None:
    """A phone number or e-mail address typed in the form, normalized: ``None`` when left
    empty, "" (and ``errors[key] = msg``) when invalid."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return None
    value = normalize(text) or ""
    if not value:
        errors[key] = msg
    return value


def apply(
    s: Session,
    pupil: User | None,
    offer_id: int,
    *,
    week: str,
    motivation: str,
    contact_phone: str,
    contact_email: str,
    referent_email: str,
) -> tuple[int | None, dict[str, str]]:
    """« Postuler »: ``(application id, {})`` when sent, else ``(None, errors)`` and nothing
    stored.  The application goes to the school référent first when the pupil's school
    validates applications, else straight to the employer (one mail either way)."""
    ok, reason = can_apply(s, pupil, offer_id)
    if not ok:
        return None, {"form": reason}
    offer = s.get(Offer, offer_id)
    school = s.get(School, pupil.school_id) if pupil.school_id else None
    errors: dict[str, str] = {}

    monday, count, school_year = _period(s, pupil, offer, week, errors)

    text = motivation.strip() if isinstance(motivation, str) else ""
    if len(text) < MOTIVATION_MIN:
        errors["motivation"] = MSG_MOTIVATION
    elif len(text) > MOTIVATION_MAX:
        errors["motivation"] = MSG_MOTIVATION_LONG

    phone = (
        _address(contact_phone, accounts.normalize_phone, errors, "contact_phone", MSG_PHONE) or ""
    )
    email = _address(contact_email, accounts.normalize_email, errors, "contact_email", MSG_EMAIL)
    if email is None:
        email = pupil.email or ""
    if not email and not phone and "contact_email" not in errors:
        errors["contact_email"] = MSG_CONTACT
    ref = _address(referent_email, accounts.normalize_email, errors, "referent_email", MSG_EMAIL)
    if ref is None:
        ref = (school.referent_email or school.email or "") if school is not None else ""

    if "week" not in errors:
        dup = s.execute(
            sa.select(Application.id).where(
                Application.pupil_id == pupil.id,
                Application.offer_id == offer.id,
                overlaps(monday, count),
            )
        ).first()
        if dup is not None:
            errors["week"] = MSG_DUPLICATE
        elif limit := confirmed_limit_error(s, pupil.id, monday, school_year, week_count=count):
            errors["form"] = limit
    if errors:
        return None, errors

    now = clock.now()
    cv_copy, cv_file = cv_snapshot(s, pupil.id)
    app = Application(
        pupil_id=pupil.id,
        offer_id=offer.id,
        week_start=monday,
        week_count=count,
        state=A.SUBMITTED,
        school_id=pupil.school_id,
        class_id=pupil.class_id,
        school_year=school_year,
        motivation=text,
        contact_phone=phone,
        contact_email=email,
        referent_email=ref,
        cv_snapshot=cv_copy,
        cv_file=cv_file,
        created_at=now,
        submitted_at=now,
        updated_at=now,
    )
    s.add(app)
    try:
        s.flush()
    except sa.exc.IntegrityError:
        s.rollback()
        return None, {"week": MSG_DUPLICATE}
    s.add(
        AuditLog(
            entity="application", entity_id=app.id, action="submit", from_state="",
            to_state=A.SUBMITTED, actor_id=pupil.id, actor_role=pupil.role, created_at=now,
        )
    )  # fmt: skip
    route = "route_to_school" if platform.school_validates(school) else "send"
    move(s, route, [Application.id == app.id])
    app_id = app.id
    s.commit()
    return app_id, {}

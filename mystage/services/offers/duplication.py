"""« Dupliquer » and « Renouveler »: a new draft copied from an offer."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import AuditLog, Offer, OfferSchool, OfferState, OfferWeek, User
from mystage.services import audit, permissions, weeks
from mystage.services.offers.fields import SECONDE_PERIODS
from mystage.services.offers.records import (
    MSG_DENIED,
    get_offer,
    recompute,
    reserved_school_ids,
    seconde_mondays,
    today_paris,
    week_rows,
)

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


COPY_SUFFIX = " (copie)"
TITLE_MAX = 150  # Offer.title's max_length


def copy_title(title: str) -> str:
    """« … (copie) »: the copy's title until its editor changes it, cut at a word so that it
    fits the column with the suffix (a copy of a copy is not « (copie) (copie) »)."""
    title = (title or "").strip()
    if title.endswith(COPY_SUFFIX.strip()):
        return title[:TITLE_MAX]
    room = TITLE_MAX - len(COPY_SUFFIX)
    if len(title) > room:
        cut = title[: room - 1]
        head = cut.rsplit(" ", 1)[0] if " " in cut else cut
        title = head.rstrip(" -–—,;:") + "…"
    return title + COPY_SUFFIX


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
    src = get_offer(s, offer_id)
    if (
        src is None
        or not permissions.can_edit_offer(s, actor, src)
        or not permissions.can_create_offer(actor)
    ):
        return None, MSG_DENIED
    today = today_paris()
    rows = week_rows(s, src.id)
    seconde = seconde_mondays(src, [r.week_start for r in rows])
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
    if not next_year:  # a renewal is told apart by its year (and its form's title)
        values["title"] = copy_title(src.title)
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
    for school_id in reserved_school_ids(s, src.id):
        s.add(OfferSchool(offer_id=copy.id, school_id=school_id))
    recompute(s, copy, today)
    audit.record(
        s,
        "offer",
        copy.id,
        "renew" if next_year else "duplicate",
        actor,
        to_state=OfferState.DRAFT,
        message=f"copie de l'offre n° {src.id}",
    )
    s.commit()
    return copy.id, ""


def form_heading(s: Session, offer: Offer | None) -> str:
    """The offer form's title: « Copie de l'offre n° 18 » (or « Renouvellement de l'offre
    n° 18 ») for a draft made by « Dupliquer » (« Renouveler »), « Modifier l'offre n° 7 »
    once the offer has been published, « Déposer une offre » otherwise."""
    if offer is None:
        return "Déposer une offre"
    if offer.state == OfferState.DRAFT and offer.mother_id:
        renewed = s.execute(
            sa.select(AuditLog.id).where(
                AuditLog.entity == "offer",
                AuditLog.entity_id == offer.id,
                AuditLog.action == "renew",
            )
        ).first()
        kind = "Renouvellement" if renewed else "Copie"
        return f"{kind} de l'offre n° {offer.mother_id}"
    if offer.state != OfferState.DRAFT:
        return f"Modifier l'offre n° {offer.id}"
    return "Déposer une offre"

"""An offer's rows: the lookup (with the editor check), its weeks, its reserved schools, and
the derived columns recomputed after every change (weeks, places left, search text).

Weeks: an offer's ``offer_weeks`` rows are the Mondays it welcomes pupils, with their
places and ``places_taken`` (confirmed pupils).  Collégien weeks (chosen, or every
remaining week with « toute l'année ») and the national 2de weeks share the table.  A
week is *to come* from its Monday on (``week_start >= this Monday``): ``places_left`` is
the sum of the places still free in the weeks to come; an offer without weeks to come is
past.  New weeks must start after today.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import Offer, OfferSchool, OfferWeek, Sector, User
from mystage.services import permissions, weeks
from mystage.services.ids import client_id
from mystage.services.offers.fields import HANDICAPS, SECONDE_PERIODS
from mystage.services.text import index_tokens

MSG_DENIED = "Vous n'avez pas accès à cette offre."


def today_paris() -> date:
    return clock.today_paris()


def current_monday(today: date | None = None) -> date:
    return clock.monday_of(today or today_paris())


def get_offer(s: Session, offer_id: Any) -> Offer | None:
    offer_id = client_id(offer_id, strings=False)
    return s.get(Offer, offer_id) if offer_id is not None else None


def editable_offer(s: Session, actor: User | None, offer_id: Any) -> Offer:
    """The offer if ``actor`` may edit it, else PermissionDenied (unknown ids too)."""
    offer = get_offer(s, offer_id)
    permissions.require(offer is not None and permissions.can_edit_offer(s, actor, offer))
    return offer


def week_rows(s: Session, offer_id: int) -> list[OfferWeek]:
    return list(
        s.exec(
            select(OfferWeek).where(OfferWeek.offer_id == offer_id).order_by(OfferWeek.week_start)
        )
    )


def seconde_mondays(offer: Offer, mondays: list[date] | set[date]) -> set[date]:
    """Which of ``mondays`` are the offer's national 2de weeks."""
    if not offer.level_2de or offer.seconde_period not in SECONDE_PERIODS:
        return set()
    out: set[date] = set()
    for year in {weeks.school_year_of(m) for m in mondays}:
        out |= set(weeks.seconde_weeks(year, offer.seconde_period)) & set(mondays)
    return out


def mondays_for_level(
    offer: Offer, mondays: list[date] | set[date], level: str | None
) -> set[date]:
    """Which of ``mondays`` a pupil of ``level`` may pick: the offer's national 2de weeks
    for a lycéen, its other weeks for a collégien; all of them for ``level=None`` (an
    anonymous visitor, an employer, staff: both kinds, labelled)."""
    if level is None:
        return set(mondays)
    seconde = seconde_mondays(offer, mondays)
    if weeks.is_lyceen(level):
        return seconde
    return set(mondays) - seconde


def reserved_school_ids(s: Session, offer_id: int) -> list[int]:
    """The schools the offer is reserved to, in the order they were added."""
    return list(
        s.execute(
            sa.select(OfferSchool.school_id)
            .where(OfferSchool.offer_id == offer_id)
            .order_by(OfferSchool.id)
        ).scalars()
    )


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


def search_text(parts: list[str | None]) -> str:
    """``offers.search_text`` of an offer's title, sector, description, employer, city."""
    return " ".join(index_tokens(" ".join(p for p in parts if p)))


def reindex_search_text(s: Session, batch: int = 2000) -> int:
    """Rewrite every offer's ``search_text`` that differs from what :func:`search_text`
    gives today (after a change of what the search index holds); returns how many."""
    sec = Sector.__table__.c
    t = Offer.__table__.c
    changed = 0
    last = 0
    while True:
        rows = s.execute(
            sa.select(
                t.id, t.title, sec.name, t.description, t.employer_name, t.city, t.search_text
            )
            .select_from(Offer.__table__.outerjoin(Sector.__table__, sec.id == t.sector_id))
            .where(t.id > last)
            .order_by(t.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        updates = [
            {"oid": r.id, "text": text}
            for r in rows
            if (text := search_text([r.title, r.name, r.description, r.employer_name, r.city]))
            != r.search_text
        ]
        if updates:
            s.execute(
                sa.update(Offer.__table__)
                .where(t.id == sa.bindparam("oid"))
                .values(search_text=sa.bindparam("text")),
                updates,
            )
            changed += len(updates)
        s.commit()
    return changed


def recompute(s: Session, offer: Offer, today: date | None = None) -> None:
    """first_week, last_week, places_left, school_year, is_accessible, search_text."""
    s.flush()
    today = today or today_paris()
    monday = current_monday(today)
    rows = week_rows(s, offer.id)
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
    offer.search_text = search_text(parts)

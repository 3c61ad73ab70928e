"""The employer dashboard: « Vos offres de stage », the offer's statistics, and the
applications to answer / answered."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    OFFER_STATE_LABELS,
    Application,
    AppState,
    Offer,
    OfferState,
    OfferWeek,
    School,
    User,
)
from mystage.services import permissions, text, weeks
from mystage.services.ids import client_id
from mystage.services.offers.lifecycle import DEACTIVATED_LABEL, available_actions, deactivations
from mystage.services.offers.records import editable_offer

# Application states as the employer sees them (seed 003 tabs).
TODO_STATES = frozenset({AppState.SENT, AppState.READ, AppState.UNDER_REVIEW})
NOT_SENT_STATES = frozenset(
    {AppState.SUBMITTED, AppState.AWAITING_SCHOOL, AppState.REFUSED_BY_SCHOOL}
)
DONE_STATES = frozenset(AppState) - TODO_STATES - NOT_SENT_STATES
ACCEPTED_STATES = frozenset({AppState.ACCEPTED, AppState.CONFIRMED})


def _scope(s: Session, actor: User, space_id: Any = None) -> sa.ColumnElement:
    """Offers of the actor's structures (shared with the active team; a member limited to
    some spaces sees those only) or created by them; with ``space_id`` (the dashboard's
    « espace » filter), those of that space only (an invalid id matches nothing)."""
    scope = permissions.offer_scope(s, actor)
    if space_id in (None, ""):
        return scope
    sid = client_id(space_id)
    return sa.and_(scope, Offer.space_id == sid) if sid else sa.false()


def _page(page: Any, per_page: Any) -> tuple[int, int]:
    page = page if isinstance(page, int) and not isinstance(page, bool) else 1
    per_page = per_page if isinstance(per_page, int) and not isinstance(per_page, bool) else 20
    return max(1, page), max(1, min(per_page, 100))


def _page_rows(s: Session, stmt: sa.Select, order: Any, page: int, per_page: int) -> list:
    """Page ``page`` (of ``per_page`` rows) of ``stmt`` sorted by ``order``."""
    return s.execute(stmt.order_by(*order).offset((page - 1) * per_page).limit(per_page)).all()


def _id_is(column: Any, offer_id: Any) -> sa.ColumnElement:
    """A filter typed by the user: an invalid id matches nothing."""
    oid = client_id(offer_id)
    return column == oid if oid else sa.false()


def _places_offered() -> sa.ScalarSelect:
    """Correlated subquery: every place of ``offers.id`` (all its weeks)."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(OfferWeek.places), 0))
        .where(OfferWeek.offer_id == Offer.id)
        .scalar_subquery()
    )


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
    space_id: Any = None,
) -> tuple[list[dict[str, Any]], int]:
    """« Vos offres de stage »: one page of the offers of the actor's structure(s) and the
    total.  Removed offers only with ``state="removed"``.  Sorts: recent, oldest, title."""
    permissions.require(permissions.can_create_offer(actor))
    page, per_page = _page(page, per_page)
    conds = [_scope(s, actor, space_id)]
    if offer_id is not None:  # a filter typed by the user: an invalid id matches nothing
        conds.append(_id_is(Offer.id, offer_id))
    if state:
        conds.append(Offer.state == state)
    else:
        conds.append(Offer.state != OfferState.REMOVED)
    total = int(s.execute(sa.select(sa.func.count(Offer.id)).where(*conds)).scalar_one())
    order = {
        "oldest": (Offer.created_at.asc(), Offer.id.asc()),
        "title": (Offer.title.asc(), Offer.id.desc()),
    }.get(sort, (Offer.created_at.desc(), Offer.id.desc()))
    places_total = _places_offered()
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
    stmt = (
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
            Offer.moderation_reason,
            places_total.label("places_total"),
            sa.func.coalesce(apps.c.applications, 0).label("applications"),
            sa.func.coalesce(apps.c.pending, 0).label("pending"),
        )
        .outerjoin(apps, apps.c.offer_id == Offer.id)
        .where(*conds)
    )
    rows = _page_rows(s, stmt, order, page, per_page)
    deactivated = deactivations(s, [(r.id, r.state) for r in rows])
    out = []
    for r in rows:
        # « Désactivée » (its open applications were refused) is not « Dépubliée » (a
        # pause): the badge and the line under it say which, and what happened.  An offer
        # a moderator refused or unpublished says so, with the reason (issue 18).
        badge, label, note = moderation_badge(r.state, r.moderation_reason)
        if r.id in deactivated:
            badge, label, note = "deactivated", DEACTIVATED_LABEL, deactivated[r.id]
        out.append(_offer_row(r, badge, label, note))
    return out, total


def moderation_badge(state: str, reason: str | None) -> tuple[str, str, str]:
    """``(badge, label, note)`` of an offer's state as its author sees it."""
    reason = (reason or "").strip()
    if reason and state == OfferState.DRAFT:
        return "refused_moderation", "Refusée par la modération", f"Motif : {reason}"
    if reason and state == OfferState.UNPUBLISHED:
        return "refused_moderation", "Dépubliée par la modération", f"Motif : {reason}"
    return state, OFFER_STATE_LABELS.get(state, state), ""


def _offer_row(r: Any, badge: str, label: str, note: str) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title or "(offre sans titre)",
        "state": r.state,
        "badge": badge,
        "state_label": label,
        "state_note": note,
        "period": period_text(r.all_year, r.first_week, r.last_week),
        "places_total": int(r.places_total or 0),
        "places_left": int(r.places_left or 0),
        "applications": int(r.applications or 0),
        "pending": int(r.pending or 0),
        "published_at": clock.fmt_paris(r.published_at, with_time=False),
        "city": r.city,
        "actions": available_actions(r.state),
    }


def offer_stats(s: Session, actor: User | None, offer_id: int) -> dict[str, int]:
    """The « i » of the dashboard (seed 003), in one aggregate query: places offered and
    left, applications received (sent to the employer), accepted (ever), confirmed,
    pending (to answer), refused, views."""
    offer = editable_offer(s, actor, offer_id)
    a = Application

    def count_if(cond: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)

    places_offered = _places_offered()
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
    space_id: Any = None,
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
    conds = [_scope(s, actor, space_id), Application.state.in_(states)]
    if offer_id is not None:  # a filter typed by the user: an invalid id matches nothing
        conds.append(_id_is(Application.offer_id, offer_id))
    base = sa.select(Application.id).join(Offer, Offer.id == Application.offer_id).where(*conds)
    total = int(s.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one())
    changed = sa.func.coalesce(Application.updated_at, Application.created_at)
    order = {
        "oldest": (changed.asc(), Application.id.asc()),
        "week": (Application.week_start.asc(), Application.id.asc()),
        "offer": (Offer.title.asc(), Application.id.desc()),
        "title": (Offer.title.asc(), Application.id.desc()),
    }.get(sort, (changed.desc(), Application.id.desc()))
    stmt = (
        sa.select(
            Application.id,
            Application.offer_id,
            Application.week_start,
            Application.week_count,
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
    )
    rows = _page_rows(s, stmt, order, page, per_page)
    return [
        {
            "id": r.id,
            "offer_id": r.offer_id,
            "offer_title": r.title,
            "pupil_name": text.pupil_name(r.first_name, r.last_name),
            "school": f"{r.school_name} ({r.school_city})"
            if r.school_name and r.school_city
            else (r.school_name or ""),
            "rep": r.ep or "",
            "week_label": weeks.application_period_label(r.week_start, r.week_count),
            "state": r.state,
            "state_label": APP_STATE_LABELS.get(r.state, r.state),
            "updated_at": clock.fmt_paris(r.changed),
        }
        for r in rows
    ], total

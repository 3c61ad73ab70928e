"""Offer housekeeping: places left, full and past offers, the owner told once.

Set-based and idempotent (ARCHITECTURE §3, §5): one UPDATE per rule over every offer,
guarded by its own ``WHERE`` and the from-states of :data:`offers.OFFER_TRANSITIONS`, so
a second run changes nothing and sends nothing.

1. ``places_left`` of live offers = free places in the weeks to come (correlated subquery);
2. ``mark_past``: live offers without any week to come (their last week is before this
   Monday; « toute l'année » offers too once their weeks are over);
3. ``mark_full``: published offers with weeks to come but no place left;
   ``mark_available``: full offers that got a place back (a pupil cancelled);
4. one mail (template ``offer_left_search``) to the creator of each offer that left the
   search since it was (re)published (``owner_notified_at``, reset on publication).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.jobs.runner import job
from mystage.models import AuditLog, Offer, OfferState, OfferWeek, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services.offers import OFFER_TRANSITIONS, places_left_expr

DASHBOARD_OFFERS_URL = "/espace/employeur/offres"
LIVE_STATES = (OfferState.PUBLISHED, OfferState.FULL, OfferState.UNPUBLISHED)


def _has_week_to_come(monday: date) -> sa.Exists:
    return sa.exists(
        sa.select(OfferWeek.id).where(
            OfferWeek.offer_id == Offer.id, OfferWeek.week_start >= monday
        )
    )


def _apply(s: Session, action: str, condition: sa.ColumnElement, now: datetime) -> int:
    """Move every offer matching ``condition`` along ``action`` (conditional UPDATE),
    with one audit row each (actor « system »)."""
    from_states, to_state = OFFER_TRANSITIONS[action]
    rows = s.execute(
        sa.select(Offer.id, Offer.state)
        .where(Offer.state.in_(from_states), condition)
        .with_for_update()
    ).all()
    if not rows:
        return 0
    old = {r.id: r.state for r in rows}
    changed = list(
        s.execute(
            sa.update(Offer)
            .where(Offer.id.in_(list(old)), Offer.state.in_(from_states))
            .values(state=to_state, updated_at=now)
            .returning(Offer.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    if changed:
        s.execute(
            sa.insert(AuditLog),
            [
                {
                    "entity": "offer",
                    "entity_id": offer_id,
                    "action": action,
                    "from_state": old[offer_id],
                    "to_state": to_state,
                    "actor_id": None,
                    "actor_role": "system",
                    "message": "",
                    "created_at": now,
                }
                for offer_id in changed
            ],
        )
    return len(changed)


def _notify_owners(s: Session, now: datetime) -> int:
    rows = s.execute(
        sa.select(
            Offer.id,
            Offer.title,
            Offer.state,
            Offer.published_at,
            Offer.contact_email,
            User.id.label("user_id"),
            User.email,
            User.first_name,
        )
        .outerjoin(User, User.id == Offer.created_by_id)
        .where(
            Offer.state.in_((OfferState.FULL, OfferState.PAST)),
            Offer.owner_notified_at.is_(None),
        )
        .order_by(Offer.id)
        .with_for_update(of=Offer)
    ).all()
    if not rows:
        return 0
    sent = 0
    for r in rows:
        to = r.email or r.contact_email
        if to:
            subject, body = templates.render(
                "offer_left_search",
                url=DASHBOARD_OFFERS_URL,
                offer_title=r.title,
                offer_id=r.id,
                reason="full" if r.state == OfferState.FULL else "past",
                first_name=r.first_name or "",
            )
            stamp = clock.as_utc(r.published_at)
            queued = queue_mail(
                s,
                to=to,
                subject=subject,
                body=body,
                action_url=templates.link(DASHBOARD_OFFERS_URL),
                template="offer_left_search",
                user_id=r.user_id,
                dedupe_key=f"offer_left_search:{r.id}:{stamp.isoformat() if stamp else ''}",
            )
            sent += queued is not None
    s.execute(
        sa.update(Offer)
        .where(Offer.id.in_([r.id for r in rows]), Offer.owner_notified_at.is_(None))
        .values(owner_notified_at=now)
        .execution_options(synchronize_session=False)
    )
    return sent


@job("offers_housekeeping", every=timedelta(hours=6))
def offers_housekeeping(s: Session) -> int:
    """Returns the number of offers changed plus the mails queued (0 on a second run)."""
    now = clock.now()
    monday = clock.monday_of(clock.today_paris())
    left = places_left_expr(monday)
    count = (
        s.execute(
            sa.update(Offer)
            .where(Offer.state.in_(LIVE_STATES), Offer.places_left != left)
            .values(places_left=left)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    to_come = _has_week_to_come(monday)
    count += _apply(s, "mark_past", ~to_come, now)
    count += _apply(s, "mark_full", sa.and_(to_come, Offer.places_left <= 0), now)
    count += _apply(s, "mark_available", sa.and_(to_come, Offer.places_left > 0), now)
    count += _notify_owners(s, now)
    s.flush()
    return count

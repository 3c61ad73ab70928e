"""Offer housekeeping: places left, full and past offers, the owner told once.

Runs every 6 hours (full and past offers leave the search the same day).  Set-based and
idempotent (ARCHITECTURE §3, §5): one UPDATE per rule over every offer,
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
from mystage.notify.outbox import queue_many
from mystage.services.offers import OFFER_TRANSITIONS, places_left_expr

DASHBOARD_OFFERS_URL = "/espace/employeur/offres"
LIVE_STATES = (OfferState.PUBLISHED, OfferState.FULL, OfferState.UNPUBLISHED)
CHUNK = 5000  # ids per IN (…): under SQLite's and PostgreSQL's parameter limits


def _has_week_to_come(monday: date) -> sa.Exists:
    return sa.exists(
        sa.select(OfferWeek.id).where(
            OfferWeek.offer_id == Offer.id, OfferWeek.week_start >= monday
        )
    )


def _apply(s: Session, action: str, condition: sa.ColumnElement, now: datetime) -> int:
    """Move every offer matching ``condition`` along ``action``: one conditional
    ``UPDATE … WHERE state = :from AND … RETURNING id`` per from-state, then one audit row
    each (actor « system ») in one multi-row INSERT.  No list of ids is sent back to the
    database, so the end of a school year (every offer past at once) is one statement."""
    from_states, to_state = OFFER_TRANSITIONS[action]
    old: dict[int, str] = {}
    for from_state in sorted(from_states):
        ids = s.execute(
            sa.update(Offer)
            .where(Offer.state == from_state, condition)
            .values(state=to_state, updated_at=now)
            .returning(Offer.id)
            .execution_options(synchronize_session=False)
        ).scalars()
        old.update((offer_id, from_state) for offer_id in ids)
    if old:
        s.execute(
            sa.insert(AuditLog.__table__),
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
                for offer_id in sorted(old)
            ],
        )
    return len(old)


def _notify_owners(s: Session, now: datetime) -> int:
    """One mail to the creator of each offer that left the search since it was
    (re)published; ``owner_notified_at`` then marks it (guarded UPDATE, by chunks)."""
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
    link = templates.link(DASHBOARD_OFFERS_URL)
    messages = []
    for r in rows:
        to = r.email or r.contact_email
        if not to:
            continue
        subject, body = templates.render(
            "offer_left_search",
            url=DASHBOARD_OFFERS_URL,
            offer_title=r.title,
            offer_id=r.id,
            reason="full" if r.state == OfferState.FULL else "past",
            first_name=r.first_name or "",
        )
        stamp = clock.as_utc(r.published_at)
        messages.append(
            {
                "to": to,
                "subject": subject,
                "body": body,
                "action_url": link,
                "template": "offer_left_search",
                "user_id": r.user_id,
                "dedupe_key": f"offer_left_search:{r.id}:{stamp.isoformat() if stamp else ''}",
            }
        )
    sent = len(queue_many(s, messages))
    ids = [r.id for r in rows]
    for i in range(0, len(ids), CHUNK):
        s.execute(
            sa.update(Offer)
            .where(Offer.id.in_(ids[i : i + CHUNK]), Offer.owner_notified_at.is_(None))
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

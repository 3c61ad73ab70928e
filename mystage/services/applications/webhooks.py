"""Operators' webhooks (issue 19): each event of an application to an operator's offer is
queued for the operator's ``webhook_url`` in the outbox (channel ``webhook``), in the
transaction of the move (:func:`~mystage.services.applications.machine.move` calls
:func:`queue_events`), and delivered signed by :mod:`mystage.notify.webhook` with the
outbox's retries.

Events (:data:`EVENTS`, by action of the transition table): the ones the operator sees as
the employer — nothing before the application reaches it (the school's validation), and
the pupil's withdrawal or cancellation only when it had reached it.  Set-based: one
joined query per chunk of moved ids finds those whose offer's operator has a webhook,
and one multi-row INSERT queues them (a job expiring 100,000 applications pays one query
per 5,000 when no operator has a webhook).
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from mystage import clock
from mystage.models import Application, Channel, Offer, Operator
from mystage.notify.outbox import queue_many
from mystage.notify.webhook import RECIPIENT
from mystage.services.applications.notifications import EMPLOYER_SEEN

# action of TRANSITIONS → event name sent to the operator
EVENTS: dict[str, str] = {
    "send": "new",
    "school_validate": "new",
    "read": "read",
    "review": "under_review",
    "accept": "accepted",
    "refuse": "refused",
    "confirm": "confirmed",
    "cancel_by_pupil": "cancelled_by_pupil",
    "cancel_by_employer": "cancelled_by_employer",
    "withdraw": "withdrawn",
    "place_unavailable": "place_unavailable",
    "expire": "expired",
    "expire_by_pupil": "expired_by_pupil",
}
# Events told only when the operator had received the application.
_IF_SEEN = frozenset({"cancel_by_pupil", "withdraw"})
CHUNK = 5000


def payload(event: str, app_id: int, offer_id: int, remote_id: str | None, state: str, at) -> str:
    """The JSON body (compact, keys in this order)."""
    return json.dumps(
        {
            "event": event,
            "application_id": app_id,
            "offer_id": offer_id,
            "remote_id": remote_id,
            "state": state,
            "at": at.isoformat(),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def queue_events(s: Session, action: str, old: dict[int, str]) -> int:
    """Queue the webhook of ``action`` for each moved application (``old``: id →
    from-state) whose offer's operator has a webhook URL; no commit.  Returns how many."""
    event = EVENTS.get(action)
    if event is None or not old:
        return 0
    hooked = sa.select(Operator.id).where(Operator.webhook_url != "").limit(1)
    if s.execute(hooked).first() is None:  # no operator has a webhook (a job's 100,000s)
        return 0
    pg = s.get_bind().dialect.name == "postgresql"
    apps_t, offers_t, ops_t = Application.__table__, Offer.__table__, Operator.__table__
    ids = sorted(i for i, st in old.items() if action not in _IF_SEEN or st in EMPLOYER_SEEN)
    now = clock.now()
    messages: list[dict[str, Any]] = []
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        if pg:
            among = apps_t.c.id == sa.any_(sa.cast(sa.literal(part), ARRAY(sa.Integer)))
        else:
            among = apps_t.c.id.in_(part)
        rows = s.execute(
            sa.select(
                apps_t.c.id,
                apps_t.c.state,
                offers_t.c.id.label("offer_id"),
                offers_t.c.remote_id,
                ops_t.c.id.label("operator_id"),
            )  # fmt: skip
            .join(offers_t, offers_t.c.id == apps_t.c.offer_id)
            .join(ops_t, ops_t.c.id == offers_t.c.operator_id)
            .where(among, ops_t.c.webhook_url != "")
            .order_by(apps_t.c.id)
        ).all()
        for r in rows:
            messages.append(
                {
                    "channel": Channel.WEBHOOK,
                    "to": RECIPIENT.format(id=r.operator_id),
                    "subject": f"Webhook « {event} » : candidature n° {r.id}",
                    "body": payload(event, r.id, r.offer_id, r.remote_id, r.state, now),
                    "template": f"webhook_{event}",
                    "dedupe_key": f"webhook:{action}:{r.id}",
                }
            )
    if messages:
        queue_many(s, messages)
    return len(messages)

"""The offer lifecycle: the transition table (the whole state machine) and
:func:`transition`, which fires a user action on an offer.

Permissions: :func:`transition` checks the caller and returns a French error instead of
raising, as the UI shows it next to the button.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    OFFER_STATE_LABELS,
    PENDING_STATES,
    Application,
    AppState,
    AuditLog,
    Offer,
    OfferState,
    OfferWeek,
    Structure,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services import audit, permissions, structures
from mystage.services.ids import client_id
from mystage.services.offers.form import missing_steps
from mystage.services.offers.records import (
    MSG_DENIED,
    current_monday,
    get_offer,
    places_left_expr,
    today_paris,
)
from mystage.services.offers.submission import publication_route, send_activation_link

# --- The offer state machine: action → (from states, to state) ------------------------------
# ``close_applications`` keeps the state ("" = unchanged).  The system actions
# ``mark_full`` / ``mark_past`` / ``mark_available`` are applied set-based by the job
# ``offers_housekeeping`` (mystage/jobs/offers.py), never by a user.

S = OfferState
OFFER_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    # « Publier » leads to ``published``, or to ``pending`` / ``activation`` when the
    # platform moderates offers (:func:`.submission.publication_route`).
    "publish": (frozenset({S.DRAFT, S.UNPUBLISHED, S.ACTIVATION}), S.PUBLISHED),
    "unpublish": (frozenset({S.PUBLISHED, S.FULL}), S.UNPUBLISHED),
    "republish": (frozenset({S.UNPUBLISHED, S.FULL}), S.PUBLISHED),
    "deactivate": (frozenset({S.PUBLISHED, S.UNPUBLISHED, S.FULL}), S.UNPUBLISHED),
    "close_applications": (frozenset({S.PUBLISHED, S.FULL, S.UNPUBLISHED}), ""),
    "remove": (frozenset(set(OfferState) - {S.REMOVED}), S.REMOVED),
    "mark_full": (frozenset({S.PUBLISHED}), S.FULL),
    "mark_past": (frozenset({S.PUBLISHED, S.FULL}), S.PAST),
    "mark_available": (frozenset({S.FULL}), S.PUBLISHED),  # a place was freed
    # Moderation (issue 18), fired by :mod:`.moderated` only: a moderator's decision on a
    # submitted offer (« Refuser » → ``draft``, or ``unpublished`` when it was online
    # before), « Dépublier » after a report, and the author's activation link.
    "approve": (frozenset({S.PENDING}), S.PUBLISHED),
    "reject": (frozenset({S.PENDING}), S.DRAFT),
    "moderate_unpublish": (frozenset({S.PUBLISHED, S.FULL}), S.UNPUBLISHED),
    "activate": (frozenset({S.ACTIVATION}), S.PUBLISHED),
}
SYSTEM_ACTIONS = frozenset({"mark_full", "mark_past", "mark_available"})
MODERATION_ACTIONS = frozenset({"approve", "reject", "moderate_unpublish", "activate"})
# Who may fire each user action, and the timestamp column it sets.
_ACTION_PERMISSION = {
    "publish": permissions.can_publish_offer,
    "republish": permissions.can_publish_offer,
}
_ACTION_STAMP = {
    "publish": "published_at",
    "republish": "published_at",
    "unpublish": "unpublished_at",
    "deactivate": "unpublished_at",
    "remove": "removed_at",
}
ACTION_LABELS = {
    "publish": "Publier",
    "unpublish": "Dépublier",
    "republish": "Republier",
    "deactivate": "Désactiver",
    "close_applications": "Suspendre les candidatures",
    "remove": "Supprimer",
}

MSG_INCOMPLETE = "Complétez toutes les étapes avant de publier."
MSG_NO_FUTURE_WEEK = (
    "Ajoutez au moins une semaine à venir avec des places disponibles (étape « Accueil »)."
)
MSG_ALREADY = "Cette offre est déjà {label}."
MSG_NOT_NOW = "Cette action n'est pas possible pour une offre « {label} »."
MSG_CONFLICT = "Cette offre vient d'être modifiée par ailleurs : rechargez la page."
MSG_UNKNOWN_ACTION = "Action inconnue."
MSG_DEACTIVATED = "L'offre a été désactivée par l'employeur."
MSG_REMOVED_REFUSAL = "L'offre a été supprimée par l'employeur."
MSG_NO_WINDOW_TO_CLOSE = "Les candidatures sont déjà suspendues pour cette offre."

# What « Désactiver » and « Supprimer » refuse (seed 003: « toutes les candidatures en cours
# (ou en attente) seront rejetées »): the applications waiting for an answer and the ones
# accepted but not confirmed yet (a confirmed internship stays: the employer cancels it
# explicitly, with a message, from the application's page).
OPEN_STATES = PENDING_STATES | {AppState.ACCEPTED}

# The audit note of « Désactiver » / « Supprimer » (read back by :func:`deactivations`).
REFUSED_NOTE = "{n} candidature(s) en cours refusée(s)."
_REFUSED_NOTE_RE = re.compile(r"(\d+) candidature\(s\) en cours refusée\(s\)\.")
# The actions that decide whether an offer is online (the last one tells why it is not).
_PUBLICATION_ACTIONS = ("publish", "republish", "unpublish", "deactivate")
DEACTIVATED_LABEL = "Désactivée"

_ALREADY_LABELS = {
    S.PUBLISHED: "publiée",
    S.UNPUBLISHED: "dépubliée",
    S.REMOVED: "supprimée",
}


def available_actions(state: str) -> list[str]:
    """User actions possible from ``state`` (buttons of the dashboard), in table order."""
    return [
        action
        for action, (from_states, _to) in OFFER_TRANSITIONS.items()
        if action not in SYSTEM_ACTIONS
        and action not in MODERATION_ACTIONS
        and state in from_states
    ]


def deactivation_note(refused: int, when: str) -> str:
    """What « Désactiver » did, in words: « 3 candidatures refusées le 12/12/2026 »."""
    if refused <= 0:
        return f"le {when}, sans candidature en cours"
    plural = "s" if refused > 1 else ""
    return f"{refused} candidature{plural} refusée{plural} le {when}"


def deactivations(s: Session, offers: list[tuple[int, str]]) -> dict[int, str]:
    """Which of ``offers`` (``(id, state)`` pairs) are offline because they were deactivated,
    not paused (« Dépublier »): no state of their own (no migration), the audit log tells
    it — the last publication action of an unpublished offer is ``deactivate``.  Returns
    ``{offer id: what happened}`` (:func:`deactivation_note`), one query for the page."""
    ids = [oid for oid, state in offers if state == S.UNPUBLISHED]
    if not ids:
        return {}
    rows = s.execute(
        sa.select(AuditLog.entity_id, AuditLog.action, AuditLog.message, AuditLog.created_at)
        .where(
            AuditLog.entity == "offer",
            AuditLog.entity_id.in_(ids),
            AuditLog.action.in_(_PUBLICATION_ACTIONS),
        )
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    ).all()
    last: dict[int, Any] = {}
    for r in rows:
        last.setdefault(r.entity_id, r)
    out = {}
    for oid, r in last.items():
        if r.action != "deactivate":
            continue
        found = _REFUSED_NOTE_RE.search(r.message or "")
        out[oid] = deactivation_note(
            int(found.group(1)) if found else 0, clock.fmt_paris(r.created_at, with_time=False)
        )
    return out


def pending_applications_count(s: Session, offer_id: int) -> int:
    """Applications still waiting for an answer or accepted but not confirmed (refused if
    the offer is deactivated or removed)."""
    offer_id = client_id(offer_id, strings=False)
    if offer_id is None:
        return 0
    return int(
        s.execute(
            sa.select(sa.func.count(Application.id)).where(
                Application.offer_id == offer_id, Application.state.in_(OPEN_STATES)
            )
        ).scalar_one()
    )


def has_future_places(s: Session, offer_id: int, today: date) -> bool:
    return (
        s.execute(
            sa.select(OfferWeek.id).where(
                OfferWeek.offer_id == offer_id,
                OfferWeek.week_start >= current_monday(today),
                OfferWeek.places > OfferWeek.places_taken,
            )
        ).first()
        is not None
    )


def _refuse_pending(s: Session, offer: Offer, actor: User | None, *, removed: bool) -> int:
    """Every open application of the offer (:data:`OPEN_STATES`: pending, or accepted and
    not confirmed) → refused by the employer (one set-based UPDATE), an audit row each and
    one message per pupil.  Returns how many."""
    now = clock.now()
    message = MSG_REMOVED_REFUSAL if removed else MSG_DEACTIVATED
    pending = s.execute(
        sa.select(Application.id, Application.pupil_id, Application.state)
        .where(Application.offer_id == offer.id, Application.state.in_(OPEN_STATES))
        .order_by(Application.id)
        .with_for_update()
    ).all()
    if not pending:
        return 0
    ids = [r.id for r in pending]
    updated = s.execute(
        sa.update(Application)
        .where(Application.id.in_(ids), Application.state.in_(OPEN_STATES))
        .values(
            state=AppState.REFUSED,
            refused_at=now,
            refuse_message=message,
            updated_at=now,
            decided_by_id=actor.id if actor is not None else None,
        )
        .returning(Application.id)
        .execution_options(synchronize_session=False)
    )
    done = set(updated.scalars())
    rows = [r for r in pending if r.id in done]
    if not rows:
        return 0
    s.execute(
        sa.insert(AuditLog),
        [
            {
                "entity": "application",
                "entity_id": r.id,
                "action": "refuse",
                "from_state": r.state,
                "to_state": AppState.REFUSED,
                "actor_id": actor.id if actor is not None else None,
                "actor_role": actor.role if actor is not None else "system",
                "message": message,
                "created_at": now,
            }
            for r in rows
        ],
    )
    first_app: dict[int, int] = {}
    was_accepted: set[int] = set()
    for r in rows:
        first_app.setdefault(r.pupil_id, r.id)
        if r.state == AppState.ACCEPTED:
            was_accepted.add(r.pupil_id)
    pupils = s.execute(
        sa.select(User.id, User.email, User.phone, User.first_name).where(
            User.id.in_(list(first_app))
        )
    ).all()
    for p in pupils:
        key = f"offer_withdrawn:{offer.id}:{p.id}:{first_app[p.id]}"
        if p.email:
            subject, body = templates.render(
                "offer_withdrawn_pupil",
                url="/offres",
                offer_title=offer.title,
                employer_name=offer.employer_name,
                removed=removed,
                first_name=p.first_name,
                accepted=p.id in was_accepted,
            )
            queue_mail(
                s,
                to=p.email,
                subject=subject,
                body=body,
                action_url=templates.link("/offres"),
                template="offer_withdrawn_pupil",
                user_id=p.id,
                dedupe_key=key,
            )
        elif p.phone:
            _, body = templates.render("sms_offer_withdrawn_pupil", offer_title=offer.title)
            queue_sms(
                s,
                to=p.phone,
                body=body,
                template="sms_offer_withdrawn_pupil",
                user_id=p.id,
                dedupe_key=key,
            )
    return len(rows)


def transition(
    s: Session, actor: User | None, offer_id: int, action: str, message: str = ""
) -> str:
    """Fire ``action`` of :data:`OFFER_TRANSITIONS` on an offer: "" when done, else a
    French error (nothing changed).  Checks the caller, the from-state, the action's
    conditions (publish: all steps saved, structure validated, a week to come with
    places), then applies it with a conditional UPDATE (a double click or two members
    acting at once cannot apply it twice), writes the audit log and commits.

    ``deactivate`` and ``remove`` refuse every open application, pending or accepted and
    not confirmed yet (one mail per pupil); ``close_applications`` ends the application
    window yesterday (« Suspendre les candidatures »: the offer stays in the search with
    « Candidatures closes », the applications received stay open).  ``unpublish``
    (« Dépublier », not in the seeds) is a pause: the offer leaves the search, the
    applications stay as they are (the employer may still answer them, « Republier »
    restores the offer) but an accepted pupil cannot confirm while it is unpublished
    (:func:`mystage.services.applications.confirm`)."""
    if action not in OFFER_TRANSITIONS or action in SYSTEM_ACTIONS | MODERATION_ACTIONS:
        return MSG_UNKNOWN_ACTION
    offer = get_offer(s, offer_id)
    if offer is None or not permissions.can_edit_offer(s, actor, offer):
        return MSG_DENIED
    from_states, to_state = OFFER_TRANSITIONS[action]
    current = offer.state
    if current not in from_states:
        if to_state and current == to_state and current in _ALREADY_LABELS:
            return MSG_ALREADY.format(label=_ALREADY_LABELS[current])
        return MSG_NOT_NOW.format(label=OFFER_STATE_LABELS.get(current, current))
    today = today_paris()
    if action in ("publish", "republish"):
        if missing_steps(s, offer.id):
            return MSG_INCOMPLETE
        if not _ACTION_PERMISSION[action](s, actor, offer):
            structure = s.get(Structure, offer.structure_id) if offer.structure_id else None
            return structures.publish_block_reason(s, actor, structure) or MSG_DENIED
        if not has_future_places(s, offer.id, today):
            return MSG_NO_FUTURE_WEEK
    now = clock.now()
    audit_action = action
    if action in ("publish", "republish"):
        to_state = publication_route(s, offer, current)
        if to_state != S.PUBLISHED:
            audit_action = "submit"
    values: dict[str, Any] = {"updated_at": now}
    if to_state:
        values["state"] = to_state
    if (stamp := _ACTION_STAMP.get(action)) and audit_action != "submit":
        values[stamp] = now
    if action in ("publish", "republish"):
        values["owner_notified_at"] = None  # tell the owner again when it leaves the search
        values["places_left"] = places_left_expr(current_monday(today))
        if audit_action == "submit":  # held for a moderator or the author's link
            values["submitted_at"] = now
            values["moderation_reason"] = ""
    if action == "close_applications":
        yesterday = today - timedelta(days=1)
        if offer.application_end is not None and offer.application_end < today:
            return MSG_NO_WINDOW_TO_CLOSE
        values["application_end"] = yesterday
        if offer.application_start is not None and offer.application_start > yesterday:
            values["application_start"] = yesterday
    result = s.execute(
        sa.update(Offer)
        .where(Offer.id == offer.id, Offer.state == current)  # the state checked above
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        s.rollback()
        return MSG_CONFLICT
    refused = 0
    if action in ("deactivate", "remove"):
        refused = _refuse_pending(s, offer, actor, removed=action == "remove")
    if to_state == S.ACTIVATION:
        send_activation_link(s, actor, offer)
    note = message.strip()[:1000] if isinstance(message, str) else ""
    if refused:
        note = (note + " " if note else "") + REFUSED_NOTE.format(n=refused)
    audit.record(
        s, "offer", offer.id, audit_action, actor,
        from_state=current, to_state=to_state or current, message=note,
    )  # fmt: skip
    s.commit()
    s.expire(offer)
    return ""

"""The application state machine: one transition table (:data:`TRANSITIONS`), the mover
(:func:`move`), a decision on one application (:func:`transition`) and the race-safe
confirmation (:func:`confirm`).

Conventions (as in :mod:`offers`): :func:`transition` and :func:`confirm` return a French
error, or "" when done.  Every change goes through :func:`move`: a conditional
``UPDATE applications … WHERE state IN (:from-states)`` (plus the caller's own condition,
e.g. ``state = :expected``), one audit row per application changed and the notifications
of :data:`TRANSITIONS` (:mod:`~mystage.services.applications.notifications`), queued in the
outbox in the same transaction.  The same helper moves one application (a decision,
« Postuler ») or a set (withdrawals, jobs).

Confirmation (:func:`confirm`) takes the place with a conditional
``UPDATE offer_weeks SET places_taken = places_taken + 1 WHERE … AND places_taken < places``:
on PostgreSQL (READ COMMITTED) two pupils confirming the last place serialise on that row
lock, and the second sees ``rowcount = 0``.  Lock order, to avoid deadlocks: the pupil's
``users`` row (``FOR NO KEY UPDATE``), the offer week, the applications, the offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    PENDING_STATES,
    Application,
    AppState,
    AuditLog,
    Offer,
    OfferState,
    OfferWeek,
    User,
)
from mystage.notify import bulk
from mystage.services import conventions, permissions, weeks
from mystage.services.applications import notifications as n
from mystage.services.applications import webhooks
from mystage.services.applications.limits import confirmed_limit_error, overlaps
from mystage.services.applications.pupil_messages import queue_moved
from mystage.services.applications.reasons import refuse_reason_error, refuse_reason_label
from mystage.services.ids import client_id
from mystage.services.offers import places_left_expr

A = AppState

MESSAGE_MAX = 2000

MSG_DENIED = "Vous n'avez pas accès à cette candidature."
MSG_ALREADY = "Cette candidature a déjà été traitée."
MSG_NOT_NOW = "Cette action n'est pas possible pour une candidature « {label} »."
MSG_UNKNOWN_ACTION = "Action inconnue."
MSG_MESSAGE_REQUIRED = "Indiquez à l'élève la raison de l'annulation."
MSG_LAST_PLACE = "Désolé, la dernière place vient d'être prise."
MSG_NO_PLACE = "Plus aucune place n'est libre pour cette semaine : vous ne pouvez pas accepter."
MSG_OFFER_GONE = "Cette offre n'est plus publiée : tu ne peux plus confirmer ce stage."

FINAL_STATES = frozenset(AppState) - PENDING_STATES - {A.ACCEPTED}


# --- the transition table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    from_states: frozenset[str]
    to_state: str
    actor: str  # "pupil", "school", "employer", "system"
    stamps: tuple[str, ...]  # timestamp columns set to now
    notify: n.Notifier | None = None
    message_field: str | None = None  # column receiving the actor's message
    message_required: bool = False


def _t(frm, to, actor, stamps, notify=None, message_field=None, required=False) -> Transition:
    return Transition(frozenset(frm), to, actor, tuple(stamps), notify, message_field, required)


TRANSITIONS: dict[str, Transition] = {
    # submission (fired by apply): to the school first, or straight to the employer
    "route_to_school": _t({A.SUBMITTED}, A.AWAITING_SCHOOL, "system", (), n.to_school),
    "send": _t({A.SUBMITTED}, A.SENT, "system", ("sent_at",), n.sent),
    "school_validate": _t(
        {A.AWAITING_SCHOOL},
        A.SENT,
        "school",
        ("school_validated_at", "sent_at"),
        n.sent,
        "school_message",
    ),  # fmt: skip
    "school_refuse": _t(
        {A.AWAITING_SCHOOL},
        A.REFUSED_BY_SCHOOL,
        "school",
        ("school_refused_at",),
        n.pupil("school_refused"),
        "school_message",
    ),  # fmt: skip
    "read": _t({A.SENT}, A.READ, "employer", ("read_at",)),
    "review": _t(
        {A.SENT, A.READ},
        A.UNDER_REVIEW,
        "employer",
        ("reviewed_at",),
        n.pupil("reviewed"),
        "review_message",
    ),  # fmt: skip
    "accept": _t(
        {A.SENT, A.READ, A.UNDER_REVIEW},
        A.ACCEPTED,
        "employer",
        ("accepted_at",),
        n.accepted,
        "accept_message",
    ),  # fmt: skip
    "refuse": _t(
        {A.SENT, A.READ, A.UNDER_REVIEW, A.ACCEPTED},
        A.REFUSED,
        "employer",
        ("refused_at",),
        n.pupil("refused"),
        "refuse_message",
    ),  # fmt: skip
    "confirm": _t({A.ACCEPTED}, A.CONFIRMED, "pupil", ("confirmed_at",), n.confirmed),
    "cancel_by_pupil": _t(
        PENDING_STATES | {A.ACCEPTED, A.CONFIRMED},
        A.CANCELLED_BY_PUPIL,
        "pupil",
        ("cancelled_at",),
        n.employer_if_seen("cancelled_by_pupil"),
        "cancel_message",
    ),  # fmt: skip
    "cancel_by_employer": _t(
        {A.SENT, A.READ, A.UNDER_REVIEW, A.ACCEPTED, A.CONFIRMED},
        A.CANCELLED_BY_EMPLOYER,
        "employer",
        ("cancelled_at",),
        n.pupil("cancelled_by_employer"),
        "cancel_message",
        required=True,
    ),  # fmt: skip
    # system
    "withdraw": _t(
        PENDING_STATES | {A.ACCEPTED},
        A.WITHDRAWN,
        "system",
        ("withdrawn_at",),
        n.employer_if_seen("withdrawn"),
    ),  # fmt: skip
    "place_unavailable": _t(
        {A.ACCEPTED}, A.PLACE_UNAVAILABLE, "system", (), n.pupil("place_unavailable")
    ),
    "expire": _t(
        {A.SENT, A.READ, A.UNDER_REVIEW},
        A.EXPIRED,
        "system",
        ("expired_at",),
        n.pupil("expired"),
    ),  # fmt: skip
    "expire_by_pupil": _t(
        {A.ACCEPTED}, A.EXPIRED_BY_PUPIL, "system", ("expired_at",), n.pupil("expired_by_pupil")
    ),
}
SYSTEM_ACTIONS = frozenset(a for a, t in TRANSITIONS.items() if t.actor == "system")
ACTION_LABELS = {
    "school_validate": "Valider",
    "school_refuse": "Refuser",
    "read": "Marquer comme lue",
    "review": "Mettre à l'étude",
    "accept": "Accepter",
    "refuse": "Refuser",
    "confirm": "Confirmer mon stage",
    "cancel_by_pupil": "Annuler ma candidature",
    "cancel_by_employer": "Annuler",
}


def actions_for(state: str, actor_kind: str) -> list[str]:
    """The actions ``actor_kind`` may fire on an application in ``state`` (UI buttons)."""
    return [a for a, t in TRANSITIONS.items() if t.actor == actor_kind and state in t.from_states]


def move(
    s: Session,
    action: str,
    where: list[Any],
    *,
    actor: User | None = None,
    message: str = "",
    notify: bool = True,
    values: dict[str, Any] | None = None,
    note: str | None = None,
) -> list[int]:
    """Move every application matching ``where`` and in a from-state of ``action`` to its
    to-state (conditional UPDATE), with an audit row and the notifications of each.
    Returns the ids changed (no commit).  Set-based at any size (``bench/jobs.py``: the
    jobs move 100,000s of rows): one ``UPDATE … WHERE state = :from AND … RETURNING id``
    per from-state (the old state of each row known without reading it first: a join
    with such a read visits the rows in hash order, 3 times slower); the audit rows in the
    same statement on PostgreSQL (``WITH moved AS (UPDATE …) INSERT INTO audit_log SELECT
    … FROM moved``), by the driver's executemany on SQLite; the pupil's messages set-based
    (:func:`.pupil_messages.queue_moved`), other notifiers with read-only rows
    (:func:`.notifications.notify_moved`), all queued in bulk.

    Applications of the session changed here are expired: they read their new state on
    next access.  ``values``: more columns to set (the refusal's reason); ``note``: the
    audit rows' message when it is not ``message``.
    """
    t = TRANSITIONS[action]
    now = clock.now()
    values = {**(values or {}), "state": t.to_state, "updated_at": now}
    for col in t.stamps:
        values[col] = now
    if t.message_field and message:
        values[t.message_field] = message
    if actor is not None and t.actor in ("employer", "school"):
        values["decided_by_id"] = actor.id
    system = t.actor == "system" or actor is None
    audit = {
        "entity": "application",
        "action": action,
        "to_state": t.to_state,
        "actor_id": None if system else actor.id,
        "actor_role": "system" if system else actor.role,
        "message": (message if note is None else note)[:MESSAGE_MAX],
        "created_at": now,
    }
    apps_t, audit_t = Application.__table__, AuditLog.__table__
    pg = s.get_bind().dialect.name == "postgresql"
    if s.autoflush:
        s.flush()  # as the ORM would: the statements below are Core ones
    constants = {k: sa.cast(sa.literal(v), audit_t.c[k].type) for k, v in audit.items()}
    old: dict[int, str] = {}
    # A to-state that is also a from-state goes first, so no row is moved twice.
    for from_state in sorted(t.from_states, key=lambda st: (st != t.to_state, st)):
        update = (
            sa.update(apps_t)
            .where(apps_t.c.state == from_state, *where)
            .values(**values)
            .returning(apps_t.c.id)
        )
        if pg:
            # One statement: the UPDATE and the audit rows of the rows it moved.
            moved = update.cte("moved")
            state = sa.cast(sa.literal(str(from_state)), audit_t.c.from_state.type)
            columns = {**constants, "entity_id": moved.c.id, "from_state": state}
            ids = s.execute(
                sa.insert(audit_t)
                .from_select(list(columns), sa.select(*columns.values()).order_by(moved.c.id))
                .returning(audit_t.c.entity_id)
            ).scalars()
        else:
            ids = s.execute(update).scalars()
        old.update((app_id, from_state) for app_id in ids)
    if old and not pg:  # the driver's executemany (SQLAlchemy's is 3 times slower)
        rows = [{**audit, "entity_id": i, "from_state": old[i]} for i in sorted(old)]
        bulk.sqlite_executemany(s, audit_t, rows)
    if not old:
        return []
    changed = sorted(old)
    if t.to_state != A.CONFIRMED:
        # A confirmed internship that ends (cancelled by the pupil or the employer) takes
        # its convention with it.
        if was_confirmed := [i for i in changed if old[i] == A.CONFIRMED]:
            conventions.cancel_for_applications(s, was_confirmed)
    for obj in list(s.identity_map.values()):
        if isinstance(obj, Application) and obj.id in old:
            s.expire(obj)
    if notify and isinstance(t.notify, n.PupilNotifier):  # set-based, the same messages
        queue_moved(s, action, t.notify, changed, message)
    elif notify and t.notify is not None:
        n.notify_moved(s, action, t.notify, old, message)
    if notify:
        webhooks.queue_events(s, action, old)  # the operators' webhooks (issue 19)
    return changed


def _recompute_places_left(s: Session, offer_id: int) -> None:
    monday = clock.monday_of(clock.today_paris())
    s.execute(
        sa.update(Offer)
        .where(Offer.id == offer_id)
        .values(places_left=places_left_expr(monday))
        .execution_options(synchronize_session=False)
    )


def _covered(app: Application) -> list:
    """The Mondays ``app`` covers (two for a 2de period of two weeks)."""
    return weeks.covered_mondays(app.week_start, app.week_count)


def _release_place(s: Session, app: Application) -> None:
    """A confirmed pupil leaves: their place is free again, in every week covered."""
    s.execute(
        sa.update(OfferWeek)
        .where(
            OfferWeek.offer_id == app.offer_id,
            OfferWeek.week_start.in_(_covered(app)),
            OfferWeek.places_taken > 0,
        )
        .values(places_taken=OfferWeek.places_taken - 1)
        .execution_options(synchronize_session=False)
    )
    _recompute_places_left(s, app.offer_id)


def get_application(s: Session, application_id: Any) -> Application | None:
    """The application of that id (any type from a client), read afresh, or None."""
    application_id = client_id(application_id, strings=False)
    if application_id is None:
        return None
    return s.exec(
        select(Application)
        .where(Application.id == application_id)
        .execution_options(populate_existing=True)
    ).first()


def _state_error(state: str, t: Transition) -> str:
    if state == t.to_state or state in FINAL_STATES:
        return MSG_ALREADY
    return MSG_NOT_NOW.format(label=APP_STATE_LABELS.get(state, state))


def _clean(message: Any) -> str:
    return message.strip()[:MESSAGE_MAX] if isinstance(message, str) else ""


# --- decisions --------------------------------------------------------------------------------


def _may(s: Session, actor: User | None, kind: str, app: Application) -> bool:
    if kind == "pupil":
        return permissions.is_application_pupil(actor, app)
    if kind == "employer":
        offer = s.get(Offer, app.offer_id)
        return permissions.can_decide_application(s, actor, app, offer)
    if kind == "school":
        return permissions.can_validate_application(actor, app, s=s)
    return False


def _has_places(s: Session, app: Application) -> bool:
    """A place is free in every week ``app`` covers."""
    covered = _covered(app)
    rows = s.exec(
        select(OfferWeek)
        .where(OfferWeek.offer_id == app.offer_id, OfferWeek.week_start.in_(covered))
        .execution_options(populate_existing=True)
    ).all()
    return len(rows) == len(covered) and all(r.places_taken < r.places for r in rows)


def transition(
    s: Session,
    actor: User | None,
    application_id: int,
    action: str,
    message: str = "",
    reason: Any = None,
) -> str:
    """Fire ``action`` of :data:`TRANSITIONS` on one application: "" when done, else a
    French error and nothing changed.  Checks who may (pupil, employer, school, admins as
    employer or school), the current state, then a conditional UPDATE on that state (a
    double click gets « Cette candidature a déjà été traitée. »), audit, mails, commit.
    ``refuse`` needs ``reason``, a key of :data:`~.reasons.REFUSE_REASONS` (stored in
    ``refuse_reason``, written in the audit row and told to the pupil)."""
    t = TRANSITIONS.get(action) if isinstance(action, str) else None
    if t is None or t.actor == "system":
        return MSG_UNKNOWN_ACTION
    if action == "confirm":
        return confirm(s, actor, application_id)
    app = get_application(s, application_id)
    if app is None or not _may(s, actor, t.actor, app):
        return MSG_DENIED
    current = app.state
    if current not in t.from_states:
        return _state_error(current, t)
    note = _clean(message)
    if t.message_required and not note:
        return MSG_MESSAGE_REQUIRED
    if action == "accept" and not _has_places(s, app):
        return MSG_NO_PLACE
    extra: dict[str, Any] = {}
    if action == "refuse":
        if error := refuse_reason_error(reason):
            return error
        label = refuse_reason_label(reason)
        extra = {"values": {"refuse_reason": reason}, "note": f"Motif : {label}. {note}".strip()}
    changed = move(
        s, action, [Application.id == app.id, Application.state == current], actor=actor,
        message=note, **extra,
    )  # fmt: skip
    if not changed:
        s.rollback()
        return MSG_ALREADY
    if current == A.CONFIRMED:
        _release_place(s, app)
    s.commit()
    s.expire(app)
    return ""


def confirm(s: Session, pupil: User | None, application_id: int) -> str:
    """The pupil confirms an accepted application, race-safe, in one transaction: takes a
    place in every week it covers (one conditional UPDATE of the offer weeks; a week
    without a place left → nothing taken, « place plus disponible »), confirms, withdraws
    the pupil's other applications overlapping those weeks, marks the other accepted
    pupils of a week now full « place plus disponible », recomputes the offer's places
    left, commits."""
    app = get_application(s, application_id)
    if app is None or not permissions.is_application_pupil(pupil, app):
        return MSG_DENIED
    offer_state = s.execute(sa.select(Offer.state).where(Offer.id == app.offer_id)).scalar()
    if offer_state not in (OfferState.PUBLISHED, OfferState.FULL):  # deactivated, removed…
        return MSG_OFFER_GONE
    # One confirmation at a time per pupil (FOR NO KEY UPDATE: the outbox and audit foreign
    # keys, which take KEY SHARE locks, are not blocked by it).
    s.execute(sa.select(User.id).where(User.id == pupil.id).with_for_update(key_share=True)).first()
    state = s.execute(sa.select(Application.state).where(Application.id == app.id)).scalar_one()
    t = TRANSITIONS["confirm"]
    if state == A.PLACE_UNAVAILABLE:
        s.rollback()
        return MSG_LAST_PLACE
    if state not in t.from_states:
        s.rollback()
        return _state_error(state, t)
    app_id, offer_id, covered = app.id, app.offer_id, _covered(app)
    limit = confirmed_limit_error(
        s, pupil.id, app.week_start, app.school_year, exclude=app.id, week_count=app.week_count
    )
    if limit:
        s.rollback()
        return limit
    # A place in every week covered, or none: one conditional UPDATE, all its rows or back.
    weeks_of_app = [OfferWeek.offer_id == offer_id, OfferWeek.week_start.in_(covered)]
    if len(covered) > 1:  # two weeks: locked in week order, as every other confirmation does
        s.execute(
            sa.select(OfferWeek.id)
            .where(*weeks_of_app)
            .order_by(OfferWeek.week_start)
            .with_for_update()
        ).all()
    took = s.execute(
        sa.update(OfferWeek)
        .where(*weeks_of_app, OfferWeek.places_taken < OfferWeek.places)
        .values(places_taken=OfferWeek.places_taken + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if took != len(covered):
        s.rollback()  # gives back the places of the other weeks
        move(s, "place_unavailable", [Application.id == app_id])
        s.commit()
        s.expire(app)
        return MSG_LAST_PLACE
    changed = move(
        s, "confirm", [Application.id == app.id, Application.state == A.ACCEPTED], actor=pupil
    )
    if not changed:
        s.rollback()  # gives the place back
        return MSG_ALREADY
    move(
        s,
        "withdraw",
        [
            Application.pupil_id == pupil.id,
            overlaps(covered[0], len(covered)),
            Application.id != app_id,
        ],
    )
    full = (
        s.execute(
            sa.select(OfferWeek.week_start).where(
                *weeks_of_app, OfferWeek.places_taken >= OfferWeek.places
            )
        )
        .scalars()
        .all()
    )
    if full:
        move(
            s,
            "place_unavailable",
            [
                Application.offer_id == offer_id,
                sa.or_(*(overlaps(m) for m in full)),
                Application.id != app_id,
            ],
        )
    _recompute_places_left(s, offer_id)
    conventions.create_for_application(s, app)  # same transaction: both or neither
    s.commit()
    s.expire(app)
    return ""

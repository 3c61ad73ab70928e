"""Applications: one transition table, the pupil's « Postuler », decisions and the
race-safe confirmation.

Conventions (as in :mod:`offers`): :func:`apply` returns ``(id, errors)`` with French errors
keyed by form field (``"form"`` for the whole form); :func:`transition` and :func:`confirm`
return a French error, or "" when done.  Every change goes through :func:`_move`: a
conditional ``UPDATE applications … WHERE state IN (:from-states)`` (plus the caller's own
condition, e.g. ``state = :expected``), one audit row per application changed and the
notifications of :data:`TRANSITIONS`, queued in the outbox in the same transaction.  The
same helper moves one application (a decision) or a set (withdrawals, jobs).

Confirmation (:func:`confirm`) takes the place with a conditional
``UPDATE offer_weeks SET places_taken = places_taken + 1 WHERE … AND places_taken < places``:
on PostgreSQL (READ COMMITTED) two pupils confirming the last place serialise on that row
lock, and the second sees ``rowcount = 0``.  Lock order, to avoid deadlocks: the pupil's
``users`` row (``FOR NO KEY UPDATE``), the offer week, the applications, the offer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    PENDING_STATES,
    Application,
    AppState,
    AuditLog,
    Offer,
    OfferWeek,
    PupilCV,
    School,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services import accounts, permissions, weeks
from mystage.services.eligibility import can_apply
from mystage.services.ids import client_id
from mystage.services.offers import places_left_expr

A = AppState

MOTIVATION_MIN = 30
MOTIVATION_MAX = 3000
MAX_CONFIRMED_PER_YEAR = 2
MESSAGE_MAX = 2000

PUPIL_URL = "/espace/eleve/candidatures"
EMPLOYER_URL = "/espace/employeur/candidatures/{id}"
SCHOOL_URL = "/espace/etablissement/candidatures/{id}"

MSG_WEEK = "Choisis une semaine proposée par l'offre."
MSG_WEEK_FULL = "Cette semaine est complète : choisis une autre semaine."
MSG_WEEK_SCHOOL = "Cette semaine n'est pas une semaine de stage de ton établissement."
MSG_MOTIVATION = "Écris quelques lignes de motivation (30 caractères au moins)."
MSG_MOTIVATION_LONG = "3000 caractères au maximum."
MSG_PHONE = accounts.MSG_PHONE_INVALID
MSG_EMAIL = accounts.MSG_EMAIL_INVALID
MSG_CONTACT = (
    "Indique ton adresse e-mail ou ton numéro de portable pour que l'employeur puisse te répondre."
)
MSG_DUPLICATE = "Tu as déjà postulé pour cette semaine."
MSG_WEEK_CONFIRMED = "Tu as déjà un stage confirmé pour cette semaine."
MSG_TWO_CONFIRMED = "Tu as déjà deux stages confirmés cette année scolaire."
MSG_DENIED = "Vous n'avez pas accès à cette candidature."
MSG_ALREADY = "Cette candidature a déjà été traitée."
MSG_NOT_NOW = "Cette action n'est pas possible pour une candidature « {label} »."
MSG_UNKNOWN_ACTION = "Action inconnue."
MSG_MESSAGE_REQUIRED = "Indiquez à l'élève la raison de l'annulation."
MSG_LAST_PLACE = "Désolé, la dernière place vient d'être prise."
MSG_NO_PLACE = "Plus aucune place n'est libre pour cette semaine : vous ne pouvez pas accepter."

# States where the employer has received the application (they are told of what follows).
EMPLOYER_SEEN = frozenset({A.SENT, A.READ, A.UNDER_REVIEW, A.ACCEPTED, A.CONFIRMED})
FINAL_STATES = frozenset(AppState) - PENDING_STATES - {A.ACCEPTED}


# --- notifications ---------------------------------------------------------------------------


@dataclass
class Ctx:
    """One application just moved, with what its notifications need."""

    app: Application
    offer: Offer
    pupil: User
    from_state: str
    message: str


Notifier = Callable[[Session, str, Ctx], None]


def _name(u: User) -> str:
    return f"{u.first_name} {u.last_name}".strip() or "Un élève"


def _week(d: date) -> str:
    return weeks.week_label(d)


def _employer_contact(s: Session, offer: Offer) -> tuple[str, str, int | None]:
    """(e-mail, first name, user id) of whoever receives the offer's applications."""
    user = None
    for uid in (offer.recipient_user_id, offer.created_by_id):
        if uid is not None:
            user = s.get(User, uid)
            if user is not None:
                break
    email = offer.contact_email or (user.email if user is not None else "") or ""
    return email, (user.first_name if user is not None else ""), (user.id if user else None)


def _mail_pupil(s: Session, action: str, c: Ctx, event: str, *, sms: bool = False) -> None:
    email = c.pupil.email or c.app.contact_email
    phone = c.app.contact_phone or c.pupil.phone or ""
    key = f"app:{action}:{c.app.id}"
    if email:
        subject, body = templates.render(
            "app_pupil_event",
            url=PUPIL_URL,
            event=event,
            offer_title=c.offer.title,
            message=c.message,
            first_name=c.pupil.first_name,
        )
        queue_mail(
            s, to=email, subject=subject, body=body, action_url=templates.link(PUPIL_URL),
            template=f"app_{event}", user_id=c.pupil.id, dedupe_key=key + ":mail",
        )  # fmt: skip
    if phone and (sms or not email):
        _, body = templates.render(
            "sms_app_pupil_event", url=PUPIL_URL, event=event, offer_title=c.offer.title
        )
        queue_sms(
            s, to=phone, body=body, template=f"sms_app_{event}", user_id=c.pupil.id,
            dedupe_key=key + ":sms", action_url=templates.link(PUPIL_URL),
        )  # fmt: skip


def _mail_employer(s: Session, action: str, c: Ctx, event: str) -> None:
    to, first_name, user_id = _employer_contact(s, c.offer)
    if not to:
        return
    url = EMPLOYER_URL.format(id=c.app.id)
    if event == "new":
        subject, body = templates.render(
            "app_new_employer", url=url, pupil_name=_name(c.pupil), offer_title=c.offer.title,
            week_label=_week(c.app.week_start), first_name=first_name,
        )  # fmt: skip
    else:
        subject, body = templates.render(
            "app_employer_event", url=url, event=event, pupil_name=_name(c.pupil),
            offer_title=c.offer.title, week_label=_week(c.app.week_start), message=c.message,
            first_name=first_name,
        )  # fmt: skip
    queue_mail(
        s, to=to, subject=subject, body=body, action_url=templates.link(url),
        template=f"app_employer_{event}", user_id=user_id, dedupe_key=f"app:{action}:{c.app.id}:employer",
    )  # fmt: skip


def _mail_school(s: Session, action: str, c: Ctx, event: str) -> None:
    to = c.app.referent_email
    if not to and c.app.school_id:
        school = s.get(School, c.app.school_id)
        to = (school.referent_email or school.email) if school else ""
    if not to:
        return
    url = SCHOOL_URL.format(id=c.app.id)
    if event == "validate":
        subject, body = templates.render(
            "app_school_validation_request", url=url, pupil_name=_name(c.pupil),
            offer_title=c.offer.title, week_label=_week(c.app.week_start),
        )  # fmt: skip
    else:
        subject, body = templates.render(
            "app_school_event", url=url, event=event, pupil_name=_name(c.pupil),
            offer_title=c.offer.title, week_label=_week(c.app.week_start),
        )  # fmt: skip
    queue_mail(
        s, to=to, subject=subject, body=body, action_url=templates.link(url),
        template=f"app_school_{event}", dedupe_key=f"app:{action}:{c.app.id}:school",
    )  # fmt: skip


def _n_to_school(s: Session, action: str, c: Ctx) -> None:
    _mail_school(s, action, c, "validate")


def _n_sent(s: Session, action: str, c: Ctx) -> None:
    _mail_employer(s, action, c, "new")
    if action == "school_validate":
        _mail_pupil(s, action, c, "school_validated")


def _n_pupil(event: str, sms: bool = False) -> Notifier:
    def notify(s: Session, action: str, c: Ctx) -> None:
        _mail_pupil(s, action, c, event, sms=sms)

    return notify


def _n_accept(s: Session, action: str, c: Ctx) -> None:
    _mail_pupil(s, action, c, "accepted", sms=True)
    _mail_school(s, action, c, "accepted")


def _n_confirm(s: Session, action: str, c: Ctx) -> None:
    _mail_employer(s, action, c, "confirmed")
    _mail_school(s, action, c, "confirmed")


def _n_employer_if_seen(event: str) -> Notifier:
    def notify(s: Session, action: str, c: Ctx) -> None:
        if c.from_state in EMPLOYER_SEEN:
            _mail_employer(s, action, c, event)

    return notify


# --- the transition table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    from_states: frozenset[str]
    to_state: str
    actor: str  # "pupil", "school", "employer", "system"
    stamps: tuple[str, ...]  # timestamp columns set to now
    notify: Notifier | None = None
    message_field: str | None = None  # column receiving the actor's message
    message_required: bool = False


def _t(frm, to, actor, stamps, notify=None, message_field=None, required=False) -> Transition:
    return Transition(frozenset(frm), to, actor, tuple(stamps), notify, message_field, required)


TRANSITIONS: dict[str, Transition] = {
    # submission (fired by apply): to the school first, or straight to the employer
    "route_to_school": _t({A.SUBMITTED}, A.AWAITING_SCHOOL, "system", (), _n_to_school),
    "send": _t({A.SUBMITTED}, A.SENT, "system", ("sent_at",), _n_sent),
    "school_validate": _t(
        {A.AWAITING_SCHOOL},
        A.SENT,
        "school",
        ("school_validated_at", "sent_at"),
        _n_sent,
        "school_message",
    ),  # fmt: skip
    "school_refuse": _t(
        {A.AWAITING_SCHOOL},
        A.REFUSED_BY_SCHOOL,
        "school",
        ("school_refused_at",),
        _n_pupil("school_refused"),
        "school_message",
    ),  # fmt: skip
    "read": _t({A.SENT}, A.READ, "employer", ("read_at",)),
    "review": _t(
        {A.SENT, A.READ},
        A.UNDER_REVIEW,
        "employer",
        ("reviewed_at",),
        _n_pupil("reviewed"),
        "review_message",
    ),  # fmt: skip
    "accept": _t(
        {A.SENT, A.READ, A.UNDER_REVIEW},
        A.ACCEPTED,
        "employer",
        ("accepted_at",),
        _n_accept,
        "accept_message",
    ),  # fmt: skip
    "refuse": _t(
        {A.SENT, A.READ, A.UNDER_REVIEW, A.ACCEPTED},
        A.REFUSED,
        "employer",
        ("refused_at",),
        _n_pupil("refused"),
        "refuse_message",
    ),  # fmt: skip
    "confirm": _t({A.ACCEPTED}, A.CONFIRMED, "pupil", ("confirmed_at",), _n_confirm),
    "cancel_by_pupil": _t(
        PENDING_STATES | {A.ACCEPTED, A.CONFIRMED},
        A.CANCELLED_BY_PUPIL,
        "pupil",
        ("cancelled_at",),
        _n_employer_if_seen("cancelled_by_pupil"),
        "cancel_message",
    ),  # fmt: skip
    "cancel_by_employer": _t(
        {A.SENT, A.READ, A.UNDER_REVIEW, A.ACCEPTED, A.CONFIRMED},
        A.CANCELLED_BY_EMPLOYER,
        "employer",
        ("cancelled_at",),
        _n_pupil("cancelled_by_employer"),
        "cancel_message",
        required=True,
    ),  # fmt: skip
    # system
    "withdraw": _t(
        PENDING_STATES | {A.ACCEPTED},
        A.WITHDRAWN,
        "system",
        ("withdrawn_at",),
        _n_employer_if_seen("withdrawn"),
    ),  # fmt: skip
    "place_unavailable": _t(
        {A.ACCEPTED}, A.PLACE_UNAVAILABLE, "system", (), _n_pupil("place_unavailable")
    ),
    "expire": _t(
        {A.SENT, A.READ, A.UNDER_REVIEW},
        A.EXPIRED,
        "system",
        ("expired_at",),
        _n_pupil("expired"),
    ),  # fmt: skip
    "expire_by_pupil": _t(
        {A.ACCEPTED}, A.EXPIRED_BY_PUPIL, "system", ("expired_at",), _n_pupil("expired_by_pupil")
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


def _move(
    s: Session,
    action: str,
    where: list[Any],
    *,
    actor: User | None = None,
    message: str = "",
    notify: bool = True,
) -> list[int]:
    """Move every application matching ``where`` and in a from-state of ``action`` to its
    to-state (conditional UPDATE), with an audit row and the notifications of each.
    Returns the ids changed (no commit).

    Set-based at any size (the jobs move 100,000s of rows, see ``bench/jobs.py``):

    - one ``UPDATE … WHERE state = :from AND … RETURNING id`` per from-state, so the old
      state of each row is known without reading the rows first (a join with such a read
      would visit the rows in hash order: 3 times slower at 160,000 rows);
    - the audit rows: on PostgreSQL in the same statement (``WITH moved AS (UPDATE …)
      INSERT INTO audit_log SELECT … FROM moved``), on SQLite in one multi-row INSERT;
    - the notifiers get read-only rows, read by chunks of ids (``Ctx.app``, ``.offer`` and
      ``.pupil`` have every column and property of their model but are not ORM
      instances: no per-row ORM load; the columns notifiers read are read up front, any
      other one reads its whole row), and their messages are queued in bulk
      (``outbox.batched``).

    Applications of the session changed here are expired: they read their new state on
    next access.
    """
    from sqlalchemy.dialects.postgresql import ARRAY

    from mystage.notify.outbox import batched

    chunk = 5000  # ids per IN (…) on SQLite: well under its parameter limit
    t = TRANSITIONS[action]
    now = clock.now()
    values: dict[str, Any] = {"state": t.to_state, "updated_at": now}
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
        "message": message[:MESSAGE_MAX],
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
    if old and not pg:
        s.execute(
            sa.insert(audit_t),
            [{**audit, "entity_id": i, "from_state": old[i]} for i in sorted(old)],
        )
    if not old:
        return []
    changed = sorted(old)
    for obj in list(s.identity_map.values()):
        if isinstance(obj, Application) and obj.id in old:
            s.expire(obj)

    def among(col: Any, ids: list[int]) -> Any:
        if pg:  # one array parameter instead of thousands
            return col == sa.any_(sa.cast(sa.literal(ids), ARRAY(sa.Integer)))
        return col.in_(ids)

    if notify and t.notify is not None:
        offers_t, users_t = Offer.__table__, User.__table__

        class Read:
            """A row, read-only, with its model's attributes: the columns read up front, any
            other column (the whole row is then read once), the properties."""

            __slots__ = ("_row", "_table", "_model")

            def __init__(self, row: Any, table: sa.Table, model: type) -> None:
                self._row, self._table, self._model = row, table, model

            def __getattr__(self, name: str) -> Any:
                try:
                    return getattr(self._row, name)
                except AttributeError:
                    pass
                if name in self._table.c:
                    tbl = self._table
                    self._row = s.execute(sa.select(tbl).where(tbl.c.id == self._row.id)).one()
                    return getattr(self._row, name)
                attr = getattr(self._model, name, None)
                if isinstance(attr, property):
                    return attr.fget(self)
                raise AttributeError(name)

        # What the notifiers read, as Core rows (not ORM instances: a job moves 100,000s of
        # applications); each offer and pupil is read once.
        app_cols = [apps_t.c[n] for n in (
            "id", "pupil_id", "offer_id", "state", "week_start", "school_id", "class_id",
            "school_year", "contact_email", "contact_phone", "referent_email",
        )]  # fmt: skip
        offer_cols = [offers_t.c[n] for n in (
            "id", "title", "employer_name", "city", "contact_email", "recipient_user_id",
            "created_by_id", "structure_id",
        )]  # fmt: skip
        user_cols = [users_t.c[n] for n in (
            "id", "role", "email", "phone", "first_name", "last_name", "school_id",
        )]  # fmt: skip
        offers: dict[int, Read] = {}
        pupils: dict[int, Read] = {}
        with batched(s):
            for i in range(0, len(changed), chunk):
                rows = s.execute(
                    sa.select(*app_cols)
                    .where(among(apps_t.c.id, changed[i : i + chunk]))
                    .order_by(apps_t.c.id)
                ).all()
                new_offers = sorted({r.offer_id for r in rows} - offers.keys())
                new_pupils = sorted({r.pupil_id for r in rows} - pupils.keys())
                if new_offers:
                    found = s.execute(
                        sa.select(*offer_cols).where(among(offers_t.c.id, new_offers))
                    )
                    offers.update((r.id, Read(r, offers_t, Offer)) for r in found)
                if new_pupils:
                    found = s.execute(sa.select(*user_cols).where(among(users_t.c.id, new_pupils)))
                    pupils.update((r.id, Read(r, users_t, User)) for r in found)
                for r in rows:
                    ctx = Ctx(Read(r, apps_t, Application), offers[r.offer_id],
                              pupils[r.pupil_id], old[r.id], message)  # fmt: skip
                    t.notify(s, action, ctx)
    return changed


def _recompute_places_left(s: Session, offer_id: int) -> None:
    monday = clock.monday_of(clock.today_paris())
    s.execute(
        sa.update(Offer)
        .where(Offer.id == offer_id)
        .values(places_left=places_left_expr(monday))
        .execution_options(synchronize_session=False)
    )


def _release_place(s: Session, app: Application) -> None:
    """A confirmed pupil leaves: the place is free again."""
    s.execute(
        sa.update(OfferWeek)
        .where(
            OfferWeek.offer_id == app.offer_id,
            OfferWeek.week_start == app.week_start,
            OfferWeek.places_taken > 0,
        )
        .values(places_taken=OfferWeek.places_taken - 1)
        .execution_options(synchronize_session=False)
    )
    _recompute_places_left(s, app.offer_id)


def _get(s: Session, application_id: Any) -> Application | None:
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
    from mystage.models import APP_STATE_LABELS

    return MSG_NOT_NOW.format(label=APP_STATE_LABELS.get(state, state))


def _clean(message: Any) -> str:
    return message.strip()[:MESSAGE_MAX] if isinstance(message, str) else ""


# --- apply ---------------------------------------------------------------------------------


def _confirmed_count(s: Session, pupil_id: int, school_year: int, exclude: int | None = None):
    stmt = sa.select(sa.func.count(Application.id)).where(
        Application.pupil_id == pupil_id,
        Application.state == A.CONFIRMED,
        Application.school_year == school_year,
    )
    if exclude is not None:
        stmt = stmt.where(Application.id != exclude)
    return int(s.execute(stmt).scalar_one())


def _confirmed_that_week(s: Session, pupil_id: int, monday: date) -> bool:
    return (
        s.execute(
            sa.select(Application.id).where(
                Application.pupil_id == pupil_id,
                Application.week_start == monday,
                Application.state == A.CONFIRMED,
            )
        ).first()
        is not None
    )


def _school_weeks(s: Session, pupil: User, school_year: int) -> set[date]:
    """The pupil's internship weeks: their class's own weeks when it has some, else the
    school's (the same rule as the school's week calendar)."""
    if pupil.school_id is None:
        return set()
    return set(weeks.weeks_for_class(s, pupil.school_id, pupil.class_id, school_year))


def _cv_snapshot(s: Session, pupil_id: int) -> tuple[str, str]:
    cv = s.exec(select(PupilCV).where(PupilCV.user_id == pupil_id)).first()
    if cv is None:
        return "", ""
    sections = {k: getattr(cv, k) for k in ("schooling", "interests", "languages", "qualities")}
    return json.dumps(sections, ensure_ascii=False), cv.pdf_path or ""


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

    monday = weeks.parse_week(week) if isinstance(week, str) and week.strip() else None
    ow = None
    if monday is not None:
        ow = s.exec(
            select(OfferWeek).where(OfferWeek.offer_id == offer.id, OfferWeek.week_start == monday)
        ).first()
    if ow is None or monday <= clock.today_paris():
        errors["week"] = MSG_WEEK
    elif ow.places_taken >= ow.places:
        errors["week"] = MSG_WEEK_FULL
    school_year = weeks.school_year_of(monday) if monday else 0
    if "week" not in errors and not offer.all_year:
        allowed = _school_weeks(s, pupil, school_year)
        if allowed and monday not in allowed:
            errors["week"] = MSG_WEEK_SCHOOL

    text = motivation.strip() if isinstance(motivation, str) else ""
    if len(text) < MOTIVATION_MIN:
        errors["motivation"] = MSG_MOTIVATION
    elif len(text) > MOTIVATION_MAX:
        errors["motivation"] = MSG_MOTIVATION_LONG

    phone = ""
    if isinstance(contact_phone, str) and contact_phone.strip():
        phone = accounts.normalize_phone(contact_phone) or ""
        if not phone:
            errors["contact_phone"] = MSG_PHONE
    email = ""
    raw_email = contact_email.strip() if isinstance(contact_email, str) else ""
    if raw_email:
        email = accounts.normalize_email(raw_email) or ""
        if not email:
            errors["contact_email"] = MSG_EMAIL
    else:
        email = pupil.email or ""
    if not email and not phone and "contact_email" not in errors:
        errors["contact_email"] = MSG_CONTACT
    ref = ""
    raw_ref = referent_email.strip() if isinstance(referent_email, str) else ""
    if raw_ref:
        ref = accounts.normalize_email(raw_ref) or ""
        if not ref:
            errors["referent_email"] = MSG_EMAIL
    elif school is not None:
        ref = school.referent_email or school.email or ""

    if "week" not in errors:
        dup = s.execute(
            sa.select(Application.id).where(
                Application.pupil_id == pupil.id,
                Application.offer_id == offer.id,
                Application.week_start == monday,
            )
        ).first()
        if dup is not None:
            errors["week"] = MSG_DUPLICATE
        elif _confirmed_that_week(s, pupil.id, monday):
            errors["form"] = MSG_WEEK_CONFIRMED
        elif _confirmed_count(s, pupil.id, school_year) >= MAX_CONFIRMED_PER_YEAR:
            errors["form"] = MSG_TWO_CONFIRMED
    if errors:
        return None, errors

    now = clock.now()
    cv_snapshot, cv_file = _cv_snapshot(s, pupil.id)
    app = Application(
        pupil_id=pupil.id,
        offer_id=offer.id,
        week_start=monday,
        state=A.SUBMITTED,
        school_id=pupil.school_id,
        class_id=pupil.class_id,
        school_year=school_year,
        motivation=text,
        contact_phone=phone,
        contact_email=email,
        referent_email=ref,
        cv_snapshot=cv_snapshot,
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
    route = "route_to_school" if school is not None and school.validation_required else "send"
    _move(s, route, [Application.id == app.id])
    app_id = app.id
    s.commit()
    return app_id, {}


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


def _week_row(s: Session, app: Application) -> OfferWeek | None:
    return s.exec(
        select(OfferWeek)
        .where(OfferWeek.offer_id == app.offer_id, OfferWeek.week_start == app.week_start)
        .execution_options(populate_existing=True)
    ).first()


def transition(
    s: Session, actor: User | None, application_id: int, action: str, message: str = ""
) -> str:
    """Fire ``action`` of :data:`TRANSITIONS` on one application: "" when done, else a
    French error and nothing changed.  Checks who may (pupil, employer, school, admins as
    employer or school), the current state, then a conditional UPDATE on that state (a
    double click gets « Cette candidature a déjà été traitée. »), audit, mails, commit."""
    t = TRANSITIONS.get(action) if isinstance(action, str) else None
    if t is None or t.actor == "system":
        return MSG_UNKNOWN_ACTION
    if action == "confirm":
        return confirm(s, actor, application_id)
    app = _get(s, application_id)
    if app is None or not _may(s, actor, t.actor, app):
        return MSG_DENIED
    current = app.state
    if current not in t.from_states:
        return _state_error(current, t)
    note = _clean(message)
    if t.message_required and not note:
        return MSG_MESSAGE_REQUIRED
    if action == "accept":
        ow = _week_row(s, app)
        if ow is None or ow.places_taken >= ow.places:
            return MSG_NO_PLACE
    changed = _move(
        s, action, [Application.id == app.id, Application.state == current], actor=actor,
        message=note,
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
    """The pupil confirms an accepted application, race-safe, in one transaction: takes the
    place (conditional UPDATE of the offer week), confirms, withdraws the pupil's other
    applications for that week, marks the other accepted pupils « place plus disponible »
    when the week is now full, recomputes the offer's places left, commits."""
    app = _get(s, application_id)
    if app is None or not permissions.is_application_pupil(pupil, app):
        return MSG_DENIED
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
    if _confirmed_that_week(s, pupil.id, app.week_start):
        s.rollback()
        return MSG_WEEK_CONFIRMED
    if _confirmed_count(s, pupil.id, app.school_year, exclude=app.id) >= MAX_CONFIRMED_PER_YEAR:
        s.rollback()
        return MSG_TWO_CONFIRMED
    same_week = [OfferWeek.offer_id == app.offer_id, OfferWeek.week_start == app.week_start]
    took = s.execute(
        sa.update(OfferWeek)
        .where(*same_week, OfferWeek.places_taken < OfferWeek.places)
        .values(places_taken=OfferWeek.places_taken + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if took != 1:
        _move(s, "place_unavailable", [Application.id == app.id])
        s.commit()
        s.expire(app)
        return MSG_LAST_PLACE
    changed = _move(
        s, "confirm", [Application.id == app.id, Application.state == A.ACCEPTED], actor=pupil
    )
    if not changed:
        s.rollback()  # gives the place back
        return MSG_ALREADY
    _move(
        s,
        "withdraw",
        [
            Application.pupil_id == pupil.id,
            Application.week_start == app.week_start,
            Application.id != app.id,
        ],
    )
    full = s.execute(
        sa.select(OfferWeek.places_taken >= OfferWeek.places).where(*same_week)
    ).scalar_one()
    if full:
        _move(
            s,
            "place_unavailable",
            [
                Application.offer_id == app.offer_id,
                Application.week_start == app.week_start,
                Application.id != app.id,
            ],
        )
    _recompute_places_left(s, app.offer_id)
    s.commit()
    s.expire(app)
    return ""

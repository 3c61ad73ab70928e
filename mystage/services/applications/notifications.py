"""Who hears of an application's move, and how: the notifiers named in the transition table
(:data:`~mystage.services.applications.machine.TRANSITIONS`) and the read-only rows they
are handed when a set of applications moves.

Every message goes to the outbox in the mover's transaction, with a dedupe key per
application and action (a second run queues nothing): the pupil (e-mail, and SMS when they
have no e-mail or the news is urgent), the employer who receives the offer's applications,
the school's référent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from mystage.models import Application, AppState, Offer, School, User
from mystage.notify import templates
from mystage.notify.outbox import batched, queue_mail, queue_sms
from mystage.services import text, weeks
from mystage.services.applications.reasons import refuse_reason_label
from mystage.services.offers import (
    employer_contact,  # noqa: F401  (re-exported)
    offer_recipients,
    recipients_for_offers,
)

A = AppState

PUPIL_URL = "/espace/eleve/candidatures"
EMPLOYER_URL = "/espace/employeur/candidatures/{id}"
SCHOOL_URL = "/espace/etablissement/candidatures/{id}"

# States where the employer has received the application (they are told of what follows).
EMPLOYER_SEEN = frozenset({A.SENT, A.READ, A.UNDER_REVIEW, A.ACCEPTED, A.CONFIRMED})


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
    return text.pupil_name(u.first_name, u.last_name)


def _week(d: date, count: int = 1) -> str:
    return weeks.application_period_label(d, count or 1)


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
            reason=refuse_reason_label(c.app.refuse_reason) if event == "refused" else "",
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


def _mail_staff(
    s: Session, c: Ctx, to: str, url: str, name: str, ctx: dict[str, Any], **queue: Any
) -> None:  # queue: queue_mail's keywords (template, user_id, dedupe_key, cc)
    """A mail about the application to the employer or the school: template ``name`` with
    the pupil's name, the offer and the week (and ``ctx``), linking to ``url``."""
    subject, body = templates.render(
        name, url=url, pupil_name=_name(c.pupil), offer_title=c.offer.title,
        week_label=_week(c.app.week_start, c.app.week_count), **ctx,
    )  # fmt: skip
    queue_mail(s, to=to, subject=subject, body=body, action_url=templates.link(url), **queue)


def _employer_recipients(s: Session, offer: Any) -> list[tuple[str, str, int | None]]:
    """The offer's recipients (:func:`offers.offer_recipients`), read once per offer while
    :func:`notify_moved` runs (its cache in ``s.info``)."""
    cache = s.info.get(_CACHE)
    if cache is None:
        return offer_recipients(s, offer)
    if offer.id not in cache:
        cache.update(recipients_for_offers(s, [offer]))
    return cache.get(offer.id, [])


def _mail_employer(s: Session, action: str, c: Ctx, event: str) -> None:
    """One mail per recipient of the offer's space, deduplicated per recipient."""
    for to, first_name, user_id in _employer_recipients(s, c.offer):
        if not to:
            continue
        if event == "new":
            name, ctx = "app_new_employer", {"first_name": first_name}
        else:
            name = "app_employer_event"
            ctx = {"event": event, "message": c.message, "first_name": first_name}
        who = user_id if user_id is not None else to.lower()
        _mail_staff(
            s, c, to, EMPLOYER_URL.format(id=c.app.id), name, ctx,
            template=f"app_employer_{event}", user_id=user_id,
            dedupe_key=f"app:{action}:{c.app.id}:employer:{who}",
        )  # fmt: skip


def _mail_school(s: Session, action: str, c: Ctx, event: str) -> None:
    """To the référent of the application (the address the pupil typed, else the school's
    référent or mailbox); seed 000 « L'établissement restera destinataire en copie »: the
    school's mailbox gets a copy when the référent is someone else."""
    school = s.get(School, c.app.school_id) if c.app.school_id else None
    to = c.app.referent_email
    if not to and school is not None:
        to = school.referent_email or school.email
    if not to:
        return
    copy = [school.email] if school is not None and school.email else []
    if event == "validate":
        name, ctx = "app_school_validation_request", {}
    else:
        name, ctx = "app_school_event", {"event": event}
    _mail_staff(
        s, c, to, SCHOOL_URL.format(id=c.app.id), name, ctx,
        template=f"app_school_{event}", dedupe_key=f"app:{action}:{c.app.id}:school", cc=copy,
    )  # fmt: skip


# --- the notifiers of the transition table ----------------------------------------------------


def to_school(s: Session, action: str, c: Ctx) -> None:
    _mail_school(s, action, c, "validate")


def sent(s: Session, action: str, c: Ctx) -> None:
    _mail_employer(s, action, c, "new")
    if action == "school_validate":
        _mail_pupil(s, action, c, "school_validated")


@dataclass(frozen=True)
class PupilNotifier:
    """The pupil hears of ``event`` (an SMS too when ``sms``).  The mover queues these
    messages for a whole set of applications at once
    (:func:`.pupil_messages.queue_pupil_messages`: the same messages as this call's)."""

    event: str
    sms: bool = False

    def __call__(self, s: Session, action: str, c: Ctx) -> None:
        _mail_pupil(s, action, c, self.event, sms=self.sms)


def pupil(event: str, sms: bool = False) -> Notifier:
    return PupilNotifier(event, sms)


def accepted(s: Session, action: str, c: Ctx) -> None:
    _mail_pupil(s, action, c, "accepted", sms=True)
    _mail_school(s, action, c, "accepted")


def confirmed(s: Session, action: str, c: Ctx) -> None:
    _mail_employer(s, action, c, "confirmed")
    _mail_school(s, action, c, "confirmed")


def employer_if_seen(event: str) -> Notifier:
    def notify(s: Session, action: str, c: Ctx) -> None:
        if c.from_state in EMPLOYER_SEEN:
            _mail_employer(s, action, c, event)

    return notify


# --- the rows handed to the notifiers ---------------------------------------------------------

CHUNK = 5000  # ids per IN (…) on SQLite: well under its parameter limit
_CACHE = "mystage.offer_recipients"  # s.info key: offer id → recipients, while moving


class Read:
    """A row, read-only, with its model's attributes: the columns read up front, any other
    column (the whole row is then read once), the properties."""

    __slots__ = ("_s", "_row", "_table", "_model")

    def __init__(self, s: Session, row: Any, table: sa.Table, model: type) -> None:
        self._s, self._row, self._table, self._model = s, row, table, model

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._row, name)
        except AttributeError:
            pass
        if name in self._table.c:
            tbl = self._table
            self._row = self._s.execute(sa.select(tbl).where(tbl.c.id == self._row.id)).one()
            return getattr(self._row, name)
        attr = getattr(self._model, name, None)
        if isinstance(attr, property):
            return attr.fget(self)
        raise AttributeError(name)


def notify_moved(
    s: Session,
    action: str,
    notify: Notifier,
    old: dict[int, str],
    message: str,
) -> None:
    """Call ``notify`` for each application moved (``old``: id → from-state), with
    read-only rows read by chunks of ids (``Ctx.app``, ``.offer`` and ``.pupil`` have every
    column and property of their model but are not ORM instances: no per-row ORM load; the
    columns notifiers read are read up front, any other one reads its whole row); their
    messages are queued in bulk (``outbox.batched``)."""
    pg = s.get_bind().dialect.name == "postgresql"

    def among(col: Any, ids: list[int]) -> Any:
        if pg:  # one array parameter instead of thousands
            return col == sa.any_(sa.cast(sa.literal(ids), ARRAY(sa.Integer)))
        return col.in_(ids)

    apps_t, offers_t, users_t = Application.__table__, Offer.__table__, User.__table__
    changed = sorted(old)
    # What the notifiers read, as Core rows (not ORM instances: a job moves 100,000s of
    # applications); each offer and pupil is read once.
    app_cols = [apps_t.c[n] for n in (
        "id", "pupil_id", "offer_id", "state", "week_start", "week_count", "school_id",
        "class_id", "school_year", "contact_email", "contact_phone", "referent_email",
        "refuse_reason",
    )]  # fmt: skip
    offer_cols = [offers_t.c[n] for n in (
        "id", "title", "employer_name", "city", "contact_email", "recipient_user_id",
        "created_by_id", "structure_id", "space_id",
    )]  # fmt: skip
    user_cols = [users_t.c[n] for n in (
        "id", "role", "email", "phone", "first_name", "last_name", "school_id",
    )]  # fmt: skip
    offers: dict[int, Read] = {}
    pupils: dict[int, Read] = {}
    recipients: dict[int, list] = {}
    s.info[_CACHE] = recipients
    try:
        with batched(s):
            for i in range(0, len(changed), CHUNK):
                rows = s.execute(
                    sa.select(*app_cols)
                    .where(among(apps_t.c.id, changed[i : i + CHUNK]))
                    .order_by(apps_t.c.id)
                ).all()
                new_offers = sorted({r.offer_id for r in rows} - offers.keys())
                new_pupils = sorted({r.pupil_id for r in rows} - pupils.keys())
                if new_offers:
                    found = s.execute(
                        sa.select(*offer_cols).where(among(offers_t.c.id, new_offers))
                    )
                    fresh = [Read(s, r, offers_t, Offer) for r in found]
                    offers.update((o.id, o) for o in fresh)
                    recipients.update(recipients_for_offers(s, fresh))
                if new_pupils:
                    found = s.execute(sa.select(*user_cols).where(among(users_t.c.id, new_pupils)))
                    pupils.update((r.id, Read(s, r, users_t, User)) for r in found)
                for r in rows:
                    ctx = Ctx(Read(s, r, apps_t, Application), offers[r.offer_id],
                              pupils[r.pupil_id], old[r.id], message)  # fmt: skip
                    notify(s, action, ctx)
    finally:
        s.info.pop(_CACHE, None)

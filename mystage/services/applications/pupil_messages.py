"""The pupil's mail and SMS about many applications at once (expiries, reminders, and any
transition whose notifier is :func:`.notifications.pupil`).

:func:`queue_pupil_messages` queues what :func:`.notifications._mail_pupil` queues for
each application — same recipients, subjects, texts, links, templates, dedupe keys and
order (the mail then the SMS of each application, by id) — without its per-row work
(``bench/jobs.py``: 160,000 expiries at 1,000,000 applications): one query per chunk of
ids for the columns used, the mail rendered once (the offer's title goes in verbatim, the
greeting is the only per-pupil part: ``mail_body`` starts with ``greeting(first_name)``),
each SMS once per offer title, the rows queued in bulk (``outbox.queue_rows``).  The
mail's pieces are checked against two full renderings with other titles and first names;
if the template ever stops being of that shape, each mail is rendered whole as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from mystage.models import Application, Channel, Offer, User
from mystage.notify import templates
from mystage.notify.outbox import message_values, normalize_phone, queue_rows
from mystage.services.applications.notifications import PUPIL_URL
from mystage.services.applications.reasons import refuse_reason_label

CHUNK = 20000  # ids per query
_PROBES = (("\x00\x01", ""), ("\n\x00\x02 ", "  Zoé\t"))  # (title, first name)


@dataclass(frozen=True)
class PupilMessages:
    """What one application's pupil is sent: ``event`` of the templates
    ``app_pupil_event`` / ``sms_app_pupil_event``; dedupe keys ``<key><id>:mail`` and
    ``:sms``; an SMS when the pupil has no e-mail address, or always (``sms_always``)."""

    event: str
    key: str
    mail_template: str
    sms_template: str
    sms_always: bool = False
    message: str = ""


def among(s: Session, column: Any, ids: list[int]) -> Any:
    """``column IN (ids)`` as one parameter: ``= ANY(:array)`` on PostgreSQL,
    ``IN (SELECT value FROM json_each(:json))`` on SQLite."""
    if s.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.cast(sa.literal(ids), ARRAY(sa.Integer)))
    each = sa.func.json_each(json.dumps(ids)).table_valued("value")
    return column.in_(sa.select(each.c.value))


def _mail_pieces(spec: PupilMessages, reason: str) -> tuple[str, str, str] | None:
    """(subject, text between the greeting and the title, text after the title), or None
    when the mail is not « greeting + before + title + after » for every probe."""

    def render(title: str, first_name: str) -> tuple[str, str]:
        return templates.render(
            "app_pupil_event", url=PUPIL_URL, event=spec.event, offer_title=title,
            message=spec.message, first_name=first_name, reason=reason,
        )  # fmt: skip

    (mark, first), probe = _PROBES[0], _PROBES[1]
    subject, body = render(mark, first)
    greeting = templates.greeting(first)
    if not body.startswith(greeting) or body.count(mark) != 1:
        return None
    before, after = body[len(greeting) :].split(mark)
    subject2, body2 = render(*probe)
    if subject2 != subject or body2 != templates.greeting(probe[1]) + before + probe[0] + after:
        return None
    return subject, before, after


def queue_pupil_messages(s: Session, ids: list[int], spec: PupilMessages) -> None:
    """Queue the pupil's messages of each application of ``ids`` (caller's transaction,
    no commit; into the enclosing ``outbox.batched`` block if any)."""
    if not ids:
        return
    apps_t, users_t, offers_t = Application.__table__, User.__table__, Offer.__table__
    link = templates.link(PUPIL_URL)
    pieces: dict[str, tuple[str, str, str] | None] = {}
    sms_bodies: dict[str, str] = {}
    greetings: dict[Any, str] = {}
    ids = sorted(ids)
    for i in range(0, len(ids), CHUNK):
        rows = s.execute(
            sa.select(
                apps_t.c.id,
                apps_t.c.contact_email,
                apps_t.c.contact_phone,
                apps_t.c.refuse_reason,
                users_t.c.id.label("user_id"),
                users_t.c.email,
                users_t.c.phone,
                users_t.c.first_name,
                offers_t.c.title,
            )  # fmt: skip
            .join(users_t, users_t.c.id == apps_t.c.pupil_id)
            .join(offers_t, offers_t.c.id == apps_t.c.offer_id)
            .where(among(s, apps_t.c.id, ids[i : i + CHUNK]))
            .order_by(apps_t.c.id)
        ).all()
        out: list[dict[str, Any]] = []
        for r in rows:
            email = r.email or r.contact_email
            phone = r.contact_phone or r.phone or ""
            key = f"{spec.key}{r.id}"
            if email:
                reason = refuse_reason_label(r.refuse_reason) if spec.event == "refused" else ""
                if reason not in pieces:
                    pieces[reason] = _mail_pieces(spec, reason)
                found = pieces[reason]
                if found is None:  # not of the expected shape: the whole rendering
                    subject, body = templates.render(
                        "app_pupil_event", url=PUPIL_URL, event=spec.event,
                        offer_title=r.title, message=spec.message, first_name=r.first_name,
                        reason=reason,
                    )  # fmt: skip
                else:
                    subject, before, after = found
                    greeting = greetings.get(r.first_name)
                    if greeting is None:
                        greeting = greetings[r.first_name] = templates.greeting(r.first_name)
                    body = greeting + before + r.title + after
                out.append(
                    message_values(
                        channel=Channel.MAIL, to=email, subject=subject, body=body,
                        action_url=link, template=spec.mail_template, user_id=r.user_id,
                        dedupe_key=key + ":mail",
                    )
                )  # fmt: skip
            if phone and (spec.sms_always or not email):
                body = sms_bodies.get(r.title)
                if body is None:
                    _, body = templates.render(
                        "sms_app_pupil_event", url=PUPIL_URL, event=spec.event,
                        offer_title=r.title,
                    )  # fmt: skip
                    sms_bodies[r.title] = body
                out.append(
                    message_values(
                        channel=Channel.SMS, to=normalize_phone(phone), subject="", body=body,
                        action_url=link, template=spec.sms_template, user_id=r.user_id,
                        dedupe_key=key + ":sms",
                    )
                )  # fmt: skip
        queue_rows(s, out)


def queue_moved(s: Session, action: str, notifier: Any, ids: list[int], message: str) -> None:
    """The messages of :data:`~.machine.TRANSITIONS`'s ``notifier`` (a
    :class:`~.notifications.PupilNotifier`) for the applications ``action`` moved."""
    event = notifier.event
    spec = PupilMessages(
        event=event, key=f"app:{action}:", mail_template=f"app_{event}",
        sms_template=f"sms_app_{event}", sms_always=notifier.sms, message=message,
    )  # fmt: skip
    queue_pupil_messages(s, ids, spec)

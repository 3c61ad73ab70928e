"""Parents' authorizations: recording one (or a whole class's), undoing one, the printable form."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    Channel,
    Outbox,
    OutboxStatus,
    Role,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_many
from mystage.services import audit, weeks
from mystage.services.schools.messages import (
    MSG_AUTH_DATE,
    MSG_AUTH_FUTURE,
    MSG_AUTH_NONE,
    MSG_AUTH_OLD,
)
from mystage.services.schools.scope import (
    scope_for_class,
    scope_for_pupil,
    visible_class,
    visible_pupil,
)
from mystage.services.schools.values import full_name

FAVORITES_URL = "/espace/eleve/favoris"
# « Tu peux maintenant postuler » waits this long in the outbox, so that « Annuler » (a box
# ticked by mistake) withdraws it before it leaves.
NOTICE_GRACE = timedelta(minutes=2)


def _notice_key(pupil_id: int, when: datetime) -> str:
    return f"authorization_recorded:{pupil_id}:{when.date().isoformat()}"


def _queue_notices(s: Session, pupils: list[Any], when: datetime, school_name: str) -> int:
    """« Tu peux maintenant postuler » to each pupil (a mail, else an SMS), once per
    authorization (dedupe key: pupil and date), held back :data:`NOTICE_GRACE`.  One
    multi-row INSERT and one UPDATE whatever the number of pupils."""
    messages = []
    for p in pupils:
        key = _notice_key(p.id, when)
        if p.email:
            subject, body = templates.render(
                "authorization_recorded", url=FAVORITES_URL, first_name=p.first_name or "",
                school_name=school_name,
            )  # fmt: skip
            messages.append(
                {"to": p.email, "subject": subject, "body": body,
                 "template": "authorization_recorded", "action_url": templates.link(FAVORITES_URL),
                 "user_id": p.id, "dedupe_key": key}
            )  # fmt: skip
        elif p.phone:
            _, body = templates.render("sms_authorization_recorded", url=FAVORITES_URL)
            messages.append(
                {"channel": Channel.SMS, "to": p.phone, "body": body,
                 "template": "sms_authorization_recorded",
                 "action_url": templates.link(FAVORITES_URL), "user_id": p.id,
                 "dedupe_key": key}
            )  # fmt: skip
    if not messages:
        return 0
    queued = queue_many(s, messages)
    if queued:
        s.execute(
            sa.update(Outbox)
            .where(Outbox.dedupe_key.in_(sorted(queued)), Outbox.status == OutboxStatus.PENDING)
            .values(next_attempt_at=clock.now() + NOTICE_GRACE)
            .execution_options(synchronize_session=False)
        )
    return len(queued)


def _withdraw_notice(s: Session, pupil_id: int) -> None:
    """An authorization undone: its « Tu peux maintenant postuler » not sent yet goes."""
    s.execute(
        sa.delete(Outbox)
        .where(
            Outbox.dedupe_key.startswith(f"authorization_recorded:{pupil_id}:", autoescape=True),
            Outbox.status == OutboxStatus.PENDING,
            Outbox.attempts == 0,
            Outbox.claimed_at.is_(None),
        )
        .execution_options(synchronize_session=False)
    )


def _auth_datetime(raw: Any) -> tuple[datetime | None, str | None]:
    """The authorization date (``2026-10-05`` or ``05/10/2026``; "" → today) stored as noon,
    Paris time; an error for a future date or one before the previous school year."""
    today = clock.today_paris()
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        d = today
    elif isinstance(raw, date) and not isinstance(raw, datetime):
        d = raw
    elif isinstance(raw, str):
        text = raw.strip()
        d = weeks.parse_date(text)
        if d is None:
            m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
            if m:
                try:
                    d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                except ValueError:
                    d = None
        if d is None:
            return None, MSG_AUTH_DATE
    else:
        return None, MSG_AUTH_DATE
    if d > today:
        return None, MSG_AUTH_FUTURE
    if d < date(weeks.school_year_of(today) - 1, 9, 1):
        return None, MSG_AUTH_OLD
    local = datetime(d.year, d.month, d.day, 12, 0, tzinfo=clock.PARIS)
    return local.astimezone(UTC), None


def record_authorization(
    s: Session, actor: User | None, pupil_id: Any, on: Any = ""
) -> dict[str, str]:
    """Record the parents' authorization of one pupil (date ``on``, default today): the
    pupil may apply from now on.  Errors keyed ``date``."""
    sc = scope_for_pupil(s, actor, pupil_id)
    pupil = visible_pupil(s, sc, pupil_id)
    when, err = _auth_datetime(on)
    if err:
        return {"date": err}
    was = pupil.parental_authorization_at
    pupil.parental_authorization_at = when
    pupil.parental_authorization_by_id = sc.user.id
    pupil.updated_at = clock.now()
    audit.record(
        s, "user", pupil.id, "parental_authorization", sc.user, message=when.date().isoformat()
    )
    if was is None:  # a new authorization (not a date corrected): the pupil is told
        _queue_notices(s, [pupil], when, sc.school.name)
    s.commit()
    return {}


def record_class_authorizations(
    s: Session, actor: User | None, class_id: Any, on: Any = ""
) -> tuple[int, dict[str, str]]:
    """Every pupil of the class without an authorization gets one (one UPDATE), e.g.
    after collecting the signed forms: ``(number of pupils changed, errors)``."""
    sc = scope_for_class(s, actor, class_id, manage=False)
    row = visible_class(s, sc, class_id)
    when, err = _auth_datetime(on)
    if err:
        return 0, {"date": err}
    missing = (
        User.class_id == row.id,
        User.school_id == sc.school.id,
        User.role == Role.ELEVE,
        User.deleted_at.is_(None),
        User.parental_authorization_at.is_(None),
    )
    pupils = s.execute(
        sa.select(User.id, User.email, User.phone, User.first_name).where(*missing)
    ).all()
    count = s.execute(
        sa.update(User)
        .where(*missing, User.id.in_([p.id for p in pupils] or [-1]))
        .values(
            parental_authorization_at=when,
            parental_authorization_by_id=sc.user.id,
            updated_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(
        s, "school_class", row.id, "parental_authorizations", sc.user,
        message=f"{count} élève(s), {when.date().isoformat()}",
    )  # fmt: skip
    _queue_notices(s, pupils, when, sc.school.name)
    s.commit()
    return int(count or 0), {}


def undo_authorization(s: Session, actor: User | None, pupil_id: Any) -> str:
    """Remove a pupil's recorded authorization (recorded by mistake): applying is closed
    again (applications already sent stay as they are)."""
    sc = scope_for_pupil(s, actor, pupil_id)
    pupil = visible_pupil(s, sc, pupil_id)
    if pupil.parental_authorization_at is None:
        return MSG_AUTH_NONE
    pupil.parental_authorization_at = None
    pupil.parental_authorization_by_id = None
    pupil.updated_at = clock.now()
    audit.record(s, "user", pupil.id, "parental_authorization_undo", sc.user)
    _withdraw_notice(s, pupil.id)
    s.commit()
    return ""


def authorization_sheet(s: Session, actor: User | None, class_id: Any) -> dict[str, Any]:
    """The printable parental authorization form of a class, one per pupil: the school,
    the class, the school year, the pupils' names and the text to sign."""
    sc = scope_for_class(s, actor, class_id, manage=False)
    row = visible_class(s, sc, class_id)
    pupils = s.execute(
        sa.select(User.id, User.first_name, User.last_name, User.parental_authorization_at)
        .where(User.class_id == row.id, *sc.pupil_conditions())
        .order_by(User.last_name, User.first_name, User.id)
    ).all()
    year = weeks.school_year_label(weeks.active_school_year())
    school_name = f"{sc.school.name} ({sc.school.commune})" if sc.school.commune else sc.school.name
    return {
        "title": "Autorisation parentale — stage d'observation",
        "school_name": school_name,
        "class_name": row.name,
        "year_label": year,
        "paragraphs": [
            "Je soussigné(e) ……………………………………………, représentant(e) légal(e) de l'élève "
            "{pupil}, en classe de " + row.name + " au " + school_name + ", autorise mon "
            "enfant à utiliser la plateforme MyStage pour chercher un stage d'observation et "
            f"envoyer ses candidatures pendant l'année scolaire {year}.",
            "Mon enfant pourra créer un compte avec une adresse e-mail ou un numéro de "
            "téléphone portable, consulter les offres, postuler et recevoir les réponses des "
            "employeurs. Ses candidatures sont suivies par son professeur principal et "
            "l'établissement.",
            "Fait à ……………………………, le ……………………………",
            "Signature du représentant légal :",
        ],
        "pupils": [
            {
                "id": p.id,
                "name": full_name(p.first_name, p.last_name),
                "authorized": p.parental_authorization_at is not None,
            }
            for p in pupils
        ],
    }

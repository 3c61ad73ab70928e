"""Demo: the 2de GT pupils' two-week internship (issue 15).

Run after :mod:`mystage.demo_schools` (which creates the demo lycée and its 2de pupils): the
first pupils of 2de with their parents' authorization apply, through the services, to the
first published demo offer open to 2de for both national June weeks, as ONE two-week
application (« Les 2 semaines »); the employer accepts the first one, which its pupil
confirms (both weeks' places taken, the convention created), and the second one.  Without
2de pupils (no lycée in the demo yet) or without such an offer it does nothing.  The mails
it queues are dropped, as :mod:`mystage.demo_schools` does: the dev mailbox starts empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import Application, AppState, Offer, OfferState, OfferWeek, Outbox, Role, User
from mystage.services import applications, weeks

MOTIVATION = (
    "Je suis en seconde et j'aimerais découvrir ce métier pendant les deux semaines de juin "
    "pour m'aider à choisir mes spécialités."
)
PUPILS = 3  # applications made: the first confirmed, the second accepted, the third sent


def seed_seconde_applications(s: Session) -> int:
    """Two-week applications of the demo's 2de pupils; returns how many were made."""
    pupils = s.exec(
        select(User)
        .where(
            User.role == Role.ELEVE,
            User.level == "2de_gt",
            User.parental_authorization_at.is_not(None),
            User.deleted_at.is_(None),
        )
        .order_by(User.id)
        .limit(PUPILS)
    ).all()
    if not pupils:
        return 0
    today = clock.today_paris()
    first, second = weeks.seconde_weeks(weeks.upcoming_seconde_year(today), "both")
    offer = s.exec(
        select(Offer)
        .where(
            Offer.state == OfferState.PUBLISHED,
            Offer.level_2de == sa.true(),
            Offer.seconde_period == "both",
            Offer.id.in_(sa.select(OfferWeek.offer_id).where(OfferWeek.week_start == second)),
        )
        .order_by(Offer.id)
    ).first()
    if offer is None or first <= today:
        return 0
    boss = s.get(User, offer.created_by_id) if offer.created_by_id else None
    before = s.execute(sa.select(sa.func.max(Outbox.id))).scalar() or 0
    period = weeks.period_value(first, 2)
    made = 0
    for n, pupil in enumerate(pupils):
        app_id, _errors = applications.apply(
            s, pupil, offer.id, week=period, motivation=MOTIVATION,
            contact_phone="", contact_email="", referent_email="",
        )  # fmt: skip
        if app_id is None:
            continue
        made += 1
        state = s.execute(sa.select(Application.state).where(Application.id == app_id)).scalar()
        if boss is None or state != AppState.SENT or n > 1:
            continue
        if applications.transition(s, boss, app_id, "accept", "Bienvenue pour ces deux semaines !"):
            continue
        if n == 0:
            applications.confirm(s, pupil, app_id)
    s.execute(sa.delete(Outbox).where(Outbox.id > before))
    s.commit()
    return made

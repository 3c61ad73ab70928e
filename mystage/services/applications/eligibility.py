"""May this pupil apply to this offer now?  (The « Postuler » button and, later, the
application service use the same answer.)"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import Offer, OfferSchool, OfferState, OfferWeek, Role, School, User
from mystage.services import geo, offers, weeks

# The level named in the refusal, by offer column.
_LEVEL_NAMES = {"level_2de": "2de", "level_3e": "3e", "level_4e": "4e"}

MSG_OUT_OF_SCOPE = (
    "Cette offre est à plus de {km} km de ton établissement. Ton établissement peut ouvrir "
    "la recherche à toute la France."
)
MSG_UNDER_14 = (
    "Tu auras moins de 14 ans pendant ce stage : la loi ne permet d'observer que dans une "
    "administration, un établissement public, une collectivité ou une entreprise familiale."
)
MIN_AGE_PRIVATE = 14  # code du travail L. 4153-1 and L. 4153-5


def can_apply(s: Session, user: User | None, offer_id: int) -> tuple[bool, str]:
    """(allowed, French reason when not)."""
    if user is None:
        return False, "Connecte-toi avec ton compte élève pour postuler."
    if user.role != Role.ELEVE:
        return False, "Seuls les élèves peuvent postuler à une offre."
    offer = s.get(Offer, offer_id)
    if offer is None or offer.state != OfferState.PUBLISHED:
        return False, "Cette offre n'accepte pas de candidature."
    if reason := level_error(offer, user.level):
        return False, reason
    today = clock.today_paris()
    if (offer.application_start and today < offer.application_start) or (
        offer.application_end and today > offer.application_end
    ):
        return False, "Les candidatures ne sont pas ouvertes pour cette offre en ce moment."
    if offer.places_left <= 0:
        return False, "Cette offre n'a plus de place."
    school = s.get(School, user.school_id) if user.school_id else None
    if offer.reserved_schools:
        allowed = set(
            s.exec(select(OfferSchool.school_id).where(OfferSchool.offer_id == offer_id)).all()
        )
        if school is None or school.id not in allowed:
            return False, "Cette offre est réservée aux élèves d'autres établissements."
    if offer.reserved_rep and (school is None or school.ep not in ("REP", "REP+")):
        return False, "Cette offre est réservée aux élèves des collèges REP et REP+."
    if offer.reserved_qpv and (school is None or not school.qpv):
        return False, "Cette offre est réservée aux élèves des établissements en QPV."
    if reason := _scope_error(school, offer) or _age_error(s, user, offer, today):
        return False, reason
    if user.parental_authorization_at is None:
        return False, (
            "Tu pourras postuler dès que ton établissement aura enregistré l'autorisation de "
            "tes parents. Parles-en à ton professeur principal."
        )
    return True, ""


def level_error(offer: Offer, level: str | None) -> str:
    """Why a pupil of ``level`` may not apply to ``offer`` (not open to their level:
    2de GT → ``level_2de``, 4e → ``level_4e``, every 3e → ``level_3e``); "" when they may
    (or when the level is unknown)."""
    column = weeks.offer_level_column(level)
    if column and not getattr(offer, column):
        return f"Cette offre n'est pas ouverte aux élèves de {_LEVEL_NAMES[column]}."
    return ""


def _scope_error(school: School | None, offer: Offer) -> str:
    """Seed 002: a school searching « dans un périmètre de 60 km » (``search_scope ==
    "radius"``) lets its pupils apply only to offers within ``search_radius_km`` of it
    (great-circle distance); national scope allows every offer.  "" when allowed (also
    when a position is unknown)."""
    if school is None or school.search_scope != "radius":
        return ""
    if None in (school.latitude, school.longitude, offer.latitude, offer.longitude):
        return ""
    radius = school.search_radius_km or 60
    km = geo.haversine_km(school.latitude, school.longitude, offer.latitude, offer.longitude)
    return MSG_OUT_OF_SCOPE.format(km=radius) if km > radius else ""


def fourteenth_birthday(birth: date) -> date:
    try:
        return birth.replace(year=birth.year + MIN_AGE_PRIVATE)
    except ValueError:  # born on 29 February
        return date(birth.year + MIN_AGE_PRIVATE, 3, 1)


def age_error(pupil: User, offer: Offer, monday: date) -> str:
    """The age rule on one internship (its first Monday): a pupil under 14 observes only
    in a public employer (``is_public``) or a family business.  "" when allowed (or the
    birth date is unknown)."""
    if offer.is_public or offer.family_business or pupil.birth_date is None:
        return ""
    return MSG_UNDER_14 if monday < fourteenth_birthday(pupil.birth_date) else ""


def _age_error(s: Session, pupil: User, offer: Offer, today: date) -> str:
    """The age rule before the pupil picks a week: refused when they will be under 14 on
    every week to come of the offer that their level may take (the last one decides;
    ``apply`` checks the week chosen)."""
    if offer.is_public or offer.family_business or pupil.birth_date is None:
        return ""
    upcoming = s.execute(
        sa.select(OfferWeek.week_start).where(
            OfferWeek.offer_id == offer.id, OfferWeek.week_start > today
        )
    ).scalars()
    mine = offers.mondays_for_level(offer, list(upcoming), pupil.level or None)
    return age_error(pupil, offer, max(mine)) if mine else ""


def may_view_reserved(s: Session, viewer: User | None, offer_id: int, can_edit: bool) -> bool:
    """Offers reserved to named schools never show to other people (search and page alike):
    only their editors, admins and pupils or staff of those schools see them."""
    offer = s.get(Offer, offer_id)
    if offer is None or not offer.reserved_schools or can_edit:
        return True
    if viewer is not None and viewer.role == Role.ADMIN:
        return True
    if viewer is None or viewer.school_id is None:
        return False
    allowed = s.exec(select(OfferSchool.school_id).where(OfferSchool.offer_id == offer_id)).all()
    return viewer.school_id in set(allowed)

"""May this pupil apply to this offer now?  (The « Postuler » button and, later, the
application service use the same answer.)"""

from __future__ import annotations

from sqlmodel import Session, select

from mystage import clock
from mystage.models import Offer, OfferSchool, OfferState, Role, School, User
from mystage.services import geo, weeks
from mystage.services.applications.partner import MSG_PARTNER_SITE

# The level named in the refusal, by offer column.
_LEVEL_NAMES = {"level_2de": "2de", "level_3e": "3e", "level_4e": "4e"}

MSG_OUT_OF_SCOPE = (
    "Cette offre est à plus de {km} km de ton établissement. Ton établissement peut ouvrir "
    "la recherche à toute la France."
)


def can_apply(s: Session, user: User | None, offer_id: int) -> tuple[bool, str]:
    """(allowed, French reason when not)."""
    if user is None:
        return False, "Connecte-toi avec ton compte élève pour postuler."
    if user.role != Role.ELEVE:
        return False, "Seuls les élèves peuvent postuler à une offre."
    offer = s.get(Offer, offer_id)
    if offer is None or offer.state != OfferState.PUBLISHED:
        return False, "Cette offre n'accepte pas de candidature."
    if offer.apply_on_partner_site:
        return False, MSG_PARTNER_SITE
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
    if reason := _scope_error(school, offer):
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

"""Who may see statistics and on which territory (:class:`Scope`, :func:`scope_for`); the
labels of the filters and the messages of the statistics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import AccountStatus, Department, Role, User
from mystage.services import ministries
from mystage.services.permissions import PermissionDenied

STRUCTURE_TYPES = {"public": "Public", "prive": "Privé", "association": "Association"}
EP_FILTERS = {
    "rep_plus": "REP+",
    "rep": "REP",
    "rep_all": "REP ou REP+",
    "qpv": "QPV (hors REP)",
    "autre": "Hors éducation prioritaire",
}
EP_KINDS = {"rep_plus": "REP+", "rep": "REP", "qpv": "QPV (hors REP)", "autre": "Autres"}
LEVELS = {"4e": "4e", "3e": "3e", "2de": "2de générale et technologique"}
# Kind of the pupil's school (schools.kind), and of the schools counted.
SCHOOL_KINDS = {"college": "Collèges", "lycee": "Lycées"}
# Applications by kind of the pupil's school (chart « skind »; "" = no school recorded).
SCHOOL_KIND_ROWS = {**SCHOOL_KINDS, "": "Sans établissement"}
# Pupil levels (users.level) of each level filter.
PUPIL_LEVELS = {
    "4e": ("4e",),
    "3e": ("3e", "3e_segpa", "3e_prepa_metiers"),
    "2de": ("2de_gt",),
}
OFFER_LEVEL_COLUMNS = {"4e": "level_4e", "3e": "level_3e", "2de": "level_2de"}
NO_SECTOR = "Secteur non renseigné"
NO_COMMUNE = "Commune non renseignée"

MIN_YEAR = 2018
TOP_COMMUNES = 10
MAP_LIMIT = 2000  # communes on the map (the ones with the most places)
MAX_OFF_PLATFORM = 100_000

MSG_DENIED = "Les statistiques sont réservées aux référents et aux administrateurs."
MSG_YEAR = "Année scolaire invalide : choisissez-la dans la liste."
MSG_DEPARTMENT = "Département inconnu : choisissez-le dans la liste."
MSG_DEPARTMENT_SCOPE = (
    "Ce département n'est pas dans votre périmètre : les chiffres de votre périmètre sont affichés."
)
MSG_ACADEMY = "Académie inconnue : choisissez-la dans la liste."
MSG_ACADEMY_SCOPE = (
    "Cette académie n'est pas dans votre périmètre : les chiffres de votre périmètre sont affichés."
)
MSG_SECTOR = "Secteur inconnu : choisissez-le dans la liste."
MSG_STRUCTURE_TYPE = "Type de structure inconnu : public, privé ou association."
MSG_EP = "Choix inconnu : REP+, REP, REP ou REP+, QPV ou hors éducation prioritaire."
MSG_LEVEL = "Niveau inconnu : 4e, 3e ou 2de."
MSG_SCHOOL_KIND = "Type d'établissement inconnu : collèges ou lycées."
MSG_MINISTRY = "Ministère ou institution de tutelle inconnu : choisissez-le dans la liste."
MSG_MINISTRY_SCOPE = (
    "Votre compte couvre les offres d'un seul ministère : les chiffres de ce ministère sont "
    "affichés."
)
MSG_COUNT = f"Indiquez un nombre de stages entre 0 et {MAX_OFF_PLATFORM}."
MSG_KIND = "Choisissez le type de structure : public, privé ou association."
MSG_OFF_DENIED = "Vous ne pouvez pas saisir de chiffres pour ce département."
MSG_OFF_NOT_FOUND = "Cette saisie n'existe pas ou ne vous appartient pas."

_DEPT_RE = re.compile(r"^(?:\d{2,3}|2[AB])$")

# --- who may see statistics -----------------------------------------------------------------

STATS_ROLES = frozenset(
    {Role.REFERENT_DEPARTEMENTAL, Role.REFERENT_ACADEMIQUE, Role.REFERENT_CENTRAL, Role.ADMIN}
)


def _active(user: Any) -> bool:
    return (
        isinstance(user, User)
        and user.id is not None
        and user.status == AccountStatus.ACTIVE
        and user.deleted_at is None
        and user.anonymized_at is None
    )


def can_view_stats(user: Any) -> bool:
    """The « Statistiques » page and its exports: active référents (with a territory for
    départemental and académique ones) and admins."""
    if not _active(user) or user.role not in STATS_ROLES:
        return False
    if user.role == Role.REFERENT_DEPARTEMENTAL:
        return bool((user.department_code or "").strip())
    if user.role == Role.REFERENT_ACADEMIQUE:
        return bool((user.academy or "").strip())
    return True


def can_enter_off_platform(user: Any) -> bool:
    """Off-platform figures: partner associations (operators), référents, admins."""
    return _active(user) and (user.role == Role.OPERATEUR or can_view_stats(user))


@dataclass(frozen=True)
class Scope:
    """The territory a viewer may see: ``departments`` None means all of France;
    ``ministry`` (a slug) limits it to the offers of one ministry (référent central bound
    to a ministry), None to every offer."""

    departments: frozenset[str] | None
    label: str
    role: str = ""
    ministry: str | None = None

    @property
    def national(self) -> bool:
        return self.departments is None

    def allows(self, department_code: str) -> bool:
        return self.departments is None or department_code in self.departments


def _departments_of_academy(s: Session, academy: str) -> frozenset[str]:
    rows = s.execute(sa.select(Department.code).where(Department.academy == academy)).scalars()
    return frozenset(rows)


def scope_for(s: Session, user: Any) -> Scope:
    """The viewer's territory; PermissionDenied for anyone who may not see statistics."""
    if not can_view_stats(user):
        raise PermissionDenied(MSG_DENIED)
    if user.role == Role.REFERENT_DEPARTEMENTAL:
        code = user.department_code.strip().upper()
        name = s.execute(sa.select(Department.name).where(Department.code == code)).scalar()
        return Scope(frozenset({code}), f"{name or 'Département'} ({code})", user.role)
    if user.role == Role.REFERENT_ACADEMIQUE:
        academy = user.academy.strip()
        depts = _departments_of_academy(s, academy)
        return Scope(depts, f"Académie de {academy}", user.role)
    bound = (user.ministry or "").strip() if user.role == Role.REFERENT_CENTRAL else ""
    if bound:
        # A slug that left the list still binds (to no offer): never widened to France.
        return Scope(None, ministries.territory(bound), user.role, bound)
    return Scope(None, "France entière", user.role)


def _scope_for_off_platform(s: Session, user: Any) -> Scope:
    if can_view_stats(user):
        return scope_for(s, user)
    if can_enter_off_platform(user):  # operators: national partners
        return Scope(None, "France entière", user.role)
    raise PermissionDenied(MSG_DENIED)

"""The kinds of export files (:data:`EXPORT_KINDS`), who may export what (:func:`can_export`,
the viewer's scope and filters) and :class:`Prepared`, an export ready to run."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Application, Offer, OfferWeek, Role, School, Sector, Structure, User
from mystage.services import permissions, stats
from mystage.services.exports.xlsx import Col
from mystage.services.permissions import PermissionDenied

YIELD_PER = 2_000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


EXPORT_KINDS = {
    "offers": "Offres",
    "applications": "Candidatures",
    "rep_schools": "Établissements REP et REP+",
    "stats_sector": "Statistiques par secteur",
    "stats_structure": "Statistiques par type de structure",
    "audit_log": "Journal des actions",
}
FILE_SLUGS = {
    "offers": "offres",
    "applications": "candidatures",
    "rep_schools": "etablissements-rep",
    "stats_sector": "statistiques-secteurs",
    "stats_structure": "statistiques-structures",
    "audit_log": "journal",
}
STATS_ONLY_KINDS = frozenset({"rep_schools", "stats_sector", "stats_structure"})
ADMIN_ONLY_KINDS = frozenset({"audit_log"})  # the back office's « Journal »
REGISTERED_FILTERS = {"tous": "Tous", "inscrits": "Inscrits", "non_inscrits": "Non inscrits"}
JOB_STATUS_LABELS = {
    "queued": "En attente",
    "running": "En cours",
    "done": "Prêt",
    "failed": "Échec",
    "expired": "Expiré",
}
# Applications the employer never saw (still with the school, or refused by it).
NOT_SENT_STATES = ("submitted", "awaiting_school", "refused_by_school")

MSG_DENIED = "Vous n'avez pas accès à cet export."
MSG_KIND = "Export inconnu."
MSG_REGISTERED = "Choisissez : inscrits, non inscrits ou tous."
MSG_EMPTY = "Aucune ligne à exporter avec ces critères."
MSG_QUEUED = (
    "Le fichier est volumineux ({rows} lignes) : il est préparé en arrière-plan et vous sera "
    "transmis par e-mail."
)
MSG_FAILED = "L'export a échoué. Relancez-le ; si le problème continue, contactez-nous."
MSG_NO_EMAIL = "Votre compte n'a pas d'adresse e-mail : l'export ne peut pas vous être envoyé."


O = Offer.__table__.c  # noqa: E741
W = OfferWeek.__table__.c
A = Application.__table__.c
ST = Structure.__table__.c
SC = School.__table__.c
SE = Sector.__table__.c
U = User.__table__.c


@dataclass
class Viewer:
    kind: str  # "stats" (référents, admins), "employer" or "admin" (the audit log)
    user: User
    scope: stats.Scope | None = None


def can_export(user: Any, kind: Any) -> bool:
    """Who may ask for an export of ``kind`` (the rows are then limited to their scope)."""
    if not isinstance(kind, str) or kind not in EXPORT_KINDS or not isinstance(user, User):
        return False
    if kind in ADMIN_ONLY_KINDS:
        return permissions.can_admin(user)
    if stats.can_view_stats(user):
        return True
    if kind in STATS_ONLY_KINDS:
        return False
    return permissions.can_create_offer(user) and user.role in (Role.EMPLOYEUR, Role.OPERATEUR)


def _viewer(s: Session, user: Any, kind: Any) -> Viewer:
    if not can_export(user, kind):
        raise PermissionDenied(MSG_DENIED)
    if kind in ADMIN_ONLY_KINDS:
        return Viewer("admin", user)
    if stats.can_view_stats(user):
        return Viewer("stats", user, stats.scope_for(s, user))
    return Viewer("employer", user)


def _employer_offer_condition(s: Session, user: User) -> sa.ColumnElement:
    """The offers of the user's structures (active membership), created by the user, or of
    the user's association (operators)."""
    # The structures' offers (a member limited to spaces: those), the user's own ones.
    conds = [permissions.offer_scope(s, user)]
    if user.role == Role.OPERATEUR and user.operator_id is not None:
        conds.append(O.operator_id == user.operator_id)
    return sa.or_(*conds)


# --- the export kinds -----------------------------------------------------------------------


@dataclass
class Prepared:
    """An export ready to run: its query, columns, row conversion and what to store."""

    kind: str
    title: str
    columns: list[Col]
    stmt: sa.Select | None = None
    count_stmt: sa.Select | None = None
    convert: Callable[[Any], Sequence[Any]] | None = None
    rows: list[Sequence[Any]] | None = None  # small computed exports (statistics)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"mystage-{FILE_SLUGS[self.kind]}-{clock.today_paris().isoformat()}.xlsx"

    def count(self, s: Session) -> int:
        if self.rows is not None:
            return len(self.rows)
        return int(s.execute(self.count_stmt).scalar_one() or 0)

    def iter_rows(self, s: Session) -> Iterable[Sequence[Any]]:
        if self.rows is not None:
            yield from self.rows
            return
        result = s.execute(self.stmt.execution_options(yield_per=YIELD_PER))
        convert = self.convert
        if convert is None:
            yield from result
        else:
            for row in result:
                yield convert(row)


def _filters(s: Session, viewer: Viewer, params: dict[str, Any]):
    """(filters, départements, errors+notices) for a stats viewer; school year only for
    employers (None: every year)."""
    if viewer.kind == "stats":
        parsed, errors = stats.parse_filters(s, params)
        applied, depts, notices = stats.clamp(s, viewer.scope, parsed)
        return applied, depts, {**errors, **notices}
    year = None
    raw = params.get("school_year")
    if raw not in (None, ""):
        parsed, errors = stats.parse_filters(s, {"school_year": raw})
        if errors:
            return None, None, errors
        year = parsed.school_year
    return stats.Filters(school_year=year) if year else None, None, {}


def _stored_params(f: stats.Filters | None, depts: frozenset[str] | None, **extra) -> dict:
    out: dict[str, Any] = {k: v for k, v in (f.as_dict() if f else {}).items() if v is not None}
    if depts is not None:
        out["departments"] = sorted(depts)
    out.update({k: v for k, v in extra.items() if v is not None})
    return out

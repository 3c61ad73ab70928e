"""« Exporter »: xlsx files of offers, applications, REP/REP+ schools and statistics.

Kinds (:data:`EXPORT_KINDS`) and who may ask for them:

========================  =====================================================  ==========
kind                      content                                                viewers
========================  =====================================================  ==========
``offers``                offers (seed 003 columns + sector, places left, state, référents,
                          weeks, applications)                                   admins;
                                                                                 employers
                                                                                 (their own)
``applications``          applications (seed 003 « Détail des candidatures »)   same
``rep_schools``           REP and REP+ collèges, « inscrits / non inscrits /    référents,
                          tous » (seed 001)                                     admins
``stats_sector``          offers, places, fill rate… by sector (+ off-platform)  same
``stats_structure``       the same by structure type                            same
========================  =====================================================  ==========

Scope: référents and admins get their statistics scope (:func:`stats.scope_for`: one
département, an académie, France, or one ministry's offers in all of France for a
ministry-bound référent central) with the dashboard's filters, clamped the same way (so
the offers, applications and statistics files of a ministry-bound référent hold only that
ministry's offers; the REP/REP+ schools file lists every school, its application counts
only the ministry's offers);
employers and operators get the offers of their structures (active team membership), the
offers they created and, for operators, their association's offers — and only the
applications that reached them (not those still with the school or refused by it).

Columns of the applications file per viewer (data minimisation, seeds 001/003):

- everyone: CANDIDATURE_ID, AVIS_EMPLOYEUR, AVIS_REFERENT, AVIS_ELEVE, ETAT_OFFRE,
  ETAT_CANDIDATURE, DATE_MISE_A_JOUR_CANDIDATURE, SEMAINE, PRENOM, NOM, NIVEAU,
  TELEPHONE and EMAIL (the contact the pupil gave in the application), NOM_COLLEGE,
  VILLE, COLLEGE_PRIORITAIRE, NOM_EMPLOYEUR, TITRE_STAGE, O.ID, PRENOM_REFERENT,
  NOM_REFERENT, EMAIL_REFERENT (the school référent the application was sent to);
- référents and admins also: DATE_CANDIDATURE, GENRE_ELEVE, AGE (on the Monday of the
  internship week), UAI, DEPARTEMENT, SECTEUR — statistics and follow-up of pupils;
- employers never get the pupil's gender or age: hosting a pupil for a week does not need
  them.  ADRESSE (seed 003) is not exported at all: MyStage stores no pupil postal
  address.

Writing (:func:`write_xlsx`): xlsxwriter, header row bold on a light-blue fill and frozen,
autofilter over the data, widths from the column spec, dates and datetimes written as
Excel dates (``jj/mm/aaaa`` / ``jj/mm/aaaa hh:mm``, Paris time), text never turned into
formulas or links.  Rows stream from one SQL query (``yield_per``: a server-side cursor on
PostgreSQL, ``fetchmany`` batches on SQLite) into a ``constant_memory`` workbook, so a
million rows take the memory of one.

Small exports (:data:`SMALL_LIMIT` rows or fewer, counted first) come back at once as
bytes; larger ones become an :class:`~mystage.models.ExportJob` processed by the job
``exports_run`` (``mystage/jobs/exports.py``): the file is written under
``PRIVATE_DIR/exports/``, ``progress``/``total`` are updated as rows are written, and the
requester gets a mail with ``/api/exports/<token>``, valid :data:`LINK_DAYS` days, which
only the requester (logged in) can open (``mystage/api/exports.py``).
"""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import xlsxwriter
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    LEVEL_LABELS,
    OFFER_STATE_LABELS,
    Application,
    AppState,
    ExportJob,
    Offer,
    OfferWeek,
    OffPlatformFigure,
    Role,
    School,
    Sector,
    Structure,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import ministries, permissions, stats, weeks
from mystage.services.accounts import tokens
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.settings import get_settings

log = logging.getLogger(__name__)

SMALL_LIMIT = 20_000  # rows: above, the export runs in the background (EXPORT_SYNC_MAX_ROWS)
LINK_DAYS = 7
INSTANT_LINK_MINUTES = 30  # link of a small export downloaded at once from the page
PROGRESS_EVERY = 5_000  # rows between two progress updates of a background export
YIELD_PER = 2_000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOAD_URL = "/api/exports/{token}"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")

HEADER_FILL = "#E3E3FD"  # as mystage/services/xlsx.py (light blue of the public palette)
HEADER_FONT = "#000091"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

EXPORT_KINDS = {
    "offers": "Offres",
    "applications": "Candidatures",
    "rep_schools": "Établissements REP et REP+",
    "stats_sector": "Statistiques par secteur",
    "stats_structure": "Statistiques par type de structure",
}
FILE_SLUGS = {
    "offers": "offres",
    "applications": "candidatures",
    "rep_schools": "etablissements-rep",
    "stats_sector": "statistiques-secteurs",
    "stats_structure": "statistiques-structures",
}
STATS_ONLY_KINDS = frozenset({"rep_schools", "stats_sector", "stats_structure"})
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


# --- the streaming writer -------------------------------------------------------------------

TEXT, INT, NUMBER, DATE, DATETIME, PERCENT = "text", "int", "number", "date", "datetime", "percent"
_KIND = {k: k for k in (TEXT, INT, NUMBER, DATE, DATETIME, PERCENT)}  # canonical objects


@dataclass(frozen=True)
class Col:
    """One column: French ``header``, ``kind`` (text, int, number, date, datetime, percent:
    a 0..1 ratio) and ``width`` in characters."""

    header: str
    kind: str = TEXT
    width: float = 14


def _paris_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(clock.PARIS).replace(tzinfo=None)


def write_xlsx(
    target: Any,
    sheet: str,
    columns: Sequence[Col],
    rows: Iterable[Sequence[Any]],
    *,
    constant_memory: bool = True,
    progress: Callable[[int], None] | None = None,
    every: int | None = None,
) -> int:
    """Write ``rows`` (sequences in column order) as one worksheet into ``target`` (a path,
    or a BytesIO with ``constant_memory=False``); returns the number of data rows.

    Values: None and "" leave the cell empty; text cells are written as text (never a
    formula or a link); aware datetimes are shown in Paris time."""
    options: dict[str, Any] = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    if constant_memory:
        options["constant_memory"] = True
    else:
        options["in_memory"] = True
    wb = xlsxwriter.Workbook(target, options)
    n = 0
    try:
        ws = wb.add_worksheet(sheet[:31])
        header = wb.add_format(
            {
                "bold": True,
                "bg_color": HEADER_FILL,
                "font_color": HEADER_FONT,
                "border": 1,
                "text_wrap": True,
                "valign": "top",
            }
        )
        f_date = wb.add_format({"num_format": DATE_FORMAT})
        f_dt = wb.add_format({"num_format": DATETIME_FORMAT})
        f_pct = wb.add_format({"num_format": "0.0 %"})
        f_num = wb.add_format({"num_format": "0.00"})
        for i, col in enumerate(columns):
            ws.set_column(i, i, col.width)
            ws.write_string(0, i, col.header, header)
        ws.freeze_panes(1, 0)
        kinds = [_KIND[c.kind] for c in columns]  # the constants themselves: `is` below
        ws_string, ws_number, ws_datetime = ws.write_string, ws.write_number, ws.write_datetime
        paris = clock.PARIS
        every = max(1, every or PROGRESS_EVERY)
        next_progress = every
        for n, row in enumerate(rows, start=1):
            for i, v in enumerate(row):
                if v is None or v == "":
                    continue
                k = kinds[i]
                if k is TEXT:
                    ws_string(n, i, v if v.__class__ is str else str(v))
                elif k is INT:
                    ws_number(n, i, v)
                elif k is DATETIME:
                    if v.tzinfo is not None:
                        v = v.astimezone(paris).replace(tzinfo=None)
                    ws_datetime(n, i, v, f_dt)
                elif k is DATE:
                    ws_datetime(n, i, v, f_date)
                elif k is PERCENT:
                    ws_number(n, i, v, f_pct)
                else:
                    ws_number(n, i, v, f_num)
            if progress is not None and n >= next_progress:
                progress(n)
                next_progress = n + every
        ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
    finally:
        wb.close()
    if progress is not None:
        progress(n)
    return n


# --- viewers and scopes ---------------------------------------------------------------------

O = Offer.__table__.c  # noqa: E741
W = OfferWeek.__table__.c
A = Application.__table__.c
ST = Structure.__table__.c
SC = School.__table__.c
SE = Sector.__table__.c
U = User.__table__.c


@dataclass
class Viewer:
    kind: str  # "stats" (référents, admins) or "employer"
    user: User
    scope: stats.Scope | None = None


def can_export(user: Any, kind: Any) -> bool:
    """Who may ask for an export of ``kind`` (the rows are then limited to their scope)."""
    if not isinstance(kind, str) or kind not in EXPORT_KINDS or not isinstance(user, User):
        return False
    if stats.can_view_stats(user):
        return True
    if kind in STATS_ONLY_KINDS:
        return False
    return permissions.can_create_offer(user) and user.role in (Role.EMPLOYEUR, Role.OPERATEUR)


def _viewer(s: Session, user: Any, kind: Any) -> Viewer:
    if not can_export(user, kind):
        raise PermissionDenied(MSG_DENIED)
    if stats.can_view_stats(user):
        return Viewer("stats", user, stats.scope_for(s, user))
    return Viewer("employer", user)


def _employer_offer_condition(s: Session, user: User) -> sa.ColumnElement:
    """The offers of the user's structures (active membership), created by the user, or of
    the user's association (operators)."""
    ids = sorted(permissions.member_structure_ids(s, user))
    conds = [O.created_by_id == user.id]
    if ids:
        conds.append(O.structure_id.in_(ids))
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


def _yes(v: Any) -> str:
    return "Oui" if v else "Non"


def _weeks_agg(dialect: str) -> tuple[sa.ColumnElement, ...]:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        listing = sa.func.string_agg(
            sa.func.to_char(W.week_start, "DD/MM/YYYY"),
            aggregate_order_by(sa.literal_column("', '"), W.week_start),
        )
    else:
        listing = sa.func.group_concat(sa.func.strftime("%d/%m/%Y", W.week_start), ", ")
    return (
        sa.func.sum(W.places).label("places"),
        sa.func.count().label("weeks"),
        listing.label("week_list"),
    )


OFFER_COLUMNS = [
    Col("O.ID", INT, 9),
    Col("TITRE", TEXT, 40),
    Col("CONTACT", TEXT, 22),
    Col("TELEPHONE", TEXT, 15),
    Col("EMAIL", TEXT, 28),
    Col("VILLE", TEXT, 20),
    Col("CODE_POSTAL", TEXT, 12),
    Col("DEPARTEMENT", TEXT, 13),
    Col("CREATION", DATETIME, 17),
    Col("DEBUT", DATE, 12),
    Col("FIN", DATE, 12),
    Col("PLACES", INT, 9),
    Col("PLACES_RESTANTES", INT, 11),
    Col("NB_SEMAINES", INT, 11),
    Col("SEMAINES", TEXT, 40),
    Col("E.ID", INT, 9),
    Col("EMPLOYEUR", TEXT, 28),
    Col("SECTEUR", TEXT, 28),
    Col("TYPE_STRUCTURE", TEXT, 14),
    Col("INSTITUTION_DE_TUTELLE", TEXT, 30),
    Col("ETAT", TEXT, 12),
    Col("PUBLIEE_LE", DATETIME, 17),
    Col("CANDIDATURES", INT, 13),
    Col("STAGES_CONFIRMES", INT, 12),
    Col("ANNEE_SCOLAIRE", TEXT, 12),
]


def _offers(s: Session, viewer: Viewer, params: dict[str, Any]) -> tuple[Prepared, dict]:
    f, depts, errors = _filters(s, viewer, params)
    if errors and f is None and viewer.kind == "employer":
        return None, errors
    dialect = s.get_bind().dialect.name
    wk = sa.select(W.offer_id, *_weeks_agg(dialect)).group_by(W.offer_id).subquery("wk")
    apps = (
        sa.select(
            A.offer_id,
            sa.func.count().label("applications"),
            sa.func.sum(sa.case((A.state == AppState.CONFIRMED.value, 1), else_=0)).label(
                "confirmed"
            ),
        )
        .where(A.state.not_in(NOT_SENT_STATES))
        .group_by(A.offer_id)
        .subquery("ap")
    )
    if viewer.kind == "stats":
        conds = stats.offer_conditions(f.school_year, depts, f) + [O.state != "draft"]
    else:
        conds = [_employer_offer_condition(s, viewer.user)]
        if f is not None:
            conds.append(O.school_year == f.school_year)
    base = Offer.__table__.outerjoin(Structure.__table__, ST.id == O.structure_id)
    stmt = (
        sa.select(
            O.id,
            O.title,
            O.tutor_name,
            sa.func.coalesce(sa.func.nullif(O.tutor_phone, ""), O.contact_phone),
            O.contact_email,
            O.city,
            O.postal_code,
            O.department_code,
            O.created_at,
            O.first_week,
            O.last_week,
            wk.c.places,
            O.places_left,
            wk.c.weeks,
            wk.c.week_list,
            O.structure_id,
            O.employer_name,
            SE.name,
            stats.structure_type_expr(),
            O.state,
            O.published_at,
            apps.c.applications,
            apps.c.confirmed,
            O.school_year,
            O.ministry,
        )
        .select_from(
            base.outerjoin(wk, wk.c.offer_id == O.id)
            .outerjoin(apps, apps.c.offer_id == O.id)
            .outerjoin(Sector.__table__, SE.id == O.sector_id)
        )
        .where(*conds)
        .order_by(O.id)
    )
    count_stmt = sa.select(sa.func.count()).select_from(base).where(*conds)
    labels = stats.STRUCTURE_TYPES
    ministry_label = ministries.label
    friday = timedelta(days=4)

    def convert(r: Any) -> tuple:
        return (
            *r[:9],
            r[9],
            r[10] + friday if r[10] is not None else None,
            r[11] or 0,
            r[12],
            r[13] or 0,
            r[14],
            r[15],
            r[16],
            r[17],
            labels.get(r[18], r[18]),
            ministry_label(r[24]),
            OFFER_STATE_LABELS.get(r[19], r[19]),
            r[20],
            r[21] or 0,
            r[22] or 0,
            weeks.school_year_label(r[23]) if r[23] else "",
        )

    stored = _stored_params(f, depts)
    return Prepared(
        "offers", EXPORT_KINDS["offers"], OFFER_COLUMNS, stmt, count_stmt, convert, params=stored
    ), errors


def _stored_params(f: stats.Filters | None, depts: frozenset[str] | None, **extra) -> dict:
    out: dict[str, Any] = {k: v for k, v in (f.as_dict() if f else {}).items() if v is not None}
    if depts is not None:
        out["departments"] = sorted(depts)
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


# Application columns: (column, needs a « full » viewer).
APPLICATION_COLUMNS: list[tuple[Col, bool]] = [
    (Col("CANDIDATURE_ID", INT, 14), False),
    (Col("AVIS_EMPLOYEUR", TEXT, 16), False),
    (Col("AVIS_REFERENT", TEXT, 15), False),
    (Col("AVIS_ELEVE", TEXT, 15), False),
    (Col("ETAT_OFFRE", TEXT, 12), False),
    (Col("ETAT_CANDIDATURE", TEXT, 24), False),
    (Col("DATE_MISE_A_JOUR_CANDIDATURE", DATETIME, 17), False),
    (Col("DATE_CANDIDATURE", DATETIME, 17), True),
    (Col("SEMAINE", DATE, 12), False),
    (Col("GENRE_ELEVE", TEXT, 12), True),
    (Col("PRENOM", TEXT, 16), False),
    (Col("NOM", TEXT, 18), False),
    (Col("AGE", INT, 6), True),
    (Col("NIVEAU", TEXT, 14), False),
    (Col("TELEPHONE", TEXT, 15), False),
    (Col("EMAIL", TEXT, 28), False),
    (Col("UAI", TEXT, 10), True),
    (Col("NOM_COLLEGE", TEXT, 28), False),
    (Col("VILLE", TEXT, 18), False),
    (Col("COLLEGE_PRIORITAIRE", TEXT, 12), False),
    (Col("O.ID", INT, 9), False),
    (Col("NOM_EMPLOYEUR", TEXT, 26), False),
    (Col("TITRE_STAGE", TEXT, 36), False),
    (Col("DEPARTEMENT", TEXT, 13), True),
    (Col("SECTEUR", TEXT, 26), True),
    (Col("PRENOM_REFERENT", TEXT, 16), False),
    (Col("NOM_REFERENT", TEXT, 16), False),
    (Col("EMAIL_REFERENT", TEXT, 28), False),
]

_EMPLOYER_VIEW = {
    "sent": "NON LU",
    "read": "LU",
    "under_review": "À L'ÉTUDE",
    "accepted": "ACCEPTÉ",
    "confirmed": "ACCEPTÉ",
    "refused": "REFUSÉ",
    "cancelled_by_employer": "ANNULÉ",
    "expired": "SANS RÉPONSE",
    "place_unavailable": "PLACE PRISE",
}
_PUPIL_VIEW = {
    "accepted": "À CONFIRMER",
    "confirmed": "CONFIRMÉ",
    "cancelled_by_pupil": "ANNULÉ",
    "withdrawn": "RETIRÉ",
    "expired_by_pupil": "NON CONFIRMÉ",
}
_GENDERS = {"f": "Fille", "m": "Garçon", "np": "Non précisé"}


def avis_employeur(state: str, accepted_at: Any) -> str:
    if state in _EMPLOYER_VIEW:
        return _EMPLOYER_VIEW[state]
    return "ACCEPTÉ" if accepted_at is not None else ""


def avis_referent(state: str, validated_at: Any) -> str:
    if state == "awaiting_school":
        return "EN ATTENTE"
    if state == "refused_by_school":
        return "REFUSÉ"
    return "VALIDÉ" if validated_at is not None else ""


def age_on(birth: date | None, day: date | None) -> int | None:
    if birth is None or day is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _priority(ep: str | None, qpv: bool | None) -> str:
    if ep:
        return ep
    return "QPV" if qpv else "NON"


def _applications(s: Session, viewer: Viewer, params: dict[str, Any]):
    f, depts, errors = _filters(s, viewer, params)
    if errors and f is None and viewer.kind == "employer":
        return None, errors
    full = viewer.kind == "stats"
    columns = [c for c, needs_full in APPLICATION_COLUMNS if full or not needs_full]
    R = User.__table__.alias("ref")  # noqa: N806  (the school référent, by e-mail)
    base = (
        Application.__table__.join(Offer.__table__, O.id == A.offer_id)
        .join(User.__table__, U.id == A.pupil_id)
        .outerjoin(Structure.__table__, ST.id == O.structure_id)
        .outerjoin(School.__table__, SC.id == A.school_id)
    )
    if full:
        conds = (
            stats.offer_conditions(None, depts, f)
            + stats.application_conditions(f)
            + [A.school_year == f.school_year]
        )
    else:
        conds = [_employer_offer_condition(s, viewer.user), A.state.not_in(NOT_SENT_STATES)]
        if f is not None:
            conds.append(A.school_year == f.school_year)
    stmt = (
        sa.select(
            A.id,  # 0
            A.state,  # 1
            A.accepted_at,  # 2
            A.school_validated_at,  # 3
            O.state,  # 4
            sa.func.coalesce(A.updated_at, A.created_at),  # 5
            A.created_at,  # 6
            A.week_start,  # 7
            U.gender,  # 8
            U.first_name,  # 9
            U.last_name,  # 10
            U.birth_date,  # 11
            U.level,  # 12
            A.contact_phone,  # 13
            A.contact_email,  # 14
            SC.uai,  # 15
            SC.name,  # 16
            SC.commune,  # 17
            SC.ep,  # 18
            SC.qpv,  # 19
            O.id,  # 20
            O.employer_name,  # 21
            O.title,  # 22
            O.department_code,  # 23
            SE.name,  # 24
            R.c.first_name,  # 25
            R.c.last_name,  # 26
            A.referent_email,  # 27
        )
        .select_from(
            base.outerjoin(Sector.__table__, SE.id == O.sector_id).outerjoin(
                R, sa.and_(R.c.email == A.referent_email, A.referent_email != "")
            )
        )
        .where(*conds)
        .order_by(A.id)
    )
    count_stmt = sa.select(sa.func.count()).select_from(base).where(*conds)
    app_labels = {k.value: v for k, v in APP_STATE_LABELS.items()}
    offer_labels = {k.value: v for k, v in OFFER_STATE_LABELS.items()}
    level_labels = {k.value: v for k, v in LEVEL_LABELS.items()}
    pupil_view = _PUPIL_VIEW

    if full:

        def convert(r: Any) -> tuple:
            st = r[1]
            return (
                r[0],
                avis_employeur(st, r[2]),
                avis_referent(st, r[3]),
                pupil_view.get(st, ""),
                offer_labels.get(r[4], r[4]),
                app_labels.get(st, st),
                r[5],
                r[6],
                r[7],
                _GENDERS.get(r[8], ""),
                r[9],
                r[10],
                age_on(r[11], r[7]),
                level_labels.get(r[12], r[12]),
                r[13],
                r[14],
                r[15],
                r[16],
                r[17],
                _priority(r[18], r[19]) if r[16] is not None else "",
                r[20],
                r[21],
                r[22],
                r[23],
                r[24],
                r[25],
                r[26],
                r[27],
            )

    else:

        def convert(r: Any) -> tuple:
            st = r[1]
            return (
                r[0],
                avis_employeur(st, r[2]),
                avis_referent(st, r[3]),
                pupil_view.get(st, ""),
                offer_labels.get(r[4], r[4]),
                app_labels.get(st, st),
                r[5],
                r[7],
                r[9],
                r[10],
                level_labels.get(r[12], r[12]),
                r[13],
                r[14],
                r[16],
                r[17],
                _priority(r[18], r[19]) if r[16] is not None else "",
                r[20],
                r[21],
                r[22],
                r[25],
                r[26],
                r[27],
            )

    stored = _stored_params(f, depts)
    return Prepared(
        "applications",
        EXPORT_KINDS["applications"],
        columns,
        stmt,
        count_stmt,
        convert,
        params=stored,
    ), errors


REP_COLUMNS = [
    Col("UAI", TEXT, 10),
    Col("ETABLISSEMENT", TEXT, 36),
    Col("TYPE", TEXT, 7),
    Col("QPV", TEXT, 6),
    Col("SECTEUR", TEXT, 9),
    Col("ADRESSE", TEXT, 32),
    Col("CODE_POSTAL", TEXT, 12),
    Col("COMMUNE", TEXT, 22),
    Col("DEPARTEMENT", TEXT, 13),
    Col("ACADEMIE", TEXT, 18),
    Col("INSCRIT", TEXT, 8),
    Col("DATE_INSCRIPTION", DATETIME, 17),
    Col("EMAIL", TEXT, 28),
    Col("CANDIDATURES", INT, 13),
    Col("STAGES_CONFIRMES", INT, 12),
]


def _rep_schools(s: Session, viewer: Viewer, params: dict[str, Any]):
    f, depts, errors = _filters(s, viewer, params)
    registered = params.get("registered", "tous")
    if not isinstance(registered, str) or registered not in REGISTERED_FILTERS:
        errors = {**errors, "registered": MSG_REGISTERED}
        registered = "tous"
    conds = [SC.status == "open", SC.ep.in_(("REP", "REP+"))]
    if depts is not None:
        conds.append(SC.department_code.in_(sorted(depts)) if depts else sa.false())
    if f.ep in ("rep", "rep_plus"):
        conds.append(SC.ep == ("REP" if f.ep == "rep" else "REP+"))
    if registered == "inscrits":
        conds.append(SC.registered_at.is_not(None))
    elif registered == "non_inscrits":
        conds.append(SC.registered_at.is_(None))
    app_conds = [A.school_year == f.school_year, A.school_id.is_not(None)]
    if f.ministry is not None:  # a ministry's view: its offers' applications only
        app_conds.append(A.offer_id.in_(sa.select(O.id).where(O.ministry == f.ministry)))
    apps = (
        sa.select(
            A.school_id,
            sa.func.count().label("applications"),
            sa.func.sum(sa.case((A.state == AppState.CONFIRMED.value, 1), else_=0)).label(
                "confirmed"
            ),
        )
        .where(*app_conds)
        .group_by(A.school_id)
        .subquery("ap")
    )
    stmt = (
        sa.select(
            SC.uai,
            SC.name,
            SC.ep,
            SC.qpv,
            SC.sector,
            SC.address,
            SC.postal_code,
            SC.commune,
            SC.department_code,
            SC.academy,
            SC.registered_at,
            SC.email,
            apps.c.applications,
            apps.c.confirmed,
        )
        .select_from(School.__table__.outerjoin(apps, apps.c.school_id == SC.id))
        .where(*conds)
        .order_by(SC.department_code, SC.commune, SC.name)
    )
    count_stmt = sa.select(sa.func.count()).select_from(School.__table__).where(*conds)
    sectors = {"public": "Public", "private": "Privé"}

    def convert(r: Any) -> tuple:
        return (
            r[0],
            r[1],
            r[2],
            _yes(r[3]),
            sectors.get(r[4], r[4]),
            r[5],
            r[6],
            r[7],
            r[8],
            r[9],
            _yes(r[10] is not None),
            r[10],
            r[11] if r[10] is not None else "",
            r[12] or 0,
            r[13] or 0,
        )

    stored = _stored_params(f, depts, registered=registered)
    return Prepared(
        "rep_schools", EXPORT_KINDS["rep_schools"], REP_COLUMNS, stmt, count_stmt, convert,
        params=stored,
    ), errors  # fmt: skip


STATS_COLUMNS = [
    Col("OFFRES", INT, 10),
    Col("PLACES_PROPOSEES", INT, 12),
    Col("PLACES_POURVUES", INT, 12),
    Col("TAUX_REMPLISSAGE", PERCENT, 12),
    Col("CANDIDATURES", INT, 13),
    Col("HORS_PLATEFORME", INT, 12),
]


def _stats_table(s: Session, viewer: Viewer, params: dict[str, Any], kind: str):
    """One row per sector (every sector, zeros included) or per structure type."""
    f, depts, errors = _filters(s, viewer, params)
    chart = "sector" if kind == "stats_sector" else "stype"
    # No sector: key None live, "" in the summary table.
    rows = {r.key or None: r for r in stats.chart_rows(s, chart, f, depts)}
    off = OffPlatformFigure.__table__.c
    off_col = off.sector_id if chart == "sector" else off.kind
    off_rows = dict(
        s.execute(
            sa.select(off_col, sa.func.sum(off.count))
            .where(*stats.off_platform_conditions(f.school_year, depts, f))
            .group_by(off_col)
        ).all()
    )
    if chart == "sector":
        keys = [
            (str(i), n, i)
            for i, n in s.execute(sa.select(SE.id, SE.name).order_by(SE.name)).all()
            if f.sector_id is None or i == f.sector_id
        ]
        if None in rows:
            keys.append((None, stats.NO_SECTOR, None))
        first = Col("SECTEUR", TEXT, 40)
    else:
        keys = [
            (k, label, k)
            for k, label in stats.STRUCTURE_TYPES.items()
            if f.structure_type is None or k == f.structure_type
        ]
        first = Col("TYPE_STRUCTURE", TEXT, 18)
    out = []
    for key, label, off_key in keys:
        r = rows.get(key)
        places = int(r.places) if r else 0
        filled = int(r.confirmed) if r else 0
        out.append(
            (
                label,
                int(r.offers) if r else 0,
                places,
                filled,
                (filled / places) if places else 0.0,
                int(r.applications) if r else 0,
                int(off_rows.get(off_key) or 0),
            )
        )
    stored = _stored_params(f, depts)
    return Prepared(
        kind, EXPORT_KINDS[kind], [first, *STATS_COLUMNS], rows=out, params=stored
    ), errors


def prepare(s: Session, user: Any, kind: Any, params: Any = None) -> tuple[Prepared | None, dict]:
    """Check the viewer, parse and clamp the filters, build the export.  Returns
    ``(prepared, notices)``; PermissionDenied for a viewer who may not have this export."""
    viewer = _viewer(s, user, kind)
    data = params if isinstance(params, dict) else {}
    if kind == "offers":
        return _offers(s, viewer, data)
    if kind == "applications":
        return _applications(s, viewer, data)
    if kind == "rep_schools":
        return _rep_schools(s, viewer, data)
    return _stats_table(s, viewer, data, kind)


# --- requesting an export -------------------------------------------------------------------


def request_export(s: Session, user: Any, kind: Any, params: Any = None) -> dict[str, Any]:
    """« Exporter »: a small export comes back at once (``status="ready"`` with ``data``,
    ``filename``, ``mime``); a large one is queued (``status="queued"``, ``job_id``) and
    will arrive by mail.  ``status="error"`` with a French ``error`` otherwise; the filter
    notices (a département outside the scope…) are in ``notices``."""
    if not isinstance(kind, str) or kind not in EXPORT_KINDS:
        return {"status": "error", "error": MSG_KIND, "notices": {}}
    prepared, notices = prepare(s, user, kind, params)
    if prepared is None:
        return {"status": "error", "error": next(iter(notices.values())), "notices": notices}
    rows = prepared.count(s)
    if rows == 0:
        return {"status": "error", "error": MSG_EMPTY, "notices": notices, "rows": 0}
    if rows <= small_limit():
        buf = io.BytesIO()
        written = write_xlsx(
            buf, prepared.title, prepared.columns, prepared.iter_rows(s), constant_memory=False
        )
        return {
            "status": "ready",
            "data": buf.getvalue(),
            "filename": prepared.filename,
            "mime": XLSX_MIME,
            "rows": written,
            "notices": notices,
        }
    if not user.email:
        return {"status": "error", "error": MSG_NO_EMAIL, "notices": notices}
    job = ExportJob(
        user_id=user.id,
        kind=kind,
        params=json.dumps(prepared.params, ensure_ascii=False),
        status="queued",
        total=rows,
        created_at=clock.now(),
    )
    s.add(job)
    s.commit()
    return {
        "status": "queued",
        "job_id": job.id,
        "rows": rows,
        "message": MSG_QUEUED.format(rows=f"{rows:,}".replace(",", "\u202f")),
        "notices": notices,
    }


def small_limit() -> int:
    """Rows above which an export is queued: :data:`SMALL_LIMIT` unless the deployment sets
    ``EXPORT_SYNC_MAX_ROWS``."""
    configured = get_settings().export_sync_max_rows
    return configured if configured > 0 else SMALL_LIMIT


def export_for_download(s: Session, user: Any, kind: Any, params: Any = None) -> dict[str, Any]:
    """« Exporter » from a page: like :func:`request_export`, but a small file is stored
    in the private folder behind a short-lived private link (``status="ready"`` with
    ``url`` and ``filename``) instead of travelling in the page's websocket.  The export is
    recorded as a finished job, so the requester's list shows it too."""
    result = request_export(s, user, kind, params)
    if result["status"] != "ready":
        return result
    now = clock.now()
    job = ExportJob(
        user_id=user.id,
        kind=kind,
        params="{}",
        status="running",
        total=result["rows"],
        created_at=now,
        started_at=now,
    )
    s.add(job)
    s.flush()
    final = exports_dir() / f"{job.id}-{secrets.token_hex(8)}.xlsx"
    final.write_bytes(result.pop("data"))
    raw = _mark_done(s, job, final, result["rows"], timedelta(minutes=INSTANT_LINK_MINUTES))
    s.commit()
    result["url"] = DOWNLOAD_URL.format(token=raw)
    return result


def _mark_done(s: Session, job: ExportJob, final: Path, rows: int, valid_for: timedelta) -> str:
    """A written file becomes its job's download: done, its private link (only the token's
    hash is stored) valid ``valid_for``.  Returns the raw token (not committed)."""
    raw = tokens.new_token()
    now = clock.now()
    job.status = "done"
    job.progress = rows
    job.total = rows
    job.file_path = str(final.relative_to(get_settings().private_dir))
    job.token_hash = tokens.hash_token(raw)
    job.expires_at = now + valid_for
    job.finished_at = now
    s.add(job)
    return raw


def _job_dict(job: ExportJob) -> dict[str, Any]:
    total = max(int(job.total or 0), 0)
    progress = min(max(int(job.progress or 0), 0), total) if total else 0
    return {
        "id": job.id,
        "kind": job.kind,
        "title": EXPORT_KINDS.get(job.kind, job.kind),
        "status": job.status,
        "status_label": JOB_STATUS_LABELS.get(job.status, job.status),
        "progress": progress,
        "total": total,
        "percent": int(100 * progress / total) if total else (100 if job.status == "done" else 0),
        "error": job.error or "",
        "created_at": clock.fmt_paris(job.created_at),
        "expires_at": clock.fmt_paris(job.expires_at),
    }


def export_status(s: Session, user: Any, job_id: Any) -> dict[str, Any] | None:
    """Progress of one of the requester's background exports (None for anyone else)."""
    if not permissions.is_authenticated(user):
        return None
    jid = client_id(job_id)
    job = s.get(ExportJob, jid) if jid is not None else None
    if job is None or job.user_id != user.id:
        return None
    s.refresh(job)
    return _job_dict(job)


def my_exports(s: Session, user: Any, limit: int = 10) -> list[dict[str, Any]]:
    """The requester's latest background exports, newest first."""
    if not permissions.is_authenticated(user):
        return []
    rows = s.execute(
        sa.select(ExportJob)
        .where(ExportJob.user_id == user.id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
        .limit(max(1, min(int(limit), 50)))
    ).scalars()
    return [_job_dict(j) for j in rows]


# --- background exports (called by the job) -------------------------------------------------


def exports_dir() -> Path:
    path = get_settings().private_dir / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@templates.template("export_ready")
def export_ready_mail(url: str, title: str, first_name: str = "", valid_for: str = "7 jours"):
    """To the requester of a large export: the file is ready (link for them only)."""
    subject = f"Votre export MyStage est prêt : {title.lower()}"
    body = templates.mail_body(
        first_name,
        f"Le fichier « {title} » que vous avez demandé sur MyStage est prêt. "
        "Téléchargez-le avec ce lien :",
        url=url,
        after=(
            f"Le lien est valable {valid_for}. Il ne s'ouvre que si vous êtes connecté avec "
            "le compte qui a demandé l'export. Ce fichier contient des données personnelles : "
            "ne le transférez pas et supprimez-le quand vous n'en avez plus besoin."
        ),
    )
    return subject, body


def _set_progress(job_id: int, n: int) -> None:
    """Progress in its own short transaction (the export's read cursor stays open)."""
    from mystage import db

    with db.engine().begin() as conn:
        conn.execute(
            sa.update(ExportJob.__table__).where(ExportJob.__table__.c.id == job_id).values(progress=n)
        )  # fmt: skip


def claim_next(s: Session) -> ExportJob | None:
    """Take the oldest queued export (conditional UPDATE: one runner gets it) and commit."""
    jobs = ExportJob.__table__.c
    while True:
        job_id = s.execute(
            sa.select(jobs.id).where(jobs.status == "queued").order_by(jobs.id).limit(1)
        ).scalar()
        if job_id is None:
            return None
        res = s.execute(
            sa.update(ExportJob.__table__)
            .where(jobs.id == job_id, jobs.status == "queued")
            .values(status="running", started_at=clock.now(), progress=0)
        )
        s.commit()
        if res.rowcount == 1:
            job = s.get(ExportJob, job_id)
            s.refresh(job)
            return job


def run_job(s: Session, job: ExportJob) -> bool:
    """Write a claimed export to the private folder, then mark it done and mail the link
    (one transaction).  The requester's rights are checked again now: a référent who lost
    the role, or a changed scope, cannot receive more than allowed today."""
    final = exports_dir() / f"{job.id}-{secrets.token_hex(8)}.xlsx"
    partial = final.with_suffix(".part")
    try:
        user = s.get(User, job.user_id)
        params = json.loads(job.params or "{}")
        prepared, _ = prepare(s, user, job.kind, params if isinstance(params, dict) else {})
        if prepared is None:
            raise PermissionDenied(MSG_DENIED)
        job_id = job.id
        written = write_xlsx(
            str(partial),
            prepared.title,
            prepared.columns,
            prepared.iter_rows(s),
            constant_memory=True,
            progress=lambda n: _set_progress(job_id, n),
        )
        partial.rename(final)
        job = s.get(ExportJob, job_id)
        s.refresh(job)
        raw = _mark_done(s, job, final, written, timedelta(days=LINK_DAYS))
        subject, body = templates.render(
            "export_ready",
            url=DOWNLOAD_URL.format(token=raw),
            title=prepared.title,
            first_name=user.first_name,
            valid_for=f"{LINK_DAYS} jours",
        )
        queue_mail(
            s,
            to=user.email,
            subject=subject,
            body=body,
            action_url=templates.link(DOWNLOAD_URL.format(token=raw)),
            template="export_ready",
            user_id=user.id,
            dedupe_key=f"export_ready:{job_id}",
        )
        s.commit()
        return True
    except Exception as exc:  # noqa: BLE001 - recorded on the job, the next one still runs
        log.exception("Export %s en échec", job.id)
        s.rollback()
        for p in (partial, final):
            p.unlink(missing_ok=True)
        failed = s.get(ExportJob, job.id)
        if failed is not None:
            failed.status = "failed"
            failed.error = MSG_DENIED if isinstance(exc, PermissionDenied) else MSG_FAILED
            failed.finished_at = clock.now()
            s.add(failed)
            s.commit()
        return False


def download_path(s: Session, user: Any, raw_token: Any) -> tuple[Path, str] | None:
    """The file of a finished export for its requester, with a valid unexpired link; None
    otherwise (unknown, expired, purged, someone else's)."""
    if not permissions.is_authenticated(user):
        return None
    if not isinstance(raw_token, str) or not TOKEN_RE.match(raw_token):
        return None
    job = s.execute(
        sa.select(ExportJob).where(ExportJob.token_hash == tokens.hash_token(raw_token))
    ).scalar_one_or_none()
    if job is None or job.user_id != user.id or job.status != "done" or not job.file_path:
        return None
    expires = clock.as_utc(job.expires_at)
    if expires is None or expires <= clock.now():
        return None
    root = get_settings().private_dir.resolve()
    path = (root / job.file_path).resolve()
    if root / "exports" not in path.parents or not path.is_file():
        return None
    name = f"mystage-{FILE_SLUGS.get(job.kind, 'export')}-{clock.fmt_paris(job.created_at, False)}"
    return path, name.replace("/", "-") + ".xlsx"


def purge_expired(s: Session) -> int:
    """Delete the files of expired exports (status ``expired``), fail exports stuck in
    ``running`` for more than a day, remove stray files.  Returns files deleted."""
    now = clock.now()
    root = get_settings().private_dir
    deleted = 0
    expired = (
        s.execute(
            sa.select(ExportJob).where(ExportJob.status == "done", ExportJob.expires_at <= now)
        )
        .scalars()
        .all()
    )
    for job in expired:
        if job.file_path:
            path = root / job.file_path
            if path.is_file():
                path.unlink()
                deleted += 1
        job.status = "expired"
        job.file_path = ""
        s.add(job)
    stuck = s.execute(
        sa.select(ExportJob).where(
            ExportJob.status == "running", ExportJob.started_at <= now - timedelta(days=1)
        )
    ).scalars()
    for job in stuck:
        job.status = "failed"
        job.error = MSG_FAILED
        job.finished_at = now
        s.add(job)
    s.flush()
    live = {
        p
        for (p,) in s.execute(
            sa.select(ExportJob.file_path).where(ExportJob.status == "done")
        ).all()
        if p
    }
    folder = root / "exports"
    if folder.is_dir():
        for path in folder.iterdir():
            rel = str(path.relative_to(root))
            age = now.timestamp() - path.stat().st_mtime
            if rel not in live and age > 86400 and path.is_file():
                path.unlink()
                deleted += 1
    s.commit()
    return deleted


__all__ = [
    "EXPORT_KINDS",
    "SMALL_LIMIT",
    "Col",
    "Prepared",
    "can_export",
    "claim_next",
    "download_path",
    "export_for_download",
    "export_status",
    "my_exports",
    "prepare",
    "purge_expired",
    "request_export",
    "run_job",
    "write_xlsx",
]

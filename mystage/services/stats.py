"""Statistics (« Statistiques »): référents' dashboards, public figures, off-platform figures.

Who sees what (:func:`scope_for`)
---------------------------------
- référent départemental: its ``department_code``;
- référent académique: the départements of its ``academy`` (table ``departments``);
- référent central and admin: all of France (``departments = None``); a référent central
  bound to one ministry (``users.ministry``, see :mod:`mystage.services.ministries`) sees
  only the offers of that ministry (``offers.ministry``) and the applications made to them
  (``Scope.ministry``, forced on the filters by :func:`clamp`), the schools and the
  off-platform figures stay national (they do not depend on offers);
- anyone else (pupils, parents, school staff, employers, operators, anonymous, inactive
  accounts): refused (:class:`~mystage.services.permissions.PermissionDenied`).

An offer belongs to the département of its place (``offers.department_code``); an
application to the département of its offer; a school to its own département.  So a
départemental référent sees the offers of its département, the applications made to them
(whichever the pupil's school) and the schools of its département — nothing else.

Filters (:class:`Filters`, built from anything by :func:`parse_filters`): school year,
département or académie (always intersected with the scope: a filter outside the scope
is *clamped* to the scope with a notice, never widened), sector, structure type
(public / privé / association), ministry or « institution de tutelle » of public employers
(always the bound ministry of a ministry-bound référent central), priority education of
the pupil's school (REP+, REP, REP ou REP+, QPV, hors éducation prioritaire) and level
(4e, 3e, 2de: the offer accepts the level; for applications, the pupil's level).  The
REP/QPV filter concerns pupils and schools, so it leaves offer counts and places offered
unchanged.

Figures (every one an aggregate SQL query over the data — no hand-edited numbers):

- tiles: offers published (published once and not removed, of the school year), places
  offered (sum of the places of their weeks), places filled (confirmed applications),
  fill rate, applications, pupils with a confirmed internship (distinct pupils),
  schools eligible / registered, with the REP and REP+ counts;
- charts: places offered vs filled per month (month of the internship week),
  applications by state, offers / places / fill rate by sector, by structure type, REP+ /
  REP / QPV / others, top communes and the points of a clustered map of offers by commune;
- off-platform internships (« stages pourvus hors plateforme », seed 001) by structure
  type and by sector, entered by partner associations and référents.

Live queries and the summary table
----------------------------------
Every chart is ``SELECT key, sum(measures) FROM <facts> GROUP BY key`` where ``<facts>``
is a ``UNION ALL`` of one row per offer, per offer week and per application, carrying
the dimensions the chart needs (:func:`_facts`).  At national scale (200,000 offers,
3 million applications) scanning the applications takes seconds, and even a
département's queries read national-size tables with PostgreSQL's default plans, so the
job ``stats_refresh`` (``mystage/jobs/exports.py``) stores the same aggregates per
(school year, département, key) in ``stats_summary`` (:data:`SUMMARY`), built by the same
``<facts>`` queries.  :func:`dashboard` reads the summary when it exists and is filled
for the year and no fine filter (sector, structure type, ministry, REP/QPV, level) is
set — for France, an académie or a département alike; otherwise it runs the live queries
(a fine filter is selective).  The result says which (``source``) and when the summary was
computed (``updated_at``).  Tests check that both give the same figures.

Distinct pupils cannot be added up over départements: the summary keeps exact rows for
France, each académie and each département; any other set of départements is counted
live.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    AccountStatus,
    Application,
    AppState,
    Department,
    Offer,
    OfferWeek,
    OffPlatformFigure,
    Role,
    School,
    Sector,
    Structure,
    User,
)
from mystage.services import ministries, weeks
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied

# --- labels ---------------------------------------------------------------------------------

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


# --- filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    school_year: int
    department: str | None = None
    academy: str | None = None
    sector_id: int | None = None
    structure_type: str | None = None
    ep: str | None = None
    level: str | None = None
    ministry: str | None = None

    @property
    def fine(self) -> bool:
        """A filter the summary table cannot answer (it is split by département only)."""
        return any(
            v is not None
            for v in (self.sector_id, self.structure_type, self.ep, self.level, self.ministry)
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


INT_MAX = 2**31 - 1  # the databases' INTEGER: larger ids cannot exist and must not be bound


def _as_int(value: Any) -> int | None:
    """An integer from a crafted payload (int or digits), None when it is anything else or
    outside the 32-bit range of our columns."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 12:
        value = int(value.strip())
    if isinstance(value, int) and -INT_MAX <= value <= INT_MAX:
        return value
    return None


def _as_str(value: Any, max_len: int = 80) -> str:
    if not isinstance(value, str):
        return ""
    return value.strip()[:max_len]


def parse_filters(
    s: Session, raw: Any, *, default_year: int | None = None
) -> tuple[Filters, dict[str, str]]:
    """Filters from any payload (dict of strings from a form or a URL, or junk): unknown or
    invalid values are dropped with a French error keyed by field."""
    data: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    errors: dict[str, str] = {}
    year = default_year or weeks.active_school_year()

    raw_year = data.get("school_year")
    if raw_year not in (None, ""):
        y = _as_int(raw_year)
        if y is None or not MIN_YEAR <= y <= weeks.active_school_year() + 1:
            errors["school_year"] = MSG_YEAR
        else:
            year = y

    department = None
    raw_dept = _as_str(data.get("department"), 5).upper()
    if raw_dept:
        known = _DEPT_RE.match(raw_dept) and s.get(Department, raw_dept) is not None
        if known:
            department = raw_dept
        else:
            errors["department"] = MSG_DEPARTMENT

    academy = None
    raw_academy = _as_str(data.get("academy"), 60)
    if raw_academy:
        exists = s.execute(
            sa.select(Department.code).where(Department.academy == raw_academy).limit(1)
        ).first()
        if exists:
            academy = raw_academy
        else:
            errors["academy"] = MSG_ACADEMY

    sector_id = None
    raw_sector = data.get("sector_id", data.get("sector"))
    if raw_sector not in (None, ""):
        sid = client_id(raw_sector)
        if sid is None or s.get(Sector, sid) is None:
            errors["sector_id"] = MSG_SECTOR
        else:
            sector_id = sid

    structure_type = None
    raw_type = _as_str(data.get("structure_type"), 20)
    if raw_type:
        if raw_type in STRUCTURE_TYPES:
            structure_type = raw_type
        else:
            errors["structure_type"] = MSG_STRUCTURE_TYPE

    ep = None
    raw_ep = _as_str(data.get("ep"), 20)
    if raw_ep:
        if raw_ep in EP_FILTERS:
            ep = raw_ep
        else:
            errors["ep"] = MSG_EP

    level = None
    raw_level = _as_str(data.get("level"), 10)
    if raw_level:
        if raw_level in LEVELS:
            level = raw_level
        else:
            errors["level"] = MSG_LEVEL

    ministry = None
    raw_ministry = _as_str(data.get("ministry"), ministries.MAX_LENGTH + 1)
    if raw_ministry:
        if ministries.is_known(raw_ministry):
            ministry = raw_ministry
        else:
            errors["ministry"] = MSG_MINISTRY

    filters = Filters(year, department, academy, sector_id, structure_type, ep, level, ministry)
    return filters, errors


def clamp(
    s: Session, scope: Scope, filters: Filters
) -> tuple[Filters, frozenset[str] | None, dict[str, str]]:
    """Intersect the département/académie filters with the scope, and force the ministry of
    a ministry-bound scope.

    Returns the filters actually applied, the départements to read (None = all France) and
    notices.  A filter outside the scope is dropped (the scope itself is shown): never
    widened."""
    notices: dict[str, str] = {}
    depts = scope.departments
    if scope.ministry is not None and filters.ministry != scope.ministry:
        if filters.ministry is not None:
            notices["ministry"] = MSG_MINISTRY_SCOPE
        filters = replace(filters, ministry=scope.ministry)
    if filters.academy is not None:
        acad = _departments_of_academy(s, filters.academy)
        inside = acad if depts is None else acad & depts
        if inside:
            depts = inside
        else:
            notices["academy"] = MSG_ACADEMY_SCOPE
            filters = replace(filters, academy=None)
    if filters.department is not None:
        if depts is None or filters.department in depts:
            depts = frozenset({filters.department})
        else:
            notices["department"] = MSG_DEPARTMENT_SCOPE
            filters = replace(filters, department=None)
    return filters, depts, notices


# --- the summary table ----------------------------------------------------------------------

SUMMARY_METADATA = sa.MetaData()
# Aggregates per (kind, school year, département, key), rebuilt by the job ``stats_refresh``
# from the same ``_facts`` queries as the live dashboard.  Not a SQLModel table yet: its
# migration is to be added (see the module docstring of mystage/jobs/exports.py).
SUMMARY = sa.Table(
    "stats_summary",
    SUMMARY_METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("school_year", sa.Integer, nullable=False),
    sa.Column("department_code", sa.String(3), nullable=False, server_default=""),
    sa.Column("key", sa.String(64), nullable=False, server_default=""),
    sa.Column("label", sa.String(150), nullable=False, server_default=""),
    sa.Column("latitude", sa.Float, nullable=True),
    sa.Column("longitude", sa.Float, nullable=True),
    sa.Column("offers", sa.Integer, nullable=False, server_default="0"),
    sa.Column("places", sa.Integer, nullable=False, server_default="0"),
    sa.Column("applications", sa.Integer, nullable=False, server_default="0"),
    sa.Column("confirmed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_stats_summary_lookup", "kind", "school_year", "department_code"),
)
NATIONAL_KEY = "*"  # department_code of national rows (distinct pupils)


def summary_exists(s: Session) -> bool:
    return sa.inspect(s.connection()).has_table(SUMMARY.name)


# --- the facts: one row per offer, offer week and application ------------------------------

O = Offer.__table__.c  # noqa: E741
W = OfferWeek.__table__.c
A = Application.__table__.c
ST = Structure.__table__.c
SC = School.__table__.c
U = User.__table__.c
OFFERS_T = Offer.__table__
WEEKS_T = OfferWeek.__table__
APPS_T = Application.__table__
STRUCT_T = Structure.__table__
SCHOOLS_T = School.__table__
USERS_T = User.__table__


def structure_type_expr() -> sa.ColumnElement:
    """Association (the structure is one), public (the offer says so, or the structure is
    an administration / collectivité), privé otherwise."""
    return sa.case(
        (ST.status == "association", sa.literal("association")),
        (sa.or_(O.is_public, ST.status.in_(("administration", "collectivite"))), "public"),
        else_=sa.literal("prive"),
    )


def _ep_kind() -> sa.ColumnElement:
    """Priority education of the pupil's school (no school: « autre »)."""
    return sa.case(
        (SC.ep == "REP+", sa.literal("rep_plus")),
        (SC.ep == "REP", sa.literal("rep")),
        (SC.qpv.is_(True), sa.literal("qpv")),
        else_=sa.literal("autre"),
    )


def _ep_condition(ep: str) -> sa.ColumnElement:
    if ep == "rep_plus":
        return SC.ep == "REP+"
    if ep == "rep":
        return SC.ep == "REP"
    if ep == "rep_all":
        return SC.ep.in_(("REP", "REP+"))
    if ep == "qpv":
        return sa.and_(SC.qpv.is_(True), sa.func.coalesce(SC.ep, "") == "")
    return sa.and_(
        sa.func.coalesce(SC.ep, "") == "", sa.func.coalesce(SC.qpv, sa.false()).is_(False)
    )


def _month(col: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    if dialect == "postgresql":
        return sa.func.to_char(col, "YYYY-MM")
    return sa.func.strftime("%Y-%m", col)


def _published() -> list[sa.ColumnElement]:
    return [O.published_at.is_not(None), O.state != "removed"]


def offer_conditions(
    year: int | None, depts: frozenset[str] | None, f: Filters | None
) -> list[sa.ColumnElement]:
    """Conditions on ``offers`` (and ``structures`` for the structure type) of a scope."""
    conds: list[sa.ColumnElement] = []
    if year is not None:
        conds.append(O.school_year == year)
    if depts is not None:
        conds.append(O.department_code.in_(sorted(depts)) if depts else sa.false())
    if f is not None:
        if f.sector_id is not None:
            conds.append(O.sector_id == f.sector_id)
        if f.structure_type is not None:
            conds.append(structure_type_expr() == f.structure_type)
        if f.level is not None:
            conds.append(getattr(O, OFFER_LEVEL_COLUMNS[f.level]).is_(True))
        if f.ministry is not None:
            conds.append(O.ministry == f.ministry)
    return conds


def application_conditions(f: Filters | None) -> list[sa.ColumnElement]:
    """Conditions on the pupil side of an application (school, level)."""
    conds: list[sa.ColumnElement] = []
    if f is not None and f.ep is not None:
        conds.append(_ep_condition(f.ep))
    if f is not None and f.level is not None:
        conds.append(U.level.in_(PUPIL_LEVELS[f.level]))
    return conds


# Which rows each chart reads, and its key.
KINDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "total": (("offer", "week", "app"), None),
    "month": (("week", "app"), "month"),
    "state": (("app",), "state"),
    "sector": (("offer", "week", "app"), "sector"),
    "stype": (("offer", "week", "app"), "stype"),
    "ep": (("app",), "ep"),
    "commune": (("offer", "week", "app"), "commune"),
}


def _key_expr(key: str | None, part: str, dialect: str) -> sa.ColumnElement:
    if key is None:
        return sa.literal("")
    if key == "month":
        return _month(W.week_start if part == "week" else A.week_start, dialect)
    if key == "state":
        return A.state
    if key == "sector":
        return sa.cast(O.sector_id, sa.String)
    if key == "stype":
        return structure_type_expr()
    if key == "ep":
        return _ep_kind()
    if key == "commune":
        return O.insee_code
    raise ValueError(key)


def _facts(
    kind: str,
    dialect: str,
    year: int | None,
    depts: frozenset[str] | None,
    f: Filters | None,
) -> sa.Subquery:
    """``UNION ALL`` of the rows a chart aggregates: columns school_year, department_code,
    key, label, latitude, longitude, offers, places, applications, confirmed."""
    parts, key = KINDS[kind]
    commune = key == "commune"
    with_structure = key == "stype" or (f is not None and f.structure_type is not None)
    ocond = offer_conditions(year, depts, f) + _published()
    selects = []
    for part in parts:
        cols = [
            (A.school_year if part == "app" else O.school_year).label("school_year"),
            O.department_code.label("department_code"),
            _key_expr(key, part, dialect).label("key"),
            (O.city if commune else sa.literal("")).label("label"),
            (O.latitude if commune else sa.cast(sa.null(), sa.Float)).label("latitude"),
            (O.longitude if commune else sa.cast(sa.null(), sa.Float)).label("longitude"),
        ]
        if part == "offer":
            cols += [
                sa.literal(1).label("offers"),
                sa.literal(0).label("places"),
                sa.literal(0).label("applications"),
                sa.literal(0).label("confirmed"),
            ]
            frm = OFFERS_T
            if with_structure:
                frm = frm.outerjoin(STRUCT_T, ST.id == O.structure_id)
            where = list(ocond)
        elif part == "week":
            cols += [
                sa.literal(0).label("offers"),
                W.places.label("places"),
                sa.literal(0).label("applications"),
                sa.literal(0).label("confirmed"),
            ]
            frm = WEEKS_T.join(OFFERS_T, O.id == W.offer_id)
            if with_structure:
                frm = frm.outerjoin(STRUCT_T, ST.id == O.structure_id)
            where = list(ocond)
        else:
            cols += [
                sa.literal(0).label("offers"),
                sa.literal(0).label("places"),
                sa.literal(1).label("applications"),
                sa.case((A.state == AppState.CONFIRMED.value, 1), else_=0).label("confirmed"),
            ]
            frm = APPS_T.join(OFFERS_T, O.id == A.offer_id)
            if with_structure:
                frm = frm.outerjoin(STRUCT_T, ST.id == O.structure_id)
            if key == "ep" or (f is not None and f.ep is not None):
                frm = frm.outerjoin(SCHOOLS_T, SC.id == A.school_id)
            if f is not None and f.level is not None:
                frm = frm.join(USERS_T, U.id == A.pupil_id)
            # Applications count for the year they belong to; the offer side only gives the
            # territory and the offer filters.
            where = offer_conditions(None, depts, f) + _published() + application_conditions(f)
            if year is not None:
                where.append(A.school_year == year)
        selects.append(sa.select(*cols).select_from(frm).where(*where))
    union = selects[0] if len(selects) == 1 else sa.union_all(*selects)
    return union.subquery("facts")


# Keys of the charts computed together by :func:`_all_charts` (one scan, GROUPING SETS).
GROUPED_KEYS = ("month", "state", "sector", "stype", "ep", "commune")


def _all_facts(
    dialect: str, year: int, depts: frozenset[str] | None, f: Filters | None
) -> sa.Subquery:
    """Every fact of every chart in one ``UNION ALL``: one column per chart key (``k_<key>``,
    NULL where the part does not feed that chart: offers have no month, offers and weeks no
    application state nor school), so one ``GROUPING SETS`` query computes them all."""
    ocond = offer_conditions(year, depts, f) + _published()
    null_str = sa.cast(sa.null(), sa.String)

    def keys(part: str) -> list[sa.ColumnElement]:
        return [
            (null_str if part == "offer" else _key_expr("month", part, dialect)).label("k_month"),
            (A.state if part == "app" else null_str).label("k_state"),
            _key_expr("sector", part, dialect).label("k_sector"),
            structure_type_expr().label("k_stype"),
            (_ep_kind() if part == "app" else null_str).label("k_ep"),
            O.insee_code.label("k_commune"),
            O.city.label("label"),
            O.latitude.label("latitude"),
            O.longitude.label("longitude"),
        ]

    def measures(*values: Any) -> list[sa.ColumnElement]:
        names = ("offers", "places", "applications", "confirmed")
        return [
            (sa.literal(v) if isinstance(v, int) else v).label(n)
            for v, n in zip(values, names, strict=True)
        ]

    offer_sel = (
        sa.select(*keys("offer"), *measures(1, 0, 0, 0))
        .select_from(OFFERS_T.outerjoin(STRUCT_T, ST.id == O.structure_id))
        .where(*ocond)
    )
    week_sel = (
        sa.select(*keys("week"), *measures(0, W.places, 0, 0))
        .select_from(
            WEEKS_T.join(OFFERS_T, O.id == W.offer_id).outerjoin(STRUCT_T, ST.id == O.structure_id)
        )
        .where(*ocond)
    )
    frm = (
        APPS_T.join(OFFERS_T, O.id == A.offer_id)
        .outerjoin(STRUCT_T, ST.id == O.structure_id)
        .outerjoin(SCHOOLS_T, SC.id == A.school_id)
    )
    if f is not None and f.level is not None:
        frm = frm.join(USERS_T, U.id == A.pupil_id)
    app_where = offer_conditions(None, depts, f) + _published() + application_conditions(f)
    app_where.append(A.school_year == year)
    confirmed = sa.case((A.state == AppState.CONFIRMED.value, 1), else_=0)
    app_sel = sa.select(*keys("app"), *measures(0, 0, 1, confirmed)).select_from(frm)
    app_sel = app_sel.where(*app_where)
    return sa.union_all(offer_sel, week_sel, app_sel).subquery("facts")


def _all_charts(
    s: Session,
    timer: _Timer,
    dialect: str,
    year: int,
    depts: frozenset[str] | None,
    f: Filters | None,
) -> dict[str, list[Any]]:
    """The rows of every chart (``total`` and :data:`GROUPED_KEYS`) from one scan of the
    live facts, PostgreSQL only (``GROUPING SETS``): what :func:`_chart_stmt` gives chart
    by chart, in the same shape, for the live dashboards (fine filters) that would
    otherwise scan the applications once per chart."""
    facts = _all_facts(dialect, year, depts, f)
    c = facts.c
    cols = {key: c[f"k_{key}"] for key in GROUPED_KEYS}
    sets = [sa.tuple_()] + [sa.tuple_(col) for col in cols.values()]
    stmt = sa.select(
        *[sa.func.grouping(col).label(f"g_{key}") for key, col in cols.items()],
        *[col for col in cols.values()],
        sa.func.max(c.label).label("label"),
        sa.func.avg(c.latitude).label("latitude"),
        sa.func.avg(c.longitude).label("longitude"),
        *_measures(facts),
    ).group_by(sa.func.grouping_sets(*sets))
    out: dict[str, list[Any]] = {"total": [], **{key: [] for key in GROUPED_KEYS}}
    for r in timer.run("all_charts", s, stmt):
        flat = [key for key in GROUPED_KEYS if getattr(r, f"g_{key}") == 0]
        kind = flat[0] if flat else "total"
        value = getattr(r, f"k_{kind}") if flat else ""
        if kind in ("month", "state", "ep") and value is None:
            continue  # the rows of the parts that do not feed this chart
        out[kind].append(
            _ChartRow(value, r.label, r.latitude, r.longitude, r.offers, r.places,
                      r.applications, r.confirmed)
        )  # fmt: skip
    out["commune"].sort(key=lambda r: (-int(r.places), -int(r.offers), r.key or ""))
    del out["commune"][MAP_LIMIT:]
    return out


@dataclass(frozen=True)
class _ChartRow:
    key: str | None
    label: str | None
    latitude: float | None
    longitude: float | None
    offers: int
    places: int
    applications: int
    confirmed: int


def _measures(src: Any) -> list[sa.ColumnElement]:
    return [
        sa.func.coalesce(sa.func.sum(src.c.offers), 0).label("offers"),
        sa.func.coalesce(sa.func.sum(src.c.places), 0).label("places"),
        sa.func.coalesce(sa.func.sum(src.c.applications), 0).label("applications"),
        sa.func.coalesce(sa.func.sum(src.c.confirmed), 0).label("confirmed"),
    ]


def _chart_stmt(
    kind: str,
    dialect: str,
    year: int,
    depts: frozenset[str] | None,
    f: Filters | None,
    use_summary: bool,
) -> sa.Select:
    """One aggregate query per chart, over the live facts or over the summary table."""
    if use_summary:
        src = SUMMARY.c
        conds = [src.kind == kind, src.school_year == year]
        if depts is not None:
            conds.append(src.department_code.in_(sorted(depts)))
        frm: Any = SUMMARY
        measure_src: Any = SUMMARY
    else:
        frm = _facts(kind, dialect, year, depts, f)
        src = frm.c
        conds = []
        measure_src = frm
    grouped = KINDS[kind][1] is not None
    key = src.key if grouped else sa.literal("")
    cols = [key.label("key"), *_measures(measure_src)]
    if kind == "commune":
        cols += [
            sa.func.max(src.label).label("label"),
            sa.func.avg(src.latitude).label("latitude"),
            sa.func.avg(src.longitude).label("longitude"),
        ]
    stmt = sa.select(*cols).select_from(frm).where(*conds)
    if grouped:
        stmt = stmt.group_by(src.key)
    if kind == "commune":
        places = sa.func.coalesce(sa.func.sum(measure_src.c.places), 0)
        offers = sa.func.coalesce(sa.func.sum(measure_src.c.offers), 0)
        stmt = stmt.order_by(places.desc(), offers.desc(), src.key).limit(MAP_LIMIT)
    return stmt


# --- refresh of the summary -----------------------------------------------------------------


def refresh_summary(s: Session, years: list[int] | None = None) -> int:
    """Rebuild ``stats_summary`` (every kind, every département) for ``years`` (default:
    the active school year and the previous one) in the caller's transaction.  Returns the
    number of rows written; 0 when the table does not exist."""
    if not summary_exists(s):
        return 0
    dialect = s.get_bind().dialect.name
    if years is None:
        active = weeks.active_school_year()
        years = [active - 1, active]
    now = clock.now()
    s.execute(SUMMARY.delete().where(SUMMARY.c.school_year.in_(years)))
    for year in years:
        for kind in KINDS:
            facts = _facts(kind, dialect, year, None, None)
            c = facts.c
            cols = [
                sa.literal(kind).label("kind"),
                sa.literal(year).label("school_year"),
                c.department_code,
                sa.func.coalesce(c.key, "").label("key"),
                sa.func.coalesce(sa.func.max(c.label), "").label("label"),
                sa.func.avg(c.latitude).label("latitude"),
                sa.func.avg(c.longitude).label("longitude"),
                *_measures(facts),
                sa.literal(now, sa.DateTime(timezone=True)).label("refreshed_at"),
            ]
            select = sa.select(*cols).group_by(c.department_code, c.key)
            s.execute(
                SUMMARY.insert().from_select(
                    [
                        "kind",
                        "school_year",
                        "department_code",
                        "key",
                        "label",
                        "latitude",
                        "longitude",
                        "offers",
                        "places",
                        "applications",
                        "confirmed",
                        "refreshed_at",
                    ],
                    select,
                )
            )
        # Distinct pupils cannot be added up: one exact row for France, per académie and
        # per département.
        dept_t = Department.__table__
        base = APPS_T.join(OFFERS_T, O.id == A.offer_id).outerjoin(
            dept_t, dept_t.c.code == O.department_code
        )
        conds = [A.state == AppState.CONFIRMED.value, A.school_year == year, *_published()]
        pupils = sa.func.count(sa.distinct(A.pupil_id))
        stamp = sa.literal(now, sa.DateTime(timezone=True))
        target = ["kind", "school_year", "department_code", "key", "confirmed", "refreshed_at"]
        for select in (
            sa.select(sa.literal("pupils"), sa.literal(year), sa.literal(NATIONAL_KEY),
                      sa.literal(""), pupils, stamp).select_from(base).where(*conds),
            sa.select(sa.literal("pupils"), sa.literal(year), sa.literal(NATIONAL_KEY),
                      dept_t.c.academy, pupils, stamp).select_from(base)
            .where(*conds, dept_t.c.academy.is_not(None)).group_by(dept_t.c.academy),
            sa.select(sa.literal("pupils"), sa.literal(year), O.department_code,
                      sa.literal(""), pupils, stamp).select_from(base)
            .where(*conds).group_by(O.department_code),
        ):  # fmt: skip
            s.execute(SUMMARY.insert().from_select(target, select))
    written = s.execute(
        sa.select(sa.func.count()).select_from(SUMMARY).where(SUMMARY.c.school_year.in_(years))
    ).scalar_one()
    return int(written)


def _summary_refreshed_at(s: Session, year: int) -> datetime | None:
    value = s.execute(
        sa.select(sa.func.max(SUMMARY.c.refreshed_at)).where(
            SUMMARY.c.kind == "pupils", SUMMARY.c.school_year == year
        )
    ).scalar()
    if isinstance(value, str):  # SQLite without type processing on a Core aggregate
        value = datetime.fromisoformat(value)
    return clock.as_utc(value)


def _pupils_row(s: Session, depts: frozenset[str] | None) -> tuple[str, str] | None:
    """``(department_code, key)`` of the summary row counting the distinct pupils of
    ``depts``: France, one département, or exactly the départements of one académie;
    None for any other set (then counted live)."""
    if depts is None:
        return NATIONAL_KEY, ""
    if len(depts) == 1:
        return next(iter(depts)), ""
    academies = (
        s.execute(
            sa.select(Department.academy).where(Department.code.in_(sorted(depts))).distinct()
        )
        .scalars()
        .all()
    )
    if len(academies) == 1 and academies[0] and _departments_of_academy(s, academies[0]) == depts:
        return NATIONAL_KEY, academies[0]
    return None


def _summary_ready(s: Session, year: int) -> datetime | None:
    """When the summary of ``year`` was computed; None when there is no summary."""
    if not summary_exists(s):
        return None
    return _summary_refreshed_at(s, year)


def chart_rows(s: Session, kind: str, f: Filters, depts: frozenset[str] | None) -> list[Any]:
    """Rows ``key, offers, places, applications, confirmed`` of one chart (exports of the
    statistics by sector and by structure type), with the dashboard's rule for the
    summary table."""
    use_summary = not f.fine and _summary_ready(s, f.school_year) is not None
    dialect = s.get_bind().dialect.name
    return s.execute(_chart_stmt(kind, dialect, f.school_year, depts, f, use_summary)).all()


# --- the dashboard --------------------------------------------------------------------------


class _Timer:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def run(self, name: str, s: Session, stmt: Any) -> list[Any]:
        started = time.perf_counter()
        rows = s.execute(stmt).all()
        self.rows.append({"query": name, "ms": round((time.perf_counter() - started) * 1000, 2)})
        return rows


def _rate(filled: int, offered: int) -> float:
    return round(100.0 * filled / offered, 1) if offered else 0.0


def _month_label(key: str) -> str:
    try:
        year, month = key.split("-")
        return f"{weeks.MONTHS_ABBR[int(month) - 1]} {year}"
    except (ValueError, IndexError, AttributeError):
        return key or ""


def _sector_names(s: Session) -> dict[str, str]:
    return {str(i): n for i, n in s.execute(sa.select(Sector.id, Sector.name)).all()}


def _school_conditions(depts: frozenset[str] | None, f: Filters) -> list[sa.ColumnElement]:
    conds = [SC.status == "open"]
    if depts is not None:
        conds.append(SC.department_code.in_(sorted(depts)) if depts else sa.false())
    if f.level == "2de":
        conds.append(SC.kind == "lycee")
    elif f.level in ("4e", "3e"):
        conds.append(SC.kind == "college")
    if f.ep is not None:
        conds.append(_ep_condition(f.ep))
    return conds


def _pupils_stmt(year: int, depts: frozenset[str] | None, f: Filters) -> sa.Select:
    frm: Any = APPS_T
    conds = [A.state == AppState.CONFIRMED.value, A.school_year == year]
    offer_conds = offer_conditions(None, depts, f)
    if offer_conds:
        frm = frm.join(OFFERS_T, O.id == A.offer_id)
        if f.structure_type is not None:
            frm = frm.outerjoin(STRUCT_T, ST.id == O.structure_id)
        conds += offer_conds + _published()
    else:
        # Same rows as the charts: applications to offers that count as published.
        frm = frm.join(OFFERS_T, O.id == A.offer_id)
        conds += _published()
    if f.ep is not None:
        frm = frm.outerjoin(SCHOOLS_T, SC.id == A.school_id)
    if f.level is not None:
        frm = frm.join(USERS_T, U.id == A.pupil_id)
    conds += application_conditions(f)
    return sa.select(sa.func.count(sa.distinct(A.pupil_id))).select_from(frm).where(*conds)


def off_platform_conditions(
    year: int, depts: frozenset[str] | None, f: Filters
) -> list[sa.ColumnElement]:
    c = OffPlatformFigure.__table__.c
    conds = [c.school_year == year]
    if depts is not None:
        conds.append(c.department_code.in_(sorted(depts)) if depts else sa.false())
    if f.sector_id is not None:
        conds.append(c.sector_id == f.sector_id)
    if f.structure_type is not None:
        conds.append(c.kind == f.structure_type)
    return conds


def _compute(
    s: Session,
    depts: frozenset[str] | None,
    f: Filters,
    *,
    force_live: bool = False,
) -> dict[str, Any]:
    """Every tile and chart for the départements ``depts`` (None: France) and filters."""
    dialect = s.get_bind().dialect.name
    timer = _Timer()
    year = f.school_year
    refreshed_at = None
    started = time.perf_counter()
    use_summary = False
    if not force_live and not f.fine:
        t0 = time.perf_counter()
        refreshed_at = _summary_ready(s, year)
        use_summary = refreshed_at is not None
        timer.rows.append(
            {"query": "summary_check", "ms": round((time.perf_counter() - t0) * 1000, 2)}
        )

    # Live on PostgreSQL with a selective filter (a fine filter, or some départements):
    # every chart from one scan of the facts (GROUPING SETS) instead of one scan per chart
    # — France + a sector at 3M applications: 915 → 340 ms (bench/dashboard.py).  Over
    # every application of France (no summary yet) the sets outgrow work_mem and one scan
    # is slower (19 s vs 16 s): one query per chart, as on SQLite (no GROUPING SETS).
    selective = f.fine or depts is not None
    grouped = (
        _all_charts(s, timer, dialect, year, depts, f)
        if not use_summary and dialect == "postgresql" and selective
        else None
    )

    def chart(kind: str) -> list[Any]:
        if grouped is not None:
            return grouped[kind]
        return timer.run(kind, s, _chart_stmt(kind, dialect, year, depts, f, use_summary))

    (total,) = chart("total") or [None]
    offers = int(total.offers) if total else 0
    places = int(total.places) if total else 0
    applications = int(total.applications) if total else 0
    filled = int(total.confirmed) if total else 0

    row = _pupils_row(s, depts) if use_summary else None
    if row is not None:
        pupils_stmt = sa.select(sa.func.coalesce(sa.func.sum(SUMMARY.c.confirmed), 0)).where(
            SUMMARY.c.kind == "pupils",
            SUMMARY.c.school_year == year,
            SUMMARY.c.department_code == row[0],
            SUMMARY.c.key == row[1],
        )
    else:
        pupils_stmt = _pupils_stmt(year, depts, f)
    pupils = int(timer.run("pupils", s, pupils_stmt)[0][0] or 0)

    by_month = [
        {
            "month": r.key,
            "label": _month_label(r.key),
            "offered": int(r.places),
            "filled": int(r.confirmed),
        }
        for r in sorted(chart("month"), key=lambda r: r.key or "")
        if r.key
    ]
    state_rows = {r.key: int(r.applications) for r in chart("state")}
    by_state = [
        {"state": st.value, "label": APP_STATE_LABELS[st], "count": state_rows.get(st.value, 0)}
        for st in AppState
        if state_rows.get(st.value, 0)
    ]
    names = _sector_names(s)
    by_sector = sorted(
        (
            {
                "sector_id": int(r.key) if r.key and r.key.isdigit() else None,
                "label": names.get(r.key or "", NO_SECTOR),
                "offers": int(r.offers),
                "places": int(r.places),
                "filled": int(r.confirmed),
                "applications": int(r.applications),
                "fill_rate": _rate(int(r.confirmed), int(r.places)),
            }
            for r in chart("sector")
        ),
        key=lambda d: (-d["offers"], d["label"]),
    )
    stype_rows = {r.key: r for r in chart("stype")}
    by_structure = [
        {
            "type": key,
            "label": label,
            "offers": int(stype_rows[key].offers) if key in stype_rows else 0,
            "places": int(stype_rows[key].places) if key in stype_rows else 0,
            "filled": int(stype_rows[key].confirmed) if key in stype_rows else 0,
            "applications": int(stype_rows[key].applications) if key in stype_rows else 0,
            "fill_rate": (
                _rate(int(stype_rows[key].confirmed), int(stype_rows[key].places))
                if key in stype_rows
                else 0.0
            ),
        }
        for key, label in STRUCTURE_TYPES.items()
    ]
    ep_rows = {r.key: r for r in chart("ep")}
    by_ep = [
        {
            "kind": key,
            "label": label,
            "applications": int(ep_rows[key].applications) if key in ep_rows else 0,
            "filled": int(ep_rows[key].confirmed) if key in ep_rows else 0,
        }
        for key, label in EP_KINDS.items()
    ]
    communes = [
        {
            "insee_code": r.key or "",
            "label": r.label or NO_COMMUNE,
            "offers": int(r.offers),
            "places": int(r.places),
            "filled": int(r.confirmed),
            "latitude": round(float(r.latitude), 5) if r.latitude is not None else None,
            "longitude": round(float(r.longitude), 5) if r.longitude is not None else None,
        }
        for r in chart("commune")
    ]
    top_communes = [c for c in communes if c["insee_code"] and c["offers"]][:TOP_COMMUNES]
    map_points = [c for c in communes if c["latitude"] is not None and c["offers"]]

    # Schools: eligible (open) and registered (the head opened the school space), by kind.
    school_rows = timer.run(
        "schools",
        s,
        sa.select(
            _ep_kind().label("ep_kind"),
            sa.func.count().label("eligible"),
            sa.func.count(SC.registered_at).label("registered"),
        )
        .where(*_school_conditions(depts, f))
        .group_by(sa.literal_column("ep_kind")),
    )
    sch = {r.ep_kind: r for r in school_rows}
    schools = [
        {
            "kind": key,
            "label": label,
            "eligible": int(sch[key].eligible) if key in sch else 0,
            "registered": int(sch[key].registered) if key in sch else 0,
        }
        for key, label in EP_KINDS.items()
    ]

    off = _off_platform(s, timer, year, depts, f, names)
    total_ms = round((time.perf_counter() - started) * 1000, 2)

    def school_total(field_name: str, kinds: tuple[str, ...] | None = None) -> int:
        return sum(r[field_name] for r in schools if kinds is None or r["kind"] in kinds)

    tiles = {
        "offers": offers,
        "places_offered": places,
        "places_filled": filled,
        "fill_rate": _rate(filled, places),
        "applications": applications,
        "pupils_confirmed": pupils,
        "schools_eligible": school_total("eligible"),
        "schools_registered": school_total("registered"),
        "rep_eligible": school_total("eligible", ("rep",)),
        "rep_registered": school_total("registered", ("rep",)),
        "rep_plus_eligible": school_total("eligible", ("rep_plus",)),
        "rep_plus_registered": school_total("registered", ("rep_plus",)),
        "off_platform": off["total"],
    }
    return {
        "source": "summary" if use_summary else "live",
        "updated_at": clock.fmt_paris(refreshed_at)
        if use_summary
        else clock.fmt_paris(clock.now()),
        "tiles": tiles,
        "tiles_list": _tiles_list(tiles),
        "charts": {
            "by_month": by_month,
            "by_state": by_state,
            "by_sector": by_sector,
            "by_structure": by_structure,
            "by_ep": by_ep,
            "top_communes": top_communes,
            "map_points": map_points,
        },
        "schools": schools,
        "off_platform": off,
        "timings": timer.rows,
        "total_ms": total_ms,
    }


def _off_platform(
    s: Session,
    timer: _Timer,
    year: int,
    depts: frozenset[str] | None,
    f: Filters,
    names: dict[str, str],
) -> dict[str, Any]:
    c = OffPlatformFigure.__table__.c
    conds = off_platform_conditions(year, depts, f)
    kinds = {
        r.kind: int(r.n)
        for r in timer.run(
            "off_platform_kind",
            s,
            sa.select(c.kind, sa.func.sum(c.count).label("n")).where(*conds).group_by(c.kind),
        )
    }
    sector_rows = timer.run(
        "off_platform_sector",
        s,
        sa.select(c.sector_id, sa.func.sum(c.count).label("n")).where(*conds).group_by(c.sector_id),
    )
    by_sector = sorted(
        (
            {
                "sector_id": r.sector_id,
                "label": names.get(str(r.sector_id), NO_SECTOR),
                "count": int(r.n or 0),
            }
            for r in sector_rows
        ),
        key=lambda d: (-d["count"], d["label"]),
    )
    by_kind = [
        {"type": key, "label": label, "count": kinds.get(key, 0)}
        for key, label in STRUCTURE_TYPES.items()
    ]
    return {"by_kind": by_kind, "by_sector": by_sector, "total": sum(kinds.values())}


def _fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def fmt_rate(rate: float) -> str:
    """« 37,5 % » (French decimal comma)."""
    return f"{rate:.1f}".replace(".", ",") + " %"


def _tiles_list(t: dict[str, Any]) -> list[dict[str, str]]:
    """The tiles in display order, formatted in French."""
    rate = fmt_rate(t["fill_rate"])
    return [
        {"key": "offers", "label": "Offres publiées", "value": _fmt_int(t["offers"])},
        {"key": "places_offered", "label": "Places proposées", "value": _fmt_int(t["places_offered"])},
        {"key": "places_filled", "label": "Places pourvues", "value": _fmt_int(t["places_filled"])},
        {"key": "fill_rate", "label": "Taux de remplissage", "value": rate},
        {"key": "applications", "label": "Candidatures", "value": _fmt_int(t["applications"])},
        {
            "key": "pupils_confirmed",
            "label": "Élèves avec un stage confirmé",
            "value": _fmt_int(t["pupils_confirmed"]),
        },
        {
            "key": "schools",
            "label": "Établissements inscrits",
            "value": f"{_fmt_int(t['schools_registered'])} / {_fmt_int(t['schools_eligible'])}",
        },
        {
            "key": "rep",
            "label": "Collèges REP et REP+ inscrits",
            "value": (
                f"{_fmt_int(t['rep_registered'] + t['rep_plus_registered'])} / "
                f"{_fmt_int(t['rep_eligible'] + t['rep_plus_eligible'])}"
            ),
        },
        {
            "key": "off_platform",
            "label": "Stages pourvus hors plateforme",
            "value": _fmt_int(t["off_platform"]),
        },
    ]  # fmt: skip


def dashboard(
    s: Session, user: Any, filters: Any = None, *, force_live: bool = False
) -> dict[str, Any]:
    """The référent's « Statistiques »: every tile and chart as plain lists of dicts.

    ``filters`` may be anything (a dict of strings from the page, junk from a crafted
    call): see :func:`parse_filters` and :func:`clamp`.  PermissionDenied for viewers who
    may not see statistics.  ``force_live`` skips the summary table (tests, benchmark)."""
    scope = scope_for(s, user)
    parsed, errors = parse_filters(s, filters)
    applied, depts, notices = clamp(s, scope, parsed)
    result = _compute(s, depts, applied, force_live=force_live)
    result.update(
        {
            "scope": {
                "label": scope.label,
                "departments": sorted(scope.departments) if scope.departments is not None else None,
            },
            "filters": applied.as_dict(),
            "departments": sorted(depts) if depts is not None else None,
            "errors": errors,
            "notices": notices,
        }
    )
    return result


def public_figures(
    s: Session, school_year: int | None = None, department: str | None = None
) -> dict[str, Any]:
    """National figures for the public « Statistiques » page and the home page (same
    aggregate services as the dashboards; no personal data, no territory below France
    except ``department``: the département of a departmental deployment)."""
    year = (
        school_year if isinstance(school_year, int) and not isinstance(school_year, bool) else None
    )
    f = Filters(year or weeks.active_school_year())
    data = _compute(s, frozenset({department}) if department else None, f)
    t = data["tiles"]
    return {
        "school_year": f.school_year,
        "school_year_label": weeks.school_year_label(f.school_year),
        "source": data["source"],
        "updated_at": data["updated_at"],
        "offers": t["offers"],
        "places_offered": t["places_offered"],
        "places_filled": t["places_filled"],
        "fill_rate": t["fill_rate"],
        "applications": t["applications"],
        "pupils_confirmed": t["pupils_confirmed"],
        "schools_registered": t["schools_registered"],
        "schools_eligible": t["schools_eligible"],
        "rep_registered": t["rep_registered"] + t["rep_plus_registered"],
        "rep_eligible": t["rep_eligible"] + t["rep_plus_eligible"],
        "off_platform": t["off_platform"],
        "tiles_list": data["tiles_list"],
        "by_month": data["charts"]["by_month"],
        "by_sector": data["charts"]["by_sector"],
        "by_structure": data["charts"]["by_structure"],
    }


def map_html(points: list[dict[str, Any]]) -> str:
    """The clustered folium map of offers by commune (``charts.map_points``)."""
    from mystage.services import maps

    pts = [
        maps.Point(
            p["latitude"],
            p["longitude"],
            f"{p['label']} : {p['offers']} offre{'s' if p['offers'] > 1 else ''}",
        )
        for p in points
        if p.get("latitude") is not None and p.get("longitude") is not None
    ]
    return maps.render_map(pts, cluster=True, fit=True, zoom=6)


def filter_options(s: Session, user: Any) -> dict[str, Any]:
    """Choices of the filter form, limited to the viewer's scope."""
    scope = scope_for(s, user)
    dept_stmt = sa.select(Department.code, Department.name, Department.academy).order_by(
        Department.code
    )
    if scope.departments is not None:
        dept_stmt = dept_stmt.where(Department.code.in_(sorted(scope.departments)))
    depts = s.execute(dept_stmt).all()
    if scope.ministry is not None:
        ministry_options = [{"value": scope.ministry, "label": ministries.label(scope.ministry)}]
    else:
        ministry_options = ministries.choices()
    active = weeks.active_school_year()
    years = list(range(active, MIN_YEAR - 1, -1))[:8]
    return {
        "school_years": [{"value": str(y), "label": weeks.school_year_label(y)} for y in years],
        "departments": [{"value": d.code, "label": f"{d.code} – {d.name}"} for d in depts],
        "academies": sorted({d.academy for d in depts if d.academy}),
        "sectors": [
            {"value": str(i), "label": n}
            for i, n in s.execute(sa.select(Sector.id, Sector.name).order_by(Sector.name)).all()
        ],
        "structure_types": [{"value": k, "label": v} for k, v in STRUCTURE_TYPES.items()],
        "ep": [{"value": k, "label": v} for k, v in EP_FILTERS.items()],
        "levels": [{"value": k, "label": v} for k, v in LEVELS.items()],
        "ministries": ministry_options,
    }


# --- off-platform figures -------------------------------------------------------------------


def add_off_platform_figure(
    s: Session,
    user: Any,
    *,
    school_year: Any,
    department_code: Any,
    kind: Any,
    sector_id: Any = None,
    count: Any,
) -> tuple[int | None, dict[str, str]]:
    """« Stages pourvus hors plateforme »: ``(id, {})`` when stored, ``(None, errors)``
    otherwise (nothing stored).  Operators (partner associations) enter figures for any
    département; référents within their scope; admins anywhere.  An empty département is a
    national figure (référents centraux, operators and admins only)."""
    scope = _scope_for_off_platform(s, user)
    errors: dict[str, str] = {}
    year = _as_int(school_year)
    if year is None or not MIN_YEAR <= year <= weeks.active_school_year() + 1:
        errors["school_year"] = MSG_YEAR
    dept = _as_str(department_code, 5).upper()
    if dept:
        if not _DEPT_RE.match(dept) or s.get(Department, dept) is None:
            errors["department_code"] = MSG_DEPARTMENT
        elif not scope.allows(dept):
            errors["department_code"] = MSG_OFF_DENIED
    elif not scope.national:
        errors["department_code"] = MSG_OFF_DENIED
    kind_value = _as_str(kind, 20)
    if kind_value not in STRUCTURE_TYPES:
        errors["kind"] = MSG_KIND
    sid = None
    if sector_id not in (None, ""):
        sid = client_id(sector_id)
        if sid is None or s.get(Sector, sid) is None:
            errors["sector_id"] = MSG_SECTOR
    n = _as_int(count)
    if n is None or not 0 <= n <= MAX_OFF_PLATFORM:
        errors["count"] = MSG_COUNT
    if errors:
        return None, errors
    row = OffPlatformFigure(
        entered_by_id=user.id,
        operator_id=user.operator_id if user.role == Role.OPERATEUR else None,
        department_code=dept,
        school_year=year,
        kind=kind_value,
        sector_id=sid,
        count=n,
        created_at=clock.now(),
    )
    s.add(row)
    s.commit()
    return row.id, {}


def list_off_platform_figures(s: Session, user: Any, school_year: Any = None) -> list[dict]:
    """The figures the viewer may see (its scope) for a school year, newest first."""
    scope = _scope_for_off_platform(s, user)
    year = _as_int(school_year) or weeks.active_school_year()
    c = OffPlatformFigure.__table__.c
    conds = [c.school_year == year]
    if scope.departments is not None:
        conds.append(c.department_code.in_(sorted(scope.departments)))
    if user.role == Role.OPERATEUR:
        conds.append(c.entered_by_id == user.id)
    names = _sector_names(s)
    rows = s.execute(
        sa.select(c.id, c.department_code, c.kind, c.sector_id, c.count, c.created_at, c.entered_by_id)
        .where(*conds)
        .order_by(c.created_at.desc(), c.id.desc())
        .limit(500)
    ).all()  # fmt: skip
    return [
        {
            "id": r.id,
            "department_code": r.department_code or "France",
            "kind": r.kind,
            "kind_label": STRUCTURE_TYPES.get(r.kind, r.kind),
            "sector": names.get(str(r.sector_id), NO_SECTOR),
            "count": int(r.count),
            "created_at": clock.fmt_paris(r.created_at),
            "mine": r.entered_by_id == user.id,
        }
        for r in rows
    ]


def delete_off_platform_figure(s: Session, user: Any, figure_id: Any) -> str:
    """Remove a wrong entry: its author, or an admin.  Returns "" or a French error."""
    _scope_for_off_platform(s, user)
    fid = client_id(figure_id)
    row = s.get(OffPlatformFigure, fid) if fid is not None else None
    if row is None or (row.entered_by_id != user.id and user.role != Role.ADMIN):
        return MSG_OFF_NOT_FOUND
    s.delete(row)
    s.commit()
    return ""


__all__ = [
    "EP_FILTERS",
    "EP_KINDS",
    "KINDS",
    "LEVELS",
    "STRUCTURE_TYPES",
    "SUMMARY",
    "Filters",
    "PermissionDenied",
    "Scope",
    "add_off_platform_figure",
    "application_conditions",
    "chart_rows",
    "can_enter_off_platform",
    "can_view_stats",
    "clamp",
    "dashboard",
    "delete_off_platform_figure",
    "filter_options",
    "list_off_platform_figures",
    "map_html",
    "off_platform_conditions",
    "offer_conditions",
    "parse_filters",
    "public_figures",
    "refresh_summary",
    "scope_for",
    "structure_type_expr",
    "summary_exists",
]

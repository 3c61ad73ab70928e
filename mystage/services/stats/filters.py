"""The dashboard's filters: :class:`Filters`, read from anything by :func:`parse_filters`,
intersected with the viewer's scope by :func:`clamp`; the choices of the filter form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Department, Sector
from mystage.services import ministries, weeks
from mystage.services.ids import client_id
from mystage.services.stats.scope import (
    _DEPT_RE,
    EP_FILTERS,
    LEVELS,
    MIN_YEAR,
    MSG_ACADEMY,
    MSG_ACADEMY_SCOPE,
    MSG_DEPARTMENT,
    MSG_DEPARTMENT_SCOPE,
    MSG_EP,
    MSG_LEVEL,
    MSG_MINISTRY,
    MSG_MINISTRY_SCOPE,
    MSG_SCHOOL_KIND,
    MSG_SECTOR,
    MSG_STRUCTURE_TYPE,
    MSG_YEAR,
    SCHOOL_KINDS,
    STRUCTURE_TYPES,
    Scope,
    _departments_of_academy,
    scope_for,
)


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
    school_kind: str | None = None  # "college" or "lycee": the pupil's school, the schools

    @property
    def fine(self) -> bool:
        """A filter the summary table cannot answer (it is split by département only)."""
        return any(
            v is not None
            for v in (
                self.sector_id,
                self.structure_type,
                self.ep,
                self.level,
                self.ministry,
                self.school_kind,
            )
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


def _choice(
    data: Mapping[str, Any],
    key: str,
    max_len: int,
    known: Callable[[str], bool],
    message: str,
    errors: dict[str, str],
    *,
    upper: bool = False,
) -> str | None:
    """The value of ``key`` when ``known``; else None, with ``message`` in ``errors`` when a
    value was given."""
    raw = _as_str(data.get(key), max_len)
    if upper:
        raw = raw.upper()
    if not raw:
        return None
    if known(raw):
        return raw
    errors[key] = message
    return None


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

    department = _choice(
        data,
        "department",
        5,
        lambda v: bool(_DEPT_RE.match(v)) and s.get(Department, v) is not None,
        MSG_DEPARTMENT,
        errors,
        upper=True,
    )
    academy = _choice(
        data,
        "academy",
        60,
        lambda v: (
            s.execute(sa.select(Department.code).where(Department.academy == v).limit(1)).first()
            is not None
        ),
        MSG_ACADEMY,
        errors,
    )

    sector_id = None
    raw_sector = data.get("sector_id", data.get("sector"))
    if raw_sector not in (None, ""):
        sid = client_id(raw_sector)
        if sid is None or s.get(Sector, sid) is None:
            errors["sector_id"] = MSG_SECTOR
        else:
            sector_id = sid

    structure_type = _choice(
        data, "structure_type", 20, STRUCTURE_TYPES.__contains__, MSG_STRUCTURE_TYPE, errors
    )
    ep = _choice(data, "ep", 20, EP_FILTERS.__contains__, MSG_EP, errors)
    level = _choice(data, "level", 10, LEVELS.__contains__, MSG_LEVEL, errors)
    ministry = _choice(
        data,
        "ministry",
        ministries.MAX_LENGTH + 1,
        ministries.is_known,
        MSG_MINISTRY,
        errors,
    )

    school_kind = _choice(
        data, "school_kind", 10, SCHOOL_KINDS.__contains__, MSG_SCHOOL_KIND, errors
    )
    filters = Filters(
        year, department, academy, sector_id, structure_type, ep, level, ministry, school_kind
    )
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
        "school_kinds": [{"value": k, "label": v} for k, v in SCHOOL_KINDS.items()],
        "ministries": ministry_options,
    }

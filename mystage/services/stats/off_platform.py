"""Off-platform internships (« stages pourvus hors plateforme »): their figures on the
dashboards and their entry by partner associations and référents."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Department, OffPlatformFigure, Role, Sector
from mystage.services import weeks
from mystage.services.ids import client_id
from mystage.services.stats.filters import Filters, _as_int, _as_str
from mystage.services.stats.scope import (
    _DEPT_RE,
    MAX_OFF_PLATFORM,
    MIN_YEAR,
    MSG_COUNT,
    MSG_DEPARTMENT,
    MSG_KIND,
    MSG_OFF_DENIED,
    MSG_OFF_NOT_FOUND,
    MSG_SECTOR,
    MSG_YEAR,
    NO_SECTOR,
    STRUCTURE_TYPES,
    _scope_for_off_platform,
)
from mystage.services.stats.sql import _sector_names, _Timer, off_platform_conditions


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

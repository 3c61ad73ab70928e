"""The place autocomplete as it was answered by SQL, up to four queries per keystroke.

Kept as the reference of :mod:`place_index` (which answers from memory): the equivalence
test (tests/unit/test_place_index.py) and ``bench/suggest.py`` compare the two.  Not used
by the app.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Commune, CommuneAlias, Department
from mystage.services.geo.communes import (
    PLM_INSEE,
    _department_code,
    _prefix_range,
)
from mystage.services.geo.place_index import _commune_item as _commune_suggestion
from mystage.services.geo.place_index import _department_item as _department_suggestion
from mystage.services.text import fold


def suggest_communes_sql(s: Session, prefix: str, limit: int = 10) -> list[dict[str, Any]]:
    """Autocomplete for a place field: « 77 », « 440 », « 44000 », « mea », « saint denis 93 ».

    Each item: ``{"kind": "commune"|"department", "label": "Meaux (77100)", "city",
    "lat", "lon", "postal_code", "insee_code", "department_code"}``.  Digits list the
    (commune, postal code) pairs; names list one entry per commune, biggest first.
    """
    if not isinstance(prefix, str):
        return []
    f = fold(prefix[:80])
    limit = max(1, min(int(limit or 10), 50))
    if not f:
        return []
    out: list[dict[str, Any]] = []
    c = Commune.__table__.c

    compact = f.replace(" ", "")
    if compact.isdigit() or compact in ("2a", "2b"):
        if code := _department_code(compact):
            dept = _department_suggestion(s, code)
            if dept:
                out.append(dept)
        if compact.isdigit() and len(compact) <= 5:
            hi = compact + "9" * (5 - len(compact))
            cond = sa.and_(c.postal_code >= compact, c.postal_code <= hi)
        elif compact in ("2a", "2b"):
            cond = c.department_code == compact.upper()
        else:
            return out
        # Paris, Marseille, Lyon: their arrondissements (« Marseille 1er Arrondissement
        # (13001) », at the arrondissement's point), not the whole city once per postal code
        # (« Marseille (13001) » at the city's centre, sixteen times).
        cond = sa.and_(cond, c.insee_code.not_in(sorted(PLM_INSEE)))
        stmt = (
            sa.select(
                c.name, c.postal_code, c.latitude, c.longitude, c.insee_code, c.department_code
            )
            .where(cond)
            .order_by(c.population.desc(), c.postal_code, c.name)
            .limit(limit - len(out))
        )
        for r in s.execute(stmt):
            out.append(
                _commune_suggestion(
                    r.name,
                    r.postal_code,
                    r.postal_code,
                    r.latitude,
                    r.longitude,
                    r.insee_code,
                    r.department_code,
                )
            )
        return out

    # Name, optionally followed by a department code: « saint denis 93 ».
    tokens = f.split()
    department = None
    if len(tokens) > 1 and (code := _department_code(tokens[-1])):
        department, f = code, " ".join(tokens[:-1])

    def grouped(where: sa.ColumnElement, n: int, exclude: set[str]) -> list[Any]:
        stmt = (
            sa.select(
                c.insee_code,
                c.name,
                c.department_code,
                sa.func.min(c.search_name).label("search_name"),
                sa.func.min(c.postal_code).label("postal_code"),
                sa.func.count().label("n_postal"),
                sa.func.max(c.population).label("population"),
                sa.func.min(c.latitude).label("latitude"),
                sa.func.min(c.longitude).label("longitude"),
            )
            .where(where)
            .group_by(c.insee_code, c.name, c.department_code)
            .order_by(
                sa.case((sa.func.min(c.search_name) == f, 0), else_=1),
                sa.func.max(c.population).desc(),
                c.name,
            )
            .limit(n + len(exclude))
        )
        if department:
            stmt = stmt.where(c.department_code == department)
        return [r for r in s.execute(stmt) if r.insee_code not in exclude][:n]

    seen: set[str] = set()

    def add(rows: list[Any]) -> None:
        for r in rows:
            if r.insee_code in seen or len(out) >= limit:
                continue
            seen.add(r.insee_code)
            code = r.postal_code if r.n_postal == 1 else r.department_code
            out.append(
                _commune_suggestion(
                    r.name,
                    r.postal_code,
                    code,
                    r.latitude,
                    r.longitude,
                    r.insee_code,
                    r.department_code,
                )
            )

    add(grouped(_prefix_range(c.search_name, f), limit, seen))
    if len(out) < limit and len(f) >= 3:
        # A later word of the name: « denis » → Saint-Denis (not indexed, 35k short rows).
        add(grouped(c.search_name.like(f"% {f}%"), limit - len(out), seen))
    if len(out) < limit and len(f) >= 3:
        # Former names: « cherbourg oct » → Cherbourg-en-Cotentin.
        stmt = sa.select(CommuneAlias.insee_code).where(_prefix_range(CommuneAlias.search_name, f))
        if department:
            stmt = stmt.where(CommuneAlias.department_code == department)
        codes = [x for x in dict.fromkeys(s.execute(stmt.limit(limit)).scalars()) if x not in seen]
        if codes:
            add(grouped(c.insee_code.in_(codes), limit - len(out), seen))
    if len(out) < limit and len(f) >= 3 and not department:
        for code, name in s.execute(sa.select(Department.code, Department.name)):
            if fold(name).startswith(f) and len(out) < limit:
                if dept := _department_suggestion(s, code):
                    out.append(dept)
    return out

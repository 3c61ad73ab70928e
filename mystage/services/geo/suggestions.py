"""Autocomplete: communes and départements (:func:`suggest_communes`) and schools
(:func:`suggest_schools`)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import db
from mystage.models import School
from mystage.services.geo import place_index
from mystage.services.text import fold


def suggest_communes(s: Session, prefix: str, limit: int = 10) -> list[dict[str, Any]]:
    """Autocomplete for a place field: « 77 », « 440 », « 44000 », « mea », « saint denis 93 ».

    Each item: ``{"kind": "commune"|"department", "label": "Meaux (77100)", "city",
    "lat", "lon", "postal_code", "insee_code", "department_code"}``.  Digits list the
    (commune, postal code) pairs, biggest first, a département code first its
    département; names list one entry per commune: named exactly, then biggest first,
    then later words of names (« denis »), former names (« cherbourg oct ») and
    départements.  Answered from memory (:mod:`place_index`, built at the first call from
    ``s``'s database); ``s`` is not queried afterwards.
    """
    return place_index.for_session(s).suggest(prefix, limit)


def suggest_communes_if_loaded(prefix: str, limit: int = 10) -> list[dict[str, Any]] | None:
    """:func:`suggest_communes` on the app's database without a session, or None while
    its index is not built yet (the caller then asks :func:`suggest_communes` in a
    thread: the first build reads the database)."""
    index = place_index.loaded(db.engine())
    return None if index is None else index.suggest(prefix, limit)


def warm_place_index() -> None:
    """Build the app database's place index in the background, if not built yet."""
    place_index.warm(db.engine())


_SCHOOL_NOISE = frozenset({"college", "clg", "de", "du", "des", "la", "le", "les", "l", "d"})
_UAI_RE = re.compile(r"^\d{7}[a-z]$")


SCHOOL_KINDS = ("college", "lycee")


def suggest_schools(
    s: Session,
    query: str,
    limit: int = 10,
    department_code: str | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    """Collèges and lycées by name, city, postal code or UAI (« jean moulin nantes »,
    « 0440001 »); ``kind`` ("college" / "lycee") keeps one kind only."""
    if not isinstance(query, str):
        return []
    f = fold(query[:100])
    if not f:
        return []
    limit = max(1, min(int(limit or 10), 50))
    c = School.__table__.c
    compact = f.replace(" ", "")
    conds: list[sa.ColumnElement] = []
    # Best matches first: the typed text is the commune (« meaux » → the collèges of Meaux,
    # not Crégy-lès-Meaux nor « Ormeaux »), then words matched at their start.
    ranks: list[sa.ColumnElement] = []
    if _UAI_RE.match(compact):
        conds.append(c.uai == compact.upper())
    elif compact.isdigit():
        # UAI prefix (7 digits + letter), as an index range.
        uai_hi = compact + "9" * (7 - len(compact)) + "Z"
        by_uai = sa.and_(c.uai >= compact, c.uai <= uai_hi) if len(compact) <= 7 else sa.false()
        if len(compact) <= 5:
            hi = compact + "9" * (5 - len(compact))
            conds.append(sa.or_(by_uai, sa.and_(c.postal_code >= compact, c.postal_code <= hi)))
        else:
            conds.append(by_uai)
    else:
        words = f.split()
        words = [w for w in words if w not in _SCHOOL_NOISE] or words
        conds.extend(c.search_name.like(f"%{w}%") for w in words[:8])
        commune = sa.func.replace(sa.func.replace(sa.func.lower(c.commune), "-", " "), "'", " ")
        ranks.append(sa.case((commune == f, 0), else_=1))
        ranks.append(
            sum(
                (
                    sa.case(
                        (sa.or_(c.search_name.like(f"{w}%"), c.search_name.like(f"% {w}%")), 0),
                        else_=1,
                    )
                    for w in words[:8]
                ),
                sa.literal(0),
            )
        )
    if department_code:
        conds.append(c.department_code == str(department_code).upper()[:3])
    if kind is not None:
        conds.append(c.kind == (kind if kind in SCHOOL_KINDS else ""))
    stmt = (
        sa.select(
            c.id,
            c.uai,
            c.name,
            c.commune,
            c.postal_code,
            c.department_code,
            c.academy,
            c.sector,
            c.ep,
            c.qpv,
            c.kind,
            c.seconde_gt,
            c.latitude,
            c.longitude,
        )
        .where(*conds)
        .order_by(*ranks, c.commune, c.name, c.uai)
        .limit(limit)
    )
    return [
        {
            "id": r.id,
            "uai": r.uai,
            "name": r.name,
            "label": f"{r.name} — {r.commune} ({r.postal_code})",
            "commune": r.commune,
            "postal_code": r.postal_code,
            "department_code": r.department_code,
            "academy": r.academy,
            "sector": r.sector,
            "ep": r.ep,
            "qpv": bool(r.qpv),
            "kind": r.kind,
            "seconde_gt": r.seconde_gt or "",
            "lat": r.latitude,
            "lon": r.longitude,
        }
        for r in s.execute(stmt)
    ]

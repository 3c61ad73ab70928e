"""SQL building blocks of the search: the haversine distance term (``cos`` registered on
SQLite when missing) and the keyword condition (FTS5 on SQLite, tsquery on PostgreSQL)."""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Offer, OfferWeek
from mystage.services import geo
from mystage.services.search.criteria import MAX_TERMS
from mystage.services.text import search_tokens

_T = Offer.__table__.c
_W = OfferWeek.__table__.c
_RAD = math.pi / 180.0
_COS_CHECKED: set[int] = set()


def _hav(x: float) -> float:
    return (1.0 - math.cos(x)) / 2.0


def _a_to_km(a: float | None) -> float | None:
    if a is None:
        return None
    a = min(1.0, max(0.0, float(a)))
    return 2.0 * geo.EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _a_max(km: float) -> float:
    # A hair above the exact value so that a point exactly at the radius stays in.
    return _hav(km / geo.EARTH_RADIUS_KM) * (1 + 1e-12)


def _py_cos(x: float | None) -> float | None:
    return None if x is None else math.cos(x)


def _sqlite_cos_listener(dbapi_conn: Any, _record: Any) -> None:
    _register_cos(dbapi_conn)


def _register_cos(dbapi_conn: Any) -> None:
    try:
        dbapi_conn.execute("SELECT cos(0)").fetchone()
    except Exception:  # noqa: BLE001  (sqlite3.OperationalError: no such function)
        dbapi_conn.create_function("cos", 1, _py_cos, deterministic=True)


def _ensure_cos(s: Session) -> None:
    """SQLite without math functions: register a Python ``cos`` (once per engine, and on
    the current connection)."""
    bind = s.get_bind()
    if bind.dialect.name != "sqlite":
        return
    engine = getattr(bind, "engine", bind)
    if id(engine) in _COS_CHECKED:
        return
    raw = s.connection().connection.dbapi_connection
    try:
        raw.execute("SELECT cos(0)").fetchone()
    except Exception:  # noqa: BLE001
        raw.create_function("cos", 1, _py_cos, deterministic=True)
        sa.event.listen(engine, "connect", _sqlite_cos_listener)
    _COS_CHECKED.add(id(engine))


def _hav_term(lat: float, lon: float) -> sa.ColumnElement:
    """``a`` of the haversine formula between (lat, lon) and each offer."""
    p0 = lat * _RAD
    l0 = lon * _RAD
    cos_p0 = math.cos(p0)
    lat_r = _T.latitude * _RAD
    lon_r = _T.longitude * _RAD
    return (1 - sa.func.cos(lat_r - p0)) / 2 + cos_p0 * sa.func.cos(lat_r) * (
        1 - sa.func.cos(lon_r - l0)
    ) / 2


def fts_terms(q: str) -> list[str]:
    """Stemmed, folded search terms of ``q`` ([a-z0-9] only), at most 8."""
    out: list[str] = []
    for t in search_tokens(q):
        t = "".join(ch for ch in t if ch.isascii() and ch.isalnum())
        if t and t not in out:
            out.append(t)
    return out[:MAX_TERMS]


def _keyword_filter(dialect: str, terms: list[str]) -> sa.ColumnElement:
    """Every term as a prefix: the GIN index of migration 0002 on PostgreSQL, the FTS5
    table ``offers_fts`` (its rowids are offer ids) on SQLite."""
    if dialect == "postgresql":
        tsq = " & ".join(f"{t}:*" for t in terms)
        return sa.text(
            "to_tsvector('simple'::regconfig, offers.search_text) "
            "@@ to_tsquery('simple'::regconfig, :kw_tsq)"
        ).bindparams(kw_tsq=tsq)
    match = " AND ".join(f'"{t}"*' for t in terms)
    sub = sa.text("SELECT rowid FROM offers_fts WHERE offers_fts MATCH :kw_match").bindparams(
        kw_match=match
    )
    return _T.id.in_(sub.columns(sa.column("rowid", sa.Integer)))

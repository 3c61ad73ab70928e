"""SQL building blocks of the search: the haversine distance term (``cos`` registered on
SQLite when missing) and the keyword condition (FTS5 on SQLite, tsquery on PostgreSQL)."""

from __future__ import annotations

import functools
import math
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Offer, OfferWeek
from mystage.services import geo
from mystage.services.search.criteria import MAX_TERMS
from mystage.services.text import query_words

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
    # Halves as ``* 0.5`` (exact, like ``/ 2``): SQLAlchemy renders a division as a true
    # division, ``x / CAST(2 AS NUMERIC)`` on PostgreSQL — NUMERIC arithmetic on every
    # candidate row of the box, 3 to 4 times the raw SQL at 60 km (``bench/search.py``).
    return (1.0 - _cos(lat_r - p0)) * 0.5 + cos_p0 * _cos(lat_r) * (1.0 - _cos(lon_r - l0)) * 0.5


def _cos(x: Any) -> sa.ColumnElement:
    return sa.func.cos(x, type_=sa.Float)


def _ascii(t: str) -> str:
    return "".join(ch for ch in t if ch.isascii() and ch.isalnum())


def fts_terms(q: str) -> list[tuple[str, str]]:
    """``(word, stem)`` of each folded word of ``q`` ([a-z0-9] only), at most 8: the word
    is looked for as a prefix of the offer's words, the stem as a whole stem (see
    :func:`mystage.services.text.query_words`)."""
    out: list[tuple[str, str]] = []
    for word, st in query_words(q):
        pair = (_ascii(word), _ascii(st) or _ascii(word))
        if pair[0] and pair not in out:
            out.append(pair)
    return out[:MAX_TERMS]


def _fts_match(terms: list[tuple[str, str]]) -> str:
    """FTS5 query: every word typed, as a prefix or by its stem."""
    return " AND ".join(f'("{w}"* OR "{st}")' if st != w else f'"{w}"*' for w, st in terms)


def _tsquery(terms: list[tuple[str, str]]) -> str:
    """The same as a PostgreSQL tsquery."""
    return " & ".join(f"({w}:* | {st})" if st != w else f"{w}:*" for w, st in terms)


def _fts_ids(dialect: str, query: str, name: str) -> sa.ColumnElement:
    """``offers.id`` matches ``query`` (FTS5 query on SQLite, tsquery on PostgreSQL)."""
    if dialect == "postgresql":
        return sa.text(
            "to_tsvector('simple'::regconfig, offers.search_text) "
            f"@@ to_tsquery('simple'::regconfig, :{name})"
        ).bindparams(**{name: query})
    sub = sa.text(f"SELECT rowid FROM offers_fts WHERE offers_fts MATCH :{name}").bindparams(
        **{name: query}
    )
    return _T.id.in_(sub.columns(sa.column("rowid", sa.Integer)))


@functools.lru_cache(maxsize=1024)
def _keyword_filter(dialect: str, terms: tuple[tuple[str, str], ...]) -> sa.ColumnElement:
    """Every word: the GIN index of migration 0002 on PostgreSQL, the FTS5 table
    ``offers_fts`` (its rowids are offer ids) on SQLite."""
    if dialect == "postgresql":
        return _fts_ids(dialect, _tsquery(terms), "kw_tsq")
    return _fts_ids(dialect, _fts_match(terms), "kw_match")


@functools.lru_cache(maxsize=1024)
def keyword_rank(dialect: str, terms: tuple[tuple[str, str], ...]) -> sa.ColumnElement:
    """How many of the words typed an offer holds as whole words (« art » before
    « artisan », « boulangerie » before « boulanger »): exact matches come first.  One
    index lookup per word (a set probed per match), the same on both databases."""
    rank: sa.ColumnElement = sa.literal(0)
    for i, (word, _st) in enumerate(terms):
        if dialect == "postgresql":
            o = Offer.__table__.alias(f"kw_exact_{i}")
            ids = sa.select(o.c.id).where(
                sa.text(
                    f"to_tsvector('simple'::regconfig, kw_exact_{i}.search_text) "
                    f"@@ to_tsquery('simple'::regconfig, :kw_exact_{i})"
                ).bindparams(**{f"kw_exact_{i}": word})
            )
            found = _T.id.in_(ids)
        else:
            found = _fts_ids(dialect, f'"{word}"', f"kw_exact_{i}")
        rank = rank + sa.case((found, 1), else_=0)
    return rank

"""A search's plan (:class:`_Plan`): the WHERE clause shared by the page, the counts, the
suggestions and the map, the order, and the counting queries."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Offer, OfferSchool, OfferState
from mystage.services import geo, weeks
from mystage.services.search.criteria import (
    LEVEL_COLUMNS,
    REP_KINDS,
    SUGGESTION_CAP,
    SearchCriteria,
)
from mystage.services.search.places import _place_filters
from mystage.services.search.sql import _T, _W, _keyword_filter, fts_terms, keyword_rank


@dataclass
class _Plan:
    """Everything the queries of one search share."""

    where: list[sa.ColumnElement]
    hav: sa.ColumnElement | None  # haversine term when sorted by distance
    center: tuple[float, float] | None
    place_label: str
    place: geo.GeoResult | None
    impossible: bool  # unknown place: nothing to search
    keywords: bool = False
    weeks: bool = False
    dialect: str = "sqlite"
    level: str = ""  # the level criterion: which of an offer's weeks count and show
    # where = base + criteria (+ keyword): the suggestions count several variants of a
    # keyword search in one pass over the keyword's matches.
    base: list[sa.ColumnElement] = field(default_factory=list)
    criteria: list[sa.ColumnElement] = field(default_factory=list)
    keyword: sa.ColumnElement | None = None
    terms: tuple[tuple[str, str], ...] = ()
    # With keywords: how many words an offer holds exactly (sorted first, issue 16).
    rank: sa.ColumnElement | None = None

    @property
    def recent(self) -> sa.ColumnElement:
        """« Newest first » sort key.  With keywords it is an expression no index
        provides: PostgreSQL would otherwise walk ``published_at`` backwards testing each
        row's text until it finds a page (seconds for a rare word) instead of taking the
        few matching ids from the GIN index and sorting them."""
        if self.keywords:
            return sa.func.coalesce(_T.published_at, _T.created_at)
        return _T.published_at

    @property
    def sorts_all(self) -> bool:
        """The page query also counts the matches (``count(*) OVER ()``) instead of a
        separate COUNT when it has to look at every match anyway (order by distance or
        keyword matches).  Otherwise (newest first) the page stops at its 30th offer in
        the ``published_at`` order and an index-only COUNT gives the total — except on
        PostgreSQL with weeks, where a second pass would hash the weeks' offers again
        (SQLite's planner, for its part, leaves the covering index for a window query
        without ORDER BY use: 4× slower there)."""
        if self.hav is not None or self.keywords:
            return True
        return self.weeks and self.dialect == "postgresql"

    def order(self, hav: Any = None, rank: Any = None) -> list[Any]:
        """Sort keys; ``hav`` / ``rank``: the distance / keyword rank already computed (a
        column of the page's ids), else computed here."""
        keys = [self.recent.desc(), _T.id.desc()]
        keys = [hav, *keys] if hav is not None else keys
        if self.rank is None:
            return keys
        return [(rank if rank is not None else self.rank).desc(), *keys]


def _custom_plans(s: Session) -> None:
    """PostgreSQL: plan every search for its own parameters.

    psycopg prepares a statement run 5 times on a connection, and after 5 more runs
    PostgreSQL may keep one generic plan for it — blind to the bounding box, the keyword's
    rarity or the weeks asked, it reads the wrong index (300 ms instead of 15 measured on
    200,000 offers).  Turning psycopg's automatic preparation off on the connection (a
    Python attribute: no round trip) keeps custom plans; ``db.engine`` could pass
    ``connect_args={"prepare_threshold": None}`` to do it for every connection.
    """
    if s.get_bind().dialect.name != "postgresql":
        return
    raw = s.connection().connection.dbapi_connection
    if getattr(raw, "prepare_threshold", None) is not None:
        raw.prepare_threshold = None


@functools.lru_cache(maxsize=512)
def _base(
    show_all: bool, today: date, school_id: int | None, rep: bool, qpv: bool, pupil: bool
) -> tuple[sa.ColumnElement, ...]:
    """What every search of this viewer shows (state, places, window, eligibility)."""
    where: list[sa.ColumnElement] = []
    if show_all:
        where.append(_T.state.in_([OfferState.PUBLISHED.value, OfferState.FULL.value]))
    else:
        # An offer whose applications are suspended (window ended: « Suspendre les
        # candidatures », seed 003) stays listed, with « Candidatures closes ».
        where += [
            _T.state == OfferState.PUBLISHED.value,
            _T.places_left > 0,
            sa.or_(_T.application_start.is_(None), _T.application_start <= today),
        ]
    # Eligibility.
    if school_id:
        where.append(
            sa.or_(
                _T.reserved_schools == sa.false(),
                sa.exists().where(
                    OfferSchool.offer_id == _T.id, OfferSchool.school_id == school_id
                ),
            )
        )
    else:
        where.append(_T.reserved_schools == sa.false())
    if pupil:
        if not rep:
            where.append(_T.reserved_rep == sa.false())
        if not qpv:
            where.append(_T.reserved_qpv == sa.false())
    return tuple(where)


def _plan(
    s: Session,
    crit: SearchCriteria,
    ctx: dict[str, Any] | None,
    errors: dict[str, str],
    today: date,
    place: geo.GeoResult | None = None,
) -> _Plan:
    dialect = s.get_bind().dialect.name
    school_id = ctx.get("school_id") if ctx else None
    base = list(
        _base(
            crit.show_all,
            today,
            int(school_id) if school_id else None,
            ctx is not None and str(ctx.get("ep") or "").upper() in REP_KINDS,
            ctx is not None and bool(ctx.get("qpv")),
            ctx is not None,
        )
    )
    where: list[sa.ColumnElement] = []
    if crit.level:
        where.append(getattr(_T, LEVEL_COLUMNS[crit.level]) == sa.true())
    if crit.sectors:
        where.append(_T.sector_id.in_(crit.sectors))
    for h in crit.handicaps:
        where.append(getattr(_T, f"handicap_{h}") == sa.true())
    terms = fts_terms(crit.q)
    place_where, hav, place, impossible = _place_filters(s, crit, errors, place)
    where += place_where
    # Weeks last: in the suggestions' one-pass counts (CASE WHEN …) the cheap column
    # tests reject most rows before any weeks lookup.
    if crit.weeks:
        where.append(_weeks_condition(tuple(crit.weeks), crit.level, crit.show_all, bool(terms)))
    keyword = _keyword_filter(dialect, tuple(terms)) if terms else None
    center = (place.latitude, place.longitude) if place is not None else None
    return _Plan(
        where=base + where + ([keyword] if keyword is not None else []),
        hav=hav,
        center=center,
        place_label=place.label if place is not None else "",
        place=place,
        impossible=impossible,
        keywords=bool(terms),
        weeks=bool(crit.weeks),
        dialect=dialect,
        level=crit.level,
        base=base,
        criteria=where,
        keyword=keyword,
        terms=tuple(terms),
        rank=keyword_rank(dialect, tuple(terms)) if terms else None,
    )


# The offer's ``seconde_period`` values that take the national 2de week 1 or 2.
_COVERS = {"week1": ("both", "week1"), "week2": ("both", "week2")}


@dataclass(frozen=True)
class _Takes:
    """« The offer's national 2de weeks include the ones asked »: ``level_2de`` and its
    ``seconde_period`` in ``keys`` (``negate``: not so)."""

    keys: tuple[str, ...]
    negate: bool = False

    def on(self, c: Any) -> sa.ColumnElement:
        """On the columns ``c`` of a row already read (keyword searches)."""
        cond = sa.and_(c.level_2de == sa.true(), c.seconde_period.in_(self.keys))
        return sa.not_(cond) if self.negate else cond

    def probed(self, extra: sa.ColumnElement | None = None) -> sa.ColumnElement:
        """On the candidate of a search that reads only the covering indexes:
        ``level_2de`` is in them, ``seconde_period`` is not — it is read by primary key
        only for the few candidates that take 2de pupils (a scalar subquery: PostgreSQL
        would turn an EXISTS into a hashed set of every offer, a sequential scan).
        Testing it inside the weeks' set instead joined every week row of those Mondays
        to its offer: 230 ms instead of 30 at 60 km (``bench/search.py``)."""
        o = Offer.__table__.alias("period_offer")
        period = sa.select(o.c.seconde_period).where(o.c.id == _T.id).scalar_subquery()
        own = period.in_(self.keys)
        if extra is not None:
            own = sa.and_(own, extra)
        if self.negate:
            return sa.or_(_T.level_2de == sa.false(), sa.not_(own))
        return sa.and_(_T.level_2de == sa.true(), own)


def _has_week(
    mondays: list[date], show_all: bool, keywords: bool, takes: _Takes | None = None
) -> sa.ColumnElement:
    """The offer has one of ``mondays`` (with a place free unless « show all »), and
    ``takes`` holds when given."""
    week_cond = [_W.week_start.in_(mondays)]
    if not show_all:
        week_cond.append(_W.places > _W.places_taken)
    if keywords:
        # Few candidates (the keyword's matches): one index search each.
        extra = [takes.on(_T)] if takes is not None else []
        return sa.and_(sa.exists().where(_W.offer_id == _T.id, *week_cond), *extra)
    # Maybe 50,000 candidates (60 km around Paris, or all of France): the set of offers free
    # on those weeks is built once (partial index ix_offer_weeks_free) and probed per
    # candidate.
    has = _T.id.in_(sa.select(_W.offer_id).where(*week_cond))
    return sa.and_(has, takes.probed()) if takes is not None else has


@functools.lru_cache(maxsize=1024)
def _weeks_condition(
    mondays: tuple[date, ...], level: str, show_all: bool, keywords: bool
) -> sa.ColumnElement:
    """The weeks filter, by the level asked: an offer's national 2de weeks (June) count
    only for a 2de search, its other weeks only for a collège one (the same rule as the
    offer page and « Postuler »); without a level, any week.  Weeks asked that are no 2de
    week keep the plain filter (same SQL as without level: ``bench/search.py``)."""
    plain: list[date] = []
    seconde: dict[str, list[date]] = {}
    for m in mondays:
        periods = weeks.seconde_periods(weeks.school_year_of(m))
        key = next((k for k, v in periods.items() if v == m), None)
        (seconde.setdefault(key, []) if key else plain).append(m)
    all_year = _T.all_year == sa.true()
    if weeks.is_lyceen(level):
        # Only the offer's 2de weeks (« toute l'année » is the collégiens' calendar).
        conds = [_has_week(ms, show_all, keywords, _Takes(_COVERS[k])) for k, ms in seconde.items()]
        return sa.or_(*conds) if conds else sa.false()
    if not level or not seconde:
        return sa.or_(all_year, _has_week(list(mondays), show_all, keywords))
    conds = [_has_week(plain, show_all, keywords)] if plain else []
    for k, ms in sorted(seconde.items()):
        conds.append(_has_week(ms, show_all, keywords, _Takes(_COVERS[k], negate=True)))
    if not plain:
        # Only June weeks asked: an all-year offer counts unless they are all its 2de weeks
        # (and it has rows for them).
        taking_all = tuple(sorted(set.intersection(*(set(_COVERS[k]) for k in seconde))))
        rows = sa.exists().where(_W.offer_id == _T.id, _W.week_start.in_(list(mondays)))
        all_year = sa.and_(all_year, _Takes(taking_all, negate=True).probed(rows))
    return sa.or_(all_year, *conds)


def _count(s: Session, plan: _Plan, cap: int | None = None) -> int:
    """Offers matching ``plan``; with ``cap``, stops counting after ``cap + 1``."""
    if plan.impossible:
        return 0
    if cap is None:
        stmt = sa.select(sa.func.count()).select_from(Offer.__table__).where(*plan.where)
    else:
        inner = sa.select(_T.id).where(*plan.where).limit(cap + 1).subquery("capped")
        stmt = sa.select(sa.func.count()).select_from(inner)
    return int(s.execute(stmt).scalar_one())


def _count_variants(s: Session, plans: list[_Plan]) -> list[int]:
    """Counts of several variants of one search (the suggestions), at most 101 each.

    Variants with the same keyword and base filter are counted in ONE pass over the
    keyword's matches (``sum(CASE WHEN <variant> …)``): each further COUNT would look the
    same few thousand offers up again.  The others get one capped COUNT each.
    """
    out: dict[int, int] = {}
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, plan in enumerate(plans):
        if plan.impossible:
            out[i] = 0
        elif plan.keyword is not None:
            groups.setdefault(plan.terms, []).append(i)
        else:
            out[i] = _count(s, plan, cap=SUGGESTION_CAP)
    for members in groups.values():
        first = plans[members[0]]
        sums = [
            sa.func.coalesce(
                sa.func.sum(sa.case((sa.and_(sa.true(), *plans[i].criteria), 1), else_=0)), 0
            )
            for i in members
        ]
        row = s.execute(sa.select(*sums).where(*first.base, first.keyword)).one()
        for i, n in zip(members, row, strict=True):
            out[i] = min(int(n or 0), SUGGESTION_CAP + 1)
    return [out[i] for i in range(len(plans))]


def _ordered_ids(plan: _Plan, limit: int, offset: int) -> sa.Subquery:
    total = sa.func.count().over() if plan.sorts_all else sa.null()
    cols = [_T.id.label("oid"), total.label("total")]
    if plan.rank is not None:  # the outer query sorts on it: not computed twice
        cols.append(plan.rank.label("krank"))
    rank = sa.literal_column("krank") if plan.rank is not None else None
    if plan.hav is not None:
        cols.append(plan.hav.label("hav"))
        order = plan.order(sa.literal_column("hav"), rank)
    else:
        cols.append(sa.null().label("hav"))
        order = plan.order(None, rank)
    return (
        sa.select(*cols)
        .where(*plan.where)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )

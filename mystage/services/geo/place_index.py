"""The place autocomplete answered from memory: an immutable index of the communes, their
former names and the départements, built once per worker and database (lazily, at the
first suggestion) and shared by every thread.

It gives exactly what the SQL version (``suggest_sql.suggest_communes_sql``, kept for the
equivalence test and ``bench/suggest.py``) gives, in the same order:

- every commune group (one per INSEE code, name and département, as the SQL's GROUP BY)
  gets a rank: population descending, then its name in **the database's own order** (read
  with ``ORDER BY name``, so a PostgreSQL collation orders names as the SQL did), then its
  INSEE code (the SQL left that last tie — two « Saint-Hilaire » of 157 inhabitants —
  to the engine);
- name prefixes are ranges of a sorted list (``bisect``), later words of a name a sorted
  list of word suffixes (« denis » → Saint-Denis: what ``LIKE '% denis%'`` found by reading
  the 35,000 names), postal prefixes a sorted list of (commune, postal code) rows;
- what a prefix matches is ordered by rank once and kept when it is long (« sa »: thousands
  of communes), so a keystroke reads a few dozen entries;
- département suggestions are computed at build time by the SQL helper the SQL version
  called (same point, same label).

Reference data changes only with ``import-reference`` (a deployment step, before the
workers start); :func:`reset` forgets the indexes of this process (the loader calls it).
"""

from __future__ import annotations

import logging
import threading
import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Commune, CommuneAlias, Department
from mystage.services.geo.communes import PLM_INSEE, _department_code, _department_result
from mystage.services.text import fold

_TOP = "\U0010ffff"  # after every character: ``key < prefix + _TOP`` ⇔ key starts with prefix
_KEEP_FROM = 64  # matches of a prefix beyond this are ordered once and kept
_KEEP_MAX = 50_000  # prefixes kept per index (bounded by the data: only long ranges)


@dataclass(frozen=True, slots=True)
class _Group:
    """A commune as the SQL grouped it: (INSEE code, name, département)."""

    insee: str
    name: str
    dept: str
    search_name: str
    postal: str  # its lowest postal code
    n_postal: int
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class _Row:
    """A (commune, postal code) row, for postal-code prefixes."""

    name: str
    postal: str
    lat: float
    lon: float
    insee: str
    dept: str


def _commune_item(
    name: str, postal: str, label_code: str, lat: float, lon: float, insee: str, dept: str
) -> dict[str, Any]:
    return {
        "kind": "commune",
        "label": f"{name} ({label_code})",
        "city": name,
        "lat": lat,
        "lon": lon,
        "postal_code": postal,
        "insee_code": insee,
        "department_code": dept,
    }


def _department_item(s: Session, code: str) -> dict[str, Any] | None:
    r = _department_result(s, code)
    if r is None:
        return None
    return {
        "kind": "department",
        "label": r.label,
        "city": "",
        "lat": r.latitude,
        "lon": r.longitude,
        "postal_code": "",
        "insee_code": "",
        "department_code": r.department_code,
    }


class PlaceIndex:
    """Immutable once built; :meth:`suggest` is safe from any thread."""

    def __init__(self, s: Session) -> None:
        c = Commune.__table__.c
        name_rank = {
            name: i
            for i, name in enumerate(
                s.execute(sa.select(c.name).distinct().order_by(c.name)).scalars()
            )
        }
        cols = (c.insee_code, c.name, c.department_code, c.search_name, c.postal_code)
        cols += (c.latitude, c.longitude, c.population)
        raw = s.execute(sa.select(*cols)).all()
        groups: dict[tuple[str, str, str], list[Any]] = {}
        rows: list[tuple[tuple, _Row]] = []
        pool: dict[Any, Any] = {}  # one object per distinct value: a third of the memory
        for values in raw:
            insee, name, dept, search_name, postal, lat, lon, pop = (
                pool.setdefault((type(v), v), v) for v in values
            )
            g = groups.get((insee, name, dept))
            if g is None:  # search_name, postal, n, population, lat, lon (min/count/max)
                groups[(insee, name, dept)] = [search_name, postal, 1, pop, lat, lon]
            else:
                g[0], g[1], g[2] = min(g[0], search_name), min(g[1], postal), g[2] + 1
                g[3], g[4], g[5] = max(g[3], pop), min(g[4], lat), min(g[5], lon)
            if insee not in PLM_INSEE:
                key = (-pop, postal, name_rank[name], insee)
                rows.append((key, _Row(name, postal, lat, lon, insee, dept)))
        ranked = sorted(groups.items(), key=lambda kv: (-kv[1][3], name_rank[kv[0][1]], kv[0]))
        self.groups = tuple(
            _Group(insee, name, dept, g[0], g[1], g[2], g[4], g[5])
            for (insee, name, dept), g in ranked
        )
        names = sorted((g.search_name, i) for i, g in enumerate(self.groups))
        self._name_keys = [k for k, _ in names]
        self._name_ids = array("i", (i for _, i in names))
        # Every later word of a name, with the rest of the name: « sur marne », « marne ».
        words = sorted(
            (g.search_name[p + 1 :], i)
            for i, g in enumerate(self.groups)
            for p, ch in enumerate(g.search_name)
            if ch == " "
        )
        self._word_keys = [k for k, _ in words]
        self._word_ids = array("i", (i for _, i in words))

        rows.sort(key=lambda kr: kr[0])
        self.rows = tuple(r for _, r in rows)
        postal = sorted((r.postal, i) for i, r in enumerate(self.rows))
        self._postal_keys = [k for k, _ in postal]
        self._postal_ids = array("i", (i for _, i in postal))

        a = CommuneAlias.__table__.c
        aliases = s.execute(
            sa.select(a.search_name, a.insee_code, a.department_code).order_by(a.search_name, a.id)
        ).all()
        alias_sorted = sorted((r.search_name, order) for order, r in enumerate(aliases))
        self._alias_keys = [k for k, _ in alias_sorted]
        self._alias_order = array("i", (o for _, o in alias_sorted))
        self._aliases = tuple((r.insee_code, r.department_code) for r in aliases)
        # The groups of the communes that have former names (the only ones looked up by code).
        self._by_insee: dict[str, tuple[int, ...]] = {}
        wanted = {insee for insee, _ in self._aliases}
        for i, g in enumerate(self.groups):
            if g.insee in wanted:
                self._by_insee[g.insee] = (*self._by_insee.get(g.insee, ()), i)

        # The départements in the table's own order (the SQL read them without ORDER BY).
        self.departments = tuple(
            (code, fold(name))
            for code, name in s.execute(sa.select(Department.code, Department.name))
        )
        self._department_items = {code: _department_item(s, code) for code, _ in self.departments}
        self._kept: dict[tuple, tuple[int, ...]] = {}

    # --- ranges ---------------------------------------------------------------------

    def _ranked(self, kind: str, ids: array, lo: int, hi: int) -> Any:
        """The ids of ``ids[lo:hi]``, distinct, in rank order (kept when many)."""
        if hi - lo <= _KEEP_FROM:
            return sorted(set(ids[lo:hi]))
        cache_key = (kind, lo, hi)
        found = self._kept.get(cache_key)
        if found is None:
            found = tuple(sorted(set(ids[lo:hi])))
            if len(self._kept) < _KEEP_MAX:
                self._kept[cache_key] = found  # one dict store: atomic, any thread
        return found

    def _prefix(self, kind: str, keys: list[str], ids: array, prefix: str) -> Any:
        lo = bisect_left(keys, prefix)
        return self._ranked(kind, ids, lo, bisect_left(keys, prefix + _TOP, lo))

    def _pick(
        self,
        ranked: Iterable[int],
        f: str,
        n: int,
        exclude: set[str],
        department: str | None,
        exact: Iterable[int] = (),
    ) -> list[_Group]:
        """The first ``n`` groups of ``ranked`` not excluded: those named exactly ``f``
        (``exact``: their ids, in rank order) first, as the SQL's ORDER BY."""
        out: list[_Group] = []
        if n <= 0:
            return out
        exact_ids = set(exact)
        for pass_ids, want_exact in ((exact, True), (ranked, False)):
            for i in pass_ids:
                if not want_exact and i in exact_ids:
                    continue
                g = self.groups[i]
                if (department and g.dept != department) or g.insee in exclude:
                    continue
                out.append(g)
                if len(out) >= n:
                    return out
        return out

    # --- the autocomplete -------------------------------------------------------------

    def suggest(self, prefix: Any, limit: Any = 10) -> list[dict[str, Any]]:
        """As ``suggest_communes`` (see there)."""
        if not isinstance(prefix, str):
            return []
        f = fold(prefix[:80])
        limit = max(1, min(int(limit or 10), 50))
        if not f:
            return []
        out: list[dict[str, Any]] = []

        compact = f.replace(" ", "")
        if compact.isdigit() or compact in ("2a", "2b"):
            if code := _department_code(compact):
                dept = self._department_items.get(code)
                if dept:
                    out.append(dict(dept))
            if compact.isdigit() and len(compact) <= 5:
                hi = compact + "9" * (5 - len(compact))
                lo_i = bisect_left(self._postal_keys, compact)
                hi_i = bisect_right(self._postal_keys, hi, lo_i)
                ids = self._ranked("postal", self._postal_ids, lo_i, hi_i)
            elif compact in ("2a", "2b"):
                ids = self._corsica(compact.upper())
            else:
                return out
            for i in ids[: max(0, limit - len(out))]:
                r = self.rows[i]
                out.append(_commune_item(r.name, r.postal, r.postal, r.lat, r.lon, r.insee, r.dept))
            return out

        # Name, optionally followed by a department code: « saint denis 93 ».
        tokens = f.split()
        department = None
        if len(tokens) > 1 and (code := _department_code(tokens[-1])):
            department, f = code, " ".join(tokens[:-1])
        seen: set[str] = set()

        def add(groups: list[_Group]) -> None:
            for g in groups:
                if g.insee in seen or len(out) >= limit:
                    continue
                seen.add(g.insee)
                code = g.postal if g.n_postal == 1 else g.dept
                out.append(_commune_item(g.name, g.postal, code, g.lat, g.lon, g.insee, g.dept))

        lo = bisect_left(self._name_keys, f)
        exact = sorted(self._name_ids[lo : bisect_right(self._name_keys, f, lo)])
        ranked = self._prefix("name", self._name_keys, self._name_ids, f)
        add(self._pick(ranked, f, limit, seen, department, exact))
        if len(out) < limit and len(f) >= 3:
            # A later word of the name: « denis » → Saint-Denis.
            ranked = self._prefix("word", self._word_keys, self._word_ids, f)
            add(self._pick(ranked, f, limit - len(out), seen, department))
        if len(out) < limit and len(f) >= 3:
            # Former names: « cherbourg oct » → Cherbourg-en-Cotentin.
            lo = bisect_left(self._alias_keys, f)
            hi = bisect_left(self._alias_keys, f + _TOP, lo)
            matches = (self._aliases[o] for o in sorted(self._alias_order[lo:hi]))
            found = [insee for insee, d in matches if not department or d == department]
            codes = [x for x in dict.fromkeys(found[:limit]) if x not in seen]
            if codes:
                ids = sorted(i for code in codes for i in self._by_insee.get(code, ()))
                named = [i for i in ids if self.groups[i].search_name == f]
                add(self._pick(ids, f, limit - len(out), seen, department, named))
        if len(out) < limit and len(f) >= 3 and not department:
            for code, name in self.departments:
                if name.startswith(f) and len(out) < limit:
                    if dept := self._department_items.get(code):
                        out.append(dict(dept))
        return out

    def _corsica(self, dept: str) -> tuple[int, ...]:
        key = ("2ab", dept)
        found = self._kept.get(key)
        if found is None:
            found = tuple(i for i, r in enumerate(self.rows) if r.dept == dept)
            self._kept[key] = found
        return found


# --- one index per database, per process ----------------------------------------------

_indexes: weakref.WeakKeyDictionary[sa.Engine, PlaceIndex] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_warming: weakref.WeakKeyDictionary[sa.Engine, bool] = weakref.WeakKeyDictionary()
log = logging.getLogger(__name__)


def _engine_of(s: Session) -> sa.Engine:
    bind = s.get_bind()
    return bind if isinstance(bind, sa.Engine) else bind.engine


def get(engine: sa.Engine) -> PlaceIndex:
    """The index of ``engine``'s database, built at the first call (one thread builds,
    the others wait for it).  Not kept while the communes table is empty."""
    found = _indexes.get(engine)
    if found is not None:
        return found
    with _lock:
        found = _indexes.get(engine)
        if found is None:
            # Its own connection: what a caller's session has not committed is not the
            # reference data.
            with Session(engine) as s:
                found = PlaceIndex(s)
            if found.groups:
                _indexes[engine] = found
    return found


def for_session(s: Session) -> PlaceIndex:
    return get(_engine_of(s))


def loaded(engine: sa.Engine) -> PlaceIndex | None:
    """The index of ``engine`` if it is built already (never touches the database)."""
    return _indexes.get(engine)


def warm(engine: sa.Engine) -> None:
    """Build ``engine``'s index in a background thread if it is not built yet (the search
    page asks at its first load, so that no keystroke waits for the build)."""
    if engine in _indexes or engine in _warming:
        return
    _warming[engine] = True

    def build() -> None:
        try:
            get(engine)
        except Exception:  # the next suggestion builds it (or reports the error)
            log.exception("place index not built")
        finally:
            _warming.pop(engine, None)

    threading.Thread(target=build, name="place-index", daemon=True).start()


def reset() -> None:
    """Forget every index of this process (after the reference data changed)."""
    with _lock:
        _indexes.clear()

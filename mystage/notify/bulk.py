"""Many rows inserted at the driver's speed, in the session's transaction.

SQLAlchemy's ``execute(insert(table), rows)`` converts each value of each row through
its type and compiles pages of multi-row VALUES: at 100,000s of rows (the jobs' audit
rows and mails, ``bench/jobs.py``) that is most of the time.  :func:`sqlite_executemany`
sends the rows to ``sqlite3``'s ``executemany`` on one prepared statement instead, each
value converted as SQLAlchemy would (the column type's bind processor, computed once per
distinct value: a batch shares its timestamps).  PostgreSQL has ``COPY`` for this
(:func:`mystage.notify.outbox._copy_pg`).
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

PARAMETERS = 30000  # per statement (SQLite allows 32,766 since 3.32)


def sqlite_executemany(
    s: Session,
    table: sa.Table,
    rows: list[dict[str, Any]],
    *,
    do_nothing_on: str = "",
    returning: str = "",
) -> list[Any]:
    """``INSERT INTO table`` each of ``rows`` (dicts with the same keys, in order), with
    ``ON CONFLICT (do_nothing_on) DO NOTHING`` when given.  With ``returning`` (a column),
    the rows go by pages of multi-row VALUES and the values of that column of the rows
    inserted are returned (else an empty list).  No flush, no commit: the caller flushes
    first if the session may hold pending rows."""
    if not rows:
        return []
    dialect = s.get_bind().dialect
    cols = list(rows[0])
    processors = []
    for i, name in enumerate(cols):
        proc = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if proc is not None:
            processors.append((i, proc))
    quote = dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in cols)}) VALUES "
    marks = f"({', '.join('?' for _ in cols)})"
    tail = f" ON CONFLICT ({quote(do_nothing_on)}) DO NOTHING" if do_nothing_on else ""
    get = itemgetter(*cols) if len(cols) > 1 else (lambda row: (row[cols[0]],))
    memo: dict[tuple[int, Any], Any] = {}

    def values(row: dict[str, Any]) -> Any:
        v = get(row)
        if not processors:
            return v
        v = list(v)
        for i, proc in processors:
            x = v[i]
            if x is None:
                continue
            try:
                v[i] = memo[(i, x)]
            except KeyError:
                v[i] = memo[(i, x)] = proc(x)
            except TypeError:  # not hashable
                v[i] = proc(x)
        return v

    conn = s.connection().connection.driver_connection
    if not returning:
        conn.executemany(head + marks + tail, map(values, rows))
        return []
    out: list[Any] = []
    page = max(1, PARAMETERS // len(cols))
    for i in range(0, len(rows), page):
        part = rows[i : i + page]
        sql = head + ", ".join([marks] * len(part)) + tail + f" RETURNING {quote(returning)}"
        flat = [x for row in part for x in values(row)]
        out.extend(r[0] for r in conn.execute(sql, flat).fetchall())
    return out

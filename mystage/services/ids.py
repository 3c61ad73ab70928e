"""Ids that come from a client (event payloads, forms, addresses, API paths).

Every id sent by a browser or an API caller goes through :func:`client_id` before it
reaches a query (ARCHITECTURE « Ids from clients »): our primary keys are PostgreSQL
``integer`` columns, so anything outside 1..2³¹−1 cannot exist and must never be bound —
SQLite raises ``OverflowError`` from 2**63 on and PostgreSQL refuses values beyond its
column type.  Anything that is not a small positive integer is « not found » (None).
"""

from __future__ import annotations

from typing import Any

MAX_ID = 2**31 - 1  # PostgreSQL ``integer``: larger ids cannot exist
_MAX_DIGITS = len(str(MAX_ID))


def client_id(value: Any, *, strings: bool = True) -> int | None:
    """A database id from an ``int`` or a string of ASCII digits, in 1..2³¹−1; else None.

    Booleans, floats (even ``2.0``), negative numbers, signs, spaces inside, non-ASCII
    digits (``"٣"``), lists and dicts are all refused.  Surrounding spaces of a string are
    ignored (form fields).  ``strings=False``: only an ``int`` is an id (services whose
    callers parse the address or the form first).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and strings:
        v = value.strip()
        if not v or len(v) > _MAX_DIGITS + 8 or not (v.isascii() and v.isdigit()):
            return None
        value = int(v)
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return int(value)
    return None


def client_ids(value: Any, limit: int = 500) -> list[int] | None:
    """Ids from a list, tuple or set, or a comma-separated string, without duplicates (in
    their order).  ``None``/``""`` → ``[]``; None when malformed (any item that is not an
    id, another type, more than ``limit`` items)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list | tuple | set | frozenset):
        return None
    items = list(value)
    if len(items) > limit:
        return None
    out: list[int] = []
    for item in items:
        v = client_id(item)
        if v is None:
            return None
        if v not in out:
            out.append(v)
    return out

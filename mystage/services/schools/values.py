"""Reading the values a client sent (ids, strings, booleans) and formatting dates and names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from mystage import clock
from mystage.services.ids import client_ids
from mystage.services.schools.constants import MAX_CLASSES_PER_PICK


def id_list(value: Any, limit: int = MAX_CLASSES_PER_PICK) -> list[int] | None:
    """Ids from a list, tuple, set or comma-separated string; None when malformed."""
    return client_ids(value, limit)


def form_str(data: Any, key: str, limit: int = 500) -> str:
    v = data.get(key) if isinstance(data, dict) else None
    if isinstance(v, bool) or v is None:
        return ""
    if isinstance(v, int | float):
        v = str(v)
    return v.strip()[:limit] if isinstance(v, str) else ""


def form_bool(data: Any, key: str) -> bool:
    v = data.get(key) if isinstance(data, dict) else None
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        return v.strip().lower() in {"1", "true", "on", "oui", "yes"}
    return isinstance(v, int) and v == 1


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return clock.fmt_paris(value, with_time=False)
    return value.strftime("%d/%m/%Y")


def full_name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()

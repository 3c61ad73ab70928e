"""Reading the values a client sent (ids, the e-mail address) and formatting dates and names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from mystage import clock
from mystage.services import accounts
from mystage.services.form_values import form_str
from mystage.services.ids import client_ids
from mystage.services.schools.constants import MAX_CLASSES_PER_PICK


def id_list(value: Any, limit: int = MAX_CLASSES_PER_PICK) -> list[int] | None:
    """Ids from a list, tuple, set or comma-separated string; None when malformed."""
    return client_ids(value, limit)


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return clock.fmt_paris(value, with_time=False)
    return value.strftime("%d/%m/%Y")


def full_name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def form_email(data: Any, errors: dict[str, str], missing: str) -> str | None:
    """The normalised ``email`` of the form, else None with ``errors["email"]`` set
    (``missing`` when empty, the invalid-address message otherwise)."""
    raw = form_str(data, "email", 300)
    email = accounts.normalize_email(raw)
    if not raw:
        errors["email"] = missing
    elif email is None:
        errors["email"] = accounts.MSG_EMAIL_INVALID
    return email if raw else None

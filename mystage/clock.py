"""One clock for the whole domain, so tests can travel in time."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
_offset = timedelta(0)
_frozen: datetime | None = None


def now() -> datetime:
    """Current time, timezone-aware UTC (shifted/frozen in tests)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC) + _offset


def today_paris() -> date:
    return now().astimezone(PARIS).date()


def set_offset(delta: timedelta) -> None:
    global _offset
    _offset = delta


def freeze(at: datetime | None) -> None:
    global _frozen
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    _frozen = at


@contextmanager
def travel(delta: timedelta):
    """Move the clock forward by ``delta`` inside the block."""
    global _offset
    old = _offset
    _offset = old + delta
    try:
        yield
    finally:
        _offset = old


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes: read them back as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def paris(value: datetime | None) -> datetime | None:
    v = as_utc(value)
    return v.astimezone(PARIS) if v else None


def fmt_paris(value: datetime | None, with_time: bool = True) -> str:
    v = paris(value)
    if v is None:
        return ""
    return v.strftime("%d/%m/%Y %H:%M") if with_time else v.strftime("%d/%m/%Y")


def monday_of(d: date) -> date:
    return d - timedelta(days=d.weekday())

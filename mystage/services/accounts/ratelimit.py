"""Rate limits kept in the database (``LoginAttempt`` rows), so they hold across workers.

A *scope* names a path (``login_email``, ``login_phone``, ``reset``, ``magic``…) and a *key*
who is counted on it: ``ip_key(ip)`` for a client address, ``ident_key(identifier)`` for a
normalised e-mail or phone (stored as a SHA-256, never in clear).  ``check`` counts the rows
of the window; ``record`` adds one.  Nothing here commits.
"""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select

from mystage import clock
from mystage.models import LoginAttempt


def ident_key(identifier: str) -> str:
    """Key for an identifier (e-mail, phone, user id): hashed, never stored in clear."""
    digest = hashlib.sha256(identifier.strip().casefold().encode("utf-8")).hexdigest()
    return "id:" + digest


def ip_key(ip: str | None) -> str:
    """Key for a client address.  An IPv6 address counts as its /64: one subscriber (a home,
    a school) gets a whole /64 and could otherwise change address at every attempt."""
    raw = (ip or "").strip()
    try:
        addr = ipaddress.ip_address(raw)
    except ValueError:
        return "ip:" + (raw or "unknown")[:64]
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is None:
        return "ip:" + str(ipaddress.IPv6Network((addr, 64), strict=False))
    return "ip:" + str(addr.ipv4_mapped if isinstance(addr, ipaddress.IPv6Address) else addr)


def count(
    s: Session, scope: str, key: str, window: timedelta, *, failures_only: bool = False
) -> int:
    """Attempts on ``scope``/``key`` during the last ``window``."""
    stmt = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.scope == scope,
            LoginAttempt.key == key[:128],
            LoginAttempt.created_at > clock.now() - window,
        )
    )
    if failures_only:
        stmt = stmt.where(LoginAttempt.success.is_(False))
    return int(s.exec(stmt).one())


def check(
    s: Session,
    scope: str,
    key: str,
    limit: int,
    window: timedelta,
    *,
    failures_only: bool = False,
) -> bool:
    """True while fewer than ``limit`` attempts (or failures) were recorded in ``window``."""
    return count(s, scope, key, window, failures_only=failures_only) < limit


def record(s: Session, scope: str, key: str, success: bool = False) -> None:
    """Count one attempt (added to the caller's transaction)."""
    s.add(LoginAttempt(scope=scope, key=key[:128], success=bool(success), created_at=clock.now()))
    s.flush()


def purge(s: Session, before: datetime) -> int:
    """Delete attempts older than ``before`` (for a cleanup job); returns the row count."""
    stmt = sa.delete(LoginAttempt).where(LoginAttempt.created_at < before)
    result = s.exec(stmt.execution_options(synchronize_session=False))
    return result.rowcount or 0

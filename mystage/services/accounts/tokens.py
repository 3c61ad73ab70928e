"""One-time secrets: links (activation, reset, magic link, login grant…) and SMS codes.

Only a SHA-256 of each secret is stored (``OneTimeToken.token_hash``).  Nothing here
commits: the caller's transaction decides (a token is issued in the same transaction as
the message that carries it).

- Links: ``issue`` returns a random ``secrets.token_urlsafe(32)``; ``consume`` marks it used
  with one conditional UPDATE (``used_at IS NULL AND expires_at > now``), so two concurrent
  requests cannot both use it.
- SMS codes: 6 digits, hashed with the purpose, user id, phone and a random nonce (kept in
  the payload) as salt.  ``verify_code`` looks up the user's live code, counts the attempt
  first (conditional UPDATE), and the code dies after ``MAX_CODE_ATTEMPTS`` wrong tries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import OneTimeToken

DEFAULT_TTL = timedelta(hours=1)
CODE_TTL = timedelta(minutes=15)
CODE_DIGITS = 6
MAX_CODE_ATTEMPTS = 5


def new_token() -> str:
    """A random URL-safe secret (256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(raw: str) -> str:
    """Hex SHA-256 of a secret (64 characters)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def payload_of(token: OneTimeToken) -> dict[str, Any]:
    """The token's JSON payload as a dict (empty when absent or unreadable)."""
    try:
        value = json.loads(token.payload or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def issue(
    s: Session,
    purpose: str,
    user_id: int | None = None,
    target: str = "",
    payload: dict[str, Any] | None = None,
    ttl: timedelta = DEFAULT_TTL,
) -> str:
    """Store a new single-use token and return the raw secret (to put in a link)."""
    raw = new_token()
    now = clock.now()
    s.add(
        OneTimeToken(
            purpose=str(purpose),
            token_hash=hash_token(raw),
            user_id=user_id,
            target=target or "",
            payload=json.dumps(payload or {}, ensure_ascii=False),
            created_at=now,
            expires_at=now + ttl,
        )
    )
    s.flush()
    return raw


def _update():
    """ORM UPDATE on one_time_tokens (autoflushes first); rows are re-read afterwards."""
    return sa.update(OneTimeToken).execution_options(synchronize_session=False)


def _reload(s: Session, token_id: int) -> OneTimeToken | None:
    stmt = select(OneTimeToken).where(OneTimeToken.id == token_id)
    return s.exec(stmt.execution_options(populate_existing=True)).first()


def consume(s: Session, purpose: str, raw: str | None) -> OneTimeToken | None:
    """Mark the token used and return it; None when unknown, expired, used or of another purpose."""
    if not raw or not isinstance(raw, str) or len(raw) > 200:
        return None
    h = hash_token(raw)
    now = clock.now()
    result = s.exec(
        _update()
        .where(
            OneTimeToken.token_hash == h,
            OneTimeToken.purpose == str(purpose),
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
        .values(used_at=now)
    )
    if result.rowcount != 1:
        return None
    stmt = select(OneTimeToken).where(OneTimeToken.token_hash == h)
    return s.exec(stmt.execution_options(populate_existing=True)).first()


def invalidate(s: Session, purpose: str, *, user_id: int, action: str | None = None) -> int:
    """Mark every live token of ``purpose`` for this user used (e.g. before sending a new one).

    With ``action``, only tokens whose payload has that ``action`` are touched.
    """
    now = clock.now()
    stmt = select(OneTimeToken).where(
        OneTimeToken.purpose == str(purpose),
        OneTimeToken.user_id == user_id,
        OneTimeToken.used_at.is_(None),
        OneTimeToken.expires_at > now,
    )
    ids = [t.id for t in s.exec(stmt) if action is None or payload_of(t).get("action") == action]
    if not ids:
        return 0
    result = s.exec(
        _update()
        .where(OneTimeToken.id.in_(ids), OneTimeToken.used_at.is_(None))
        .values(used_at=now)
    )
    return result.rowcount or 0


# --- SMS codes ------------------------------------------------------------------------------


def _code_hash(purpose: str, user_id: int | None, target: str, nonce: str, code: str) -> str:
    material = f"code|{purpose}|{user_id or ''}|{target}|{nonce}|{code}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def issue_code(
    s: Session,
    purpose: str,
    *,
    user_id: int,
    target: str,
    action: str = "",
    payload: dict[str, Any] | None = None,
    ttl: timedelta = CODE_TTL,
) -> str:
    """Store a new 6-digit code for ``user_id``/``target`` (phone) and return it.

    Earlier live codes of the same purpose and action for this user are invalidated.
    """
    invalidate(s, purpose, user_id=user_id, action=action)
    code = new_code()
    nonce = secrets.token_hex(16)
    now = clock.now()
    data = dict(payload or {})
    data.update({"action": action, "nonce": nonce})
    s.add(
        OneTimeToken(
            purpose=str(purpose),
            token_hash=_code_hash(str(purpose), user_id, target, nonce, code),
            user_id=user_id,
            target=target,
            payload=json.dumps(data, ensure_ascii=False),
            created_at=now,
            expires_at=now + ttl,
        )
    )
    s.flush()
    return code


def _live_code(s: Session, purpose: str, user_id: int, target: str, action: str):
    now = clock.now()
    stmt = (
        select(OneTimeToken)
        .where(
            OneTimeToken.purpose == str(purpose),
            OneTimeToken.user_id == user_id,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
        .order_by(OneTimeToken.id.desc())
        .execution_options(populate_existing=True)
    )
    for tok in s.exec(stmt):
        if tok.target == target and payload_of(tok).get("action", "") == action:
            return tok
    return None


def verify_code(
    s: Session,
    purpose: str,
    *,
    user_id: int,
    target: str,
    code: str | None,
    action: str = "",
    consume: bool = True,
) -> OneTimeToken | None:
    """Check a code; on success mark it used (unless ``consume`` is False: a check before a
    later step that consumes it) and return the token, else None.

    Every check counts as an attempt (also the right one); after ``MAX_CODE_ATTEMPTS`` wrong
    codes the token is dead.  The caller must commit even on failure, so the count sticks.
    """
    tok = _live_code(s, purpose, user_id, target, action)
    if tok is None:
        return None
    counted = s.exec(
        _update()
        .where(
            OneTimeToken.id == tok.id,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.attempts < MAX_CODE_ATTEMPTS,
        )
        .values(attempts=OneTimeToken.attempts + 1)
    )
    if counted.rowcount != 1:
        return None
    clean = "".join(ch for ch in str(code or "") if not ch.isspace())
    nonce = str(payload_of(tok).get("nonce", ""))
    expected = _code_hash(str(purpose), user_id, target, nonce, clean)
    now = clock.now()
    if (
        len(clean) == CODE_DIGITS
        and clean.isdigit()
        and hmac.compare_digest(expected, tok.token_hash)
    ):
        if not consume:
            return _reload(s, tok.id) if tok.expires_at > now else None
        used = s.exec(
            _update()
            .where(
                OneTimeToken.id == tok.id,
                OneTimeToken.used_at.is_(None),
                OneTimeToken.expires_at > now,
            )
            .values(used_at=now)
        )
        return _reload(s, tok.id) if used.rowcount == 1 else None
    # Wrong code: kill the token once the attempts are exhausted.
    s.exec(
        _update()
        .where(
            OneTimeToken.id == tok.id,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.attempts >= MAX_CODE_ATTEMPTS,
        )
        .values(used_at=now)
    )
    return None

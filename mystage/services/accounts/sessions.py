"""Login grants (2 minutes, exchanged at ``/api/session``) and sessions (only the SHA-256 of
the cookie value is stored)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import AuthSession, TokenPurpose, User
from mystage.services.accounts import tokens
from mystage.services.accounts.identifiers import safe_next_url
from mystage.services.accounts.users import audit_user, is_active
from mystage.settings import get_settings

GRANT_TTL = timedelta(minutes=2)
SESSION_TOUCH_EVERY = timedelta(minutes=5)


def issue_grant(s: Session, user: User, next_url: str) -> str:
    return tokens.issue(
        s,
        TokenPurpose.LOGIN_GRANT,
        user_id=user.id,
        payload={"next": safe_next_url(next_url)},
        ttl=GRANT_TTL,
    )


def issue_login_grant(s: Session, user: User, next_url: str = "/") -> str:
    """A 2-minute single-use grant the browser exchanges at ``/api/session?grant=…`` for the
    HttpOnly session cookie (the login form never handles the session token itself)."""
    raw = issue_grant(s, user, next_url)
    s.commit()
    return raw


def _new_session(s: Session, user_id: int, ip: str | None, user_agent: str | None) -> str:
    raw = tokens.new_token()
    now = clock.now()
    s.add(
        AuthSession(
            token_hash=tokens.hash_token(raw),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=get_settings().session_days),
            last_seen_at=now,
            ip=(ip or "")[:64],
            user_agent=(user_agent or "")[:255],
        )
    )
    s.flush()
    return raw


def exchange_login_grant(
    s: Session, raw: str | None, ip: str | None, user_agent: str | None
) -> tuple[str, str] | None:
    """Consume a login grant: ``(session_token, next_url)``, or None if invalid/used/expired."""
    tok = tokens.consume(s, TokenPurpose.LOGIN_GRANT, raw)
    user = s.get(User, tok.user_id) if tok is not None and tok.user_id else None
    if not is_active(user):
        s.commit()  # a consumed grant stays consumed
        return None
    session_token = _new_session(s, user.id, ip, user_agent)
    next_url = safe_next_url(tokens.payload_of(tok).get("next"))
    s.commit()
    return session_token, next_url


def create_session(s: Session, user: User, ip: str | None, user_agent: str | None) -> str:
    """A new session for ``user``; returns the raw token (only its SHA-256 is stored)."""
    raw = _new_session(s, user.id, ip, user_agent)
    s.commit()
    return raw


def _session_row(s: Session, raw_token: str | None) -> AuthSession | None:
    if not raw_token or not isinstance(raw_token, str) or len(raw_token) > 200:
        return None
    stmt = select(AuthSession).where(AuthSession.token_hash == tokens.hash_token(raw_token))
    return s.exec(stmt).first()


def user_for_session(s: Session, raw_token: str | None) -> User | None:
    """The active user of a live session (not expired, not revoked), else None.

    ``last_seen_at`` is written (and committed) at most once per ``SESSION_TOUCH_EVERY``,
    so call it on a session with no other pending work.  The expiry does
    not slide: the cookie's Max-Age was fixed at login.
    """
    row = _session_row(s, raw_token)
    now = clock.now()
    if row is None or row.revoked_at is not None or clock.as_utc(row.expires_at) <= now:
        return None
    user = s.get(User, row.user_id)
    if not is_active(user):
        return None
    last = clock.as_utc(row.last_seen_at)
    if last is None or now - last >= SESSION_TOUCH_EVERY:
        s.exec(
            sa.update(AuthSession)
            .where(
                AuthSession.id == row.id,
                sa.or_(
                    AuthSession.last_seen_at.is_(None),
                    AuthSession.last_seen_at <= now - SESSION_TOUCH_EVERY,
                ),
            )
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
        s.commit()
    return user


def revoke_session(s: Session, raw_token: str | None) -> bool:
    """Revoke one session (logout).  True when a live session was revoked."""
    if not raw_token or not isinstance(raw_token, str) or len(raw_token) > 200:
        return False
    result = s.exec(
        sa.update(AuthSession)
        .where(
            AuthSession.token_hash == tokens.hash_token(raw_token),
            AuthSession.revoked_at.is_(None),
        )
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    s.commit()
    return result.rowcount == 1


def revoke_all(s: Session, user_id: int, except_token: str | None = None) -> int:
    conditions = [AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)]
    if except_token:
        conditions.append(AuthSession.token_hash != tokens.hash_token(except_token))
    result = s.exec(
        sa.update(AuthSession)
        .where(*conditions)
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def revoke_all_sessions(s: Session, user_id: int, except_token: str | None = None) -> int:
    """Revoke every session of the user (but ``except_token``'s); returns how many."""
    count = revoke_all(s, user_id, except_token)
    s.commit()
    return count


# --- « Mes sessions » (« Mon compte ») -----------------------------------------------------

_BROWSERS = (  # the first match wins: Edge and Opera say « Chrome » too
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "Mac"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str | None) -> str:
    """« Firefox sur Android », « Safari sur iPhone »… from a User-Agent (« Appareil
    inconnu » when it says nothing we know)."""
    ua = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in ua), "")
    system = next((name for key, name in _SYSTEMS if key in ua), "")
    if browser and system:
        return f"{browser} sur {system}"
    return browser or system or "Appareil inconnu"


def masked_ip(ip: str | None) -> str:
    """The address with its end hidden: ``203.0.113.•••`` (IPv4), ``2001:db8:…`` (IPv6)."""
    import ipaddress

    raw = (ip or "").strip()
    try:
        addr = ipaddress.ip_address(raw)
    except ValueError:
        return ""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if isinstance(addr, ipaddress.IPv4Address):
        return ".".join(str(addr).split(".")[:3]) + ".•••"
    groups = addr.exploded.split(":")[:2]
    return ":".join(g.lstrip("0") or "0" for g in groups) + ":…"


def live_sessions(s: Session, user_id: int, current_token: str | None) -> list[dict]:
    """The user's sessions not revoked nor expired, the latest used first: ``id``,
    ``device``, ``ip`` (masked), ``last_seen`` and ``created`` (aware datetimes), ``current``
    (the one of ``current_token``)."""
    now = clock.now()
    current = tokens.hash_token(current_token) if current_token else ""
    rows = s.exec(
        select(AuthSession)
        .where(
            AuthSession.user_id == user_id,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now,
        )
        .order_by(AuthSession.last_seen_at.desc(), AuthSession.id.desc())
        .limit(50)
    ).all()
    out = [
        {
            "id": row.id,
            "device": device_label(row.user_agent),
            "ip": masked_ip(row.ip),
            "last_seen": clock.as_utc(row.last_seen_at or row.created_at),
            "created": clock.as_utc(row.created_at),
            "current": bool(current) and row.token_hash == current,
        }
        for row in rows
    ]
    out.sort(key=lambda r: not r["current"])  # « cette session » first
    return out


def revoke_user_session(s: Session, user_id: int, session_id: int) -> bool:
    """Revoke one live session of ``user_id`` (never another person's: the UPDATE is
    conditioned on the owner).  True when a session was revoked."""
    result = s.exec(
        sa.update(AuthSession)
        .where(
            AuthSession.id == session_id,
            AuthSession.user_id == user_id,
            AuthSession.revoked_at.is_(None),
        )
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1 and (user := s.get(User, user_id)) is not None:
        audit_user(s, user, "session_revoked", actor=user)
    s.commit()
    return result.rowcount == 1


def sign_out_everywhere(s: Session, user_id: int, keep_token: str | None = None) -> int:
    """« Se déconnecter partout »: revoke every session of ``user_id`` but ``keep_token``'s
    (None: all of them, this one too); an audit row; returns how many."""
    count = revoke_all(s, user_id, keep_token)
    user = s.get(User, user_id)
    if user is not None:
        action = "sessions_revoked_others" if keep_token else "sessions_revoked_all"
        audit_user(s, user, action, actor=user, message=str(count))
    s.commit()
    return count

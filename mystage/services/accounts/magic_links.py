"""« Recevoir un lien de connexion »: a mailed single-use link (20 min) that logs in and,
like a reset, ends a lockout."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from mystage import clock
from mystage.models import TokenPurpose, User
from mystage.services.accounts import ratelimit, tokens
from mystage.services.accounts.delivery import mail_link
from mystage.services.accounts.identifiers import normalize_email, safe_next_url
from mystage.services.accounts.limits import LIMITS, take_request
from mystage.services.accounts.messages import MSG_MAGIC_INVALID, MSG_RATE_LIMITED
from mystage.services.accounts.sessions import issue_grant
from mystage.services.accounts.users import is_active, user_by

MAGIC_TTL = timedelta(minutes=20)


def request_magic_link(s: Session, email: str | None, ip: str | None, next_url: str = "/") -> None:
    """« Recevoir un lien de connexion »: mail ``/connexion/lien?token=…`` (20 min, single
    use) to an active account.  Unknown addresses: nothing, same answer.  Scope ``magic``."""
    norm = normalize_email(email)
    if not take_request(s, "magic", ip, norm):
        s.rollback()
        return
    user = user_by(s, "email", norm) if norm else None
    if is_active(user):
        mail_link(
            s,
            user,
            TokenPurpose.MAGIC_LINK,
            to=norm,
            path="/connexion/lien",
            template="magic_link",
            ttl=MAGIC_TTL,
            valid_for="20 minutes",
            payload={"next": safe_next_url(next_url)},
        )
    s.commit()


def _consume_magic(
    s: Session, raw: str | None, ip: str | None
) -> tuple[User | None, str, str | None]:
    key = ratelimit.ip_key(ip)
    lim = LIMITS["magic_consume_ip"]
    # Past the limit a valid link still opens (256 random bits: guessing one is hopeless);
    # wrong ones get « Trop de tentatives ».
    over_limit = not ratelimit.check(
        s, "magic_consume", key, lim.limit, lim.window, failures_only=True
    )
    tok = tokens.consume(s, TokenPurpose.MAGIC_LINK, raw)
    user = s.get(User, tok.user_id) if tok is not None and tok.user_id else None
    if not is_active(user):
        s.rollback()
        if over_limit:  # refused: not recorded, so it never extends the block
            return None, "/", MSG_RATE_LIMITED
        ratelimit.record(s, "magic_consume", key, False)
        return None, "/", MSG_MAGIC_INVALID
    if tok.target == user.email and user.email_verified_at is None:
        user.email_verified_at = clock.now()
    user.last_login_at = clock.now()
    # The link proved the mailbox: like a reset, it ends a lockout.
    user.failed_logins = 0
    user.locked_until = None
    return user, safe_next_url(tokens.payload_of(tok).get("next")), None


def consume_magic_link(
    s: Session, raw: str | None, ip: str | None
) -> tuple[User | None, str | None]:
    """Open a magic link: ``(user, None)`` or ``(None, message)``.  Wrong links are
    counted per IP (scope ``magic_consume``); a valid link always opens."""
    user, _next, error = _consume_magic(s, raw, ip)
    s.commit()
    return user, error


def magic_link_grant(s: Session, raw: str | None, ip: str | None) -> tuple[str | None, str | None]:
    """Open a magic link and issue the login grant for ``/api/session`` in the same
    transaction, with the next URL stored in the link: ``(grant, None)`` or ``(None, message)``."""
    user, next_url, error = _consume_magic(s, raw, ip)
    if user is None:
        s.commit()
        return None, error
    grant = issue_grant(s, user, next_url)
    s.commit()
    return grant, None

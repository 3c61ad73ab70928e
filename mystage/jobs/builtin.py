"""The foundation's jobs: outbox delivery and purge of expired secrets and sessions."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.jobs.runner import job
from mystage.models.user import AuthSession, LoginAttempt, OneTimeToken
from mystage.settings import get_settings

# The delays are settings (RETENTION_TOKEN_DAYS, RETENTION_LOGIN_ATTEMPT_DAYS,
# RETENTION_SESSION_DAYS); the defaults: expired tokens kept a day (support: « mon lien a
# expiré »), login attempts a day (the longest rate-limit/lockout window; never less),
# sessions 30 days after their expiry.


@job("deliver_outbox", every=timedelta(seconds=15))
def deliver_outbox(s: Session) -> int:
    """Send the due mails and SMS (own short transactions, see notify.delivery)."""
    from mystage.notify.delivery import deliver_pending

    return deliver_pending()


@job("purge_expired_tokens", every=timedelta(hours=1))
def purge_expired_tokens(s: Session) -> int:
    """Delete one-time tokens expired for more than a day, login attempts older than a
    day and sessions expired for more than 30 days (the settings RETENTION_*_DAYS).  Returns the number of rows deleted."""
    now = clock.now()
    conf = get_settings()
    token_grace = timedelta(days=max(0, conf.retention_token_days))
    attempts_kept = timedelta(days=max(1, conf.retention_login_attempt_days))
    session_grace = timedelta(days=max(0, conf.retention_session_days))
    deleted = 0
    for stmt in (
        sa.delete(OneTimeToken).where(OneTimeToken.expires_at < now - token_grace),
        sa.delete(LoginAttempt).where(LoginAttempt.created_at < now - attempts_kept),
        sa.delete(AuthSession).where(AuthSession.expires_at < now - session_grace),
    ):
        deleted += s.execute(stmt.execution_options(synchronize_session=False)).rowcount or 0
    return deleted

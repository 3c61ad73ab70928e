"""The foundation's jobs: outbox delivery and purge of expired secrets and sessions."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.jobs.runner import job
from mystage.models.user import AuthSession, LoginAttempt, OneTimeToken

TOKEN_GRACE = timedelta(days=1)  # expired tokens kept a day (support: « mon lien a expiré »)
LOGIN_ATTEMPTS_KEPT = timedelta(days=1)  # longest rate-limit/lockout window
SESSION_GRACE = timedelta(days=30)


@job("deliver_outbox", every=timedelta(seconds=15))
def deliver_outbox(s: Session) -> int:
    """Send the due mails and SMS (own short transactions, see notify.delivery)."""
    from mystage.notify.delivery import deliver_pending

    return deliver_pending()


@job("purge_expired_tokens", every=timedelta(hours=1))
def purge_expired_tokens(s: Session) -> int:
    """Delete one-time tokens expired for more than a day, login attempts older than a
    day and sessions expired for more than 30 days.  Returns the number of rows deleted."""
    now = clock.now()
    deleted = 0
    for stmt in (
        sa.delete(OneTimeToken).where(OneTimeToken.expires_at < now - TOKEN_GRACE),
        sa.delete(LoginAttempt).where(LoginAttempt.created_at < now - LOGIN_ATTEMPTS_KEPT),
        sa.delete(AuthSession).where(AuthSession.expires_at < now - SESSION_GRACE),
    ):
        deleted += s.execute(stmt.execution_options(synchronize_session=False)).rowcount or 0
    return deleted

"""Messages that carry a secret: a mailed single-use link (activation, reset, magic link) or
an SMS code (activation, reset).  The secret is issued in the caller's transaction, with
the message that carries it; earlier links of the same purpose stop working."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from mystage.models import Role, TokenPurpose, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services.accounts import tokens
from mystage.settings import get_settings

CODE_TTL = timedelta(minutes=15)


def link_url(path: str, raw: str) -> str:
    return f"{get_settings().public_url}{path}?token={raw}"


def _minutes(ttl: timedelta) -> int:
    return int(ttl.total_seconds() // 60)


def mail_link(
    s: Session,
    user: User,
    purpose: str,
    *,
    to: str,
    path: str,
    template: str,
    ttl: timedelta,
    valid_for: str,
    payload: dict[str, Any] | None = None,
) -> None:
    """Void the user's live links of ``purpose``, issue a new one (``ttl``) and mail
    ``{PUBLIC_URL}{path}?token=…`` to ``to`` with the ``template`` (« valable ``valid_for`` »)."""
    tokens.invalidate(s, purpose, user_id=user.id)
    raw = tokens.issue(s, purpose, user_id=user.id, target=to, payload=payload, ttl=ttl)
    url = link_url(path, raw)
    subject, body = templates.render(
        template,
        url=url,
        first_name=user.first_name,
        valid_for=valid_for,
        tu=user.role == Role.ELEVE,  # pupils get « tu », everybody else « vous »
    )
    queue_mail(
        s,
        to=to,
        subject=subject,
        body=body,
        action_url=url,
        template=template,
        user_id=user.id,
    )


def send_phone_code(s: Session, user: User, action: str) -> None:
    """A 6-digit code by SMS (15 min) for ``action`` "activation" or "reset"."""
    code = tokens.issue_code(
        s, TokenPurpose.PHONE_CODE, user_id=user.id, target=user.phone, action=action, ttl=CODE_TTL
    )
    name = "sms_phone_code" if action == "activation" else "sms_reset_code"
    _, body = templates.render(
        name, code=code, valid_minutes=_minutes(CODE_TTL), tu=user.role == Role.ELEVE
    )
    queue_sms(s, to=user.phone, body=body, template=name, user_id=user.id)

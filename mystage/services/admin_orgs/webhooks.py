"""An operator's webhook (issue 19), set by administrators in the back office: the URL that
receives each application event on the operator's offers, and the signing secret
(« Générer un secret »: shown once, then only whether one is set).  Deliveries are outbox
rows (channel ``webhook``, « Courriels et SMS » page); see :mod:`mystage.notify.webhook`."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session

from mystage.models import Operator, User
from mystage.services import audit, permissions
from mystage.services.form_values import form_str
from mystage.services.ids import client_id

SECRET_PREFIX = "whsec_"
URL_MAX = 500
MSG_GONE = "Cet opérateur n'existe pas."
MSG_URL = "Adresse invalide : une URL http:// ou https:// complète (https://exemple.fr/hook)."
MSG_URL_LONG = f"{URL_MAX} caractères au maximum."
MSG_NEED_URL = "Enregistrez d'abord l'adresse du webhook."


def _operator(s: Session, operator_id: Any) -> Operator | None:
    oid = client_id(operator_id)
    return s.get(Operator, oid) if oid is not None else None


def webhook_url_error(url: str) -> str:
    """ "" for an empty URL (no webhook) or a valid absolute http(s) URL; else the error."""
    if not url:
        return ""
    if len(url) > URL_MAX:
        return MSG_URL_LONG
    if any(c.isspace() or ord(c) < 32 for c in url):
        return MSG_URL
    try:
        parts = urlsplit(url)
    except ValueError:
        return MSG_URL
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return MSG_URL
    return ""


def save_webhook(s: Session, actor: User | None, operator_id: Any, data: Any) -> dict[str, str]:
    """« Enregistrer » the webhook URL (``data["webhook_url"]``; empty: no webhook).
    ``{}`` when saved (committed, audited), else the field errors."""
    permissions.require(permissions.can_admin(actor))
    op = _operator(s, operator_id)
    if op is None:
        return {"form": MSG_GONE}
    url = form_str(data, "webhook_url", URL_MAX + 100)
    if error := webhook_url_error(url):
        return {"webhook_url": error}
    op.webhook_url = url
    s.add(op)
    audit.record(s, "operator", op.id, "webhook_url", actor, message=url or "(aucun)")
    s.commit()
    return {}


def new_webhook_secret(s: Session, actor: User | None, operator_id: Any) -> tuple[str, str]:
    """« Générer un secret »: a new signing secret replaces the old one at once; returned
    (to show once) with "" or ("", error)."""
    permissions.require(permissions.can_admin(actor))
    op = _operator(s, operator_id)
    if op is None:
        return "", MSG_GONE
    if not op.webhook_url:
        return "", MSG_NEED_URL
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    op.webhook_secret = secret
    s.add(op)
    audit.record(s, "operator", op.id, "webhook_secret", actor, message="Nouveau secret")
    s.commit()
    return secret, ""

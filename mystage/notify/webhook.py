"""Operators' webhooks (issue 19): an application event on an operator's offer is an outbox
row of channel ``webhook`` (queued by :mod:`mystage.services.applications.webhooks` in the
transaction of the move), delivered here with the outbox's claims, retries and backoff
(:mod:`mystage.notify.delivery`).

The row's ``recipient`` is ``operator:<id>``; the URL and the signing secret are read from
the operator when the row is sent, so a corrected URL or a new secret applies to the
retries too (and the secret never sits in the outbox).  The request::

    POST <webhook_url>
    Content-Type: application/json
    X-MyStage-Event: accepted
    X-MyStage-Delivery: <outbox id>            (the same on a retry: deduplicate on it)
    X-MyStage-Timestamp: 1767225600            (Unix seconds, when this attempt was signed)
    X-MyStage-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>

    {"event": "accepted", "application_id": 12, "offer_id": 3, "remote_id": "A-17",
     "state": "accepted", "at": "2026-01-05T10:00:00+00:00"}

Any 2xx is a success; anything else (and a timeout, a refused connection) is retried with
the outbox's backoff, up to its last attempt.  An operator without URL or secret any more:
the message fails for good.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa

from mystage import db
from mystage.models import Operator
from mystage.notify.transports import Message, PermanentError, TransportError

RECIPIENT = "operator:{id}"
SIGNATURE_HEADER = "X-MyStage-Signature"
TIMESTAMP_HEADER = "X-MyStage-Timestamp"
TIMEOUT_S = 10.0


def sign(secret: str, timestamp: str, body: bytes | str) -> str:
    """``sha256=<hex>``: HMAC-SHA256 under ``secret`` of ``timestamp + "." + body``."""
    raw = body.encode() if isinstance(body, str) else body
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes | str, signature: str) -> bool:
    """What a receiver does (documentation and tests): compare in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def operator_of(recipient: str) -> int | None:
    prefix = RECIPIENT.format(id="")
    if not recipient.startswith(prefix) or not recipient[len(prefix) :].isdigit():
        return None
    return int(recipient[len(prefix) :])


def _target(operator_id: int) -> tuple[str, str] | None:
    with db.engine().connect() as conn:
        row = conn.execute(
            sa.select(Operator.webhook_url, Operator.webhook_secret).where(
                Operator.id == operator_id
            )
        ).first()
    if row is None or not row[0] or not row[1]:
        return None
    return row[0], row[1]


class WebhookTransport:
    """Signed POSTs to the operators' URLs (httpx, no redirects followed)."""

    name = "webhook"

    def __init__(self, timeout: float = TIMEOUT_S) -> None:
        self.timeout = timeout
        self._client: httpx.Client | None = None

    def send(self, message: Message) -> None:
        operator_id = operator_of(message.recipient)
        target = _target(operator_id) if operator_id is not None else None
        if target is None:
            raise PermanentError("Webhook : l'opérateur n'a plus d'URL ou de secret.")
        url, secret = target
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise PermanentError("Webhook : URL invalide (http ou https attendu).")
        body = message.body.encode()
        timestamp = str(int(time.time()))
        try:
            event = json.loads(body).get("event", "")
        except ValueError:
            event = ""
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "MyStage-Webhook/1",
            "X-MyStage-Event": str(event),
            "X-MyStage-Delivery": str(message.id),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        }
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout, follow_redirects=False)
        try:
            resp = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            # Not TransportUnavailable: one operator's server down must not hold the others.
            raise TransportError(f"Webhook : {type(exc).__name__} {exc}") from exc
        if not 200 <= resp.status_code < 300:
            raise TransportError(f"Webhook : HTTP {resp.status_code} {resp.text[:200]}")

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

"""Transports: SMTP (stdlib smtplib), SMS over an HTTP gateway (httpx), dev mailbox.

A transport has a ``name`` (stored in ``outbox.transport``), ``send(message)`` which
returns normally once the message was accepted and raises otherwise, and ``close()``
which releases its connections (the transport reconnects on the next ``send``).

Errors tell the delivery job what to do next:

- :class:`PermanentError`: the message itself is refused (unknown recipient, invalid
  number): no retry, the row is marked failed;
- :class:`TransportUnavailable`: the server/gateway cannot be reached: retry later, and
  the other messages of the same channel in this batch are not even tried;
- any other exception: this message failed, retry it later with backoff.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from mystage.settings import get_settings

log = logging.getLogger(__name__)


class TransportError(Exception):
    """A message could not be delivered (retry later)."""


class TransportUnavailable(TransportError):
    """The server or gateway cannot be reached: nothing of this channel will get through."""


class PermanentError(TransportError):
    """The message is refused for good: do not retry."""


@dataclass(frozen=True)
class Message:
    """What a transport needs from an outbox row (a plain snapshot, no ORM object)."""

    id: int
    channel: str
    recipient: str
    subject: str
    body: str
    action_url: str = ""


class Transport(Protocol):
    name: str

    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...


def message_id(outbox_id: int, mail_from: str | None = None) -> str:
    """Stable Message-ID of an outbox row: a re-sent message carries the same one."""
    address = parseaddr(mail_from or get_settings().mail_from)[1]
    domain = address.rpartition("@")[2] or "mystage.local"
    return f"<outbox-{outbox_id}@{domain}>"


def build_email(message: Message, mail_from: str | None = None) -> EmailMessage:
    """A text/plain UTF-8 mail for an outbox row."""
    mail_from = mail_from or get_settings().mail_from
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = message.recipient
    msg["Subject"] = message.subject
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = message_id(message.id, mail_from)
    msg["X-MyStage-Outbox-Id"] = str(message.id)
    msg["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps the mail 7-bit clean for any relay (no 8BITMIME needed).
    msg.set_content(message.body, subtype="plain", charset="utf-8", cte="quoted-printable")
    return msg


class SmtpTransport:
    """SMTP delivery; one connection reused for a batch, reopened after an error.

    URL forms: ``smtp://host:25`` (plain), ``smtp+starttls://user:pass@host:587``,
    ``smtps://user:pass@host:465`` (implicit TLS).  User and password are URL-decoded.
    Query options: ``timeout`` (seconds, default 30), ``verify=0`` (do not check the
    server certificate; test relays only).
    """

    name = "smtp"

    def __init__(self, url: str, mail_from: str | None = None, timeout: float | None = None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in {"smtp", "smtps", "smtp+starttls"}:
            raise ValueError(f"SMTP_URL invalide (schéma {scheme!r}) : smtp, smtps, smtp+starttls")
        if not parts.hostname:
            raise ValueError("SMTP_URL invalide : hôte manquant")
        query = parse_qs(parts.query)
        self.scheme = scheme
        self.host = parts.hostname
        self.port = parts.port or {"smtp": 25, "smtps": 465, "smtp+starttls": 587}[scheme]
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout or float(query.get("timeout", ["30"])[0])
        self.verify = query.get("verify", ["1"])[0] not in {"0", "false", "no"}
        self.mail_from = mail_from or get_settings().mail_from
        self._conn: smtplib.SMTP | None = None

    def __repr__(self) -> str:  # never show the password
        return f"SmtpTransport({self.scheme}://{self.host}:{self.port})"

    def _context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context()
        if not self.verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx

    def _connect(self) -> smtplib.SMTP:
        try:
            if self.scheme == "smtps":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=self._context()
                )
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            conn.ehlo()
            if self.scheme == "smtp+starttls":
                conn.starttls(context=self._context())
                conn.ehlo()
            if self.username:
                conn.login(self.username, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise TransportUnavailable(
                f"SMTP : authentification refusée ({exc.smtp_code})"
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportUnavailable(f"SMTP {self.host}:{self.port} injoignable : {exc}") from exc
        return conn

    def send(self, message: Message) -> None:
        email = build_email(message, self.mail_from)
        envelope_from = parseaddr(self.mail_from)[1]
        if self._conn is None:
            self._conn = self._connect()
        try:
            refused = self._conn.send_message(
                email, from_addr=envelope_from, to_addrs=[message.recipient]
            )
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset_if_broken()
            code, text = next(iter(exc.recipients.values()), (0, b""))
            err = f"SMTP : destinataire refusé ({code} {_text(text)})"
            raise (PermanentError(err) if 500 <= code < 600 else TransportError(err)) from exc
        except smtplib.SMTPDataError as exc:
            self._reset_if_broken()
            err = f"SMTP : message refusé ({exc.smtp_code} {_text(exc.smtp_error)})"
            raise (
                PermanentError(err) if 500 <= exc.smtp_code < 600 else TransportError(err)
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TransportError(f"SMTP : {type(exc).__name__} {exc}") from exc
        if refused:  # only one recipient: send_message raises if all are refused
            raise TransportError(f"SMTP : destinataire refusé {refused}")

    def _reset_if_broken(self) -> None:
        try:
            if self._conn is not None:
                self._conn.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            try:
                conn.close()
            except OSError:
                pass


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class SmsTransport:
    """SMS over an HTTP gateway: ``POST url`` with a JSON body and a bearer token.

    Body: ``{"to": "+33…", "text": …, "sender": …, "reference": "mystage-<outbox id>"}``;
    the reference lets the gateway (and us) recognise a re-sent message.  Any 2xx is a
    success; 400/404/422 mean the message is refused for good; anything else is retried.
    """

    name = "sms"
    PERMANENT_STATUSES = frozenset({400, 404, 410, 422})

    def __init__(
        self, url: str, token: str | None, sender: str | None = None, timeout: float = 10.0
    ):
        self.url = url
        self.sender = sender or get_settings().sms_sender
        self.timeout = timeout
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._client: httpx.Client | None = None

    def __repr__(self) -> str:  # never show the token
        return f"SmsTransport({urlsplit(self.url).netloc})"

    def send(self, message: Message) -> None:
        payload = {
            "to": message.recipient,
            "text": message.body,
            "sender": self.sender,
            "reference": f"mystage-{message.id}",
        }
        if self._client is None:
            self._client = httpx.Client(
                timeout=self.timeout, headers=self._headers, follow_redirects=False
            )
        try:
            resp = self._client.post(self.url, json=payload)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise TransportUnavailable(f"SMS : passerelle injoignable ({exc})") from exc
        except httpx.HTTPError as exc:
            raise TransportError(f"SMS : {type(exc).__name__} {exc}") from exc
        if 200 <= resp.status_code < 300:
            return
        err = f"SMS : HTTP {resp.status_code} {resp.text[:200]}"
        if resp.status_code in self.PERMANENT_STATUSES:
            raise PermanentError(err)
        raise TransportError(err)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()


class DevTransport:
    """Dev mailbox: nothing leaves the machine; the row is marked sent with transport
    ``dev`` and shown on ``/dev/mails`` (:func:`mystage.notify.outbox.list_messages`)."""

    name = "dev"

    def send(self, message: Message) -> None:
        log.debug("Boîte de développement : message #%s (%s)", message.id, message.channel)

    def close(self) -> None:
        pass


def default_transports() -> dict[str, Transport]:
    """From the settings: SMTP if SMTP_URL, the SMS gateway if SMS_URL, else the dev
    mailbox when it is on (``DEV_MAILBOX=true``).  A channel with none of them is left
    out: its messages stay queued in the outbox (the delivery says so in the log)."""
    s = get_settings()
    out: dict[str, Transport] = {}
    if s.smtp_url:
        out["mail"] = SmtpTransport(s.smtp_url, s.mail_from)
    elif s.dev_mailbox:
        out["mail"] = DevTransport()
    if s.sms_url:
        out["sms"] = SmsTransport(s.sms_url, s.sms_token, s.sms_sender)
    elif s.dev_mailbox:
        out["sms"] = DevTransport()
    return out

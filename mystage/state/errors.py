"""Unexpected server errors: one French message, an error id in the log, no cookie there.

Every exception a handler lets escape reaches :func:`backend_exception_handler` (the
app's ``backend_exception_handler``): it logs the traceback under a short reference
(8 hexadecimal characters) and shows the person, on any page, « Une erreur est survenue
de notre côté. Réessayez dans un instant. (réf. 3F9A0C21) » — instead of Reflex's
English « An error occurred. Contact the website administrator. ».  Support finds the
traceback in the log from the reference.

The message is a state var shown by the page shell (:func:`error_banner`), not a toast:
Reflex's toasts from the server are scripts the browser evaluates, which the
Content-Security-Policy (no ``unsafe-eval``) refuses.

Reflex logs some failures with the whole event, whose ``router_data`` holds the request
headers — the session cookie included: :func:`install_log_scrubber` blanks cookie
values in every log record.
"""

import logging
import re
import secrets
import traceback
from typing import Any

import reflex as rx
from reflex.event import EventSpec

log = logging.getLogger("mystage.errors")

MSG_UNEXPECTED = "Une erreur est survenue de notre côté. Réessayez dans un instant. (réf. {ref})"
_REF = re.compile(r"^[0-9A-F]{8}$")

# 'cookie': '…' / "cookie": "…" (router data, headers), Cookie: … (raw headers) and
# session tokens wherever they appear.
_SECRETS = (
    (
        re.compile(r"""(['"](?:cookie|authorization)['"]\s*:\s*)(['"]).*?(?<!\\)\2""", re.I),
        r"\1\2…\2",
    ),
    (re.compile(r"""((?:^|\n)\s*(?:cookie|authorization)\s*:\s*)[^\n]*""", re.I), r"\1…"),
    (re.compile(r"(mystage_session=)[^;\s'\"]+"), r"\1…"),
)


def scrub(text: str) -> str:
    """``text`` with cookie and authorization values blanked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def report(exc: BaseException) -> str:
    """Log ``exc`` with its traceback under a new reference; returns the reference."""
    ref = secrets.token_hex(4).upper()
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("Erreur serveur réf. %s\n%s", ref, scrub(tb))
    return ref


def message(ref: str) -> str:
    return MSG_UNEXPECTED.format(ref=ref)


class ErrorState(rx.State):
    """The message of the last unexpected error, shown at the top of every page."""

    error_message: str = ""

    @rx.event
    def show(self, ref: Any):
        # Public like every handler: it only ever shows our own message for a reference.
        if isinstance(ref, str) and _REF.match(ref):
            self.error_message = message(ref)

    @rx.event
    def dismiss(self):
        if self.error_message:  # every page load dismisses: no delta when nothing shows
            self.error_message = ""


def backend_exception_handler(exception: Exception) -> EventSpec:
    """The app's single handler of unexpected server errors."""
    return ErrorState.show(report(exception))


class _ScrubbingFactory:
    def __init__(self, factory):
        self.factory = factory

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.factory(*args, **kwargs)
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logged as it is
            return record
        lowered = text.lower()
        if "cookie" in lowered or "authorization" in lowered or "mystage_session" in lowered:
            record.msg, record.args = scrub(text), ()
        return record


def install_log_scrubber() -> None:
    """Blank cookie values in every log record, whoever logs it (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _ScrubbingFactory):
        logging.setLogRecordFactory(_ScrubbingFactory(factory))

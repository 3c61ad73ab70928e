"""The format of mystage's own log lines (``LOG_FORMAT``, ``LOG_LEVEL``).

Reflex attaches its handlers to the ``reflex`` logger only; records of the ``mystage.*``
loggers went to Python's last-resort handler (warnings and errors, bare message, no time,
no level; INFO records such as each job's count were lost).  :func:`configure` gives the ``mystage`` logger one stderr handler:

- ``LOG_FORMAT=text`` (default): ``2026-12-07T11:46:12.345Z INFO mystage.jobs.runner
  [pid 1234] Tâche deliver_outbox : 3`` — one line a record, the traceback indented below;
- ``LOG_FORMAT=json``: one JSON object a line with the keys of Reflex's
  ``REFLEX_LOG_JSON`` records — ``timestamp`` (UTC, ISO 8601), ``level``, ``logger``,
  ``message``, ``location``, ``pid``, ``exception`` (the traceback, when there is one) — so
  one parser reads both (set ``REFLEX_LOG_JSON=true`` too; deploy/README.md).

Cookie values are blanked before any handler sees a record (the record factory of
``mystage.state.errors.install_log_scrubber``).  Idempotent: called by the app module in
each worker and by ``python -m mystage``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import TextIO

from mystage.settings import Settings

LOGGER = "mystage"


def _utc(created: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(created, tz=dt.UTC)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = _utc(record.created).strftime("%Y-%m-%dT%H:%M:%S.") + (f"{int(record.msecs):03d}Z")
        line = (
            f"{stamp} {record.levelname} {record.name} [pid {record.process}] {record.getMessage()}"
        )
        if record.exc_info and record.exc_info[0] is not None:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "timestamp": _utc(record.created).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "location": f"{record.pathname}:{record.lineno}",
            "pid": record.process,
        }
        if record.exc_info and record.exc_info[0] is not None:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class _Handler(logging.StreamHandler):
    """The handler this module installs (replaced, never stacked).  Without an explicit
    stream it writes to the ``sys.stderr`` of the moment (pytest swaps it per test)."""

    def __init__(self, stream: TextIO | None = None):
        super().__init__(stream)
        self._fixed = stream is not None

    def emit(self, record: logging.LogRecord) -> None:
        if not self._fixed:
            self.stream = sys.stderr
        super().emit(record)


def configure(settings: Settings, stream: TextIO | None = None) -> logging.Logger:
    """Give the ``mystage`` logger its handler in ``settings.log_format`` at
    ``settings.log_level`` (unknown values: text, WARNING — ``check-config`` names them)."""
    logger = logging.getLogger(LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, _Handler)]:
        logger.removeHandler(handler)
    handler = _Handler(stream)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    logger.addHandler(handler)
    level = logging.getLevelName(settings.log_level)
    logger.setLevel(level if isinstance(level, int) else logging.WARNING)
    # Records still propagate: nothing handles the root logger in the server (Reflex's
    # handlers sit on ``reflex``), so nothing prints twice, and pytest's caplog sees them.
    return logger

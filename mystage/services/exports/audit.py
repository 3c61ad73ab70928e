"""Export of the audit log (« Journal », back office): the page's filters, administrators
only.  Text typed by people (messages, e-mails) never starts a formula: a cell beginning
with ``= + - @`` gets a leading apostrophe."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from mystage.services import admin_ops
from mystage.services.exports.kinds import EXPORT_KINDS, Prepared, Viewer
from mystage.services.exports.xlsx import DATETIME, INT, TEXT, Col

AUDIT_COLUMNS = [
    Col("ID", INT, 9),
    Col("DATE", DATETIME, 17),
    Col("COMPTE_ID", INT, 10),
    Col("EMAIL", TEXT, 28),
    Col("NOM", TEXT, 24),
    Col("PROFIL", TEXT, 20),
    Col("OBJET", TEXT, 14),
    Col("OBJET_ID", INT, 10),
    Col("ACTION", TEXT, 24),
    Col("AVANT", TEXT, 16),
    Col("APRES", TEXT, 16),
    Col("MESSAGE", TEXT, 50),
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """Text for a cell, never read as a formula by a spreadsheet (even re-saved as CSV)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _audit_log(s: Session, viewer: Viewer, data: dict[str, Any]):
    f, errors = admin_ops.parse_filters(s, data)
    if f is None:
        return None, errors
    role_label = admin_ops.audit_log.role_label

    def convert(r: Any) -> tuple:
        return (
            r.id,
            r.created_at,
            r.actor_id,
            safe_text(r.email),
            safe_text(r.actor_name),
            role_label(r.actor_role),
            safe_text(r.entity),
            r.entity_id,
            safe_text(r.action),
            safe_text(r.from_state),
            safe_text(r.to_state),
            safe_text(r.message),
        )

    stored = {k: v for k, v in data.items() if k in admin_ops.audit_log.FILTER_FIELDS}
    return Prepared(
        "audit_log",
        EXPORT_KINDS["audit_log"],
        AUDIT_COLUMNS,
        admin_ops.audit_log.select_rows(f),
        admin_ops.audit_log.count_rows(f),
        convert,
        params=stored,
    ), {}

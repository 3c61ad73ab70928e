"""Asking for an export: :func:`prepare` builds it, :func:`request_export` returns a small one
at once or queues a large one, :func:`export_for_download` writes a small one for the page."""

from __future__ import annotations

import io
import json
import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from mystage import clock
from mystage.models import ExportJob
from mystage.services.exports.applications import _applications
from mystage.services.exports.audit import _audit_log
from mystage.services.exports.files import DOWNLOAD_URL, _mark_done, exports_dir
from mystage.services.exports.kinds import (
    EXPORT_KINDS,
    MSG_EMPTY,
    MSG_KIND,
    MSG_NO_EMAIL,
    MSG_QUEUED,
    XLSX_MIME,
    Prepared,
    _viewer,
)
from mystage.services.exports.offers import _offers
from mystage.services.exports.statistics import _rep_schools, _stats_table
from mystage.services.exports.xlsx import write_xlsx
from mystage.settings import get_settings

SMALL_LIMIT = 20_000  # rows: above, the export runs in the background (EXPORT_SYNC_MAX_ROWS)


INSTANT_LINK_MINUTES = 30  # link of a small export downloaded at once from the page


def prepare(s: Session, user: Any, kind: Any, params: Any = None) -> tuple[Prepared | None, dict]:
    """Check the viewer, parse and clamp the filters, build the export.  Returns
    ``(prepared, notices)``; PermissionDenied for a viewer who may not have this export."""
    viewer = _viewer(s, user, kind)
    data = params if isinstance(params, dict) else {}
    if kind == "offers":
        return _offers(s, viewer, data)
    if kind == "applications":
        return _applications(s, viewer, data)
    if kind == "rep_schools":
        return _rep_schools(s, viewer, data)
    if kind == "audit_log":
        return _audit_log(s, viewer, data)
    return _stats_table(s, viewer, data, kind)


# --- requesting an export -------------------------------------------------------------------


def request_export(s: Session, user: Any, kind: Any, params: Any = None) -> dict[str, Any]:
    """« Exporter »: a small export comes back at once (``status="ready"`` with ``data``,
    ``filename``, ``mime``); a large one is queued (``status="queued"``, ``job_id``) and
    will arrive by mail.  ``status="error"`` with a French ``error`` otherwise; the filter
    notices (a département outside the scope…) are in ``notices``."""
    if not isinstance(kind, str) or kind not in EXPORT_KINDS:
        return {"status": "error", "error": MSG_KIND, "notices": {}}
    prepared, notices = prepare(s, user, kind, params)
    if prepared is None:
        return {"status": "error", "error": next(iter(notices.values())), "notices": notices}
    rows = prepared.count(s)
    if rows == 0:
        return {"status": "error", "error": MSG_EMPTY, "notices": notices, "rows": 0}
    if rows <= small_limit():
        buf = io.BytesIO()
        written = write_xlsx(
            buf, prepared.title, prepared.columns, prepared.iter_rows(s), constant_memory=False
        )
        return {
            "status": "ready",
            "data": buf.getvalue(),
            "filename": prepared.filename,
            "mime": XLSX_MIME,
            "rows": written,
            "notices": notices,
        }
    if not user.email:
        return {"status": "error", "error": MSG_NO_EMAIL, "notices": notices}
    job = ExportJob(
        user_id=user.id,
        kind=kind,
        params=json.dumps(prepared.params, ensure_ascii=False),
        status="queued",
        total=rows,
        created_at=clock.now(),
    )
    s.add(job)
    s.commit()
    return {
        "status": "queued",
        "job_id": job.id,
        "rows": rows,
        "message": MSG_QUEUED.format(rows=f"{rows:,}".replace(",", "\u202f")),
        "notices": notices,
    }


def small_limit() -> int:
    """Rows above which an export is queued: :data:`SMALL_LIMIT` unless the deployment sets
    ``EXPORT_SYNC_MAX_ROWS``."""
    configured = get_settings().export_sync_max_rows
    return configured if configured > 0 else SMALL_LIMIT


def export_for_download(s: Session, user: Any, kind: Any, params: Any = None) -> dict[str, Any]:
    """« Exporter » from a page: like :func:`request_export`, but a small file is stored
    in the private folder behind a short-lived private link (``status="ready"`` with
    ``url`` and ``filename``) instead of travelling in the page's websocket.  The export is
    recorded as a finished job, so the requester's list shows it too."""
    result = request_export(s, user, kind, params)
    if result["status"] != "ready":
        return result
    now = clock.now()
    job = ExportJob(
        user_id=user.id,
        kind=kind,
        params="{}",
        status="running",
        total=result["rows"],
        created_at=now,
        started_at=now,
    )
    s.add(job)
    s.flush()
    final = exports_dir() / f"{job.id}-{secrets.token_hex(8)}.xlsx"
    final.write_bytes(result.pop("data"))
    raw = _mark_done(s, job, final, result["rows"], timedelta(minutes=INSTANT_LINK_MINUTES))
    s.commit()
    result["url"] = DOWNLOAD_URL.format(token=raw)
    return result

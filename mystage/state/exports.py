"""« Exporter » on any page: référents' statistics and employers' own files.

One state for both: ``export(kind, params)`` goes through ``services/exports/``, which
re-checks who the caller is, what ``kind`` they may export and clamps ``params`` (filters
typed on the page, hence untrusted) to their scope.  A small file is downloaded at once
through a short-lived private link; a large one is queued, followed here with a progress
bar (background event) and mailed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from mystage import db
from mystage.services import exports
from mystage.services.permissions import PermissionDenied
from mystage.state.session import caller

PARAM_FIELDS = (
    "school_year", "department", "academy", "sector_id", "structure_type", "ep", "level",
    "ministry", "school_kind", "registered",
)  # fmt: skip
POLL_SECONDS = 1.0
POLL_MAX = 1800  # polls (30 min) before the page stops watching a background export


def _s(v: Any) -> str:
    return "" if v is None else str(v)


def _list(s, actor) -> list[dict[str, str]]:
    return [{k: _s(v) for k, v in j.items()} for j in exports.my_exports(s, actor, limit=5)]


def _export(s, actor, kind: str, params: dict[str, str]) -> dict[str, Any]:
    try:
        return exports.export_for_download(s, actor, kind, params)
    except PermissionDenied:  # this kind is not for this caller (pupil, employer's REP file…)
        return {"status": "error", "error": exports.MSG_DENIED}


def _status(s, actor, job_id) -> dict[str, Any] | None:
    return exports.export_status(s, actor, job_id)


class ExportState(rx.State):
    message: str = ""
    error: str = ""
    job: dict[str, str] = {}
    recent: list[dict[str, str]] = []
    registered: str = "tous"  # REP/REP+ schools file: inscrits / non inscrits / tous
    _watching: int = 0

    @rx.event
    async def load(self):
        """The caller's latest exports (nothing for anonymous callers)."""
        self.message = ""
        self.error = ""
        actor = await caller(self)
        self.recent = await db.call(_list, actor) if actor is not None else []

    @rx.event
    async def set_registered(self, value: str):
        if isinstance(value, str) and value in exports.REGISTERED_FILTERS:
            self.registered = value

    @rx.event
    async def export(self, kind: str, params: dict | None = None):
        self.message = ""
        self.error = ""
        actor = await caller(self)
        if actor is None:
            self.error = exports.MSG_DENIED
            return
        if not isinstance(kind, str) or kind not in exports.EXPORT_KINDS:
            self.error = exports.MSG_KIND
            return
        raw = params if isinstance(params, dict) else {}
        clean = {
            k: v[:80]
            for k, v in raw.items()
            if k in PARAM_FIELDS and isinstance(v, str) and k != "registered"
        }
        if kind == "rep_schools":
            clean["registered"] = self.registered
        result = await db.call(_export, actor, kind, clean)
        status = result.get("status")
        if status == "ready":
            n = result["rows"]
            self.message = f"Fichier prêt : {n} ligne{'s' if n > 1 else ''}."
            self.recent = await db.call(_list, actor)
            return rx.download(url=result["url"], filename=result["filename"])
        if status == "queued":
            self.message = result["message"]
            self.job = {
                "id": str(result["job_id"]),
                "percent": "0",
                "status": "queued",
                "status_label": exports.JOB_STATUS_LABELS["queued"],
                "title": exports.EXPORT_KINDS[kind],
            }
            self.recent = await db.call(_list, actor)
            self._watching = result["job_id"]
            return ExportState.watch
        self.error = result.get("error") or exports.MSG_FAILED

    @rx.event(background=True)
    async def watch(self):
        """Follow a background export until it is done (progress bar), then say it was
        mailed.  Runs concurrently with the page; one watcher per tab (``_watching``)."""
        async with self:
            job_id = self._watching
            actor = await caller(self)
        if actor is None or not job_id:
            return
        for _ in range(POLL_MAX):
            await asyncio.sleep(POLL_SECONDS)
            status = await db.call(_status, actor, job_id)
            finished = status is not None and status["status"] in ("done", "failed", "expired")
            latest = await db.call(_list, actor) if finished else None
            async with self:
                if self._watching != job_id:
                    return  # another export replaced this one
                if status is None:
                    self.job = {}
                    return
                self.job = {k: _s(v) for k, v in status.items()}
                if finished:
                    self._watching = 0
                    self.recent = latest
                    if status["status"] == "done":
                        self.message = "Le fichier est prêt : il vous a été transmis par e-mail."
                    else:
                        self.error = status["error"] or exports.MSG_FAILED
                    return


__all__ = ["ExportState"]

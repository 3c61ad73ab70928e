"""The written files: their private folder, their download links (token checked against the
requester), the requester's list of exports and the purge of expired ones."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import ExportJob
from mystage.services import permissions
from mystage.services.accounts import tokens
from mystage.services.exports.kinds import EXPORT_KINDS, FILE_SLUGS, JOB_STATUS_LABELS, MSG_FAILED
from mystage.services.ids import client_id
from mystage.settings import get_settings

LINK_DAYS = 7


DOWNLOAD_URL = "/api/exports/{token}"
# « Vos derniers exports »: each finished file downloads again while its link is valid,
# through the same checks as the mailed link (the requester's session, unexpired, present).
AGAIN_URL = "/api/exports/fichier/{id}"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def _mark_done(s: Session, job: ExportJob, final: Path, rows: int, valid_for: timedelta) -> str:
    """A written file becomes its job's download: done, its private link (only the token's
    hash is stored) valid ``valid_for``.  Returns the raw token (not committed)."""
    raw = tokens.new_token()
    now = clock.now()
    job.status = "done"
    job.progress = rows
    job.total = rows
    job.file_path = str(final.relative_to(get_settings().private_dir))
    job.token_hash = tokens.hash_token(raw)
    job.expires_at = now + valid_for
    job.finished_at = now
    s.add(job)
    return raw


def _job_dict(job: ExportJob) -> dict[str, Any]:
    total = max(int(job.total or 0), 0)
    progress = min(max(int(job.progress or 0), 0), total) if total else 0
    return {
        "id": job.id,
        "kind": job.kind,
        "title": EXPORT_KINDS.get(job.kind, job.kind),
        "status": job.status,
        "status_label": JOB_STATUS_LABELS.get(job.status, job.status),
        "progress": progress,
        "total": total,
        "percent": int(100 * progress / total) if total else (100 if job.status == "done" else 0),
        "error": job.error or "",
        "created_at": clock.fmt_paris(job.created_at),
        "expires_at": clock.fmt_paris(job.expires_at),
        "download_url": AGAIN_URL.format(id=job.id) if _downloadable(job) else "",
    }


def _downloadable(job: ExportJob) -> bool:
    """Done, its file still there (not purged) and its link not expired."""
    expires = clock.as_utc(job.expires_at)
    return (
        job.status == "done"
        and bool(job.file_path)
        and expires is not None
        and expires > clock.now()
    )


def export_status(s: Session, user: Any, job_id: Any) -> dict[str, Any] | None:
    """Progress of one of the requester's background exports (None for anyone else)."""
    if not permissions.is_authenticated(user):
        return None
    jid = client_id(job_id)
    job = s.get(ExportJob, jid) if jid is not None else None
    if job is None or job.user_id != user.id:
        return None
    s.refresh(job)
    return _job_dict(job)


def my_exports(s: Session, user: Any, limit: int = 10) -> list[dict[str, Any]]:
    """The requester's latest background exports, newest first."""
    if not permissions.is_authenticated(user):
        return []
    rows = s.execute(
        sa.select(ExportJob)
        .where(ExportJob.user_id == user.id, ExportJob.kind.in_(EXPORT_KINDS))
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
        .limit(max(1, min(int(limit), 50)))
    ).scalars()
    return [_job_dict(j) for j in rows]


# --- background exports (called by the job) -------------------------------------------------


def exports_dir() -> Path:
    path = get_settings().private_dir / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _file_of(job: ExportJob | None, user: Any) -> tuple[Path, str] | None:
    """The file of ``job`` for ``user`` when it is theirs and downloadable, else None."""
    if job is None or job.user_id != user.id or not _downloadable(job):
        return None
    root = get_settings().private_dir.resolve()
    path = (root / job.file_path).resolve()
    if root / "exports" not in path.parents or not path.is_file():
        return None
    name = f"mystage-{FILE_SLUGS.get(job.kind, 'export')}-{clock.fmt_paris(job.created_at, False)}"
    return path, name.replace("/", "-") + ".xlsx"


def download_path(s: Session, user: Any, raw_token: Any) -> tuple[Path, str] | None:
    """The file of a finished export for its requester, with a valid unexpired link; None
    otherwise (unknown, expired, purged, someone else's)."""
    if not permissions.is_authenticated(user):
        return None
    if not isinstance(raw_token, str) or not TOKEN_RE.match(raw_token):
        return None
    job = s.execute(
        sa.select(ExportJob).where(ExportJob.token_hash == tokens.hash_token(raw_token))
    ).scalar_one_or_none()
    return _file_of(job, user)


def download_path_of_job(s: Session, user: Any, job_id: Any) -> tuple[Path, str] | None:
    """« Vos derniers exports »: the file of the requester's export ``job_id`` while its
    link is valid (same rules as :func:`download_path`); None for anyone else, an unknown
    or crafted id, an expired or purged file."""
    if not permissions.is_authenticated(user):
        return None
    jid = client_id(job_id)
    return _file_of(s.get(ExportJob, jid) if jid is not None else None, user)


def purge_expired(s: Session) -> int:
    """Delete the files of expired exports (status ``expired``), fail exports stuck in
    ``running`` for more than a day, remove stray files.  Returns files deleted."""
    now = clock.now()
    root = get_settings().private_dir
    deleted = 0
    expired = (
        s.execute(
            sa.select(ExportJob).where(ExportJob.status == "done", ExportJob.expires_at <= now)
        )
        .scalars()
        .all()
    )
    for job in expired:
        if job.file_path:
            path = root / job.file_path
            if path.is_file():
                path.unlink()
                deleted += 1
        job.status = "expired"
        job.file_path = ""
        s.add(job)
    stuck = s.execute(
        sa.select(ExportJob).where(
            ExportJob.status == "running", ExportJob.started_at <= now - timedelta(days=1)
        )
    ).scalars()
    for job in stuck:
        job.status = "failed"
        job.error = MSG_FAILED
        job.finished_at = now
        s.add(job)
    s.flush()
    live = {
        p
        for (p,) in s.execute(
            sa.select(ExportJob.file_path).where(ExportJob.status == "done")
        ).all()
        if p
    }
    folder = root / "exports"
    if folder.is_dir():
        for path in folder.iterdir():
            rel = str(path.relative_to(root))
            age = now.timestamp() - path.stat().st_mtime
            if rel not in live and age > 86400 and path.is_file():
                path.unlink()
                deleted += 1
    s.commit()
    return deleted

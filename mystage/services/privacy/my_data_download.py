"""« Mes données »: the zip (``mes-donnees.json`` + the person's files), asked for from
``/espace/compte/donnees``, stored privately and served to its owner only.

- :func:`request` (the page's button): a small zip (up to ``MY_DATA_SYNC_MAX_BYTES``) is
  written at once behind a private link valid :data:`INSTANT_LINK`; a larger one is queued
  and prepared by the job ``my_data_run`` (``jobs/privacy_export.py``), which mails (or, an
  account without e-mail, texts) a link valid :data:`LINK_DAYS` days.
- The request is an :class:`~mystage.models.ExportJob` of kind :data:`KIND` (no new table):
  only its link's SHA-256 is stored, its file lives under ``PRIVATE_DIR/mes-donnees/`` (the
  statistics exports never serve it: their folder is ``exports/``), and the hourly
  ``exports_purge`` deletes it when the link expires.
- :func:`download_path` / :func:`download_path_of_job` (``api/my_data.py``): the file for
  the logged-in owner of the request, while valid — None for anyone else.
"""

from __future__ import annotations

import re
import secrets
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import ExportJob, Role, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services import audit, permissions
from mystage.services.accounts import tokens
from mystage.services.ids import client_id
from mystage.services.privacy import my_data
from mystage.settings import get_settings

KIND = "my_data"
FOLDER = "mes-donnees"
INSTANT_LINK = timedelta(hours=1)
LINK_DAYS = 7
MAX_PER_DAY = 5  # requests per person and 24 h (each one reads every table)
DOWNLOAD_URL = "/api/mes-donnees/{token}"
AGAIN_URL = "/api/mes-donnees/fichier/{id}"
PAGE_URL = "/espace/compte/donnees"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
ZIP_MIME = "application/zip"

STATUS_LABELS = {
    "queued": "En préparation",
    "running": "En préparation",
    "done": "Prêt",
    "failed": "Échec",
    "expired": "Expiré",
}

MSG_DENIED = "Connectez-vous pour télécharger vos données."
# (« vous », « tu »): the pupils read « tu ».
MSG_BUSY = (
    "Votre fichier est déjà en préparation : vous recevrez le lien dès qu'il sera prêt.",
    "Ton fichier est déjà en préparation : tu recevras le lien dès qu'il sera prêt.",
)
MSG_LIMIT = (
    "Vous avez déjà demandé vos données plusieurs fois aujourd'hui. Réessayez demain, ou "
    "téléchargez l'un des fichiers ci-dessous tant qu'il est valable.",
    "Tu as déjà demandé tes données plusieurs fois aujourd'hui. Réessaie demain, ou "
    "télécharge l'un des fichiers ci-dessous tant qu'il est valable.",
)
MSG_QUEUED = (
    "Vos données sont volumineuses : le fichier est préparé en arrière-plan. Le lien vous "
    "sera envoyé {how} et apparaîtra sur cette page.",
    "Tes données sont volumineuses : le fichier est préparé en arrière-plan. Le lien te "
    "sera envoyé {how} et apparaîtra sur cette page.",
)
MSG_FAILED = (
    "La préparation du fichier a échoué. Réessayez ; si le problème continue, écrivez-nous."
)


def is_pupil(user: User | None) -> bool:
    return user is not None and user.role == Role.ELEVE


def folder() -> Path:
    path = get_settings().private_dir / FOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


def sync_max_bytes() -> int:
    return max(get_settings().my_data_sync_max_bytes, 0)


def estimate(data: dict[str, Any], files: list[tuple[str, Path]]) -> int:
    """Bytes before compression: the JSON and the files."""
    size = len(my_data.to_json(data))
    for _, path in files:
        try:
            size += path.stat().st_size
        except OSError:
            pass
    return size


def write_zip(target: Path, data: dict[str, Any], files: list[tuple[str, Path]]) -> None:
    """The zip: ``mes-donnees.json`` then the files, written to a ``.part`` file renamed
    when complete (a reader never sees half a zip)."""
    partial = target.with_suffix(".part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(my_data.JSON_NAME, my_data.to_json(data))
            for arcname, path in files:
                if path.is_file():
                    zf.write(path, arcname)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)


def _new_file(job_id: int) -> Path:
    return folder() / f"{job_id}-{secrets.token_hex(8)}.zip"


def _mark_done(s: Session, job: ExportJob, final: Path, valid_for: timedelta) -> str:
    """The written zip becomes the request's download; returns the raw token (not committed)."""
    raw = tokens.new_token()
    now = clock.now()
    job.status = "done"
    job.progress = job.total = 1
    job.file_path = str(final.relative_to(get_settings().private_dir))
    job.token_hash = tokens.hash_token(raw)
    job.expires_at = now + valid_for
    job.finished_at = now
    s.add(job)
    return raw


def _in_progress(s: Session, user: User) -> bool:
    return (
        s.execute(
            sa.select(ExportJob.id)
            .where(
                ExportJob.user_id == user.id,
                ExportJob.kind == KIND,
                ExportJob.status.in_(("queued", "running")),
            )
            .limit(1)
        ).first()
        is not None
    )


def _recent_count(s: Session, user: User) -> int:
    since = clock.now() - timedelta(days=1)
    return int(
        s.execute(
            sa.select(sa.func.count())
            .select_from(ExportJob)
            .where(
                ExportJob.user_id == user.id,
                ExportJob.kind == KIND,
                ExportJob.created_at >= since,
            )
        ).scalar_one()
    )


def request(s: Session, user: User | None) -> dict[str, Any]:
    """« Télécharger mes données » for the caller.  ``status``: ``ready`` (``url``,
    ``filename``: download now), ``queued`` (``message``) or ``error`` (``error``)."""
    if not permissions.is_authenticated(user):
        return {"status": "error", "error": MSG_DENIED}
    tu = is_pupil(user)
    if _in_progress(s, user):
        return {"status": "queued", "message": MSG_BUSY[tu]}
    if _recent_count(s, user) >= MAX_PER_DAY:
        return {"status": "error", "error": MSG_LIMIT[tu]}
    now = clock.now()
    data, files = my_data.collect(s, user)
    large = estimate(data, files) > sync_max_bytes()
    job = ExportJob(
        user_id=user.id,
        kind=KIND,
        params="{}",
        status="queued" if large else "running",
        total=1,
        created_at=now,
        started_at=None if large else now,
    )
    s.add(job)
    s.flush()
    audit.record(
        s, "user", user.id, "my_data_export", user,
        message="en arrière-plan" if large else "immédiat",
    )  # fmt: skip
    if large:
        s.commit()
        how = "par e-mail" if user.email else "par SMS"
        return {"status": "queued", "message": MSG_QUEUED[tu].format(how=how), "job_id": job.id}
    final = _new_file(job.id)
    try:
        write_zip(final, data, files)
        raw = _mark_done(s, job, final, INSTANT_LINK)
        s.commit()
    except Exception:
        s.rollback()
        final.unlink(missing_ok=True)
        raise
    return {
        "status": "ready",
        "url": DOWNLOAD_URL.format(token=raw),
        "filename": filename(job),
        "job_id": job.id,
    }


def filename(job: ExportJob) -> str:
    day = clock.paris(job.created_at or clock.now()).date().isoformat()
    return f"mes-donnees-mystage-{day}.zip"


# --- background (job ``my_data_run``) ------------------------------------------------------


def claim_next(s: Session) -> ExportJob | None:
    """Take the oldest queued request (conditional UPDATE: one runner gets it), committed."""
    c = ExportJob.__table__.c
    while True:
        job_id = s.execute(
            sa.select(c.id).where(c.kind == KIND, c.status == "queued").order_by(c.id).limit(1)
        ).scalar()
        if job_id is None:
            return None
        res = s.execute(
            sa.update(ExportJob.__table__)
            .where(c.id == job_id, c.status == "queued")
            .values(status="running", started_at=clock.now())
        )
        s.commit()
        if res.rowcount == 1:
            job = s.get(ExportJob, job_id)
            s.refresh(job)
            return job


def _tell(s: Session, user: User, job_id: int, raw: str) -> None:
    url = DOWNLOAD_URL.format(token=raw)
    tu = is_pupil(user)
    if user.email:
        subject, body = templates.render(
            "my_data_ready", url=url, first_name=user.first_name,
            valid_for=f"{LINK_DAYS} jours", tu=tu,
        )  # fmt: skip
        queue_mail(
            s, to=user.email, subject=subject, body=body, action_url=templates.link(url),
            template="my_data_ready", user_id=user.id, dedupe_key=f"my_data_ready:{job_id}",
        )  # fmt: skip
    elif user.phone:
        _, body = templates.render("sms_my_data_ready", url=url, tu=tu)
        queue_sms(
            s, to=user.phone, body=body, template="sms_my_data_ready", user_id=user.id,
            dedupe_key=f"sms_my_data_ready:{job_id}", action_url=templates.link(url),
        )  # fmt: skip


def run(s: Session, job: ExportJob) -> bool:
    """Write a claimed request's zip, mark it done and send the link (one transaction).
    The account is read again now: a disabled or deleted account gets nothing."""
    job_id, user_id = job.id, job.user_id
    final = _new_file(job_id)
    try:
        user = s.get(User, user_id)
        if not permissions.is_authenticated(user):
            raise PermissionError(MSG_DENIED)
        data, files = my_data.collect(s, user)
        write_zip(final, data, files)
        job = s.get(ExportJob, job_id)
        raw = _mark_done(s, job, final, timedelta(days=LINK_DAYS))
        _tell(s, user, job_id, raw)
        s.commit()
        return True
    except Exception:  # noqa: BLE001 - recorded on the request, the next one still runs
        s.rollback()
        final.unlink(missing_ok=True)
        failed = s.get(ExportJob, job_id)
        if failed is not None:
            failed.status = "failed"
            failed.error = MSG_FAILED
            failed.finished_at = clock.now()
            s.add(failed)
            s.commit()
        return False


def purge_stray(s: Session) -> int:
    """Delete files of the folder that no valid request points to (older than a day: a
    request being written is younger).  The expired requests' files are deleted by
    ``exports_purge`` (every ExportJob).  Returns files deleted."""
    root = get_settings().private_dir
    base = root / FOLDER
    if not base.is_dir():
        return 0
    live = {
        p
        for (p,) in s.execute(
            sa.select(ExportJob.file_path).where(ExportJob.kind == KIND, ExportJob.status == "done")
        ).all()
        if p
    }
    now = clock.now().timestamp()
    deleted = 0
    for path in base.iterdir():
        if path.is_file() and str(path.relative_to(root)) not in live:
            if now - path.stat().st_mtime > 86400:
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted


# --- the caller's files and their download --------------------------------------------------


def _downloadable(job: ExportJob) -> bool:
    expires = clock.as_utc(job.expires_at)
    return (
        job.kind == KIND
        and job.status == "done"
        and bool(job.file_path)
        and expires is not None
        and expires > clock.now()
    )


def my_files(s: Session, user: User | None, limit: int = 5) -> list[dict[str, str]]:
    """The caller's latest requests, newest first (for the page)."""
    if not permissions.is_authenticated(user):
        return []
    rows = s.execute(
        sa.select(ExportJob)
        .where(ExportJob.user_id == user.id, ExportJob.kind == KIND)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
        .limit(limit)
    ).scalars()
    out = []
    for j in rows:
        ok = _downloadable(j)
        status = j.status if ok or j.status != "done" else "expired"
        out.append({
            "id": str(j.id), "status": status, "status_label": STATUS_LABELS.get(status, status),
            "created_at": clock.fmt_paris(j.created_at),
            "expires_at": clock.fmt_paris(j.expires_at) if ok else "",
            "download_url": AGAIN_URL.format(id=j.id) if ok else "",
        })  # fmt: skip
    return out


def _file_of(job: ExportJob | None, user: User) -> tuple[Path, str] | None:
    if job is None or job.user_id != user.id or not _downloadable(job):
        return None
    root = get_settings().private_dir.resolve()
    path = (root / job.file_path).resolve()
    if root / FOLDER not in path.parents or not path.is_file():
        return None
    return path, filename(job)


def download_path(s: Session, user: User | None, raw_token: Any) -> tuple[Path, str] | None:
    """The zip behind a link, for its owner while valid; None otherwise."""
    if not permissions.is_authenticated(user):
        return None
    if not isinstance(raw_token, str) or not TOKEN_RE.match(raw_token):
        return None
    job = s.execute(
        sa.select(ExportJob).where(
            ExportJob.token_hash == tokens.hash_token(raw_token), ExportJob.kind == KIND
        )
    ).scalar_one_or_none()
    return _file_of(job, user)


def download_path_of_job(s: Session, user: User | None, job_id: Any) -> tuple[Path, str] | None:
    """The zip of the caller's request ``job_id`` while valid; None for anyone else."""
    if not permissions.is_authenticated(user):
        return None
    jid = client_id(job_id)
    return _file_of(s.get(ExportJob, jid) if jid is not None else None, user)

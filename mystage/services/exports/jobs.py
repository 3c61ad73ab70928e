"""Background exports: the runner claims a queued export, writes it with progress updates
and mails the requester a link (template ``export_ready``)."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import ExportJob, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services.exports.files import DOWNLOAD_URL, LINK_DAYS, _mark_done, exports_dir
from mystage.services.exports.kinds import EXPORT_KINDS, MSG_DENIED, MSG_FAILED
from mystage.services.exports.request import prepare
from mystage.services.exports.xlsx import write_xlsx
from mystage.services.permissions import PermissionDenied

log = logging.getLogger(__name__)


@templates.template("export_ready")
def export_ready_mail(url: str, title: str, first_name: str = "", valid_for: str = "7 jours"):
    """To the requester of a large export: the file is ready (link for them only)."""
    subject = f"Votre export MyStage est prêt : {title.lower()}"
    body = templates.mail_body(
        first_name,
        f"Le fichier « {title} » que vous avez demandé sur MyStage est prêt. "
        "Téléchargez-le avec ce lien :",
        url=url,
        after=(
            f"Le lien est valable {valid_for}. Il ne s'ouvre que si vous êtes connecté avec "
            "le compte qui a demandé l'export. Ce fichier contient des données personnelles : "
            "ne le transférez pas et supprimez-le quand vous n'en avez plus besoin."
        ),
    )
    return subject, body


def _set_progress(job_id: int, n: int) -> None:
    """Progress in its own short transaction (the export's read cursor stays open)."""
    from mystage import db

    with db.engine().begin() as conn:
        conn.execute(
            sa.update(ExportJob.__table__).where(ExportJob.__table__.c.id == job_id).values(progress=n)
        )  # fmt: skip


def claim_next(s: Session) -> ExportJob | None:
    """Take the oldest queued export (conditional UPDATE: one runner gets it) and commit."""
    jobs = ExportJob.__table__.c
    while True:
        job_id = s.execute(
            sa.select(jobs.id)
            .where(jobs.status == "queued", jobs.kind.in_(EXPORT_KINDS))  # not « Mes données »
            .order_by(jobs.id)
            .limit(1)
        ).scalar()
        if job_id is None:
            return None
        res = s.execute(
            sa.update(ExportJob.__table__)
            .where(jobs.id == job_id, jobs.status == "queued")
            .values(status="running", started_at=clock.now(), progress=0)
        )
        s.commit()
        if res.rowcount == 1:
            job = s.get(ExportJob, job_id)
            s.refresh(job)
            return job


def run_job(s: Session, job: ExportJob) -> bool:
    """Write a claimed export to the private folder, then mark it done and mail the link
    (one transaction).  The requester's rights are checked again now: a référent who lost
    the role, or a changed scope, cannot receive more than allowed today."""
    final = exports_dir() / f"{job.id}-{secrets.token_hex(8)}.xlsx"
    partial = final.with_suffix(".part")
    try:
        user = s.get(User, job.user_id)
        params = json.loads(job.params or "{}")
        prepared, _ = prepare(s, user, job.kind, params if isinstance(params, dict) else {})
        if prepared is None:
            raise PermissionDenied(MSG_DENIED)
        job_id = job.id
        written = write_xlsx(
            str(partial),
            prepared.title,
            prepared.columns,
            prepared.iter_rows(s),
            constant_memory=True,
            progress=lambda n: _set_progress(job_id, n),
        )
        partial.rename(final)
        job = s.get(ExportJob, job_id)
        s.refresh(job)
        raw = _mark_done(s, job, final, written, timedelta(days=LINK_DAYS))
        subject, body = templates.render(
            "export_ready",
            url=DOWNLOAD_URL.format(token=raw),
            title=prepared.title,
            first_name=user.first_name,
            valid_for=f"{LINK_DAYS} jours",
        )
        queue_mail(
            s,
            to=user.email,
            subject=subject,
            body=body,
            action_url=templates.link(DOWNLOAD_URL.format(token=raw)),
            template="export_ready",
            user_id=user.id,
            dedupe_key=f"export_ready:{job_id}",
        )
        s.commit()
        return True
    except Exception as exc:  # noqa: BLE001 - recorded on the job, the next one still runs
        log.exception("Export %s en échec", job.id)
        s.rollback()
        for p in (partial, final):
            p.unlink(missing_ok=True)
        failed = s.get(ExportJob, job.id)
        if failed is not None:
            failed.status = "failed"
            failed.error = MSG_DENIED if isinstance(exc, PermissionDenied) else MSG_FAILED
            failed.finished_at = clock.now()
            s.add(failed)
            s.commit()
        return False

"""« Tâches » (back office): each scheduled job, its last runs (``job_run_log``) and the
audit row of « Lancer maintenant ».  Administrators only.

The registry of jobs lives in ``mystage/jobs`` (a layer above the services): the caller
passes the jobs' names and intervals, and runs a job through the runner itself.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import JobRun, JobRunLog, User
from mystage.services import audit, permissions

RUNS_SHOWN = 10  # last runs shown per job

# French words for the jobs (their names stay the technical ones, used by the CLI).
JOB_LABELS = {
    "applications_employer_reminders": "Relances des employeurs (candidatures sans réponse)",
    "applications_expire": "Expiration des candidatures sans réponse",
    "applications_pupil_confirm_reminder": "Relance des élèves (stage à confirmer)",
    "applications_pupil_expire": "Expiration des stages non confirmés par l'élève",
    "applications_single_nudge": "Conseil aux élèves n'ayant postulé qu'une fois",
    "class_roster_purge": "Effacement des listes de classe anciennes",
    "conventions_reminders": "Relances de signature des conventions",
    "conventions_school_warning": "Alerte aux établissements (conventions en retard)",
    "deliver_outbox": "Envoi des courriels et SMS",
    "exports_purge": "Effacement des exports expirés",
    "exports_run": "Préparation des exports volumineux",
    "my_data_purge": "Effacement des archives « Mes données » expirées",
    "my_data_run": "Préparation des archives « Mes données »",
    "offers_housekeeping": "Entretien des offres (semaines passées, dépublication)",
    "purge_expired_tokens": "Effacement des liens, sessions et tentatives expirés",
    "retention": "Durées de conservation (anonymisation)",
    "stats_refresh": "Mise à jour des statistiques",
}
STATUS_LABELS = {"ok": "Réussie", "error": "Échec", "running": "En cours", "": "Jamais lancée"}
TRIGGER_LABELS = {"loop": "Planifiée", "cli": "Ligne de commande", "admin": "Administrateur"}

_L = JobRunLog.__table__.c
_R = JobRun.__table__.c


def _require(actor: User | None) -> None:
    permissions.require(permissions.can_admin(actor), "Action réservée aux administrateurs.")


def every_label(every: timedelta) -> str:
    """« toutes les 15 s », « toutes les heures », « tous les jours »…"""
    sec = int(every.total_seconds())
    if sec % 86400 == 0:
        n = sec // 86400
        return "tous les jours" if n == 1 else f"tous les {n} jours"
    if sec % 3600 == 0:
        n = sec // 3600
        return "toutes les heures" if n == 1 else f"toutes les {n} heures"
    if sec % 60 == 0:
        n = sec // 60
        return "toutes les minutes" if n == 1 else f"toutes les {n} minutes"
    return f"toutes les {sec} s"


def duration_label(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{int(seconds * 1000)} ms"
    if seconds < 120:
        return f"{seconds:.1f} s".replace(".", ",")
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def overview(
    s: Session, actor: User | None, jobs: list[tuple[str, timedelta]], runs: int = RUNS_SHOWN
) -> list[dict[str, Any]]:
    """Each job of ``jobs`` (name, interval) with its state and its last ``runs`` runs
    (one query with a window function, not one a job)."""
    _require(actor)
    names = [n for n, _ in jobs]
    state = {
        r.name: r
        for r in s.execute(
            sa.select(_R.name, _R.last_status, _R.lease_until).where(_R.name.in_(names))
        ).all()
    }
    rank = sa.func.row_number().over(partition_by=_L.name, order_by=_L.id.desc()).label("rk")
    inner = (
        sa.select(
            _L.name, _L.started_at, _L.finished_at, _L.status, _L.count, _L.error, _L.trigger, rank
        )
        .where(_L.name.in_(names))
        .subquery()
    )
    history: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    for r in s.execute(
        sa.select(inner).where(inner.c.rk <= runs).order_by(inner.c.name, inner.c.rk)
    ).all():
        started, finished = clock.as_utc(r.started_at), clock.as_utc(r.finished_at)
        history[r.name].append(
            {
                "started_at": clock.fmt_paris(started),
                "duration": duration_label(
                    (finished - started).total_seconds() if finished and started else None
                ),
                "count": r.count,
                "status": r.status,
                "status_label": STATUS_LABELS.get(r.status, r.status),
                "error": (r.error or "")[:500],
                "trigger": TRIGGER_LABELS.get(r.trigger, r.trigger),
            }
        )
    now = clock.now()
    out = []
    for name, every in jobs:
        st = state.get(name)
        lease = clock.as_utc(st.lease_until) if st is not None else None
        running = st is not None and st.last_status == "running" and lease is not None
        running = running and lease > now
        last = history[name][0] if history[name] else None
        out.append(
            {
                "name": name,
                "label": JOB_LABELS.get(name, name),
                "every": every_label(every),
                "running": running,
                "last_status": "running" if running else (last["status"] if last else ""),
                "last_status_label": STATUS_LABELS["running"]
                if running
                else STATUS_LABELS.get(last["status"] if last else "", ""),
                "last_started_at": last["started_at"] if last else "",
                "runs": history[name],
            }
        )
    return out


def record_run_request(s: Session, actor: User | None, name: str) -> None:
    """The audit row of « Lancer maintenant » (before the run: it is the admin's act,
    whatever the outcome); commits."""
    _require(actor)
    audit.record(s, "job", 0, f"run:{name}", actor, message=name)
    s.commit()

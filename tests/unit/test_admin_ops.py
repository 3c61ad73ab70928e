"""Back office « ops » services: the outbox page (counts, search, « Renvoyer », per hour),
the jobs' history (runner) and overview, the audit log viewer and export, the settings."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock, db
from mystage.jobs import runner
from mystage.models import AuditLog, JobRunLog, Outbox, OutboxStatus, Role, User
from mystage.models.user import AccountStatus
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services import admin_ops, exports, platform
from mystage.services.permissions import PermissionDenied


def make_user(s, email: str, role: str = Role.ADMIN) -> User:
    u = User(
        email=email, role=role, status=AccountStatus.ACTIVE, first_name="Alice", last_name="Admin"
    )
    s.add(u)
    s.commit()
    s.refresh(u)
    return u


@pytest.fixture
def s(dbs):
    return dbs


@pytest.fixture
def admin(s):
    return make_user(s, "admin@exemple.fr")


@pytest.fixture
def others(s):
    return [
        make_user(s, "modo@exemple.fr", Role.MODERATEUR),
        make_user(s, "emp@exemple.fr", Role.EMPLOYEUR),
        make_user(s, "eleve@exemple.fr", Role.ELEVE),
        None,
    ]


def _mail(s, to: str, status: str = "pending", error: str = "") -> int:
    if to.startswith("+"):
        oid = queue_sms(s, to=to, body="Corps", template="t")
    else:
        oid = queue_mail(s, to=to, subject="Sujet", body="Corps", template="t")
    s.flush()
    row = s.get(Outbox, oid)
    row.status = status
    row.last_error = error
    row.attempts = 8 if status == "failed" else 0
    if status == "sent":
        row.sent_at = clock.now()
    s.commit()
    return row.id


def test_outbox_counts_search_and_resend(s, admin):
    a = _mail(s, "a@exemple.fr", "failed", "SMTP injoignable")
    _mail(s, "b@exemple.fr", "sent")
    _mail(s, "+33612345678")
    assert admin_ops.outbox.counts(s, admin) == {
        "pending": 1, "sending": 0, "sent": 1, "failed": 1,
    }  # fmt: skip
    rows, total = admin_ops.outbox.messages(s, admin, status="failed")
    assert total == 1 and rows[0]["error"] == "SMTP injoignable" and rows[0]["can_resend"]
    rows, total = admin_ops.outbox.messages(s, admin, recipient="06 12 34 56 78")
    assert total == 1 and rows[0]["recipient"] == "+33612345678"
    rows, total = admin_ops.outbox.messages(s, admin, recipient="B@EXEMPLE")
    assert total == 1 and rows[0]["status_label"] == "Envoyé"
    assert admin_ops.outbox.messages(s, admin, recipient="%")[1] == 0  # no wildcard

    assert admin_ops.outbox.resend(s, admin, a) == ""
    row = s.get(Outbox, a)
    s.refresh(row)
    assert row.status == "pending" and row.attempts == 0 and row.next_attempt_at is not None
    assert admin_ops.outbox.resend(s, admin, a) == admin_ops.outbox.MSG_NOT_FAILED  # twice
    assert admin_ops.outbox.resend(s, admin, 999_999) == admin_ops.outbox.MSG_NOT_FOUND
    audits = s.exec(select(AuditLog).where(AuditLog.entity == "outbox")).all()
    assert [(x.entity_id, x.action, x.actor_id) for x in audits] == [(a, "resend", admin.id)]


def test_outbox_hourly(s, admin):
    _mail(s, "a@exemple.fr", "sent")
    _mail(s, "b@exemple.fr", "sent")
    _mail(s, "c@exemple.fr", "failed")
    rows = admin_ops.outbox.hourly(s, admin)
    assert len(rows) == 72
    assert rows[-1]["sent"] == 2 and rows[-1]["failed"] == 1
    assert sum(r["sent"] for r in rows) == 2


def test_everything_is_refused_to_non_admins(s, admin, others):
    f = admin_ops.AuditFilter()
    calls = [
        lambda u: admin_ops.outbox.counts(s, u),
        lambda u: admin_ops.outbox.messages(s, u),
        lambda u: admin_ops.outbox.resend(s, u, 1),
        lambda u: admin_ops.outbox.hourly(s, u),
        lambda u: admin_ops.jobs.overview(s, u, [("deliver_outbox", timedelta(seconds=15))]),
        lambda u: admin_ops.jobs.record_run_request(s, u, "deliver_outbox"),
        lambda u: admin_ops.audit_log.page(s, u, f),
        lambda u: admin_ops.audit_log.entities(s, u),
        lambda u: admin_ops.settings.current(s, u),
        lambda u: admin_ops.settings.save(s, u, "home_banner", "x"),
    ]
    for who in others:
        for call in calls:
            with pytest.raises(PermissionDenied):
                call(who)
        assert not exports.can_export(who, "audit_log")
    assert exports.can_export(admin, "audit_log")
    assert s.exec(select(AuditLog)).all() == []


def test_runner_writes_history_and_keeps_the_last_runs(s, monkeypatch):
    runner.job_names()
    reg: dict = {}
    monkeypatch.setattr(runner, "REGISTRY", reg)
    monkeypatch.setattr(runner, "HISTORY_KEEP", 3)
    n = {"calls": 0}

    def fine(sess) -> int:
        n["calls"] += 1
        return 4

    def broken(sess) -> int:
        raise RuntimeError("panne simulée")

    runner.job("bien", every=timedelta(minutes=1))(fine)
    runner.job("casse", every=timedelta(minutes=1))(broken)
    t0 = clock.now()
    for i in range(5):
        runner.run_due(t0 + timedelta(minutes=2 * i))
    assert runner.run_job("bien", trigger="admin") == 4
    with db.session() as s2:
        rows = s2.exec(select(JobRunLog).order_by(JobRunLog.id)).all()
    bien = [r for r in rows if r.name == "bien"]
    casse = [r for r in rows if r.name == "casse"]
    assert len(bien) == 3 and len(casse) == 3  # pruned to HISTORY_KEEP
    assert [r.trigger for r in bien] == ["loop", "loop", "admin"]
    assert all(r.status == "ok" and r.count == 4 and r.finished_at for r in bien)
    assert all(r.status == "error" and "panne simulée" in r.error for r in casse)

    admin = make_user(s, "admin2@exemple.fr")
    jobs = [
        ("bien", timedelta(minutes=1)),
        ("casse", timedelta(hours=2)),
        ("jamais", timedelta(days=1)),
    ]
    view = {j["name"]: j for j in admin_ops.jobs.overview(s, admin, jobs)}
    assert view["bien"]["runs"][0]["trigger"] == "Administrateur"
    assert len(view["bien"]["runs"]) == 3 and view["bien"]["every"] == "toutes les minutes"
    assert (
        view["casse"]["last_status"] == "error" and view["casse"]["every"] == "toutes les 2 heures"
    )
    assert view["jamais"]["runs"] == [] and view["jamais"]["last_status_label"] == "Jamais lancée"
    admin_ops.jobs.record_run_request(s, admin, "bien")
    row = s.exec(select(AuditLog).where(AuditLog.entity == "job")).one()
    assert row.action == "run:bien" and row.actor_id == admin.id


def test_cli_history_trigger(s, monkeypatch):
    runner.job_names()
    monkeypatch.setattr(runner, "REGISTRY", {})
    runner.job("ligne", every=timedelta(hours=1))(lambda sess: 1)
    assert runner.run_cli("ligne") == "ligne : 1"
    assert runner.run_cli("all") == "Aucune tâche à exécuter."
    with db.session() as s2:
        assert [r.trigger for r in s2.exec(select(JobRunLog))] == ["cli"]


def _audit(s, actor, entity, eid, action, msg="", days_ago=0):
    s.add(
        AuditLog(
            entity=entity, entity_id=eid, action=action, actor_id=actor.id if actor else None,
            actor_role=actor.role if actor else "system", message=msg,
            created_at=clock.now() - timedelta(days=days_ago),
        )
    )  # fmt: skip
    s.commit()


def test_audit_log_filters_page_and_export(s, admin, others):
    modo = others[0]
    _audit(s, admin, "user", 7, "block", '=HYPERLINK("http://x")')
    _audit(s, modo, "offer", 3, "publish", days_ago=3)
    _audit(s, None, "application", 5, "expire", days_ago=10)

    def page(**raw):
        f, errors = admin_ops.parse_filters(s, raw)
        assert errors == {}, errors
        return admin_ops.audit_log.page(s, admin, f)

    assert page()[1] == 3
    assert [r["entity"] for r in page(actor="modo@exemple.fr")[0]] == ["offer"]
    assert [r["entity"] for r in page(actor=f"#{admin.id}")[0]] == ["user"]
    assert [r["actor"] for r in page(actor="système")[0]] == ["Système"]
    assert page(entity="user", entity_id="7")[1] == 1
    assert page(entity="user", entity_id="8")[1] == 0
    assert page(action="pub")[1] == 1
    today = clock.today_paris()
    assert page(date_from=(today - timedelta(days=4)).isoformat())[1] == 2
    assert page(date_to=(today - timedelta(days=5)).strftime("%d/%m/%Y"))[1] == 1
    assert admin_ops.audit_log.entities(s, admin) == ["application", "offer", "user"]

    for raw, field in [
        ({"actor": "inconnu@exemple.fr"}, "actor"),
        ({"actor": "abc"}, "actor"),
        ({"entity_id": "7"}, "entity_id"),
        ({"entity": "user", "entity_id": "-1"}, "entity_id"),
        ({"date_from": "31/02/2026"}, "date_from"),
        ({"date_from": "2026-05-10", "date_to": "2026-05-01"}, "date_to"),
    ]:
        f, errors = admin_ops.parse_filters(s, raw)
        assert f is None and field in errors, raw
    assert admin_ops.parse_filters(s, ["junk"])[0] == admin_ops.AuditFilter()

    res = exports.request_export(s, admin, "audit_log", {"entity": "user"})
    assert res["status"] == "ready" and res["rows"] == 1
    ws = openpyxl.load_workbook(io.BytesIO(res["data"])).active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["MESSAGE"].startswith("'=") and row["ACTION"] == "block"
    assert row["EMAIL"] == "admin@exemple.fr" and row["OBJET_ID"] == 7
    bad = exports.request_export(s, admin, "audit_log", {"date_from": "hier"})
    assert bad["status"] == "error"
    with pytest.raises(PermissionDenied):
        exports.request_export(s, modo, "audit_log", {})


def test_settings_validation_and_audit(s, admin):
    cur = admin_ops.settings.current(s, admin)
    assert cur == {"offer_moderation": "immediate", "employer_validation_required": "0",
                   "home_banner": ""}  # fmt: skip
    save = admin_ops.settings.save
    assert save(s, admin, "offer_moderation", "review") == ""
    assert save(s, admin, "offer_moderation", "n'importe") == admin_ops.settings.MSG_MODE
    assert save(s, admin, "employer_validation_required", True) == ""
    assert save(s, admin, "employer_validation_required", "peut-être") != ""
    assert save(s, admin, "home_banner", "x" * 301) == admin_ops.settings.MSG_BANNER_LONG
    assert save(s, admin, "home_banner", "a\nb") == admin_ops.settings.MSG_BANNER_LINES
    assert save(s, admin, "home_banner", "  Maintenance ce soir à 22 h.  ") == ""
    assert save(s, admin, "home_banner", "Maintenance ce soir à 22 h.") == ""  # unchanged
    assert save(s, admin, "password", "x") == admin_ops.settings.MSG_UNKNOWN
    assert admin_ops.home_banner(s) == "Maintenance ce soir à 22 h."
    assert platform.get_setting(s, "offer_moderation") == "review"
    assert platform.employer_validation_required(s)
    actions = [a for (a,) in s.execute(sa.select(AuditLog.action).order_by(AuditLog.id)).all()]
    assert actions == [
        "set:offer_moderation", "set:employer_validation_required", "set:home_banner",
    ]  # fmt: skip
    assert s.exec(select(sa.func.count()).select_from(AuditLog)).one() == 3
    _ = OutboxStatus  # imported for the reader: the statuses the page shows

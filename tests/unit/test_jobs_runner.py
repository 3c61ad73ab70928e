"""The job runner: due logic, single runner (lease), CLI, loop, built-in jobs."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mystage import clock, db, settings
from mystage.jobs import runner
from mystage.models.ops import JobRun, Outbox
from mystage.models.user import AuthSession, LoginAttempt, OneTimeToken, User
from mystage.notify.outbox import queue_mail


class Calls:
    def __init__(self, sleep: float = 0.0, fail: bool = False) -> None:
        self.n = 0
        self.sleep = sleep
        self.fail = fail
        self.lock = threading.Lock()

    def __call__(self, s) -> int:
        with self.lock:
            self.n += 1
        if self.sleep:
            time.sleep(self.sleep)
        if self.fail:
            raise RuntimeError("panne simulée")
        s.execute(sa.select(1))
        return 7


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for test jobs (the built-in jobs are left out)."""
    runner.job_names()  # make sure the built-in modules are imported first
    reg: dict[str, runner.Job] = {}
    monkeypatch.setattr(runner, "REGISTRY", reg)
    return reg


def job_run(name: str) -> JobRun:
    with db.session() as s:
        return s.get(JobRun, name)


def test_builtin_jobs_are_registered():
    assert {"deliver_outbox", "purge_expired_tokens"} <= set(runner.job_names())


def test_due_logic(dbs, registry):
    fast, slow = Calls(), Calls()
    runner.job("rapide", every=timedelta(minutes=1))(fast)
    runner.job("lente", every=timedelta(hours=1))(slow)
    t0 = clock.now()

    assert runner.run_due(t0) == {"lente": 7, "rapide": 7}
    assert runner.run_due(t0 + timedelta(seconds=30)) == {}
    assert runner.run_due(t0 + timedelta(minutes=1, seconds=1)) == {"rapide": 7}
    assert runner.run_due(t0 + timedelta(minutes=1, seconds=30)) == {}
    assert runner.run_due(t0 + timedelta(hours=1, seconds=1)) == {"lente": 7, "rapide": 7}
    assert (fast.n, slow.n) == (3, 2)

    row = job_run("rapide")
    assert row.last_status == "ok" and row.last_count == 7 and row.lease_until is None
    assert row.last_started_at == t0 + timedelta(hours=1, seconds=1)
    assert row.last_finished_at is not None


def test_due_uses_the_clock(dbs, registry):
    calls = Calls()
    runner.job("horaire", every=timedelta(hours=1))(calls)
    assert runner.run_due() == {"horaire": 7}
    assert runner.run_due() == {}
    with clock.travel(timedelta(hours=1, minutes=1)):
        assert runner.run_due() == {"horaire": 7}
    assert calls.n == 2


def test_failing_job_is_recorded_and_others_still_run(dbs, registry):
    runner.job("casse", every=timedelta(minutes=1))(Calls(fail=True))
    runner.job("marche", every=timedelta(minutes=1))(Calls())
    results = runner.run_due()
    assert results["marche"] == 7
    assert results["casse"].startswith("erreur: RuntimeError: panne simulée")
    row = job_run("casse")
    assert row.last_status == "error" and "panne simulée" in row.last_error
    assert row.lease_until is None  # released: the job is retried at its next interval
    assert runner.run_due(clock.now() + timedelta(minutes=2))["marche"] == 7


def test_two_concurrent_runners_run_a_job_once(dbs, registry):
    calls = Calls(sleep=0.5)
    runner.job("unique", every=timedelta(minutes=5))(calls)
    barrier = threading.Barrier(2)
    results: list[dict] = []

    def run() -> None:
        barrier.wait()
        results.append(runner.run_due())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert calls.n == 1
    assert sorted(results, key=len) == [{}, {"unique": 7}]


def _dead_runner_row(name: str, now) -> None:
    """The row a runner leaves when it is killed while running ``name``."""
    with db.session() as s:
        s.add(
            JobRun(name=name, last_started_at=now, lease_until=now + runner.LEASE,
                   last_status="running")
        )  # fmt: skip
        s.commit()


def test_lease_of_a_dead_runner_is_taken_over_at_once(dbs, registry):
    """Whoever holds the runner lock (it dies with its holder) knows the lease's owner is
    dead: the interrupted job runs again at once (it used to wait 15 minutes)."""
    calls = Calls()
    runner.job("bail", every=timedelta(minutes=1))(calls)
    now = clock.now()
    _dead_runner_row("bail", now)
    assert runner.run_due(now + timedelta(seconds=1)) == {"bail": 7}
    assert calls.n == 1
    row = job_run("bail")
    assert row.last_status == "ok" and row.lease_until is None
    _dead_runner_row("manuel", now)
    runner.job("manuel", every=timedelta(days=1))(calls)
    assert runner.run_job("manuel") == 7  # ``python -m mystage job NAME`` too


def test_without_a_lock_a_dead_lease_expires_after_a_short_lease(dbs, registry, monkeypatch):
    """Only the lease protects when no lock can be taken: it is short (renewed while the
    job runs), so a dead runner blocks its job for LEASE, not 15 minutes."""
    assert runner.LEASE <= timedelta(seconds=60)

    class NoLock:
        exclusive = False

        def acquire(self) -> bool:
            return True

        def release(self) -> None:
            pass

    monkeypatch.setattr(runner, "_runner_lock", NoLock)
    calls = Calls()
    runner.job("bail", every=timedelta(seconds=10))(calls)
    now = clock.now()
    _dead_runner_row("bail", now)
    assert runner.run_due(now + timedelta(seconds=20)) == {}
    with pytest.raises(runner.JobBusy):
        runner.run_job("bail")
    assert calls.n == 0
    assert runner.run_due(now + runner.LEASE + timedelta(seconds=1)) == {"bail": 7}
    assert calls.n == 1


def test_the_lease_is_renewed_while_the_job_runs(dbs, registry, monkeypatch):
    monkeypatch.setattr(runner, "HEARTBEAT_S", 0.05)
    seen: list = []

    def long_job(s) -> int:
        seen.append(clock.as_utc(job_run("longue").lease_until))
        clock.set_offset(timedelta(minutes=10))  # ten minutes of work…
        time.sleep(0.5)  # … during which the heartbeat beats
        seen.append(clock.as_utc(job_run("longue").lease_until))
        return 1

    runner.job("longue", every=timedelta(minutes=1))(long_job)
    try:
        assert runner.run_job("longue") == 1
    finally:
        clock.set_offset(timedelta(0))
    first, later = seen
    assert later >= first + timedelta(minutes=9)  # pushed forward, with the clock
    assert job_run("longue").lease_until is None  # released at the end


def test_lock_held_by_another_process(dbs, registry):
    """The runner lock taken elsewhere (another process's round): run_due skips,
    run_job waits then gives up with JobBusy; free again, both run."""
    calls = Calls()
    runner.job("verrou", every=timedelta(minutes=1))(calls)
    other = runner._runner_lock()
    assert other.acquire()
    try:
        assert runner.run_due() == {}
        with pytest.raises(runner.JobBusy):
            runner.run_job("verrou", wait_s=0.2)
    finally:
        other.release()
    assert runner.run_due() == {"verrou": 7}
    assert runner.run_job("verrou", wait_s=0) == 7


def test_run_job_ignores_the_interval(dbs, registry):
    calls = Calls()
    runner.job("manuelle", every=timedelta(days=1))(calls)
    assert runner.run_job("manuelle") == 7
    assert runner.run_job("manuelle") == 7
    assert calls.n == 2
    with pytest.raises(KeyError):
        runner.run_job("absente")


def test_run_cli_unknown_job(dbs, capsys):
    with pytest.raises(SystemExit) as exc:
        runner.run_cli("inconnu")
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Tâche inconnue : « inconnu »" in err
    assert "purge_expired_tokens" in err


def test_run_cli_named_and_all(dbs):
    assert runner.run_cli("purge_expired_tokens") == "purge_expired_tokens : 0"
    out = runner.run_cli("all")
    assert "deliver_outbox : 0" in out  # purge ran just now: not due again
    assert "purge_expired_tokens" not in out
    assert runner.run_cli("all") == "Aucune tâche à exécuter."


def test_cli_main_job_command(dbs, capsys):
    from mystage.cli import main

    assert main(["job", "list"]) == 0
    assert "deliver_outbox" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["job", "nimporte"])
    assert exc.value.code == 2


def test_deliver_outbox_job_uses_the_dev_mailbox(dbs):
    queue_mail(dbs, to="eleve@exemple.fr", subject="Bienvenue", body="Bonjour")
    dbs.commit()
    assert runner.run_job("deliver_outbox") == 1
    with db.session() as s:
        (row,) = s.exec(sa.select(Outbox)).scalars().all()
    assert row.status == "sent" and row.transport == "dev"


def test_purge_expired_tokens(dbs):
    now = clock.now()
    user = User(email="purge@exemple.fr", role="eleve")
    dbs.add(user)
    dbs.flush()
    day = timedelta(days=1)
    dbs.add_all(
        [
            OneTimeToken(purpose="activation", token_hash="a" * 64, expires_at=now - 2 * day),
            OneTimeToken(purpose="activation", token_hash="b" * 64, expires_at=now - day / 2),
            OneTimeToken(purpose="magic_link", token_hash="c" * 64, expires_at=now + day),
            LoginAttempt(scope="email", key="k", created_at=now - 2 * day),
            LoginAttempt(scope="email", key="k", created_at=now - day / 2),
            AuthSession(token_hash="d" * 64, user_id=user.id, expires_at=now - 31 * day),
            AuthSession(token_hash="e" * 64, user_id=user.id, expires_at=now - 10 * day),
            AuthSession(token_hash="f" * 64, user_id=user.id, expires_at=now + 10 * day),
        ]
    )
    dbs.commit()

    assert runner.run_job("purge_expired_tokens") == 3
    assert runner.run_job("purge_expired_tokens") == 0  # idempotent
    with db.session() as s:
        assert sorted(s.exec(sa.select(OneTimeToken.token_hash)).scalars()) == ["b" * 64, "c" * 64]
        assert s.exec(sa.select(sa.func.count()).select_from(LoginAttempt)).scalar() == 1
        assert sorted(s.exec(sa.select(AuthSession.token_hash)).scalars()) == ["e" * 64, "f" * 64]


@pytest.mark.asyncio
async def test_job_loop_survives_errors_and_is_cancellable(monkeypatch):
    calls: list[int] = []

    def fake_run_due():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("base indisponible")
        return {"x": 1}

    monkeypatch.setattr(runner, "run_due", fake_run_due)
    task = asyncio.create_task(runner.job_loop(interval_s=0.01))
    for _ in range(500):
        if len(calls) >= 3:
            break
        await asyncio.sleep(0.01)
    assert len(calls) >= 3  # the error of the first round did not stop the loop
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.asyncio
async def test_job_loop_off_when_jobs_not_in_process(monkeypatch):
    monkeypatch.setenv("JOBS_IN_PROCESS", "0")
    settings.reload()
    try:
        monkeypatch.setattr(runner, "run_due", lambda: pytest.fail("should not run"))
        await asyncio.wait_for(runner.job_loop(interval_s=0.01), 1)
    finally:
        monkeypatch.delenv("JOBS_IN_PROCESS")
        settings.reload()

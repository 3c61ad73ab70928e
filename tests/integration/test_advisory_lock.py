"""Single runner on PostgreSQL: the advisory lock (only with TEST_DATABASE_URL=postgresql…)."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mystage import db
from mystage.jobs import runner

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="advisory locks need PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://…)",
)


class Calls:
    def __init__(self, sleep: float = 0.0) -> None:
        self.n = 0
        self.sleep = sleep
        self.lock = threading.Lock()

    def __call__(self, s) -> int:
        with self.lock:
            self.n += 1
        time.sleep(self.sleep)
        return 1


@pytest.fixture
def registry(monkeypatch):
    runner.job_names()
    reg: dict[str, runner.Job] = {}
    monkeypatch.setattr(runner, "REGISTRY", reg)
    return reg


def lock_is_free() -> bool:
    with db.engine().connect() as conn:
        got = conn.execute(sa.select(sa.func.pg_try_advisory_lock(runner.ADVISORY_LOCK_KEY)))
        if got.scalar():
            conn.execute(sa.select(sa.func.pg_advisory_unlock(runner.ADVISORY_LOCK_KEY)))
            return True
        return False


def test_two_runners_in_two_threads_only_one_runs(dbs, registry):
    a, b = Calls(sleep=0.5), Calls(sleep=0.5)
    runner.job("a", every=timedelta(minutes=1))(a)
    runner.job("b", every=timedelta(minutes=1))(b)
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
    assert (a.n, b.n) == (1, 1)
    assert sorted(results, key=len) == [{}, {"a": 1, "b": 1}]
    assert lock_is_free()  # released after the run


def test_lock_held_elsewhere_skips_even_due_jobs(dbs, registry):
    calls = Calls()
    runner.job("due", every=timedelta(minutes=1))(calls)
    with db.engine().connect() as other:  # another process holding the runner lock
        assert other.execute(
            sa.select(sa.func.pg_try_advisory_lock(runner.ADVISORY_LOCK_KEY))
        ).scalar()
        other.commit()
        assert runner.run_due() == {}
        assert calls.n == 0
        other.execute(sa.select(sa.func.pg_advisory_unlock(runner.ADVISORY_LOCK_KEY)))
        other.commit()
    assert runner.run_due() == {"due": 1}
    assert calls.n == 1


def test_lock_released_when_a_job_fails(dbs, registry):
    def broken(s):
        raise RuntimeError("panne")

    runner.job("casse", every=timedelta(minutes=1))(broken)
    assert runner.run_due()["casse"].startswith("erreur")
    assert lock_is_free()

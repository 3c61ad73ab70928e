"""The same ``remote_id`` posted twice at the same instant creates ONE offer (PostgreSQL).

Each run: two threads, each with its own TestClient call over the API, released together
by a barrier, POST the same new ``remote_id``: one answers 201 (created), the other 200
(updated), and the operator has exactly one offer of that ``remote_id``.  The operator's
writes are serialised by an advisory lock (services.api_offers.operator_lock); the unique
constraint (operator_id, remote_id) would refuse a duplicate anyway."""

from __future__ import annotations

import os
import threading

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from mystage.api.v1 import build_api
from mystage.models import Offer
from tests.unit.test_api_offers import RAW_A, body, h, make_operator
from tests.unit.test_api_offers import s as s  # noqa: F401, PLC0414 - the fixture

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://…)",
)

RUNS = 5


def test_same_remote_id_in_parallel_creates_one_offer(s):  # noqa: F811
    op_id, _ = make_operator(s, "Tous en stage", RAW_A)
    client = TestClient(build_api())
    for run in range(RUNS):
        data = body(s, remote_id=f"course-{run}", title=f"Course {run} : boulangerie")
        barrier = threading.Barrier(2)
        codes: list[int] = []
        ids: list[int] = []

        def call() -> None:
            barrier.wait()
            r = client.post("/offers", json=data, headers=h())
            codes.append(r.status_code)
            ids.append(r.json().get("id"))

        threads = [threading.Thread(target=call) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(codes) == [200, 201], codes
        assert ids[0] == ids[1]
        s.expire_all()
        n = s.execute(
            sa.select(sa.func.count(Offer.id)).where(
                Offer.operator_id == op_id, Offer.remote_id == f"course-{run}"
            )
        ).scalar_one()
        assert n == 1
    total = s.execute(sa.select(sa.func.count(Offer.id))).scalar_one()
    assert total == RUNS

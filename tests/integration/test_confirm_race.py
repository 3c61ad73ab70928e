"""Two pupils confirm the last place at the same instant: exactly one wins (PostgreSQL).

Each run: a fresh offer with one week of ONE place, two pupils both accepted, two threads
with their own session released together by a barrier, each calling
``applications.confirm``.  The conditional ``UPDATE offer_weeks … WHERE places_taken <
places`` serialises them on the row lock (READ COMMITTED): the second sees rowcount 0.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mystage import clock, db
from mystage.models import (
    Application,
    AppState,
    Offer,
    OfferState,
    OfferWeek,
    Outbox,
    Role,
    User,
)
from mystage.services import applications

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://…)",
)

RUNS = 100


def _setup(s, run: int, monday) -> tuple[int, list[int], list[int]]:
    """A fresh offer (one week, one place) and two fresh pupils, both accepted."""
    pupils = []
    for i in range(2):
        u = User(
            email=f"eleve{run}-{i}@exemple.fr", role=Role.ELEVE, status="active", first_name="Léa"
        )
        s.add(u)
        pupils.append(u)
    offer = Offer(
        state=OfferState.PUBLISHED,
        title=f"Offre {run}",
        contact_email=f"employeur{run}@exemple.fr",
        places_total=1,
        places_left=1,
        first_week=monday,
        last_week=monday,
        school_year=2026,
    )
    s.add(offer)
    s.flush()
    s.add(OfferWeek(offer_id=offer.id, week_start=monday, places=1, places_taken=0))
    now = clock.now()
    app_ids = []
    for p in pupils:
        a = Application(
            pupil_id=p.id, offer_id=offer.id, week_start=monday, state=AppState.ACCEPTED,
            school_year=2026, sent_at=now, accepted_at=now, contact_email=p.email,
        )  # fmt: skip
        s.add(a)
        s.flush()
        app_ids.append(a.id)
    s.commit()
    return offer.id, app_ids, [u.id for u in pupils]


def test_two_pupils_confirm_the_last_place(dbs):
    s = dbs
    monday = clock.monday_of(clock.today_paris()) + timedelta(days=21)

    winners_per_run: list[int] = []
    durations: list[float] = []
    messages: set[str] = set()
    started = time.perf_counter()
    for run in range(RUNS):
        offer_id, app_ids, pupil_ids = _setup(s, run, monday)
        barrier = threading.Barrier(2)
        results: list[str | None] = [None, None]
        errors: list[BaseException] = []

        def worker(i: int) -> None:
            try:
                with db.session() as ts:
                    me = ts.get(User, pupil_ids[i])
                    barrier.wait(timeout=10)
                    results[i] = applications.confirm(ts, me, app_ids[i])
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        durations.append(time.perf_counter() - t0)
        assert not errors, errors
        winners = [r for r in results if r == ""]
        winners_per_run.append(len(winners))
        messages.update(r for r in results if r)
        assert len(winners) == 1, (run, results)
        assert [r for r in results if r] == [applications.MSG_LAST_PLACE], (run, results)

        s.expire_all()
        taken = s.execute(
            sa.select(OfferWeek.places_taken).where(OfferWeek.offer_id == offer_id)
        ).scalar_one()
        assert taken == 1, run
        states = sorted(
            s.execute(sa.select(Application.state).where(Application.offer_id == offer_id))
            .scalars()
            .all()
        )
        assert states == [AppState.CONFIRMED, AppState.PLACE_UNAVAILABLE], (run, states)
        assert s.get(Offer, offer_id).places_left == 0
        confirmed_mails = s.execute(
            sa.select(sa.func.count(Outbox.id)).where(
                Outbox.recipient == f"employeur{run}@exemple.fr",
                Outbox.template == "app_employer_confirmed",
            )
        ).scalar_one()
        assert confirmed_mails == 1
    total = time.perf_counter() - started
    durations.sort()
    print(
        f"\nconfirm race: {RUNS} runs, winners per run = {set(winners_per_run)} "
        f"(exactly one winner in {winners_per_run.count(1)}/{RUNS}), loser message {messages}; "
        f"total {total:.2f} s, per run median {durations[len(durations) // 2] * 1000:.1f} ms, "
        f"max {durations[-1] * 1000:.1f} ms"
    )
    assert winners_per_run == [1] * RUNS

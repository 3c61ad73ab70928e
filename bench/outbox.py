"""Outbox delivery: messages per second when claims are taken one message at a time (what
``deliver_pending`` does, so that a killed deliverer holds back one message only), next
to claims of 100 messages (the baseline: the same code with ``batch=100``), with a
transport that accepts everything at once — the database work alone, the most the
per-message claim can cost (a real SMTP or SMS gateway takes milliseconds per message).

    .venv/bin/python bench/outbox.py [--messages N] [--engines sqlite,postgresql]

SQLite: a temporary file; PostgreSQL: the database ``bench_outbox`` (127.0.0.1, user
postgres), dropped at the end.  Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_outbox"


class Accept:
    name = "bench"

    def send(self, message) -> None:
        pass

    def close(self) -> None:
        pass


def _fresh(url: str) -> None:
    import sqlalchemy as sa

    if url.startswith("postgresql"):
        eng = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(sa.text("DROP DATABASE IF EXISTS bench_outbox"))
            c.execute(sa.text("CREATE DATABASE bench_outbox"))
        eng.dispose()


def _queue(n: int) -> None:
    from mystage import db
    from mystage.notify.outbox import queue_many

    with db.session() as s:
        queue_many(
            s,
            (
                {
                    "to": f"eleve{i}@exemple.fr",
                    "subject": "Activez",
                    "body": "Lien",
                    "dedupe_key": None,
                }
                for i in range(n)
            ),
        )
        s.commit()


def run(url: str, n: int) -> list[tuple[str, float]]:
    os.environ["DATABASE_URL"] = url
    from mystage import db, migrate, settings

    settings.reload()
    db.dispose_all()
    _fresh(url)
    migrate.upgrade(url)
    from mystage.notify.delivery import deliver_pending

    out = []
    for label, batch in (("one at a time (app)", 1), ("100 at a time (base)", 100)):
        _queue(n)
        started = time.perf_counter()
        sent = deliver_pending(batch=batch, transports={"mail": Accept(), "sms": Accept()})
        elapsed = time.perf_counter() - started
        assert sent == n, (sent, n)
        out.append((label, n / elapsed))
    db.dispose_all()
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--messages", type=int, default=5000)
    p.add_argument("--engines", default="sqlite,postgresql")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    urls = {"sqlite": f"sqlite:///{tmp / 'outbox.db'}", "postgresql": PG_URL}
    print(f"{'db':<11} {'claims':<22} {'messages/s':>11}")
    for engine in args.engines.split(","):
        for label, rate in run(urls[engine], args.messages):
            print(f"{engine:<11} {label:<22} {rate:>11,.0f}")
    if "postgresql" in args.engines:
        import sqlalchemy as sa

        eng = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(sa.text("DROP DATABASE IF EXISTS bench_outbox"))
        eng.dispose()


if __name__ == "__main__":
    main()

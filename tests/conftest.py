"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="mystage-tests-"))
TEST_DB_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
os.environ["DATABASE_URL"] = TEST_DB_URL
os.environ.setdefault("PRIVATE_DIR", str(_TMP / "private"))
os.environ.pop("SMTP_URL", None)
os.environ.pop("SMS_URL", None)
os.environ.pop("GEOCODER_URL", None)
os.environ.pop("REDIS_URL", None)
# Mail and SMS go to the dev mailbox, as with `make run` (tests of the other cases unset it).
os.environ["DEV_MAILBOX"] = "true"
os.environ.pop("PUBLIC_URL", None)
# Cheapest argon2 cost in unit tests (the browser tests use the real cost).
os.environ.setdefault("PASSWORD_HASH_FAST", "1")

from mystage import clock, db, migrate  # noqa: E402
from mystage.settings import reload  # noqa: E402

reload()


def _reset_schema() -> None:
    if TEST_DB_URL.startswith("postgresql"):
        import sqlalchemy as sa

        eng = db.engine(TEST_DB_URL)
        with eng.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        path = Path(TEST_DB_URL.split("///", 1)[1])
        db.dispose_all()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def migrated_db():
    """The schema migrated once per session."""
    _reset_schema()
    migrate.upgrade(TEST_DB_URL)
    yield TEST_DB_URL


_PG_EMPTY = """
DO $$
DECLARE t text; q text;
BEGIN
  FOREACH t IN ARRAY ARRAY[{names}] LOOP
    EXECUTE format('DELETE FROM %I', t);
  END LOOP;
  -- The sequences of the emptied tables only (reference tables keep theirs).
  FOR q IN SELECT format('%I.%I', s.schemaname, s.sequencename)
           FROM pg_sequences s
           JOIN pg_class seq ON seq.relname = s.sequencename AND seq.relkind = 'S'
           JOIN pg_depend d ON d.objid = seq.oid AND d.deptype IN ('a', 'i')
           JOIN pg_class tbl ON tbl.oid = d.refobjid
           WHERE s.schemaname = current_schema() AND s.last_value IS NOT NULL
             AND tbl.relname = ANY(ARRAY[{names}]) LOOP
    PERFORM setval(q, 1, false);
  END LOOP;
END $$
"""


def _truncate_all() -> None:
    import sqlalchemy as sa

    from mystage.models import metadata

    eng = db.engine(TEST_DB_URL)
    # Reference tables are loaded once (slow) and kept between tests.
    keep = {"communes", "commune_aliases", "departments", "sectors", "naf_codes", "schools"}
    tables = [t for t in reversed(metadata.sorted_tables) if t.name not in keep]
    # Not a model: the statistics summary (migration 0005) must not carry figures over.
    from mystage.services.stats import SUMMARY

    tables.append(SUMMARY)
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            # One round trip: DELETE (children first) and restart the used sequences.  A
            # TRUNCATE of every table cost ~200 ms per test (new files for each table);
            # a DELETE of the few rows a test wrote costs a few ms.
            names = ", ".join("'" + t.name + "'" for t in tables)
            conn.execute(sa.text(_PG_EMPTY.replace("{names}", names)))
        else:
            for t in tables:
                conn.execute(t.delete())


@pytest.fixture
def dbs(migrated_db):
    """A clean database (all non-reference tables emptied) and a session on it."""
    _truncate_all()
    with db.session() as s:
        yield s
    clock.set_offset(__import__("datetime").timedelta(0))
    clock.freeze(None)


@pytest.fixture(scope="session")
def reference_db(migrated_db):
    """The database with the embedded reference data loaded (once per session)."""
    from mystage.data.loader import import_reference

    import_reference()
    return migrated_db


@pytest.fixture
def trusted(monkeypatch):
    """``trusted("10.0.0.1")`` sets TRUSTED_PROXIES for this test (``None`` unsets it)."""
    from mystage import settings

    def set_to(value: str | None) -> None:
        if value is None:
            monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
        else:
            monkeypatch.setenv("TRUSTED_PROXIES", value)
        settings.reload()

    yield set_to
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    settings.reload()

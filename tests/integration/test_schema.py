"""The migrated schema and the SQLModel tables agree (on SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from mystage import db, migrate
from mystage.models import metadata


def _include(obj, name, type_, reflected, compare_to):
    return name not in migrate.UNMODELLED and not (name or "").startswith("offers_fts")


def test_models_match_migrations(migrated_db):
    eng = db.engine(migrated_db)
    with eng.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "include_object": _include,
                "compare_type": False,
                "target_metadata": metadata,
            },
        )
        diff = compare_metadata(ctx, metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_table_migrated(migrated_db):
    names = set(sa.inspect(db.engine(migrated_db)).get_table_names())
    assert set(metadata.tables) <= names


def test_search_index_exists(migrated_db):
    eng = db.engine(migrated_db)
    insp = sa.inspect(eng)
    if eng.dialect.name == "sqlite":
        assert "offers_fts" in insp.get_table_names()
    else:
        assert "ix_offers_search_tsv" in {i["name"] for i in insp.get_indexes("offers")}

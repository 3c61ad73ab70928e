"""full-text search index on offers (SQLite FTS5 / PostgreSQL GIN)

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # External-content FTS5 table over offers.search_text (already folded and stemmed
        # by the services), kept in sync by triggers; prefix indexes for « boul* ».
        op.execute(
            "CREATE VIRTUAL TABLE offers_fts USING fts5("
            "search_text, content='offers', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')"
        )
        op.execute(
            "CREATE TRIGGER offers_fts_ai AFTER INSERT ON offers BEGIN "
            "INSERT INTO offers_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER offers_fts_ad AFTER DELETE ON offers BEGIN "
            "INSERT INTO offers_fts(offers_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER offers_fts_au AFTER UPDATE OF search_text ON offers BEGIN "
            "INSERT INTO offers_fts(offers_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO offers_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
    else:
        op.execute(
            "CREATE INDEX ix_offers_search_tsv ON offers "
            "USING gin (to_tsvector('simple', search_text))"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trig in ("offers_fts_ai", "offers_fts_ad", "offers_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trig}")
        op.execute("DROP TABLE IF EXISTS offers_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_offers_search_tsv")

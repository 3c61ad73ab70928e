"""indexes for the offer search, and planner statistics for SQLite

Measured with ``bench/search.py`` (200,000 offers); see ``services/search.py``.

Covering b-tree indexes, the same on SQLite and PostgreSQL: they hold every column the
base filter of a search reads (state, places left, window, reservations) and the usual
criteria (level, sector, all year), so counting and choosing the 30 offers of a page
read index entries, never the wide ``offers`` rows; the page then reads 30 rows.

- ``ix_offers_search_count`` (state, places_left, …, structure_id): the COUNT of a search
  without a place (« N offres » for all of France: 150,000 index entries instead of as
  many rows) and the home page counter (places, offers, structures); it extends
  ``ix_offers_state_places``, so the planners prefer it for that condition.
- ``ix_offers_search_recent`` (state, published_at, …): the page of a search without a
  place, newest first — ``state = 'published'`` read in ``published_at`` order, filtered
  in the index, stopping at the 30th offer.
- ``ix_offers_search_geo`` (latitude, longitude, …): searches around a place — the
  bounding box is a range on latitude, longitude and filters are checked in the index,
  the haversine term needs only latitude/longitude.
- ``ix_offer_weeks_free`` (week_start, offer_id) WHERE places > places_taken: the set of
  offers with room on the weeks asked, read from the index alone.

``id`` ends the offers indexes read by pages, for PostgreSQL's index-only scans (SQLite's
entries carry the rowid).

SQLite statistics: without ``ANALYZE`` SQLite's planner ranks indexes by the number of
constrained columns and picks ``state = ? AND places_left > ?`` for every search (300 ms
instead of 20 at 200,000 offers).  Nothing in the app runs ANALYZE, and ANALYZE on the
empty tables of a new database would teach it nothing, so this migration writes the
statistics of ``offers`` and ``offer_weeks`` measured on the benchmark data into
``sqlite_stat1`` (a documented way to give SQLite stable plans).  A later ``ANALYZE``
replaces them with the real figures.  PostgreSQL's autovacuum keeps its own.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels = None
depends_on = None

# The base filter of every search, then the criteria a pupil's default search adds.
_FILTER = (
    "places_left, reserved_schools, reserved_rep, reserved_qpv, application_start, "
    "application_end, level_4e, level_3e, level_2de, sector_id, all_year"
)

# sqlite_stat1 of bench/search.py (200,000 offers, 851,667 weeks) after ANALYZE.
_SQLITE_STATS = {
    "offers": {
        "ix_offers_academy": "200000 6000",
        "ix_offers_created_at": "200000 2",
        "ix_offers_created_by_id": "200000 20",
        "ix_offers_department_code": "200000 1870",
        "ix_offers_first_week": "200000 5264",
        "ix_offers_is_accessible": "200000 100000",
        "ix_offers_last_week": "200000 5264",
        "ix_offers_lat_lon": "200000 2 2",
        "ix_offers_level_2de": "200000 100000",
        "ix_offers_level_3e": "200000 100000",
        "ix_offers_level_4e": "200000 100000",
        "ix_offers_operator_id": "200000 2000",
        "ix_offers_published_at": "200000 2",
        "ix_offers_reserved_qpv": "200000 100000",
        "ix_offers_reserved_rep": "200000 100000",
        "ix_offers_reserved_schools": "200000 100000",
        "ix_offers_school_year": "200000 100000",
        "ix_offers_search_count": "200000 33334 580 446 331 270 88 53 39 31 24 5 5 1",
        "ix_offers_search_geo": "200000 2 2 2 2 2 2 2 2 2 1 1 1 1 1 1 1",
        "ix_offers_search_recent": "200000 33334 2 1 1 1 1 1 1 1 1 1 1 1 1",
        "ix_offers_sector_id": "200000 4652",
        "ix_offers_state": "200000 33334",
        "ix_offers_state_places": "200000 33334 580",
        "ix_offers_structure_id": "200000 20",
        "ix_offers_window": "200000 9091 4762",
        "sqlite_autoindex_offers_1": "200000 200 1",
    },
    "offer_weeks": {
        "ix_offer_weeks_free": "782299 20587 1",
        "ix_offer_weeks_offer_id": "851667 5",
        "ix_offer_weeks_week_offer": "851667 22413 1",
        "sqlite_autoindex_offer_weeks_1": "851667 5 1",
    },
}


def upgrade() -> None:
    op.execute(f"CREATE INDEX ix_offers_search_count ON offers (state, {_FILTER}, structure_id)")
    op.execute(
        f"CREATE INDEX ix_offers_search_recent ON offers (state, published_at, {_FILTER}, id)"
    )
    op.execute(
        "CREATE INDEX ix_offers_search_geo ON offers "
        f"(latitude, longitude, state, {_FILTER}, published_at, id)"
    )
    op.execute(
        "CREATE INDEX ix_offer_weeks_free ON offer_weeks (week_start, offer_id) "
        "WHERE places > places_taken"
    )
    if op.get_bind().dialect.name == "sqlite":
        _write_sqlite_stats()


def _write_sqlite_stats() -> None:
    bind = op.get_bind()
    tables = tuple(_SQLITE_STATS)
    # Creates sqlite_stat1 if needed (and measures the other, small tables).
    op.execute("ANALYZE")
    for table in tables:
        rows = bind.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
        if rows and rows >= 20_000:
            continue  # a real database of that size: its own ANALYZE figures are better
        bind.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = ?", (table,))
        for index, stat in _SQLITE_STATS[table].items():
            bind.exec_driver_sql(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", (table, index, stat)
            )
    op.execute("ANALYZE sqlite_master")  # reload the statistics


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_offer_weeks_free")
    op.execute("DROP INDEX IF EXISTS ix_offers_search_geo")
    op.execute("DROP INDEX IF EXISTS ix_offers_search_recent")
    op.execute("DROP INDEX IF EXISTS ix_offers_search_count")
    # SQLite drops the statistics of a dropped index with it; the others are harmless.

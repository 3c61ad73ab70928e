"""covering indexes for the offer search (services/search.py, bench/search.py)

Three composite b-tree indexes, the same on SQLite and PostgreSQL, hold every column the
base filter of a search reads (state, places left, window, reservations), so that counting
and choosing the 30 offers of a page never reads the wide ``offers`` rows, only index
entries; the page then reads 30 rows.

- ``ix_offers_search_count`` (state, places_left, …): the COUNT of a search without a
  place (« N offres » for all of France: 150,000 index entries instead of as many rows);
  it extends ``ix_offers_state_places`` so the planners prefer it for that condition.
- ``ix_offers_search_recent`` (state, published_at, …): the page of a search without a
  place, newest first — a range on ``state = 'published'`` read in ``published_at``
  order, filtered in the index, that stops at the 30th offer.
- ``ix_offers_search_geo`` (latitude, longitude, …): searches around a place — the
  bounding box is a range on latitude, the longitude and the base filter are checked in
  the index, the haversine term needs only latitude/longitude: index-only COUNT and
  ordering by distance.

``id`` ends the last two for PostgreSQL's index-only scans (SQLite's entries carry the rowid).

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


def upgrade() -> None:
    op.execute(f"CREATE INDEX ix_offers_search_count ON offers (state, {_FILTER})")
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


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_offer_weeks_free")
    op.execute("DROP INDEX IF EXISTS ix_offers_search_geo")
    op.execute("DROP INDEX IF EXISTS ix_offers_search_recent")
    op.execute("DROP INDEX IF EXISTS ix_offers_search_count")

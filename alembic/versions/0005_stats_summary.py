"""statistics: the summary table of the national dashboards, and indexes for live figures

Measured with ``bench/dashboard.py`` (PostgreSQL, 200,000 offers, 3,000,000 applications):
a national référent's dashboard reads ``stats_summary`` (rebuilt every 10 minutes by the job
``stats_refresh`` from the same queries as the live figures): 90 ms for every tile and chart
instead of 10–28 s live.  Filtered views (a sector, REP/REP+, a level) stay live and read the
covering indexes below (a département with a sector filter: 130 ms).

``stats_summary`` is SQLAlchemy Core (``mystage.services.stats.SUMMARY``), not a SQLModel
table, and the three indexes are not declared on the models: their names are listed in
``mystage.migrate.UNMODELLED`` for the schema comparison test.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stats_summary",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("school_year", sa.Integer, nullable=False),
        sa.Column("department_code", sa.String(3), nullable=False, server_default=""),
        sa.Column("key", sa.String(64), nullable=False, server_default=""),
        sa.Column("label", sa.String(150), nullable=False, server_default=""),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("offers", sa.Integer, nullable=False, server_default="0"),
        sa.Column("places", sa.Integer, nullable=False, server_default="0"),
        sa.Column("applications", sa.Integer, nullable=False, server_default="0"),
        sa.Column("confirmed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_stats_summary_lookup", "stats_summary", ["kind", "school_year", "department_code"]
    )
    op.create_index(
        "ix_applications_stats",
        "applications",
        ["offer_id", "school_year", "state", "week_start", "school_id", "pupil_id"],
    )
    op.create_index("ix_offer_weeks_stats", "offer_weeks", ["offer_id", "week_start", "places"])
    op.create_index(
        "ix_offers_stats",
        "offers",
        [
            "department_code", "school_year", "state", "published_at", "id", "sector_id",
            "structure_id", "is_public", "insee_code", "city", "latitude", "longitude",
            "level_4e", "level_3e", "level_2de",
        ],
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_offers_stats", table_name="offers")
    op.drop_index("ix_offer_weeks_stats", table_name="offer_weeks")
    op.drop_index("ix_applications_stats", table_name="applications")
    op.drop_index("ix_stats_summary_lookup", table_name="stats_summary")
    op.drop_table("stats_summary")

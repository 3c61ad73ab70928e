"""ministries: « Institution de tutelle » of public structures and their offers; référents
centraux bound to one ministry

``structures.ministry`` and ``offers.ministry`` (indexed: the filter of a ministry-bound
référent central's statistics) hold a slug of ``mystage/services/ministries.py`` ("" for
private employers); ``users.ministry`` binds a référent central to one ministry ("" = every
offer).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels = None
depends_on = None


# recreate="never": plain ALTER TABLE on SQLite too (3.35+ drops columns), so the tables
# are never copied and the offers' FTS triggers (0002) stay in place.
TABLES = ("structures", "offers", "users")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.add_column(
                sa.Column("ministry", sa.String(length=40), nullable=False, server_default="")
            )
    op.create_index("ix_offers_ministry", "offers", ["ministry"])


def downgrade() -> None:
    op.drop_index("ix_offers_ministry", table_name="offers")
    for table in reversed(TABLES):
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.drop_column("ministry")

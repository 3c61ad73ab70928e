"""offers.draft_form: what the user typed in an offer form step that did not validate yet

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels = None
depends_on = None


# recreate="never": plain ALTER TABLE on SQLite too (3.35+ drops columns), so the offers
# table is never copied and its FTS triggers (0002) stay in place.


def upgrade() -> None:
    with op.batch_alter_table("offers", recreate="never") as batch:
        batch.add_column(sa.Column("draft_form", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("offers", recreate="never") as batch:
        batch.drop_column("draft_form")

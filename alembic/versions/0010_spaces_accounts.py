"""spaces: every structure has at least one « Espace » (« Espace principal » for the
existing ones, their offers moved into it), a member may be limited to some spaces
(structure_members.all_spaces, space_members.access), offers.space_id indexed

Revision ID: 0010_spaces_accounts
Revises: 0009
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010_spaces_accounts"
down_revision: str | Sequence[str] | None = "0009"
branch_labels = None
depends_on = None

DEFAULT_SPACE_NAME = "Espace principal"


def upgrade() -> None:
    with op.batch_alter_table("structure_members", recreate="never") as batch:
        batch.add_column(
            sa.Column("all_spaces", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("space_members", recreate="never") as batch:
        batch.add_column(
            sa.Column("access", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_index("ix_offers_space_id", "offers", ["space_id"])

    bind = op.get_bind()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":  # stored naive UTC there (models/base.UTCDateTime)
        now = now.replace(tzinfo=None)
    # One « Espace principal » per structure without a space (set-based).
    bind.execute(
        sa.text(
            "INSERT INTO employer_spaces (structure_id, name, created_at) "
            "SELECT s.id, :name, :now FROM structures s WHERE NOT EXISTS "
            "(SELECT 1 FROM employer_spaces e WHERE e.structure_id = s.id)"
        ),
        {"name": DEFAULT_SPACE_NAME, "now": now},
    )
    # Offers without a space go to their structure's first space.
    bind.execute(
        sa.text(
            "UPDATE offers SET space_id = (SELECT MIN(e.id) FROM employer_spaces e "
            "WHERE e.structure_id = offers.structure_id) "
            "WHERE space_id IS NULL AND structure_id IS NOT NULL"
        )
    )


def downgrade() -> None:
    # The spaces created stay (0001 already had the table); only the new columns go.
    op.drop_index("ix_offers_space_id", table_name="offers")
    with op.batch_alter_table("space_members", recreate="never") as batch:
        batch.drop_column("access")
    with op.batch_alter_table("structure_members", recreate="never") as batch:
        batch.drop_column("all_spaces")

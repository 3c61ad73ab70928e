"""conventions online: school mode and preset, convention versions and reminders, signatures
with their evidence (method, masked destination, user agent, document hash, voided), legal
representatives' signing links

``signatures`` had no row anywhere (nothing signed before this revision): it is recreated
with a partial unique index (one live signature per party, voided ones kept) instead of the
former unnamed unique constraint.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
TS = sa.DateTime(timezone=True)
LIVE = sa.text("voided_at IS NULL")


def _signatures(new: bool) -> None:
    columns = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("signatory_role", S(length=20), nullable=False),
        sa.Column("signer_name", S(length=200), nullable=False),
        sa.Column("phone", S(length=20), nullable=False),
        sa.Column("ip", S(length=64), nullable=False),
        sa.Column("image_path", S(length=300), nullable=False),
        sa.Column("signed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["convention_id"], ["conventions.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    ]
    if new:
        columns += [
            sa.Column("email", S(length=254), nullable=False, server_default=""),
            sa.Column("method", S(length=8), nullable=False, server_default=""),
            sa.Column("sent_to", S(length=80), nullable=False, server_default=""),
            sa.Column("user_agent", S(length=300), nullable=False, server_default=""),
            sa.Column("typed_name", S(length=200), nullable=False, server_default=""),
            sa.Column("document_hash", S(length=64), nullable=False, server_default=""),
            sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
            sa.Column("voided_at", TS, nullable=True),
        ]
    else:
        columns.append(sa.UniqueConstraint("convention_id", "signatory_role"))
    op.create_table("signatures", *columns)
    op.create_index("ix_signatures_convention_id", "signatures", ["convention_id"])
    if new:
        op.create_index(
            "ux_signatures_live_role",
            "signatures",
            ["convention_id", "signatory_role"],
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )


def upgrade() -> None:
    with op.batch_alter_table("schools", recreate="never") as batch:
        batch.add_column(
            sa.Column("convention_mode", S(length=10), nullable=False, server_default="online")
        )
        batch.add_column(
            sa.Column("convention_preset", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("conventions", recreate="never") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(
            sa.Column("paper", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("reminder_count", sa.Integer(), nullable=False, server_default="0")
        )
        for name in ("reminded_at", "school_warned_at", "sealed_at"):
            batch.add_column(sa.Column(name, TS, nullable=True))
    op.drop_index("ix_signatures_convention_id", table_name="signatures")
    op.drop_table("signatures")
    _signatures(new=True)
    op.create_table(
        "convention_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("role", S(length=20), nullable=False),
        sa.Column("token_hash", S(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["convention_id"], ["conventions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_convention_links_convention_id", "convention_links", ["convention_id"])
    op.create_index(
        "ix_convention_links_token_hash", "convention_links", ["token_hash"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_convention_links_token_hash", table_name="convention_links")
    op.drop_index("ix_convention_links_convention_id", table_name="convention_links")
    op.drop_table("convention_links")
    op.drop_index("ux_signatures_live_role", table_name="signatures")
    op.drop_index("ix_signatures_convention_id", table_name="signatures")
    op.drop_table("signatures")
    _signatures(new=False)
    with op.batch_alter_table("conventions", recreate="never") as batch:
        for name in ("sealed_at", "school_warned_at", "reminded_at", "reminder_count", "paper",
                     "version"):  # fmt: skip
            batch.drop_column(name)
    with op.batch_alter_table("schools", recreate="never") as batch:
        batch.drop_column("convention_preset")
        batch.drop_column("convention_mode")

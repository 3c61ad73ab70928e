"""lycées and the seconde: the ministry's « teaches a 2de GT » flag and the head's QPV
declaration confirmed by an admin; two-week seconde applications (one application, one or
two weeks); the employer's refusal reason

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("schools", recreate="never") as batch:
        batch.add_column(sa.Column("seconde_gt", S(length=3), nullable=False, server_default=""))
        batch.add_column(sa.Column("qpv_declared_at", TS, nullable=True))
        batch.add_column(sa.Column("qpv_confirmed_at", TS, nullable=True))
    with op.batch_alter_table("applications", recreate="never") as batch:
        batch.add_column(sa.Column("week_count", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(
            sa.Column("refuse_reason", S(length=20), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("applications", recreate="never") as batch:
        batch.drop_column("refuse_reason")
        batch.drop_column("week_count")
    with op.batch_alter_table("schools", recreate="never") as batch:
        batch.drop_column("qpv_confirmed_at")
        batch.drop_column("qpv_declared_at")
        batch.drop_column("seconde_gt")

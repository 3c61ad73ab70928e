"""class roster: the pupils the staff list in a class before they sign up (names, an
optional contact for the invitation, the account once linked), and each class's join code
(« /classe/AB7K2C ») to sign up into it

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("school_classes", recreate="never") as batch:
        batch.add_column(sa.Column("join_code", S(length=8), nullable=True))
        batch.add_column(sa.Column("join_code_at", TS, nullable=True))
    op.create_index(
        "ix_school_classes_join_code", "school_classes", ["join_code"], unique=True
    )
    op.create_table(
        "class_roster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("first_name", S(length=100), nullable=False),
        sa.Column("last_name", S(length=100), nullable=False),
        sa.Column("name_key", S(length=210), nullable=False),
        sa.Column("contact", S(length=254), nullable=False),
        sa.Column("contact_kind", S(length=8), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("invited_at", TS, nullable=True),
        sa.Column("invitations", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("linked_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"]),
        sa.ForeignKeyConstraint(["class_id"], ["school_classes.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for col in ("school_id", "class_id", "school_year", "user_id"):
        op.create_index(f"ix_class_roster_{col}", "class_roster", [col])


def downgrade() -> None:
    for col in ("user_id", "school_year", "class_id", "school_id"):
        op.drop_index(f"ix_class_roster_{col}", table_name="class_roster")
    op.drop_table("class_roster")
    op.drop_index("ix_school_classes_join_code", table_name="school_classes")
    with op.batch_alter_table("school_classes", recreate="never") as batch:
        batch.drop_column("join_code_at")
        batch.drop_column("join_code")

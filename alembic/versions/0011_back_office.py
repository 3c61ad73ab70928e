"""back office (issue 18): offer moderation columns, offer reports, structure suspension
and merge, operator contact and hashed API tokens, user blocking, the job runs' history

Revision ID: 0011_back_office
Revises: 0010_spaces_accounts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TS = sa.DateTime(timezone=True)

revision: str = "0011_back_office"
down_revision: str | Sequence[str] | None = "0010_spaces_accounts"
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False, server_default="")


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable integer column referencing ``target``.id: SQLite adds it with its
    REFERENCES clause in place (no table copy), PostgreSQL with a named constraint."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(f"fk_{table}_{column}", table, target, [column], ["id"])


def upgrade() -> None:
    _add_reference("offers", "moderated_by_id", "users")
    _add_reference("structures", "merged_into_id", "structures")
    with op.batch_alter_table("offers", recreate="never") as batch:
        batch.add_column(sa.Column("submitted_at", TS, nullable=True))
        batch.add_column(sa.Column("moderated_at", TS, nullable=True))
        batch.add_column(_text("moderation_reason"))
    with op.batch_alter_table("structures", recreate="never") as batch:
        batch.add_column(sa.Column("suspended_at", TS, nullable=True))
        batch.add_column(_text("suspension_reason"))
    with op.batch_alter_table("operators", recreate="never") as batch:
        batch.add_column(sa.Column("logo_path", sa.String(300), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("contact_name", sa.String(150), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("contact_email", sa.String(254), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("contact_phone", sa.String(20), nullable=False, server_default="")
        )
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.add_column(sa.Column("blocked_at", TS, nullable=True))
        batch.add_column(_text("blocked_reason"))

    # The back office's user page lists what a person did (audit rows by actor).
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor_id"])

    op.create_table(
        "operator_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("operators.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "scopes",
            sa.String(200),
            nullable=False,
            server_default="offers:read,offers:write,applications",
        ),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_used_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
    )
    op.create_index("ix_operator_tokens_operator_id", "operator_tokens", ["operator_id"])
    op.create_index("ix_operator_tokens_token_hash", "operator_tokens", ["token_hash"], unique=True)

    op.create_table(
        "offer_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("offer_id", sa.Integer(), sa.ForeignKey("offers.id"), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False, server_default=""),
        sa.Column("reporter_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("client_key", sa.String(64), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_offer_reports_offer_id", "offer_reports", ["offer_id"])
    op.create_index("ix_offer_reports_status_created", "offer_reports", ["status", "created_at"])

    op.create_table(
        "job_run_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default=""),
        sa.Column("count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("trigger", sa.String(16), nullable=False, server_default=""),
    )
    op.create_index("ix_job_run_log_name_started", "job_run_log", ["name", "started_at"])


def downgrade() -> None:
    op.drop_table("job_run_log")
    op.drop_table("offer_reports")
    op.drop_table("operator_tokens")
    op.drop_index("ix_audit_log_actor_id", table_name="audit_log")
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.drop_column("blocked_reason")
        batch.drop_column("blocked_at")
    with op.batch_alter_table("operators", recreate="never") as batch:
        for name in ("contact_phone", "contact_email", "contact_name", "logo_path"):
            batch.drop_column(name)
    for table, column in (("structures", "merged_into_id"), ("offers", "moderated_by_id")):
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(f"fk_{table}_{column}", table, type_="foreignkey")
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.drop_column(column)
    with op.batch_alter_table("structures", recreate="never") as batch:
        for name in ("suspension_reason", "suspended_at"):
            batch.drop_column(name)
    with op.batch_alter_table("offers", recreate="never") as batch:
        for name in ("moderation_reason", "moderated_at", "submitted_at"):
            batch.drop_column(name)

"""operator API (issue 19): offers applied to on the partner's site (and their clicks),
operators' webhooks, a rate limit per API token

Revision ID: 0012_operator_api
Revises: 0011_back_office
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_operator_api"
down_revision: str | Sequence[str] | None = "0011_back_office"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("offers", recreate="never") as batch:
        batch.add_column(
            sa.Column(
                "apply_on_partner_site", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(
            sa.Column("partner_clicks", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("operators", recreate="never") as batch:
        batch.add_column(
            sa.Column("webhook_url", sa.String(500), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("webhook_secret", sa.String(100), nullable=False, server_default="")
        )
    with op.batch_alter_table("operator_tokens", recreate="never") as batch:
        batch.add_column(
            sa.Column("rate_per_minute", sa.Integer(), nullable=False, server_default="120")
        )


def downgrade() -> None:
    with op.batch_alter_table("operator_tokens", recreate="never") as batch:
        batch.drop_column("rate_per_minute")
    with op.batch_alter_table("operators", recreate="never") as batch:
        batch.drop_column("webhook_secret")
        batch.drop_column("webhook_url")
    with op.batch_alter_table("offers", recreate="never") as batch:
        batch.drop_column("partner_clicks")
        batch.drop_column("apply_on_partner_site")

"""customers on a need-to-know basis: who created a customer, and who may see all

Revision ID: secure001
Revises: acct001
Create Date: 2026-12-02 16:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "secure001"
down_revision: str | Sequence[str] | None = "acct001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("sees_all_customers", sa.Boolean(), nullable=False, server_default="false"),
    )
    op.add_column(
        "customers",
        sa.Column(
            "created_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )


def downgrade() -> None:
    op.drop_column("customers", "created_by_id")
    op.drop_column("users", "sees_all_customers")

"""accounts: a user must choose a new password after an admin set one

Revision ID: acct001
Revises: work001
Create Date: 2026-11-28 16:55:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "acct001"
down_revision: str | Sequence[str] | None = "work001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default="false"),
    )
    op.add_column(
        "users", sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("users", "password_changed_at")
    op.drop_column("users", "must_change_password")

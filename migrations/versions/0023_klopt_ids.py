"""klopt: the old system's ids of imported rows (table, old id -> new id, row hash)

Revision ID: klopt001
Revises: topdesk001
Create Date: 2026-12-02 19:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "klopt001"
down_revision: str | Sequence[str] | None = "topdesk001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "klopt_ids",
        sa.Column("table", sa.String(length=20), nullable=False),
        sa.Column("old_id", sa.String(length=100), nullable=False),
        sa.Column("new_id", sa.BigInteger(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("pending_start", sa.Boolean(), server_default="false", nullable=False),
        sa.PrimaryKeyConstraint("table", "old_id"),
    )
    op.create_index(
        "ix_klopt_ids_pending_start",
        "klopt_ids",
        ["table"],
        postgresql_where=sa.text("pending_start"),
    )


def downgrade() -> None:
    op.drop_index("ix_klopt_ids_pending_start", table_name="klopt_ids")
    op.drop_table("klopt_ids")

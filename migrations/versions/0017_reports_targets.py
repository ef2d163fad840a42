"""reports: answered-within target per phone queue, and the switch for
agent-level figures

Revision ID: reports001
Revises: mailsafe001
Create Date: 2026-12-02 16:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reports001"
down_revision: str | Sequence[str] | None = "mailsafe001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "answered within N seconds" per queue; empty: the wallboard's global setting
    op.add_column("phone_lines", sa.Column("answer_within_seconds", sa.Integer(), nullable=True))
    op.create_table(
        "report_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_figures", sa.Boolean(), nullable=False, server_default="true"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("report_settings")
    op.drop_column("phone_lines", "answer_within_seconds")

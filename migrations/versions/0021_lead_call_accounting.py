"""phone: whether a call joined its queue, and when its caller chose a callback
(Asterisk's queue accounting: offered, abandoned, exit with key)

Revision ID: lead003
Revises: lead002
Create Date: 2026-12-02 19:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "lead003"
down_revision: str | Sequence[str] | None = "lead002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "phone_calls",
        sa.Column("queued", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )
    op.add_column(
        "phone_calls", sa.Column("callback_requested_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("phone_calls", "callback_requested_at")
    op.drop_column("phone_calls", "queued")

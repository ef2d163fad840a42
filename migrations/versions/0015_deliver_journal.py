"""deliver: outbound mail records the moment SMTP DATA began and the server's answer

Revision ID: deliver001
Revises: phone002
Create Date: 2026-12-02 16:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "deliver001"
down_revision: str | Sequence[str] | None = "phone002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("delivery_stage", sa.String(length=10), nullable=True))
    op.add_column(
        "messages", sa.Column("delivery_started_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("messages", sa.Column("smtp_reply", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("messages", "smtp_reply")
    op.drop_column("messages", "delivery_started_at")
    op.drop_column("messages", "delivery_stage")

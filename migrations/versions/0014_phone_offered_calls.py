"""phone: every call offered to a product line, also one that never queued

Revision ID: phone002
Revises: secure001
Create Date: 2026-12-02 16:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "phone002"
down_revision: str | Sequence[str] | None = "secure001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "phone_offers",
        sa.Column("linkedid", sa.String(64), primary_key=True),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("queue", sa.String(80), nullable=False),
        sa.Column("caller_number", sa.String(40), nullable=False),
        sa.Column(
            "offered_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_phone_offers_product_offered", "phone_offers", ["product_id", "offered_at"])


def downgrade() -> None:
    op.drop_index("ix_phone_offers_product_offered", table_name="phone_offers")
    op.drop_table("phone_offers")

"""index for the per-sender acknowledgement rate limit

open_contact counts the acknowledgements sent to one address in the last hour for
every new contact; without this partial index that is a scan of all messages.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 11:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_messages_ack_recipient",
        "messages",
        ["to_addresses", "created_at"],
        postgresql_where=sa.text("is_acknowledgement"),
    )


def downgrade() -> None:
    op.drop_index("ix_messages_ack_recipient", table_name="messages")

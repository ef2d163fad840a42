"""reports: indexes for reading contacts by opening and closing time, the same
customer's next contact on a product, and events of one kind in a period

Revision ID: lead001
Revises: webform001
Create Date: 2026-12-02 19:10:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "lead001"
down_revision: str | Sequence[str] | None = "webform001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_contacts_created_at", "contacts", ["created_at"]),
    ("ix_contacts_closed_at", "contacts", ["closed_at"]),
    (
        "ix_contacts_customer_product_created",
        "contacts",
        ["customer_id", "product_id", "created_at"],
    ),
    ("ix_contact_events_kind_at", "contact_events", ["kind", "at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

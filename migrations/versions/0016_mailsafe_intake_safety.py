"""mail intake safety: mentions instead of hijacked threads, machine mail, junk

- contacts.mentions_contact_id: a mail that named another contact's reference but
  may not join it (a stranger, or an unknown address) is a contact of its own,
  linked to the one it mentions for the agent to check;
- contacts.confirmed_address: where replies go once the agent confirmed an address;
- contacts.reply_undelivered: a bounce said a reply did not arrive;
- customer_emails.failing_since: the address bounced;
- messages.machine_kind ("", auto_reply, bounce) and messages.sender_unverified
  (the receiving server's SPF/DKIM/DMARC check failed: no acknowledgement);
- messages.in_reply_to indexed: a parent that lands after its reply finds it;
- junk_mail: spam per product, counted, released or deleted by a trafficer.

Revision ID: mailsafe001
Revises: deliver001
Create Date: 2026-12-02 16:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "mailsafe001"
down_revision: str | Sequence[str] | None = "deliver001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "contacts",
        sa.Column(
            "mentions_contact_id",
            sa.Integer(),
            sa.ForeignKey("contacts.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.add_column("contacts", sa.Column("confirmed_address", sa.String(320), nullable=True))
    op.add_column(
        "contacts",
        sa.Column("reply_undelivered", sa.Boolean(), nullable=False, server_default="false"),
    )
    op.add_column(
        "customer_emails", sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "messages",
        sa.Column("machine_kind", sa.String(20), nullable=False, server_default=""),
    )
    op.add_column(
        "messages",
        sa.Column("sender_unverified", sa.Boolean(), nullable=False, server_default="false"),
    )
    op.create_index("ix_messages_in_reply_to", "messages", ["in_reply_to"])
    op.create_table(
        "junk_mail",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("mailbox", sa.String(200), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("imap_uid", sa.BigInteger(), nullable=False),
        sa.Column("raw_sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=True),
        sa.Column("from_address", sa.String(320), nullable=False, server_default=""),
        sa.Column("subject", sa.Text(), nullable=False, server_default=""),
        sa.Column("reason", sa.String(200), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False, server_default="junk"),
        sa.Column("released_message_id", sa.Integer(), nullable=True),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("mailbox", "uidvalidity", "imap_uid", name="uq_junk_mailbox_uid"),
    )
    op.create_index("ix_junk_product_status", "junk_mail", ["product_id", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_junk_product_status", table_name="junk_mail")
    op.drop_table("junk_mail")
    op.drop_index("ix_messages_in_reply_to", table_name="messages")
    op.drop_column("messages", "sender_unverified")
    op.drop_column("messages", "machine_kind")
    op.drop_column("customer_emails", "failing_since")
    op.drop_column("contacts", "reply_undelivered")
    op.drop_column("contacts", "confirmed_address")
    op.drop_column("contacts", "mentions_contact_id")

"""phone channel: product lines, calls, agent phone state

Revision ID: phone001
Revises: cust001
Create Date: 2026-11-28 13:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "phone001"
down_revision: str | Sequence[str] | None = "cust001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = True, now: bool = False) -> sa.Column:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=nullable,
        server_default=sa.text("now()") if now else None,
    )


def upgrade() -> None:
    op.create_table(
        "phone_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=80), nullable=False),
        sa.Column("inbound_number", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("product_id"),
        sa.UniqueConstraint("queue"),
    )
    op.create_table(
        "phone_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("linkedid", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=80), nullable=False),
        sa.Column("caller_number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("agent_user_id", sa.Integer(), nullable=True),
        _ts("joined_at", nullable=False, now=True),
        _ts("answered_at"),
        _ts("ended_at"),
        sa.Column("hold_seconds", sa.Integer(), nullable=True),
        sa.Column("talk_seconds", sa.Integer(), nullable=True),
        sa.Column("ring_no_answer", sa.Integer(), nullable=False),
        _ts("wrapped_up_at"),
        sa.Column("linked_contact_id", sa.Integer(), nullable=True),
        sa.Column("callback_attempts", sa.Integer(), nullable=False),
        sa.Column("callback_outcome", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["agent_user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["linked_contact_id"], ["contacts.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("linkedid"),
        sa.UniqueConstraint("contact_id"),
    )
    op.create_index("ix_phone_calls_product_id", "phone_calls", ["product_id"])
    op.create_index("ix_phone_calls_state", "phone_calls", ["state"])
    op.create_index("ix_phone_calls_agent_user_id", "phone_calls", ["agent_user_id"])
    op.create_index("ix_phone_calls_product_joined", "phone_calls", ["product_id", "joined_at"])
    op.create_table(
        "agent_phone_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=80), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("interface", sa.String(length=120), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("pause_reason", sa.String(length=80), nullable=False),
        sa.Column("signed_in", sa.Boolean(), nullable=False),
        _ts("updated_at", nullable=False, now=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "queue"),
    )
    op.create_index("ix_agent_phone_states_user_id", "agent_phone_states", ["user_id"])


def downgrade() -> None:
    op.drop_table("agent_phone_states")
    op.drop_table("phone_calls")
    op.drop_table("phone_lines")

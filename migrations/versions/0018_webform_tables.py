"""webform: the public form per product, its submissions, refusals, rate counters
and the sources of the JSON intake

Revision ID: webform001
Revises: reports001
Create Date: 2026-12-02 16:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "webform001"
down_revision: str | Sequence[str] | None = "reports001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSONB = postgresql.JSONB(astext_type=sa.Text())


def upgrade() -> None:
    op.create_table(
        "webform_configs",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("fields", JSONB, nullable=False),
        sa.Column("reason_ids", JSONB, nullable=False),
        sa.Column("attachment_types", JSONB, nullable=False),
        sa.Column("attachment_max_bytes", sa.Integer(), nullable=False),
        sa.Column("attachment_max_count", sa.Integer(), nullable=False),
        sa.Column("privacy_url", sa.String(length=500), nullable=False),
        sa.Column("privacy_text_nl", sa.Text(), nullable=False),
        sa.Column("privacy_text_en", sa.Text(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_id"),
    )
    op.create_table(
        "webform_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_key", sa.String(length=100), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("held", JSONB, nullable=False),
        sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_key"),
    )
    op.create_index(
        "ix_webform_submissions_status", "webform_submissions", ["status", "created_at"]
    )
    op.create_table(
        "webform_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webform_refusals_at", "webform_refusals", ["at"])
    op.create_table(
        "webform_rate_counts",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("window_start", TS, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start"),
    )
    op.create_table(
        "webform_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("mapping", JSONB, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("token_hash"),
    )


def downgrade() -> None:
    op.drop_table("webform_sources")
    op.drop_table("webform_rate_counts")
    op.drop_index("ix_webform_refusals_at", table_name="webform_refusals")
    op.drop_table("webform_refusals")
    op.drop_index("ix_webform_submissions_status", table_name="webform_submissions")
    op.drop_table("webform_submissions")
    op.drop_table("webform_configs")

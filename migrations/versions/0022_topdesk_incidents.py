"""topdesk: incidents made from contacts, and each product's defaults for them

Revision ID: topdesk001
Revises: lead003
Create Date: 2026-12-02 19:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "topdesk001"
down_revision: str | Sequence[str] | None = "lead003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSONB = postgresql.JSONB(astext_type=sa.Text())
ID = sa.String(length=100)


def upgrade() -> None:
    op.create_table(
        "topdesk_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("external_number", sa.String(length=60), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("brief_description", sa.String(length=80), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("caller_email", sa.String(length=320), nullable=False),
        sa.Column("caller_name", sa.String(length=200), nullable=False),
        sa.Column("category_id", ID, nullable=False),
        sa.Column("subcategory_id", ID, nullable=False),
        sa.Column("operator_group_id", ID, nullable=False),
        sa.Column("topdesk_id", ID, nullable=True),
        sa.Column("number", sa.String(length=50), nullable=True),
        sa.Column("status", ID, nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("seen_entries", JSONB, nullable=False),
        sa.Column("problem", sa.String(length=20), nullable=False),
        sa.Column("problem_detail", sa.String(length=500), nullable=False),
        sa.Column("problem_at", TS, nullable=True),
        sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "seq"),
        sa.UniqueConstraint("external_number"),
    )
    op.create_index("ix_topdesk_incidents_contact_id", "topdesk_incidents", ["contact_id"])
    op.create_index("ix_topdesk_incidents_topdesk_id", "topdesk_incidents", ["topdesk_id"])
    op.create_index("ix_topdesk_incidents_number", "topdesk_incidents", ["number"])
    op.create_table(
        "topdesk_product_defaults",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("category_id", ID, nullable=False),
        sa.Column("subcategory_id", ID, nullable=False),
        sa.Column("operator_group_id", ID, nullable=False),
        sa.Column("updated_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_id"),
    )


def downgrade() -> None:
    op.drop_table("topdesk_product_defaults")
    op.drop_index("ix_topdesk_incidents_number", table_name="topdesk_incidents")
    op.drop_index("ix_topdesk_incidents_topdesk_id", table_name="topdesk_incidents")
    op.drop_index("ix_topdesk_incidents_contact_id", table_name="topdesk_incidents")
    op.drop_table("topdesk_incidents")

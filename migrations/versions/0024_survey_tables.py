"""survey: the satisfaction survey's settings per product, its invitations, and what
an answer is about (product, channel, reason, agent, invitation)

Revision ID: survey001
Revises: klopt001
Create Date: 2026-12-02 19:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "survey001"
down_revision: str | Sequence[str] | None = "klopt001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSONB = postgresql.JSONB(astext_type=sa.Text())


def upgrade() -> None:
    op.create_table(
        "survey_settings",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("delay_hours", sa.Integer(), nullable=False),
        sa.Column("sample_percent", sa.Integer(), nullable=False),
        sa.Column("per_customer_days", sa.Integer(), nullable=False),
        sa.Column("channels", JSONB, nullable=False),
        sa.Column("reason_ids", JSONB, nullable=False),
        sa.Column("skip_open_complaints", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_id"),
    )
    op.create_table(
        "survey_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("closing_seq", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "closing_seq", name="uq_survey_closing"),
    )
    for column in ("contact_id", "customer_id", "product_id"):
        op.create_index(f"ix_survey_invitations_{column}", "survey_invitations", [column])
    op.add_column("satisfaction_scores", sa.Column("product_id", sa.Integer(), nullable=True))
    op.add_column(
        "satisfaction_scores",
        sa.Column("channel", sa.String(length=20), server_default="", nullable=False),
    )
    op.add_column("satisfaction_scores", sa.Column("reason_id", sa.Integer(), nullable=True))
    op.add_column("satisfaction_scores", sa.Column("agent_id", sa.Integer(), nullable=True))
    op.add_column("satisfaction_scores", sa.Column("invitation_id", sa.Integer(), nullable=True))
    op.add_column(
        "satisfaction_scores",
        sa.Column("via", sa.String(length=10), server_default="", nullable=False),
    )
    op.create_foreign_key(None, "satisfaction_scores", "products", ["product_id"], ["id"])
    op.create_foreign_key(
        None, "satisfaction_scores", "contact_reasons", ["reason_id"], ["id"], ondelete="SET NULL"
    )
    op.create_foreign_key(
        None, "satisfaction_scores", "users", ["agent_id"], ["id"], ondelete="SET NULL"
    )
    op.create_foreign_key(
        None,
        "satisfaction_scores",
        "survey_invitations",
        ["invitation_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_unique_constraint(
        "satisfaction_scores_invitation_id_key", "satisfaction_scores", ["invitation_id"]
    )


def downgrade() -> None:
    op.drop_constraint("satisfaction_scores_invitation_id_key", "satisfaction_scores")
    for column in ("via", "invitation_id", "agent_id", "reason_id", "channel", "product_id"):
        op.drop_column("satisfaction_scores", column)
    op.drop_table("survey_invitations")
    op.drop_table("survey_settings")

"""work area: lines, line accreditations, SLA calendar and policies, templates

Revision ID: work001
Revises: rec004
Create Date: 2026-11-28 13:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "work001"
down_revision: str | Sequence[str] | None = "rec004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{table}.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.add_column("contacts", sa.Column("line", sa.Integer(), nullable=False, server_default="1"))
    op.add_column(
        "contacts",
        sa.Column("is_complaint", sa.Boolean(), nullable=False, server_default="false"),
    )
    op.add_column(
        "contacts", sa.Column("complaint_due_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("tasks", sa.Column("line", sa.Integer(), nullable=False, server_default="1"))
    op.add_column(
        "tasks", sa.Column("queue", sa.String(length=30), nullable=False, server_default="")
    )
    op.add_column(
        "tasks", sa.Column("sla_state", sa.String(length=20), nullable=False, server_default="")
    )
    op.create_index("ix_tasks_line", "tasks", ["product_id", "line", "status", "due_at", "id"])

    op.create_table(
        "line_accreditations",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        _fk("user_id", "users"),
        _fk("product_id", "products"),
        sa.PrimaryKeyConstraint("user_id", "product_id", "line"),
    )
    op.create_table(
        "office_calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("open_minute", sa.Integer(), nullable=False),
        sa.Column("close_minute", sa.Integer(), nullable=False),
        sa.Column("workdays", sa.String(length=20), nullable=False),
        sa.Column("public_holidays", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "closing_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        _fk("product_id", "products"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("product_id", "channel", "line"),
    )
    op.create_index("ix_sla_policies_product_id", "sla_policies", ["product_id"])
    op.create_table(
        "product_work_settings",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("warn_share", sa.Float(), nullable=False),
        sa.Column("raise_priority_on_breach", sa.Integer(), nullable=False),
        sa.Column("direct_reply_lines", sa.String(length=10), nullable=False),
        sa.Column("waiting_reminder_days", sa.Integer(), nullable=False),
        sa.Column("waiting_close_days", sa.Integer(), nullable=False),
        _fk("product_id", "products"),
        sa.PrimaryKeyConstraint("product_id"),
    )
    op.create_table(
        "reply_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _fk("product_id", "products"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("product_id", "language", "code"),
    )
    op.create_index("ix_reply_templates_product_id", "reply_templates", ["product_id"])
    op.create_table(
        "user_signatures",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False, server_default=""),
        _fk("user_id", "users"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "contact_viewers",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "seen_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")
        ),
        _fk("contact_id", "contacts"),
        _fk("user_id", "users"),
        sa.PrimaryKeyConstraint("contact_id", "user_id"),
    )
    op.create_table(
        "queue_auto_assign",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        _fk("product_id", "products"),
        sa.PrimaryKeyConstraint("product_id", "line"),
    )


def downgrade() -> None:
    for table in (
        "queue_auto_assign",
        "contact_viewers",
        "user_signatures",
        "reply_templates",
        "product_work_settings",
        "sla_policies",
        "closing_days",
        "office_calendars",
        "line_accreditations",
    ):
        op.drop_table(table)
    op.drop_index("ix_tasks_line", table_name="tasks")
    for column in ("sla_state", "queue", "line"):
        op.drop_column("tasks", column)
    for column in ("complaint_due_at", "is_complaint", "line"):
        op.drop_column("contacts", column)

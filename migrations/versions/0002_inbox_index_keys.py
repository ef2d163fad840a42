"""inbox indexes carry the full sort key (due_at, id)

The inbox reads, per (product, status) -- or per (assignee, status, product) for
"only my work" -- the first rows by (due_at, id). With the sort key complete in the
index these are plain index(-only) range scans cut at the page end: no sort of the
rows of a product, and "my work, done" no longer reads all of a person's history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 11:30:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_tasks_inbox", table_name="tasks")
    op.create_index("ix_tasks_inbox", "tasks", ["product_id", "status", "due_at", "id"])
    op.drop_index("ix_tasks_assignee", table_name="tasks")
    op.create_index(
        "ix_tasks_assignee", "tasks", ["assignee_id", "status", "product_id", "due_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_assignee", table_name="tasks")
    op.create_index("ix_tasks_assignee", "tasks", ["assignee_id", "status"])
    op.drop_index("ix_tasks_inbox", table_name="tasks")
    op.create_index("ix_tasks_inbox", "tasks", ["product_id", "status", "due_at"])

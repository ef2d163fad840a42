"""records: users.oidc_subject for OIDC single sign-on

Revision ID: rec004
Revises: rec003
Create Date: 2026-11-28 14:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "rec004"
down_revision: str | Sequence[str] | None = "rec003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.create_unique_constraint("users_oidc_subject_key", "users", ["oidc_subject"])


def downgrade() -> None:
    op.drop_constraint("users_oidc_subject_key", "users")
    op.drop_column("users", "oidc_subject")

"""product admin: an English product name; per phone line its IVR prompts and
whether the caller is offered a callback

Revision ID: lines001
Revises: survey001
Create Date: 2026-12-02 20:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "lines001"
down_revision: str | Sequence[str] | None = "survey001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # empty: the Dutch name is shown in English too
    op.add_column(
        "products", sa.Column("name_en", sa.String(200), nullable=False, server_default="")
    )
    # empty prompt names: the dialplan's defaults pulse/<product>/welcome and .../closed
    op.add_column(
        "phone_lines",
        sa.Column("welcome_prompt", sa.String(120), nullable=False, server_default=""),
    )
    op.add_column(
        "phone_lines",
        sa.Column("closed_prompt", sa.String(120), nullable=False, server_default=""),
    )
    op.add_column(
        "phone_lines",
        sa.Column("callback_enabled", sa.Boolean(), nullable=False, server_default="true"),
    )


def downgrade() -> None:
    op.drop_column("phone_lines", "callback_enabled")
    op.drop_column("phone_lines", "closed_prompt")
    op.drop_column("phone_lines", "welcome_prompt")
    op.drop_column("products", "name_en")

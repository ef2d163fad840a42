"""Tables of the reports area: the admin switch for agent-level figures. (The
per-queue "answered within N seconds" is a column of ``phone_lines``.)"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Field, SQLModel


class ReportSettings(SQLModel, table=True):
    """One row (id 1); absent means the defaults."""

    __tablename__ = "report_settings"

    id: int | None = Field(default=None, primary_key=True)
    agent_figures: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})

"""Tables of the reports area: the admin switch for agent-level figures, and the
reports mailed. (The per-queue "answered within N seconds" is a column of
``phone_lines``.)"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint, text
from sqlmodel import Field, SQLModel

from db.models.contacts import ts


class ReportSettings(SQLModel, table=True):
    """One row (id 1); absent means the defaults."""

    __tablename__ = "report_settings"

    id: int | None = Field(default=None, primary_key=True)
    agent_figures: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})


class ReportMailing(SQLModel, table=True):
    """A report mailed to one person for one period: written before the mail goes out
    and stamped when the server took it, so a retry never mails anyone twice (a row
    without ``sent_at`` is a mail whose fate is unknown: left alone, not resent)."""

    __tablename__ = "report_mailings"
    __table_args__ = (UniqueConstraint("kind", "period_first", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # "weekly"
    period_first: date
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    started_at: datetime = ts(nullable=False, server_default=text("now()"))
    sent_at: datetime | None = ts()

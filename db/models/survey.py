"""Tables of the satisfaction survey: the survey settings per product and each
invitation sent after a closing (the answers are ``satisfaction_scores``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.models.contacts import ts


class SurveySettings(SQLModel, table=True):
    """Whether and when a product's closed contacts get a survey mail."""

    __tablename__ = "survey_settings"
    product_id: int = Field(foreign_key="products.id", primary_key=True, ondelete="CASCADE")
    enabled: bool = False
    delay_hours: int = 24  # after closing
    sample_percent: int = 100  # share of eligible contacts that get one
    per_customer_days: int = 30  # at most one survey per customer in this many days
    # Channels and contact (close) reasons it applies to; empty: all of them.
    channels: list = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    reason_ids: list = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    skip_open_complaints: bool = True  # not while a complaint's legal term runs
    updated_at: datetime = ts(nullable=False, server_default=text("now()"))


class SurveyInvitation(SQLModel, table=True):
    """One survey about one closing of a contact: by mail (a signed link) or by
    keypad after a call. Answered at most once."""

    __tablename__ = "survey_invitations"
    __table_args__ = (UniqueConstraint("contact_id", "closing_seq", name="uq_survey_closing"),)
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    closing_seq: int = 1
    customer_id: int | None = Field(
        default=None, foreign_key="customers.id", index=True, ondelete="SET NULL"
    )
    product_id: int = Field(foreign_key="products.id", index=True)
    channel: str = Field(sa_column=Column(String(20), nullable=False))
    via: str = Field(default="mail", max_length=10)  # mail / keypad
    message_id: int | None = Field(default=None, foreign_key="messages.id", ondelete="SET NULL")
    language: str = Field(default="nl", max_length=5)
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    expires_at: datetime | None = ts()
    answered_at: datetime | None = ts()

"""TOPdesk incidents made from contacts, and each product's defaults for them.

A ``TopdeskIncident`` row is written by the agent's form (what to ask) and kept up
to date by the incident workflow's activities (TOPdesk's number, status, answer,
and what went wrong): the contact page reads it, the workflow passes only its id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.models.contacts import ts


class TopdeskIncident(SQLModel, table=True):
    __tablename__ = "topdesk_incidents"
    __table_args__ = (UniqueConstraint("contact_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    seq: int = 1  # the contact's first, second, ... incident
    external_number: str = Field(max_length=60, unique=True)  # the contact's reference
    created_by: int | None = Field(default=None, foreign_key="users.id")
    brief_description: str = Field(max_length=80)
    request: str = Field(default="", sa_column=Column(Text, nullable=False))
    caller_email: str = Field(default="", max_length=320)
    caller_name: str = Field(default="", max_length=200)
    category_id: str = Field(default="", max_length=100)
    subcategory_id: str = Field(default="", max_length=100)
    operator_group_id: str = Field(default="", max_length=100)
    # TOPdesk's side, filled in by the activities
    topdesk_id: str | None = Field(default=None, max_length=100, index=True)
    number: str | None = Field(default=None, max_length=50, index=True)
    status: str = Field(default="", max_length=100)  # TOPdesk's processing status
    done: bool = False  # completed or closed in TOPdesk
    answer: str = Field(default="", sa_column=Column(Text, nullable=False))
    seen_entries: list = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    # "unavailable", "unauthorized" or "rejected" while it lasts; "" when all is well
    problem: str = Field(default="", max_length=20)
    problem_detail: str = Field(default="", max_length=500)
    problem_at: datetime | None = ts()
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    updated_at: datetime = ts(nullable=False, server_default=text("now()"))


class TopdeskProductDefaults(SQLModel, table=True):
    """What a product's incidents are filed under unless the agent picks otherwise."""

    __tablename__ = "topdesk_product_defaults"
    product_id: int = Field(foreign_key="products.id", primary_key=True, ondelete="CASCADE")
    category_id: str = Field(default="", max_length=100)
    subcategory_id: str = Field(default="", max_length=100)
    operator_group_id: str = Field(default="", max_length=100)
    updated_at: datetime = ts(nullable=False, server_default=text("now()"))

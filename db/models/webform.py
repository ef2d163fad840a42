"""Tables of the public web form: the form per product as admins set it, the
submissions (the idempotency key of a double submit, and those held for review),
refusals (counted, never silently dropped), the rate counters, and the sources of
the JSON intake (form builders such as Open Formulieren).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.models.contacts import ts


class WebformConfig(SQLModel, table=True):
    """A product's public form. ``fields`` says per optional field whether the form
    shows it: "off", "optional" or "required" (phone, role, identifier, attachments)."""

    __tablename__ = "webform_configs"
    product_id: int = Field(foreign_key="products.id", primary_key=True, ondelete="CASCADE")
    enabled: bool = True
    fields: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    # the question types offered: contact reason ids of the product (empty: every active one)
    reason_ids: list = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    attachment_types: list = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    attachment_max_bytes: int = 5 * 1024 * 1024
    attachment_max_count: int = 3
    privacy_url: str = Field(default="", max_length=500)
    privacy_text_nl: str = Field(default="", sa_column=Column(Text, nullable=False))
    privacy_text_en: str = Field(default="", sa_column=Column(Text, nullable=False))
    updated_at: datetime = ts(nullable=False, server_default=text("now()"))


class WebformSubmission(SQLModel, table=True):
    """One submission, by the key its form (or source) gave it: a second post of the
    same key finds this row and its contact instead of opening another."""

    __tablename__ = "webform_submissions"
    __table_args__ = (Index("ix_webform_submissions_status", "status", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    submission_key: str = Field(max_length=100, unique=True)
    product_id: int = Field(foreign_key="products.id", ondelete="CASCADE")
    source: str = Field(default="form", max_length=100)
    # opened: its contact exists; held: waits for a trafficer (no proof of work);
    # rejected: a trafficer refused it (its content is gone)
    status: str = Field(sa_column=Column(String(20), nullable=False))
    contact_id: int | None = Field(default=None, foreign_key="contacts.id", ondelete="CASCADE")
    message_id: int | None = Field(default=None, foreign_key="messages.id", ondelete="CASCADE")
    language: str = Field(default="nl", max_length=5)
    ip_hash: str = Field(default="", max_length=64)
    # what a held submission needs to be opened later; emptied once decided
    held: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    decided_at: datetime | None = ts()
    decided_by: int | None = Field(default=None, foreign_key="users.id")


class WebformRefusal(SQLModel, table=True):
    """A refused submission: why, for which product and source, from which (hashed) IP."""

    __tablename__ = "webform_refusals"
    __table_args__ = (Index("ix_webform_refusals_at", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = ts(nullable=False, server_default=text("now()"))
    product_id: int | None = Field(default=None, foreign_key="products.id", ondelete="SET NULL")
    source: str = Field(default="form", max_length=100)
    reason: str = Field(max_length=40)
    ip_hash: str = Field(default="", max_length=64)


class WebformRateCount(SQLModel, table=True):
    """Submissions per key ("ip:<hash>", "email:<hash>") in one fixed window."""

    __tablename__ = "webform_rate_counts"
    key: str = Field(primary_key=True, max_length=100)
    window_start: datetime = Field(sa_column=Column(DateTime(timezone=True), primary_key=True))
    count: int = 0


class WebformSource(SQLModel, table=True):
    """A form builder that posts submissions to the JSON intake, with its own token
    (stored as a hash) and the mapping of its values to a product's fields."""

    __tablename__ = "webform_sources"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    product_id: int = Field(foreign_key="products.id", ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    mapping: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    active: bool = True
    created_at: datetime = ts(nullable=False, server_default=text("now()"))

"""Tables of customer signal management: a signal (a spike, drop or new topic the
daily scan found, or one an agent raised), its notes and the contacts behind it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.models.contacts import ts


class Signal(SQLModel, table=True):
    """One signal; ``scan_key`` makes the daily scan idempotent (kind, day, product,
    reason or topic terms): a second run of the same day finds its row and adds
    nothing. Agents' signals have no key."""

    __tablename__ = "signals"
    __table_args__ = (
        UniqueConstraint("scan_key"),
        Index("ix_signals_status_product", "status", "product_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    status: str = Field(
        default="new", sa_column=Column(String(20), nullable=False, server_default="new")
    )
    product_id: int = Field(foreign_key="products.id", ondelete="CASCADE")
    reason_id: int | None = Field(
        default=None, foreign_key="contact_reasons.id", ondelete="SET NULL"
    )
    day: date
    title: str = Field(default="", max_length=300)
    figures: dict = Field(
        default_factory=dict,
        sa_column=Column(JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    )
    scan_key: str | None = Field(default=None, max_length=200)
    owner_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    raised_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # the 2nd-line contact a forward opened
    forwarded_contact_id: int | None = Field(
        default=None, foreign_key="contacts.id", ondelete="SET NULL"
    )
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    updated_at: datetime = ts(nullable=False, server_default=text("now()"))
    closed_at: datetime | None = ts()


class SignalNote(SQLModel, table=True):
    __tablename__ = "signal_notes"
    id: int | None = Field(default=None, primary_key=True)
    signal_id: int = Field(foreign_key="signals.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = ts(nullable=False, server_default=text("now()"))


class SignalContact(SQLModel, table=True):
    """A contact behind a signal (an example of a topic, the one an agent raised it from)."""

    __tablename__ = "signal_contacts"
    signal_id: int = Field(foreign_key="signals.id", primary_key=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="contacts.id", primary_key=True, ondelete="CASCADE")

"""Tables of the records area (see db/models.py): DMS records, retention classes
(selectielijst), destruction lists and certificates of destruction.

The audit hash chain lives on the core ``audit_events`` table (services/audit.py).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.models.contacts import ts


class Disposal(StrEnum):
    keep = "keep"  # blijvend bewaren
    destroy = "destroy"  # vernietigen


class RecordStatus(StrEnum):
    pending = "pending"  # closed, not yet in the DMS ("archiving pending")
    archived = "archived"
    destroyed = "destroyed"


class ItemDecision(StrEnum):
    pending = "pending"
    approved = "approved"
    withheld = "withheld"


class RetentionClassBase(SQLModel):
    product_id: int = Field(foreign_key="products.id", ondelete="CASCADE")
    channel: str = Field(max_length=20, description="contact type: email, phone, ...")
    disposal: Disposal = Field(sa_column=Column(String(10), nullable=False))
    years: int = Field(default=0, ge=0, le=200, description="term after closing (destroy)")
    basis: str = Field(default="", max_length=300, description="selectielijst category")


class RetentionClass(RetentionClassBase, table=True):
    __tablename__ = "retention_classes"
    __table_args__ = (UniqueConstraint("product_id", "channel"),)
    id: int | None = Field(default=None, primary_key=True)


class RetentionClassCreate(RetentionClassBase):
    pass


class RetentionClassPublic(RetentionClassBase):
    id: int


class ContactRecord(SQLModel, table=True):
    """A closed contact as a record: where it is in the DMS and when it may go.

    Outlives the contact row: after destruction only this (reference, dates, DMS
    ids, no personal data) and the certificate remain."""

    __tablename__ = "contact_records"
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int | None = Field(
        default=None, foreign_key="contacts.id", unique=True, ondelete="SET NULL"
    )
    reference: str = Field(max_length=32, unique=True)
    product_id: int = Field(foreign_key="products.id", index=True)
    channel: str = Field(max_length=20)
    status: RecordStatus = Field(sa_column=Column(String(20), nullable=False, index=True))
    backend: str = Field(default="", max_length=20)
    documents: list = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    closed_at: datetime | None = ts()
    archived_at: datetime | None = ts()
    destroyed_at: datetime | None = ts()
    disposal: Disposal | None = Field(default=None, sa_column=Column(String(10)))
    disposal_date: date | None = Field(default=None, sa_column=Column(Date, index=True))
    legal_hold: bool = False
    legal_hold_reason: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text))


class DestructionList(SQLModel, table=True):
    __tablename__ = "destruction_lists"
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: str = Field(max_length=100, unique=True)
    status: str = Field(default="open", max_length=20)  # open / executed
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    executed_at: datetime | None = ts()


class DestructionItem(SQLModel, table=True):
    __tablename__ = "destruction_items"
    __table_args__ = (UniqueConstraint("list_id", "record_id"),)
    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="destruction_lists.id", index=True, ondelete="CASCADE")
    record_id: int = Field(foreign_key="contact_records.id")
    decision: ItemDecision = Field(sa_column=Column(String(20), nullable=False))
    decided_by: int | None = Field(default=None, foreign_key="users.id")
    decided_at: datetime | None = ts()
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class DestructionCertificate(SQLModel, table=True):
    """Verklaring van vernietiging: what was destroyed, when, by whose approval.
    ``body`` is the certificate itself; ``sha256`` its digest (also in the audit log)."""

    __tablename__ = "destruction_certificates"
    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="destruction_lists.id", unique=True)
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    body: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    sha256: str = Field(max_length=64)


class PrivacyRequest(SQLModel, table=True):
    """An AVG request about a customer and what was done with it.

    ``kind``: access (art. 15), rectification (art. 16), erasure (art. 17).
    ``outcome``: done / refused / partial (erased in part, the rest refused: per item in
    ``detail["items"]``) / open (a rectification awaiting its answer letter); a refusal
    names its legal ground in ``legal_reason``."""

    __tablename__ = "privacy_requests"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, index=True)  # no FK: outlives an erasure
    kind: str = Field(max_length=20)
    outcome: str = Field(max_length=20)
    legal_reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    handled_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    detail: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))

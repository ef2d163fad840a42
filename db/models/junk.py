"""Spam held apart from the queues: one row per junk mail of a product mailbox.

A trafficer releases a row (it then goes through intake as ordinary mail) or
deletes it (the raw bytes are dropped); rows stay, so the junk view can count.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from db.models.contacts import ts


class JunkStatus:
    junk = "junk"
    released = "released"
    deleted = "deleted"


class JunkMail(SQLModel, table=True):
    __tablename__ = "junk_mail"
    __table_args__ = (
        UniqueConstraint("mailbox", "uidvalidity", "imap_uid", name="uq_junk_mailbox_uid"),
        Index("ix_junk_product_status", "product_id", "status", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id")
    mailbox: str = Field(max_length=200)
    uidvalidity: int = Field(sa_column=Column(BigInteger, nullable=False))
    imap_uid: int = Field(sa_column=Column(BigInteger, nullable=False))
    raw_sha256: str | None = Field(default=None, foreign_key="blobs.sha256")
    from_address: str = Field(default="", max_length=320)
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    reason: str = Field(default="", max_length=200)
    status: str = Field(default=JunkStatus.junk, max_length=20)
    released_message_id: int | None = None
    received_at: datetime = ts(nullable=False, server_default=text("now()"))
    decided_at: datetime | None = ts()
    decided_by: int | None = Field(default=None, foreign_key="users.id")

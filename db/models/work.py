"""Tables of the work area (see db/models.py): lines and line accreditations,
the SLA calendar and policies, per-product work settings, reply templates and
personal signatures, and who is looking at a contact.

Admins configure these; activities read them (the workflow gets them as a
``WorkPlan`` at the start of a contact); the API reads them for lists.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from db.models.contacts import ts


class LineAccreditation(SQLModel, table=True):
    """User x product x line: a 2nd or 3rd line a user works for a product.

    Every user accredited for a product works its 1st line; these rows add the
    backoffice (2) and specialist (3) task lists."""

    __tablename__ = "line_accreditations"
    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    product_id: int = Field(foreign_key="products.id", primary_key=True, ondelete="CASCADE")
    line: int = Field(primary_key=True)


class OfficeCalendar(SQLModel, table=True):
    """Office hours of the contact centre (one row, id 1). Dutch public holidays
    come from the ``holidays`` library; extra closing days from ``closing_days``."""

    __tablename__ = "office_calendars"
    id: int | None = Field(default=None, primary_key=True)
    tz: str = Field(default="Europe/Amsterdam", max_length=64)
    open_minute: int = 8 * 60 + 30
    close_minute: int = 17 * 60
    workdays: str = Field(default="0,1,2,3,4", max_length=20)  # Monday = 0
    public_holidays: bool = True  # closed on Dutch public holidays (a 24/7 desk: False)


class ClosingDay(SQLModel, table=True):
    """A day the office is closed besides the public holidays (e.g. a bridge day)."""

    __tablename__ = "closing_days"
    day: date = Field(sa_column=Column(Date, primary_key=True))
    label: str = Field(default="", max_length=200)


class SlaPolicy(SQLModel, table=True):
    """Targets per product x channel x line, in working minutes (0: none).
    An empty channel is the product's default for every channel."""

    __tablename__ = "sla_policies"
    __table_args__ = (UniqueConstraint("product_id", "channel", "line"),)
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    channel: str = Field(default="", max_length=20)
    line: int = 1
    first_response_minutes: int = 0
    resolution_minutes: int = 0


class ProductWorkSettings(SQLModel, table=True):
    """How a product's contacts are worked: warnings, waiting terms, who may reply."""

    __tablename__ = "product_work_settings"
    product_id: int = Field(foreign_key="products.id", primary_key=True, ondelete="CASCADE")
    warn_share: float = 0.8
    raise_priority_on_breach: int = 1
    direct_reply_lines: str = Field(default="1", max_length=10)  # "1,2": backoffice may reply
    waiting_reminder_days: int = 5
    waiting_close_days: int = 10


class ReplyTemplate(SQLModel, table=True):
    """A reply text per product and language, with {variables} filled in the editor."""

    __tablename__ = "reply_templates"
    __table_args__ = (UniqueConstraint("product_id", "language", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    language: str = Field(default="nl", max_length=5)
    code: str = Field(max_length=50)
    title: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    active: bool = True


class UserSignature(SQLModel, table=True):
    """An agent's personal signature line, put above the product's signature."""

    __tablename__ = "user_signatures"
    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class ContactViewer(SQLModel, table=True):
    """Who has a contact open right now (heartbeat from the contact page)."""

    __tablename__ = "contact_viewers"
    contact_id: int = Field(foreign_key="contacts.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    seen_at: datetime = ts(nullable=False, server_default=text("now()"))


class QueueAutoAssign(SQLModel, table=True):
    """Automatic assignment of a product line's new work (off when absent)."""

    __tablename__ = "queue_auto_assign"
    product_id: int = Field(foreign_key="products.id", primary_key=True, ondelete="CASCADE")
    line: int = Field(default=1, primary_key=True)
    mode: str = Field(default="least_loaded", sa_column=Column(String(20), nullable=False))

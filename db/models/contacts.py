"""PULSE's data model (SQLModel). Schema changes go through Alembic (migrations/).

Families follow the SQLModel docs: ``XBase`` holds shared fields, ``X`` (table=True)
is the row, ``XCreate`` / ``XUpdate`` / ``XPublic`` are what the API accepts and
returns. Rows that only activities write (blobs, audit) have just the table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from contracts.contact import ContactStatus, TaskStatus  # tables store them
from contracts.roles import Role  # noqa: F401  (re-exported: tables store it)


def utcnow() -> datetime:
    return datetime.now(UTC)


def ts(**kw: Any) -> Any:
    """A timezone-aware timestamp column."""
    nullable = kw.pop("nullable", True)
    return Field(sa_column=Column(DateTime(timezone=True), nullable=nullable, **kw))


class Channel(StrEnum):
    email = "email"
    phone = "phone"
    webform = "webform"
    counter = "counter"
    letter = "letter"


class Direction(StrEnum):
    inbound = "in"
    outbound = "out"


class SendStatus(StrEnum):
    received = "received"  # inbound
    draft = "draft"
    sending = "sending"  # handed to the workflow, Temporal retries until SMTP takes it
    sent = "sent"
    failed = "failed"  # permanently refused by SMTP
    # The connection broke after DATA began and before SMTP answered: the message may
    # have arrived. Never re-sent automatically (activities/delivery.py); a person decides.
    uncertain = "uncertain"


# --- products, users, access -------------------------------------------------------


class ProductBase(SQLModel):
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    # the English name; empty: the Dutch one is shown in English too
    name_en: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    mailbox: str = Field(max_length=200, description="IMAP folder holding this product's mail")
    reply_from: str = Field(max_length=320, description="From address of replies and acks")
    register_url_template: str | None = Field(default=None, max_length=500)
    signature: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    language: str = Field(default="nl", max_length=5)
    active: bool = True


class Product(ProductBase, table=True):
    __tablename__ = "products"
    id: int | None = Field(default=None, primary_key=True)


class ProductPublic(ProductBase):
    id: int


class ProductCreate(ProductBase):
    pass


class UserBase(SQLModel):
    username: str = Field(max_length=100, unique=True, index=True)
    full_name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    role: Role = Field(sa_column=Column(String(20), nullable=False))
    language: str = Field(default="nl", max_length=5)
    is_active: bool = True


class User(UserBase, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=200)
    totp_secret: str | None = Field(default=None, max_length=64)
    is_demo: bool = False
    # the OIDC provider's "sub" of a single-sign-on account
    oidc_subject: str | None = Field(default=None, max_length=255, unique=True)
    failed_logins: int = 0
    locked_until: datetime | None = ts()
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    # accounts (api/routes/auth/account.py): set when an admin chose the password; the
    # user must pick their own before doing anything else
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    # Sees every customer, not only those with a contact in their products (services.access)
    sees_all_customers: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    password_changed_at: datetime | None = ts()


class UserPublic(UserBase):
    id: int


class UserCreate(UserBase):
    password: str = Field(min_length=12)


class Accreditation(SQLModel, table=True):
    """User x product: the products whose contacts a user may see and work."""

    __tablename__ = "accreditations"
    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    product_id: int = Field(foreign_key="products.id", primary_key=True, ondelete="CASCADE")


class WebSession(SQLModel, table=True):
    """Server-side login session; the cookie carries only a random token."""

    __tablename__ = "web_sessions"
    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    csrf_token: str = Field(max_length=64)
    mfa_passed: bool = False
    created_at: datetime = ts(nullable=False)
    last_seen_at: datetime = ts(nullable=False)
    origin: str | None = Field(default=None, max_length=100)


# --- customers ----------------------------------------------------------------------


class Customer(SQLModel, table=True):
    __tablename__ = "customers"
    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(default="", max_length=300)
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    # Person or organisation (services/customers/service.py); a customer merged
    # into another points at it (kept for undo, hidden from search).
    kind: str = Field(
        default="person", sa_column=Column(String(20), nullable=False, server_default="person")
    )
    merged_into_id: int | None = Field(default=None, foreign_key="customers.id")
    updated_at: datetime | None = ts()
    # Who registered the customer: they see it before any of their contacts is linked.
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class CustomerEmail(SQLModel, table=True):
    __tablename__ = "customer_emails"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True, ondelete="CASCADE")
    # Stored lower-cased; one address belongs to one customer.
    address: str = Field(max_length=320, unique=True)
    failing_since: datetime | None = ts()  # mail to it bounced


class CustomerPhone(SQLModel, table=True):
    """A customer's phone number in E.164 (services.customers.phones.normalize_phone), for matching
    a caller. Not unique: a shared practice or family number may match several."""

    __tablename__ = "customer_phones"
    __table_args__ = (UniqueConstraint("customer_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True, ondelete="CASCADE")
    number: str = Field(max_length=32, index=True)
    label: str = Field(default="", max_length=50)


# --- contacts and their content -----------------------------------------------------


class ContactReason(SQLModel, table=True):
    __tablename__ = "contact_reasons"
    __table_args__ = (UniqueConstraint("product_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", ondelete="CASCADE")
    code: str = Field(max_length=50)
    label_nl: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    active: bool = True
    # a reason may sit under another of the same product (one level
    # or more), e.g. "Herregistratie" > "Status aanvraag".
    parent_id: int | None = Field(default=None, foreign_key="contact_reasons.id")


class ContactBase(SQLModel):
    reference: str = Field(max_length=32, unique=True)
    channel: Channel = Field(sa_column=Column(String(20), nullable=False))
    status: ContactStatus = Field(sa_column=Column(String(20), nullable=False, index=True))
    subject: str = Field(default="", max_length=998)
    language: str = Field(default="nl", max_length=5)
    unreadable: bool = False  # intake could not parse the message: raw bytes kept


class Contact(ContactBase, table=True):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_product_status", "product_id", "status"),
        # the reports read contacts by when they opened and closed; first-contact
        # resolution looks for the same customer's next contact on the same product
        Index("ix_contacts_created_at", "created_at"),
        Index("ix_contacts_closed_at", "closed_at"),
        Index("ix_contacts_customer_product_created", "customer_id", "product_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customers.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    close_reason_id: int | None = Field(default=None, foreign_key="contact_reasons.id")
    due_at: datetime | None = ts()
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    updated_at: datetime = ts(nullable=False, server_default=text("now()"))
    closed_at: datetime | None = ts()
    last_message_at: datetime | None = ts()
    # the line holding the contact, and the complaint term
    line: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    is_complaint: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    complaint_due_at: datetime | None = ts()
    # A mail that named this contact's reference but may not join it: see
    # channels/email/threading.py. The agent checks it and may join it.
    mentions_contact_id: int | None = Field(
        default=None, foreign_key="contacts.id", ondelete="SET NULL"
    )
    confirmed_address: str | None = Field(default=None, max_length=320)  # replies go here
    reply_undelivered: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})


class ContactPublic(ContactBase):
    id: int
    product_id: int
    customer_id: int | None
    assignee_id: int | None
    due_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    line: int = 1
    is_complaint: bool = False
    complaint_due_at: datetime | None = None


class Blob(SQLModel, table=True):
    """Content stored once by SHA-256: raw messages and attachments."""

    __tablename__ = "blobs"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = ts(nullable=False, server_default=text("now()"))


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        # Dedupe of intake: the same mailbox UID, or the same Message-ID in a mailbox,
        # is one message however often it is fetched.
        UniqueConstraint("mailbox", "uidvalidity", "imap_uid", name="uq_messages_mailbox_uid"),
        Index(
            "uq_messages_inbound_key",
            "mailbox",
            "dedupe_key",
            unique=True,
            postgresql_where=text("direction = 'in'"),
        ),
        Index("ix_messages_contact_created", "contact_id", "created_at"),
        Index("ix_messages_in_reply_to", "in_reply_to"),
        Index(
            "ix_messages_ack_recipient",
            "to_addresses",
            "created_at",
            postgresql_where=text("is_acknowledgement"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", ondelete="CASCADE")
    direction: Direction = Field(sa_column=Column(String(3), nullable=False))
    send_status: SendStatus = Field(sa_column=Column(String(20), nullable=False))
    mailbox: str | None = Field(default=None, max_length=200)
    uidvalidity: int | None = Field(default=None, sa_column=Column(BigInteger))
    imap_uid: int | None = Field(default=None, sa_column=Column(BigInteger))
    dedupe_key: str | None = Field(default=None, max_length=998)
    message_id_header: str | None = Field(default=None, max_length=998, index=True)
    in_reply_to: str | None = Field(default=None, max_length=998)
    # The message this one answers (outbound replies and acks point at an inbound one).
    in_reply_to_id: int | None = Field(default=None, foreign_key="messages.id")
    references: str | None = Field(default=None, sa_column=Column(Text))
    from_address: str | None = Field(default=None, max_length=320)
    from_name: str | None = Field(default=None, max_length=300)
    to_addresses: str | None = Field(default=None, sa_column=Column(Text))
    cc_addresses: str | None = Field(default=None, sa_column=Column(Text))
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    sent_date: datetime | None = ts()
    headers: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    text_body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    html_sanitized: str | None = Field(default=None, sa_column=Column(Text))
    raw_sha256: str | None = Field(default=None, foreign_key="blobs.sha256")
    parse_error: str | None = Field(default=None, sa_column=Column(Text))
    is_auto_reply: bool = False  # auto-submitted, bounce or list: never acknowledged
    # "auto_reply" or "bounce": machine mail, kept on the contact without moving it
    machine_kind: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    # the receiving server's SPF/DKIM/DMARC verdict was "fail": no acknowledgement
    sender_unverified: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    is_acknowledgement: bool = False  # an auto-ack PULSE sent
    delivered_to_workflow: bool = False
    author_id: int | None = Field(default=None, foreign_key="users.id")
    send_error: str | None = Field(default=None, sa_column=Column(Text))
    send_attempts: int = 0
    # "data" from right before SMTP DATA until the outcome is recorded (activities/delivery.py).
    delivery_stage: str | None = Field(default=None, max_length=10)
    delivery_started_at: datetime | None = ts()
    smtp_reply: str | None = Field(default=None, sa_column=Column(Text))  # with the queue id
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    sent_at: datetime | None = ts()


class Attachment(SQLModel, table=True):
    __tablename__ = "attachments"
    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="messages.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=500)
    content_type: str = Field(max_length=200)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    # None when the attachment was over the size limit: recorded, content not kept.
    sha256: str | None = Field(default=None, foreign_key="blobs.sha256")
    content_id: str | None = Field(default=None, max_length=998)
    inline: bool = False
    too_large: bool = False


class Note(SQLModel, table=True):
    """An internal note on a contact: never sent to the customer."""

    __tablename__ = "notes"
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="users.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = ts(nullable=False, server_default=text("now()"))


class Task(SQLModel, table=True):
    """The inbox projection: one row per piece of work, denormalised so the inbox is
    one indexed query. Written only by activities, on behalf of workflows."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_inbox", "product_id", "status", "due_at", "id"),
        Index("ix_tasks_assignee", "assignee_id", "status", "product_id", "due_at", "id"),
        # a line's task list, most urgent first
        Index("ix_tasks_line", "product_id", "line", "status", "due_at", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", unique=True, ondelete="CASCADE")
    product_id: int = Field(foreign_key="products.id")
    kind: str = Field(default="email", max_length=30)
    status: TaskStatus = Field(sa_column=Column(String(20), nullable=False))
    contact_status: ContactStatus = Field(sa_column=Column(String(20), nullable=False))
    reference: str = Field(max_length=32)
    title: str = Field(default="", max_length=300)
    customer_label: str = Field(default="", max_length=320)
    assignee_id: int | None = Field(default=None, foreign_key="users.id")
    priority: int = 0
    unreadable: bool = False
    due_at: datetime | None = ts()
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    updated_at: datetime = ts(nullable=False, server_default=text("now()"))
    # line (1 KCC, 2 backoffice, 3 specialists), special queue
    # ("complaints"), SLA state ("", paused, warning, breached)
    line: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    queue: str = Field(default="", max_length=30, sa_column_kwargs={"server_default": ""})
    sla_state: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})


class ContactEvent(SQLModel, table=True):
    """A contact's history: every step the workflow took, who and when."""

    __tablename__ = "contact_events"
    # the reports count events of one kind in a period
    __table_args__ = (Index("ix_contact_events_kind_at", "kind", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    at: datetime = ts(nullable=False, server_default=text("now()"))
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    kind: str = Field(max_length=50)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))


class AuditEvent(SQLModel, table=True):
    """BIO logging: who did what to which object, with what result, from where."""

    __tablename__ = "audit_events"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = ts(nullable=False, server_default=text("now()"), index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    actor: str = Field(max_length=200)  # username, or "system:<component>"
    action: str = Field(max_length=100)
    object_type: str = Field(max_length=50)
    object_id: str | None = Field(default=None, max_length=100)
    result: str = Field(max_length=20)  # ok / denied / failed
    origin: str | None = Field(default=None, max_length=100)  # client IP or process
    detail: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    # Hash chain (services/audit.py): set by a database trigger on insert;
    # UPDATE and DELETE are refused by another trigger.
    chain_seq: int | None = Field(default=None, sa_column=Column(BigInteger, unique=True))
    prev_hash: str | None = Field(default=None, max_length=64)
    row_hash: str | None = Field(default=None, max_length=64)

"""Tables of the phone area (see db/models.py): product lines, calls, agent phone state.

A call is one Asterisk Linkedid; it becomes one contact (channel phone). The rows are
written only by the AMI bridge (on behalf of Asterisk) and by phone activities (on
behalf of the call's ContactWorkflow); the API reads them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from contracts.phone import CallState  # noqa: F401  (re-exported: the column holds it)
from db.models.contacts import ts


class PhoneLine(SQLModel, table=True):
    """A product's phone line: its inbound number and its Asterisk queue. The one
    source the asterisk/ configuration is kept in sync with (asterisk/README.md)."""

    __tablename__ = "phone_lines"
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", unique=True, ondelete="CASCADE")
    queue: str = Field(max_length=80, unique=True)
    inbound_number: str = Field(default="", max_length=32)
    # the reports' "answered within N seconds" for this queue (empty: the global setting)
    answer_within_seconds: int | None = None
    # Asterisk sound names (e.g. pulse/big/welcome); empty: the dialplan's default
    welcome_prompt: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    closed_prompt: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    # offer "press 1 to be called back" while waiting in the queue
    callback_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": "true"})


class PhoneCall(SQLModel, table=True):
    """One queued call (Asterisk Linkedid) and the contact it became."""

    __tablename__ = "phone_calls"
    __table_args__ = (Index("ix_phone_calls_product_joined", "product_id", "joined_at"),)
    id: int | None = Field(default=None, primary_key=True)
    linkedid: str = Field(max_length=64, unique=True)
    contact_id: int = Field(foreign_key="contacts.id", unique=True, ondelete="CASCADE")
    product_id: int = Field(foreign_key="products.id", index=True)
    queue: str = Field(max_length=80)
    caller_number: str = Field(default="", max_length=40)  # E.164 when it is a number
    customer_id: int | None = Field(default=None, foreign_key="customers.id")
    state: str = Field(sa_column=Column(String(20), nullable=False, index=True))
    agent_user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    joined_at: datetime = ts(nullable=False, server_default=text("now()"))
    answered_at: datetime | None = ts()
    ended_at: datetime | None = ts()
    hold_seconds: int | None = None
    talk_seconds: int | None = None
    ring_no_answer: int = 0
    wrapped_up_at: datetime | None = ts()
    linked_contact_id: int | None = Field(default=None, foreign_key="contacts.id")
    callback_attempts: int = 0
    callback_outcome: str = Field(default="", max_length=40)
    # Asterisk's queue accounting (queue_log): a call counts as offered to the queue
    # only when it joined it (ENTERQUEUE); a callback chosen in the IVR before any
    # queue did not. A caller who chose a callback (IVR or exit key) did not abandon.
    queued: bool = Field(default=True, sa_column_kwargs={"server_default": "true"})
    callback_requested_at: datetime | None = ts()


class AgentPhoneState(SQLModel, table=True):
    """An agent's membership of one product queue, as Asterisk reports it
    (QueueMemberAdded/Status/Pause/Removed). Survives API restarts."""

    __tablename__ = "agent_phone_states"
    __table_args__ = (UniqueConstraint("user_id", "queue"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    queue: str = Field(max_length=80)
    product_id: int | None = Field(default=None, foreign_key="products.id")
    interface: str = Field(default="", max_length=120)
    status: int = 0  # Asterisk device state: 1 not in use, 2 in use, 4 invalid, 6 ringing
    paused: bool = False
    pause_reason: str = Field(default="", max_length=80)
    signed_in: bool = True
    updated_at: datetime = ts(nullable=False, server_default=text("now()"))


class PhoneOffer(SQLModel, table=True):
    """Every call offered to a product line (the IVR's UserEvent PulseOffered), also
    one that never reached a queue: everyone paused or signed out (joinempty),
    closed hours without a confirmed callback, a hang-up in the menu. Such a
    caller has no PhoneCall row and no contact."""

    __tablename__ = "phone_offers"
    __table_args__ = (Index("ix_phone_offers_product_offered", "product_id", "offered_at"),)
    linkedid: str = Field(max_length=64, primary_key=True)
    product_id: int = Field(foreign_key="products.id")
    queue: str = Field(max_length=80)
    caller_number: str = Field(default="", max_length=40)
    offered_at: datetime = ts(nullable=False, server_default=text("now()"))

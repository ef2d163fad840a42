"""Everything a ContactWorkflow remembers, in one dataclass.

The workflow and its two collaborators (the work part: lines, SLA clocks,
complaints; the phone part: a call) read and change this one ``ContactData``, so
what the contact is at any moment can be read in one place.

No ``from __future__ import annotations`` (see workflows/contact/workflow.py).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.contact import ContactInput, ContactStatus
    from contracts.phone import CallState
    from contracts.work import FIRST_LINE, WorkPlan
    from rules.sla import SlaClock


# A phone contact's call states, by the short names of the decision table.
QUEUED, RINGING_STATE, CONNECTED = CallState.queued, CallState.ringing, CallState.connected
ENDED, ABANDONED = CallState.ended, CallState.abandoned


@dataclass
class WorkData:
    """Where the contact is on the lines, and how its deadlines stand."""

    plan: WorkPlan = field(default_factory=WorkPlan)
    started: bool = False  # the plan is loaded and the clocks run
    line: int = FIRST_LINE
    queue: str = ""
    hops: list[list] = field(default_factory=list)  # [line, assignee, queue] to return to
    clocks: dict[str, SlaClock] = field(default_factory=dict)
    priority: int = 0
    complaint: bool = False
    complaint_due: str | None = None
    complaint_extended: bool = False
    complaint_warned: bool = False
    complaint_breached: bool = False
    waiting_since: str | None = None
    reminded: bool = False
    version: int = 0  # bumped on every change the deadline watcher must see


@dataclass
class CallData:
    """A phone contact's call."""

    state: str = QUEUED
    agent: int | None = None
    wrapped_up: bool = False
    callback_running: bool = False
    attempts: int = 0
    seen: set[tuple] = field(default_factory=set)  # (kind, agent, at) of events taken


@dataclass
class ContactData:
    inp: ContactInput
    status: str = ContactStatus.new
    assignee: int | None = None
    seen_messages: set[int] = field(default_factory=set)
    inbound: list[int] = field(default_factory=list)  # customer messages to take in
    outbound: list[int] = field(default_factory=list)  # messages to send, in order
    work: WorkData = field(default_factory=WorkData)
    call: CallData = field(default_factory=CallData)

    def __post_init__(self) -> None:
        self.work.line = self.inp.line

    @property
    def contact_id(self) -> int:
        return self.inp.contact_id


# How the parts change the contact: ContactWorkflow._change (status, assignee,
# event, and the keywords actor_id, detail, close_reason_id, message_id).
Change = Callable[..., Awaitable[None]]

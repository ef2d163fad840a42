"""The dataclasses that cross the Temporal boundary: workflow, activity, signal,
update and query inputs and outputs. One in, one out; new fields get defaults.

They carry IDs and codes only -- never names, addresses or message text -- because
workflow history is visible in Temporal Web and has size limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from contracts.work import (  # noqa: TC001 (the converter needs them)
    WorkPlan,
    WorkProjection,
)


class ContactStatus(StrEnum):
    """A contact's status: decided by its workflow, shown from the projection."""

    new = "new"  # arrived, nobody holds it
    open = "open"  # claimed by an agent
    waiting = "waiting"  # replied, waiting for the customer
    closed = "closed"


class TaskStatus(StrEnum):
    """The status of a contact's row on a task list."""

    open = "open"
    claimed = "claimed"
    done = "done"


# Search attributes PULSE registers on the Temporal namespace (Keyword type).
SA_PRODUCT = "PulseProduct"
SA_CHANNEL = "PulseChannel"
SA_STATUS = "PulseStatus"
SEARCH_ATTRIBUTES = (SA_PRODUCT, SA_CHANNEL, SA_STATUS)


def contact_workflow_id(reference: str) -> str:
    return f"contact-{reference}"


def initial_search_attributes(product_code: str, channel: str) -> TypedSearchAttributes:
    """What a starter sets at start, so Temporal Web can find a new contact at once
    (the workflow then upserts only what changes)."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(SearchAttributeKey.for_keyword(SA_PRODUCT), product_code),
            SearchAttributePair(SearchAttributeKey.for_keyword(SA_CHANNEL), channel),
            SearchAttributePair(SearchAttributeKey.for_keyword(SA_STATUS), ContactStatus.new),
        ]
    )


# --- ContactWorkflow ------------------------------------------------------------


@dataclass
class ContactInput:
    contact_id: int
    reference: str
    product_code: str
    channel: str = "email"
    first_message_id: int | None = None
    reopen_days: int = 14
    first_response_hours: int = 40
    # the line the contact starts on: a migrated contact may already sit on the 2nd or 3rd
    line: int = 1


@dataclass
class ContactResult:
    contact_id: int
    status: str


@dataclass
class CustomerMessage:
    """Signal: a new inbound message was stored for this contact."""

    message_id: int
    # "" a person wrote; "auto_reply" or "bounce": machine mail, noted on the contact
    # without changing its status
    kind: str = ""


@dataclass
class ClaimRequest:
    user_id: int
    # the lines the claimant may work for this product (empty: any line)
    lines: list[int] = field(default_factory=list)
    # epoch seconds: a claim the workflow sees later is refused, so one its sender
    # stopped waiting for can never land afterwards
    deadline: float | None = None


@dataclass
class ReleaseRequest:
    user_id: int


@dataclass
class ReplyRequest:
    """An agent's reply, already stored as an outbound draft message by the API."""

    user_id: int
    message_id: int
    wait_for_customer: bool = True


@dataclass
class NoteRequest:
    user_id: int
    note_id: int


@dataclass
class CloseRequest:
    user_id: int
    reason_id: int


@dataclass
class JoinRequest:
    """An agent checked a contact that mentions another and joins it to that one:
    its messages move there, and this contact closes."""

    user_id: int
    into_contact_id: int


@dataclass
class AssignRequest:
    """A trafficer (or the system) gives the contact to an agent."""

    by_user_id: int
    to_user_id: int
    line: int = 0  # the line the assignee was checked for (0: not checked)


@dataclass
class DecisionResult:
    """What an Update returns: the contact's state after the decision."""

    status: str
    assignee_id: int | None = None


@dataclass
class ContactState:
    """Query result."""

    contact_id: int
    status: str
    assignee_id: int | None
    message_ids: list[int] = field(default_factory=list)
    pending_sends: list[int] = field(default_factory=list)
    closed: bool = False


# --- activities -----------------------------------------------------------------


@dataclass
class OpenContactInput:
    contact_id: int
    message_id: int | None
    due_hours: int = 40
    # Also load the work plan (SLA targets, calendar, auto-assignment) in the same
    # transaction: one activity and one commit less per contact (intake throughput).
    plan_work: bool = False
    channel: str = "email"
    received_at: str = ""  # ISO: the workflow's start, as StartWorkInput.received_at


@dataclass
class OpenContactResult:
    ack_message_id: int | None = None
    """The automatic acknowledgement reserved for the first message, to send; None
    when none may go (auto-reply, bounce or list, or the sender is over the limit)."""
    plan: WorkPlan | None = None  # with OpenContactInput.plan_work: the contact's work plan


@dataclass
class ProjectionUpdate:
    """Write the contact's status/assignee to the DB projection and tell browsers."""

    contact_id: int
    status: str
    assignee_id: int | None = None
    actor_id: int | None = None
    event: str = ""
    event_detail: dict = field(default_factory=dict)
    close_reason_id: int | None = None
    message_id: int | None = None
    # line, queue, SLA due date and state, priority; None: unchanged
    work: WorkProjection | None = None


@dataclass
class ProjectionResult:
    ok: bool = True


@dataclass
class SendMessageInput:
    message_id: int


@dataclass
class SendMessageResult:
    message_id: int
    status: str

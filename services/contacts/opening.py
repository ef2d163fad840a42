"""Opening a contact: its reference number and row, then its workflow, started once.

The one way every channel opens a contact -- mail intake, the AMI bridge and a
callback an agent registers. Each channel adds its own rows (message, call, note,
task) in the same transaction as the contact row; the workflow starts after that
transaction committed, under the business key ``contact_workflow_id(reference)``.
A second start of the same contact (a retry after a crash, a duplicate event) finds
the workflow already there and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from config.settings import Settings
from contracts.contact import ContactInput, contact_workflow_id, initial_search_attributes
from db.models.contacts import Channel, Contact, ContactStatus, utcnow
from db.session import next_reference
from workflows.contact.workflow import ContactWorkflow

# Temporal's default, named: "next task" relies on it (a claim accepted in a workflow
# task is recorded within this long of the task's start; services/work/next_task.py).
WORKFLOW_TASK_TIMEOUT = timedelta(seconds=10)


@dataclass(frozen=True)
class NewContact:
    """What a channel knows of a contact it opens."""

    channel: Channel
    product_id: int
    subject: str = ""
    customer_id: int | None = None
    unreadable: bool = False
    at: datetime | None = None  # when it arrived (a call's join time); default now
    inbound: bool = True  # the customer wrote or called (an agent's callback: False)


@dataclass(frozen=True)
class WorkflowStart:
    """The start of an opened contact's workflow."""

    contact_id: int
    reference: str
    product_code: str
    channel: str
    first_message_id: int | None = None
    start_signal: str | None = None  # signal-with-start: the channel's first event
    signal_args: list = field(default_factory=list)
    line: int = 1  # the line it starts on (a migrated contact may sit on a later one)


async def add_contact(session: AsyncSession, new: NewContact) -> Contact:
    """A new contact row with the next reference number, flushed (its id is set) in the
    caller's transaction, so the channel's own rows can refer to it."""
    at = new.at or utcnow()
    contact = Contact(
        reference=await next_reference(session, at),
        channel=new.channel,
        status=ContactStatus.new,
        subject=(new.subject or "")[:998],
        product_id=new.product_id,
        customer_id=new.customer_id,
        unreadable=new.unreadable,
        created_at=at,
        updated_at=at,
        last_message_at=at if new.inbound else None,
    )
    session.add(contact)
    await session.flush()
    return contact


async def start_contact_workflow(client: Client, settings: Settings, start: WorkflowStart) -> bool:
    """Start the contact's workflow; False when it was started before (then nothing
    happens: a finished one is not started again either)."""
    try:
        await client.start_workflow(
            ContactWorkflow.run,
            ContactInput(
                contact_id=start.contact_id,
                reference=start.reference,
                product_code=start.product_code,
                channel=start.channel,
                first_message_id=start.first_message_id,
                reopen_days=settings.reopen_days,
                first_response_hours=settings.first_response_hours,
                line=start.line,
            ),
            id=contact_workflow_id(start.reference),
            task_queue=settings.temporal_task_queue,
            task_timeout=WORKFLOW_TASK_TIMEOUT,
            search_attributes=initial_search_attributes(start.product_code, start.channel),
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            start_signal=start.start_signal,
            start_signal_args=start.signal_args,
        )
    except WorkflowAlreadyStartedError:
        return False
    return True

"""Manual callback requests (terugbelverzoek): an agent asks for a customer to be
called back. It opens a phone contact like any other (services/contacts/opening.py)
whose task is a callback in the product's queue; the workflow runs it like any
contact (SLA, claim, assign) and an agent makes the call."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from config.settings import Settings
from db.models.contacts import (
    Channel,
    ContactEvent,
    ContactStatus,
    Customer,
    Note,
    Product,
    Task,
    TaskStatus,
)
from services import audit
from services.access import Viewer
from services.contacts.opening import (
    NewContact,
    WorkflowStart,
    add_contact,
    start_contact_workflow,
)
from services.customers.phones import normalize_phone

SUBJECT = "Terugbelverzoek"


class CallbackInvalid(ValueError):
    """The request cannot be registered as given (HTTP 422)."""


@dataclass(frozen=True)
class CallbackRequest:
    product_id: int
    phone: str
    note: str = ""
    customer_id: int | None = None


async def register_callback(
    session: AsyncSession,
    settings: Settings,
    client: Client,
    viewer: Viewer,
    request: CallbackRequest,
    origin: str | None,
) -> str:
    """Open the callback's contact with its task, note and audit line (one
    transaction), then start its workflow; the new contact's reference."""
    number = normalize_phone(request.phone)
    if number is None:
        raise CallbackInvalid("Not a phone number.")
    if request.customer_id is not None and await session.get(Customer, request.customer_id) is None:
        raise CallbackInvalid("No such customer.")
    product = await session.get(Product, request.product_id)
    if product is None:
        raise CallbackInvalid("No such product.")
    contact = await add_contact(
        session,
        NewContact(
            Channel.phone,
            product.id,
            subject=SUBJECT,
            customer_id=request.customer_id,
            inbound=False,
        ),
    )
    _add_callback_rows(session, contact.id, contact.reference, product.id, viewer, number, request)
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="contact.callback.register",
        object_type="contact",
        object_id=contact.reference,
        origin=origin,
    )
    await session.commit()
    start = WorkflowStart(contact.id, contact.reference, product.code, "phone")
    await start_contact_workflow(client, settings, start)
    return contact.reference


def _add_callback_rows(
    session: AsyncSession,
    contact_id: int,
    reference: str,
    product_id: int,
    viewer: Viewer,
    number: str,
    request: CallbackRequest,
) -> None:
    """The callback's own rows: its task in the product queue, the agent's note (the
    number to call first) and the history event."""
    session.add(
        Task(
            contact_id=contact_id,
            product_id=product_id,
            kind="callback",
            status=TaskStatus.open,
            contact_status=ContactStatus.new,
            reference=reference,
            title=SUBJECT,
            customer_label=number,
        )
    )
    note = request.note.strip()
    text = f"Terugbellen: {number}" + (f"\n\n{note}" if note else "")
    session.add(Note(contact_id=contact_id, author_id=viewer.id, body=text))
    session.add(ContactEvent(contact_id=contact_id, actor_id=viewer.id, kind="callback_registered"))

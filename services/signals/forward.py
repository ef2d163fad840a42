"""Forwarding a signal to its product owner: a contact of its own on the product
(opened like a callback request, services/work/callbacks.py), taken by the person
forwarding and escalated to the product's 2nd-line list the way any contact is
(services/work/decisions.escalate), the signal's summary as the question. The
signal records that contact and becomes "forwarded"."""

from __future__ import annotations

from contracts.contact import ClaimRequest
from db.models.contacts import Channel, ContactEvent, ContactStatus, Product, Task, TaskStatus
from services import audit
from services.contacts.decisions import Asker, decide_on_contact
from services.contacts.opening import NewContact, WorkflowStart, add_contact, start_contact_workflow
from services.signals.manage import BadSignalInput, get_signal, moved
from services.work.decisions import escalate
from workflows.contact.workflow import ContactWorkflow

SECOND_LINE = 2
FORWARDABLE = ("new", "investigating")


def summary(signal, product_code: str, note: str) -> str:
    figures = signal.figures or {}
    head = f"Signaal #{signal.id} ({signal.kind}) {product_code}, {signal.day}"
    lines = [f"{head}: {signal.title}" if signal.title else head]
    if "expected" in figures:
        lines.append(f"Verwacht {figures['expected']}, gezien {figures.get('observed')}")
    if note.strip():
        lines += ["", note.strip()]
    return "\n".join(lines)


async def forward_signal(ask: Asker, signal_id: int, note: str) -> str:
    """Open the 2nd-line task for the signal; the new contact's reference."""
    session, viewer = ask.session, ask.viewer
    signal = await get_signal(session, viewer, signal_id)
    if signal.status not in FORWARDABLE:
        raise BadSignalInput(f"A {signal.status} signal cannot be forwarded.")
    if len(note) > 4000:
        raise BadSignalInput("A note is at most 4000 characters.")
    product = await session.get(Product, signal.product_id)
    subject = f"Signaal #{signal.id}: {signal.title or signal.kind}"[:300]
    contact = await add_contact(
        session, NewContact(Channel.letter, product.id, subject=subject, inbound=False)
    )
    session.add(
        Task(
            contact_id=contact.id,
            product_id=product.id,
            kind="signal",
            status=TaskStatus.open,
            contact_status=ContactStatus.new,
            reference=contact.reference,
            title=subject,
        )
    )
    session.add(
        ContactEvent(
            contact_id=contact.id,
            actor_id=viewer.id,
            kind="signal_forwarded",
            detail={"signal_id": signal.id},
        )
    )
    signal.forwarded_contact_id = contact.id
    moved(signal, "forwarded", viewer)
    await audit.record_for(
        session,
        viewer,
        "signal.forward",
        "signal",
        signal.id,
        origin=ask.origin,
        detail={"contact": contact.reference},
    )
    reference, text = contact.reference, summary(signal, product.code, note)
    await session.commit()
    client = await ask.temporal()
    start = WorkflowStart(contact.id, reference, product.code, Channel.letter.value)
    await start_contact_workflow(client, ask.settings, start)
    # taken by whoever forwards (any line: they opened it) and handed to the 2nd line
    await decide_on_contact(
        session,
        client,
        viewer,
        reference,
        ContactWorkflow.claim,
        ClaimRequest(viewer.id, []),
        ask.origin,
    )
    await escalate(ask, reference, SECOND_LINE, text)
    return reference

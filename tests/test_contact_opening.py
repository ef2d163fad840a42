"""The one open-and-start path (services/contacts/opening.py): a contact row with the
next reference, and its workflow started once under the business key, typed, with
the search attributes Temporal Web filters on."""

from __future__ import annotations

from sqlmodel import select

from contracts.contact import SA_CHANNEL, SA_PRODUCT, contact_workflow_id
from db.models.contacts import Channel, Product
from db.session import session_scope
from devstack.demo.seed import seed_demo
from services.contacts.opening import (
    NewContact,
    WorkflowStart,
    add_contact,
    start_contact_workflow,
)


async def test_a_contact_opened_twice_starts_one_workflow(db, settings, temporal_env):
    await seed_demo(db)
    client = temporal_env.client
    async with session_scope(db) as s:
        product = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
        contact = await add_contact(
            s, NewContact(Channel.phone, product.id, subject="Terugbelverzoek", inbound=False)
        )
    assert contact.id is not None and contact.reference.startswith("KCC-")
    assert contact.last_message_at is None  # an agent's callback: the customer did not write
    # No worker serves this queue: the test needs the start, not the run.
    unserved = settings.model_copy(update={"temporal_task_queue": f"opening-{contact.id}"})
    start = WorkflowStart(contact.id, contact.reference, "BIG", "phone")
    assert await start_contact_workflow(client, unserved, start) is True
    assert await start_contact_workflow(client, unserved, start) is False  # a retry
    handle = client.get_workflow_handle(contact_workflow_id(contact.reference))
    try:
        described = await handle.describe()
        assert described.workflow_type == "ContactWorkflow"
        attributes = {k.name: v for k, v in described.typed_search_attributes}
        assert attributes[SA_PRODUCT] == "BIG" and attributes[SA_CHANNEL] == "phone"
    finally:
        await handle.terminate("test done")

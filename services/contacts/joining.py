"""Mail that only mentions another contact: the agent checks it, then joins it there
or confirms a new sender's address.

The intake never lets a mail join a contact on a reference alone
(channels/email/threading.py); it opens a contact that mentions the other. After
checking who wrote, the agent joins it: the mentioning contact's messages move
to the mentioned one (whose workflow takes them in as customer messages) and the
mentioning contact closes (the workflow's ``join`` Update). Replies on the
mentioned contact still go to its customer's address until the agent confirms
the new one (services/contacts/replies.py).
"""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import update
from sqlmodel import select
from temporalio.service import RPCError, RPCStatusCode

from contracts.contact import CustomerMessage, DecisionResult, JoinRequest, contact_workflow_id
from db.models.contacts import Contact, Direction, Message
from services.access import get_contact_for_user
from services.contacts.decisions import Asker, decide_on_contact
from workflows.contact.workflow import ContactWorkflow


class NothingToJoin(HTTPException):
    def __init__(self) -> None:
        super().__init__(422, "This contact does not mention another contact.")


async def mentioned_contact(asker: Asker, contact: Contact) -> Contact | None:
    """The contact this one mentions, when the viewer may see it."""
    if contact.mentions_contact_id is None:
        return None
    target = await asker.session.get(Contact, contact.mentions_contact_id)
    if target is None or not asker.viewer.may_see_product(target.product_id):
        return None
    return target


async def join_mentioned(asker: Asker, reference: str) -> DecisionResult:
    session = asker.session
    contact = await get_contact_for_user(session, asker.viewer, reference)
    target = await mentioned_contact(asker, contact)
    if target is None:
        raise NothingToJoin()
    client = await asker.temporal()
    result = await decide_on_contact(
        session,
        client,
        asker.viewer,
        reference,
        ContactWorkflow.join,
        JoinRequest(asker.viewer.id, target.id),
        asker.origin,
        detail={"into": target.reference},
    )
    moved = list(
        (
            await session.exec(
                select(Message.id)
                .where(Message.contact_id == contact.id, Message.direction == Direction.inbound)
                .order_by(Message.id)
            )
        ).all()
    )
    await session.execute(update(Message).where(Message.id.in_(moved)).values(contact_id=target.id))
    await session.commit()
    handle = client.get_workflow_handle(contact_workflow_id(target.reference))
    for message_id in moved:
        try:
            await handle.signal(ContactWorkflow.customer_message, CustomerMessage(message_id))
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
            break  # the mentioned contact has finished: the messages are on it, unsignalled
    return result

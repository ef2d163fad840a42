"""Which contact an arriving mail belongs to -- and which it may only mention.

A mail joins an existing contact when
- it answers a message PULSE sent (its In-Reply-To/References name one of PULSE's
  own Message-IDs, which nobody outside the thread has seen), or a bounce returns
  one of them;
- it answers, or names in its subject the reference of, a contact whose customer
  owns the sender's address;
- it is the parent of a reply that arrived before it (retries run out of arrival
  order), from an address of that reply's customer.

A reference in the subject alone proves nothing (references are sequential and
appear in every acknowledgement): a mail from anyone else that names one becomes
a contact of its own, marked as mentioning the other, for the agent to check.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.mail.parse import ParsedMail
from db.models.contacts import Contact, CustomerEmail, Direction, Message


@dataclass
class ThreadChoice:
    contact: Contact | None = None  # the thread the mail joins
    mentions: Contact | None = None  # a contact it named but may not join


async def sender_is_customer(s: AsyncSession, contact: Contact, address: str | None) -> bool:
    """The address is a known address of the contact's customer."""
    if contact.customer_id is None or not address:
        return False
    found = await s.scalar(
        select(CustomerEmail.id).where(
            CustomerEmail.customer_id == contact.customer_id,
            CustomerEmail.address == address.lower(),
        )
    )
    return found is not None


async def thread_target(s: AsyncSession, parsed: ParsedMail, product_id: int) -> ThreadChoice:
    choice = ThreadChoice()
    ids = [i for i in [parsed.in_reply_to, *parsed.references, parsed.bounced_message_id] if i]
    if ids:
        rows = (
            await s.execute(
                select(Message.direction, Contact)
                .join(Contact, Contact.id == Message.contact_id)
                .where(Message.message_id_header.in_(ids), Contact.product_id == product_id)
                .order_by(Contact.id.desc())
            )
        ).all()
        for direction, contact in rows:
            if direction == Direction.outbound:
                return ThreadChoice(contact)
        for _direction, contact in rows:
            if await sender_is_customer(s, contact, parsed.from_address):
                return ThreadChoice(contact)
            choice.mentions = choice.mentions or contact
    late_parent_of = await _reply_waiting_for(s, parsed, product_id)
    if late_parent_of is not None:
        return ThreadChoice(late_parent_of)
    reference = parsed.reference_in_subject
    if reference:
        contact = await s.scalar(
            select(Contact).where(Contact.reference == reference, Contact.product_id == product_id)
        )
        if contact is not None:
            if await sender_is_customer(s, contact, parsed.from_address):
                return ThreadChoice(contact)
            choice.mentions = choice.mentions or contact
    return choice


async def _reply_waiting_for(s: AsyncSession, parsed: ParsedMail, product_id: int):
    """The contact of a reply to this mail that was stored before it, from an
    address of that contact's customer."""
    if not parsed.message_id or not parsed.from_address:
        return None
    contacts = (
        await s.scalars(
            select(Contact)
            .join(Message, Message.contact_id == Contact.id)
            .where(
                Message.in_reply_to == parsed.message_id,
                Message.direction == Direction.inbound,
                Contact.product_id == product_id,
            )
            .order_by(Contact.id)
            .limit(5)
        )
    ).all()
    for contact in contacts:
        if await sender_is_customer(s, contact, parsed.from_address):
            return contact
    return None

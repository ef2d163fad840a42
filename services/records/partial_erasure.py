"""Erasure is not all-or-nothing: while some contacts of a customer are still under a
retention duty, what of the customer no retained contact uses is erased anyway, and
the rest is kept with the legal ground of the contact that keeps it.

Per item:
- an email address is kept when a retained contact's messages were sent from or to it;
- a phone number is kept when a retained contact is a call from it;
- identifiers (BSN, BIG, KvK...) are lookup keys only: a retained record holds its own
  content and needs none of them, so they are erased;
- the customer's edit history (old names, addresses) is not part of any record: erased.
The customer row and its name stay: the retained records point at it. Notes live on
contacts, inside the record, so they are kept with it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Contact, CustomerEmail, CustomerPhone, Message
from db.models.customers import CustomerChange, CustomerIdentifier
from db.models.phone import PhoneCall
from services.records.privacy import contact_ground


async def _retained(session: AsyncSession, customer_id: int, today: date) -> dict[int, str]:
    """Contact id -> legal ground, for every contact of the customer still kept."""
    contacts = (
        (await session.execute(select(Contact).where(Contact.customer_id == customer_id)))
        .scalars()
        .all()
    )
    kept = {}
    for contact in contacts:
        ground = await contact_ground(session, contact, today)
        if ground:
            kept[contact.id] = ground
    return kept


async def _addresses_used(session: AsyncSession, retained: dict[int, str]) -> dict[str, str]:
    rows = await session.execute(
        select(
            Message.contact_id, Message.from_address, Message.to_addresses, Message.cc_addresses
        ).where(Message.contact_id.in_(list(retained)))
    )
    used: dict[str, str] = {}
    for contact_id, *fields in rows.all():
        text = " ".join(f for f in fields if f).lower()
        for token in text.replace(",", " ").replace("<", " ").replace(">", " ").split():
            if "@" in token:
                used.setdefault(token, retained[contact_id])
    return used


async def _numbers_used(session: AsyncSession, retained: dict[int, str]) -> dict[str, str]:
    rows = await session.execute(
        select(PhoneCall.contact_id, PhoneCall.caller_number).where(
            PhoneCall.contact_id.in_(list(retained))
        )
    )
    return {number: retained[cid] for cid, number in rows.all() if number}


def _mask(value: str) -> str:
    return value[:2] + "…" if len(value) > 2 else "…"


async def erase_unretained(session: AsyncSession, customer_id: int, today: date) -> list[dict]:
    """Erase what no retention duty covers; one outcome per item (values masked)."""
    retained = await _retained(session, customer_id, today)
    items: list[dict] = []
    addresses = await _addresses_used(session, retained)
    emails = (
        await session.execute(select(CustomerEmail).where(CustomerEmail.customer_id == customer_id))
    ).scalars()
    for email in emails.all():
        ground = addresses.get(email.address.lower())
        items.append(_item("email", email.id, _mask(email.address), ground))
        if ground is None:
            await session.delete(email)
    numbers = await _numbers_used(session, retained)
    phones = (
        await session.execute(select(CustomerPhone).where(CustomerPhone.customer_id == customer_id))
    ).scalars()
    for phone in phones.all():
        ground = numbers.get(phone.number)
        items.append(_item("phone", phone.id, _mask(phone.number), ground))
        if ground is None:
            await session.delete(phone)
    identifiers = (
        await session.execute(
            select(CustomerIdentifier).where(CustomerIdentifier.customer_id == customer_id)
        )
    ).scalars()
    for identifier in identifiers.all():
        items.append(_item("identifier", identifier.id, identifier.masked, None))
        await session.delete(identifier)
    history = await session.execute(
        delete(CustomerChange).where(CustomerChange.customer_id == customer_id)
    )
    if history.rowcount:
        items.append(_item("history", None, f"{history.rowcount} changes", None))
    return items


def _item(kind: str, item_id: int | None, masked: str, ground: str | None) -> dict:
    return {
        "item": kind,
        "id": item_id,
        "masked": masked,
        "outcome": "kept" if ground else "erased",
        "ground": ground or "",
    }

"""Customers: persons and organisations, their addresses, numbers and identifiers;
matching a contact to a customer; editing with history (duplicates, merge and undo
are in services/customers/merging.py).

Every change writes a ``customer_changes`` row (the history people read on the
klantbeeld) and an audit event (services/audit.py) in the same transaction. Callers
commit. Functions take the acting person (``Viewer``) or None for the system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, text, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from db.models.contacts import Contact, Customer, CustomerEmail, CustomerPhone, Task, utcnow
from db.models.customers import CustomerChange, CustomerIdentifier, CustomerKind
from services import audit
from services.access import Viewer
from services.customers.identifiers import IdentifierKeys, identifier_keys, stored_form
from services.customers.phones import normalize_phone


class CustomerConflict(ValueError):
    """The change would give an address or identifier to two customers (HTTP 409)."""


class CustomerNotFound(LookupError):
    pass


# --- matching (intake, phone screen pop) ---------------------------------------------


async def match_customers_by_phone(session: AsyncSession, number: str | None) -> list[int]:
    """Customers with this phone number (any notation), oldest first. Several means
    the agent chooses (a shared practice or family number): never guess."""
    normalized = normalize_phone(number)
    if normalized is None:
        return []
    rows = await session.exec(
        select(CustomerPhone.customer_id)
        .join(Customer, Customer.id == CustomerPhone.customer_id)
        .where(CustomerPhone.number == normalized, Customer.merged_into_id.is_(None))
        .order_by(CustomerPhone.customer_id)
    )
    return list(dict.fromkeys(rows.all()))


async def match_customer_by_email(session: AsyncSession, address: str | None) -> int | None:
    """The customer with this email address (an address belongs to one customer)."""
    address = (address or "").strip().lower()
    if "@" not in address:
        return None
    return (
        await session.exec(
            select(CustomerEmail.customer_id).where(CustomerEmail.address == address)
        )
    ).first()


async def customer_for_incoming_email(
    session: AsyncSession, address: str | None, name: str | None
) -> int | None:
    """Intake: the customer with this address, or a new one holding it. A concurrent
    intake adding the same address makes the flush raise IntegrityError (the caller
    retries and then finds it)."""
    address = (address or "").strip().lower()
    if "@" not in address:
        return None
    found = await match_customer_by_email(session, address)
    if found:
        return found
    customer = Customer(display_name=(name or address)[:300], kind=CustomerKind.person)
    session.add(customer)
    await session.flush()
    session.add(CustomerEmail(customer_id=customer.id, address=address[:320]))
    session.add(CustomerChange(customer_id=customer.id, action="created", new="intake:email"))
    await session.flush()
    return customer.id


# --- reading -------------------------------------------------------------------------


async def record_read(
    session: AsyncSession,
    viewer: Viewer,
    action: str,
    object_type: str,
    object_id: str | int | None,
    origin: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Audit a read (klantbeeld, search) and commit. Committed asynchronously: a
    database crash may lose the last fraction of a second of *read* events, and no
    agent waits for a WAL flush to look a customer up. Changes commit synchronously."""
    await session.execute(text("SET LOCAL synchronous_commit = off"))
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        origin=origin,
        detail=detail,
    )
    await session.commit()


@dataclass
class CustomerCard:
    customer: Customer
    emails: list[CustomerEmail] = field(default_factory=list)
    phones: list[CustomerPhone] = field(default_factory=list)
    identifiers: list[CustomerIdentifier] = field(default_factory=list)


async def get_customer(session: AsyncSession, customer_id: int) -> Customer:
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    return customer


async def load_card(session: AsyncSession, customer_id: int) -> CustomerCard:
    customer = await get_customer(session, customer_id)
    emails = await session.exec(
        select(CustomerEmail)
        .where(CustomerEmail.customer_id == customer_id)
        .order_by(CustomerEmail.id)
    )
    phones = await session.exec(
        select(CustomerPhone)
        .where(CustomerPhone.customer_id == customer_id)
        .order_by(CustomerPhone.id)
    )
    identifiers = await session.exec(
        select(CustomerIdentifier)
        .where(CustomerIdentifier.customer_id == customer_id)
        .order_by(CustomerIdentifier.kind, CustomerIdentifier.id)
    )
    return CustomerCard(customer, list(emails.all()), list(phones.all()), list(identifiers.all()))


async def history(
    session: AsyncSession, customer_id: int, limit: int = 50, viewer: Viewer | None = None
) -> list[dict]:
    """The change history, newest first. For a viewer, changes that name a contact of a
    product they are not accredited for (linked, moved out) are left out."""
    from db.models.contacts import User

    rows = (
        await session.exec(
            select(CustomerChange, User.full_name)
            .join(User, User.id == CustomerChange.actor_id, isouter=True)
            .where(CustomerChange.customer_id == customer_id)
            .order_by(CustomerChange.id.desc())
            .limit(limit)
        )
    ).all()
    if viewer is not None:
        rows = await _without_other_products(session, viewer, rows)
    return [{"change": c, "actor_name": name} for c, name in rows]


_REFERENCE = re.compile(r"KCC-\d{4}-\d+")


async def _without_other_products(session: AsyncSession, viewer: Viewer, rows) -> list:
    named = {ref for change, _ in rows for ref in _REFERENCE.findall(f"{change.old} {change.new}")}
    if not named:
        return list(rows)
    seen = await session.exec(
        select(Contact.reference).where(
            Contact.reference.in_(named),  # type: ignore[attr-defined]
            Contact.product_id.in_(viewer.product_ids or (-1,)),  # type: ignore[attr-defined]
        )
    )
    visible = set(seen.all())
    return [
        (change, name)
        for change, name in rows
        if set(_REFERENCE.findall(f"{change.old} {change.new}")) <= visible
    ]


# --- changing ------------------------------------------------------------------------


async def record_change(
    session: AsyncSession,
    actor: Viewer | None,
    origin: str | None,
    customer_id: int,
    action: str,
    old: str | None = None,
    new: str | None = None,
) -> None:
    """History row + audit event for one change (values already masked if secret)."""
    session.add(
        CustomerChange(
            customer_id=customer_id,
            actor_id=actor.id if actor else None,
            action=action,
            old=None if old is None else old[:500],
            new=None if new is None else new[:500],
        )
    )
    await audit.record(
        session,
        actor=actor.username if actor else "system:customers",
        actor_id=actor.id if actor else None,
        action=f"customer.{action}",
        object_type="customer",
        object_id=customer_id,
        origin=origin,
    )
    await session.execute(
        update(Customer).where(Customer.id == customer_id).values(updated_at=utcnow())
    )


async def create_customer(
    session: AsyncSession,
    settings: Settings,
    actor: Viewer | None,
    origin: str | None,
    *,
    display_name: str,
    kind: str = CustomerKind.person,
    emails: list[str] = (),
    phones: list[str] = (),
    identifiers: dict[str, str] | None = None,
) -> Customer:
    customer = Customer(
        display_name=display_name.strip()[:300],
        kind=CustomerKind(kind),
        created_by_id=actor.id if actor is not None else None,
    )
    session.add(customer)
    await session.flush()
    await record_change(session, actor, origin, customer.id, "created", new=customer.display_name)
    for address in emails:
        await add_email(session, actor, origin, customer.id, address)
    for number in phones:
        await add_phone(session, actor, origin, customer.id, number)
    for id_kind, value in (identifiers or {}).items():
        if value:
            await add_identifier(session, settings, actor, origin, customer.id, id_kind, value)
    return customer


async def update_customer(
    session: AsyncSession,
    actor: Viewer,
    origin: str | None,
    customer_id: int,
    *,
    display_name: str | None = None,
    kind: str | None = None,
) -> Customer:
    customer = await get_customer(session, customer_id)
    if display_name is not None and display_name.strip() != customer.display_name:
        old, customer.display_name = customer.display_name, display_name.strip()[:300]
        await record_change(session, actor, origin, customer_id, "name", old, customer.display_name)
    if kind is not None and kind != customer.kind:
        old, customer.kind = customer.kind, CustomerKind(kind)
        await record_change(session, actor, origin, customer_id, "kind", old, customer.kind)
    return customer


async def add_email(
    session: AsyncSession,
    actor: Viewer | None,
    origin: str | None,
    customer_id: int,
    address: str,
) -> CustomerEmail:
    address = address.strip().lower()
    if "@" not in address or len(address) > 320 or " " in address:
        raise ValueError("not an email address")
    owner = await match_customer_by_email(session, address)
    if owner is not None and owner != customer_id:
        raise CustomerConflict(f"this address belongs to customer {owner}")
    if owner == customer_id:
        return (
            await session.exec(select(CustomerEmail).where(CustomerEmail.address == address))
        ).one()
    row = CustomerEmail(customer_id=customer_id, address=address)
    session.add(row)
    await session.flush()
    await record_change(session, actor, origin, customer_id, "email.add", new=address)
    return row


async def remove_email(
    session: AsyncSession, actor: Viewer, origin: str | None, customer_id: int, email_id: int
) -> None:
    row = await session.get(CustomerEmail, email_id)
    if row is None or row.customer_id != customer_id:
        raise CustomerNotFound(email_id)
    await session.delete(row)
    await record_change(session, actor, origin, customer_id, "email.remove", old=row.address)


async def add_phone(
    session: AsyncSession,
    actor: Viewer | None,
    origin: str | None,
    customer_id: int,
    number: str,
    label: str = "",
) -> CustomerPhone:
    normalized = normalize_phone(number)
    if normalized is None:
        raise ValueError("not a phone number")
    existing = (
        await session.exec(
            select(CustomerPhone).where(
                CustomerPhone.customer_id == customer_id, CustomerPhone.number == normalized
            )
        )
    ).first()
    if existing is not None:
        return existing
    row = CustomerPhone(customer_id=customer_id, number=normalized, label=label[:50])
    session.add(row)
    await session.flush()
    await record_change(session, actor, origin, customer_id, "phone.add", new=normalized)
    return row


async def remove_phone(
    session: AsyncSession, actor: Viewer, origin: str | None, customer_id: int, phone_id: int
) -> None:
    row = await session.get(CustomerPhone, phone_id)
    if row is None or row.customer_id != customer_id:
        raise CustomerNotFound(phone_id)
    await session.delete(row)
    await record_change(session, actor, origin, customer_id, "phone.remove", old=row.number)


async def find_by_identifier(
    session: AsyncSession, keys: IdentifierKeys, kind: str, raw: str
) -> int | None:
    form = stored_form(keys, kind, raw)
    return (
        await session.exec(
            select(CustomerIdentifier.customer_id).where(
                CustomerIdentifier.kind == form.kind,
                CustomerIdentifier.lookup_hash == form.lookup_hash,
            )
        )
    ).first()


async def add_identifier(
    session: AsyncSession,
    settings: Settings,
    actor: Viewer | None,
    origin: str | None,
    customer_id: int,
    kind: str,
    raw: str,
) -> CustomerIdentifier:
    """Validate (InvalidIdentifier), seal if secret, refuse one held by another customer."""
    keys = identifier_keys(settings)
    form = stored_form(keys, kind, raw)
    owner = await find_by_identifier(session, keys, kind, raw)
    if owner is not None and owner != customer_id:
        raise CustomerConflict(f"this {kind.upper()} number belongs to customer {owner}")
    if owner == customer_id:
        return (
            await session.exec(
                select(CustomerIdentifier).where(
                    CustomerIdentifier.kind == form.kind,
                    CustomerIdentifier.lookup_hash == form.lookup_hash,
                )
            )
        ).one()
    row = CustomerIdentifier(
        customer_id=customer_id,
        kind=form.kind,
        lookup_hash=form.lookup_hash,
        value=form.value,
        sealed=form.sealed,
        masked=form.masked,
    )
    session.add(row)
    await session.flush()
    await record_change(
        session, actor, origin, customer_id, f"identifier.add.{kind}", new=form.masked
    )
    return row


async def remove_identifier(
    session: AsyncSession, actor: Viewer, origin: str | None, customer_id: int, identifier_id: int
) -> None:
    row = await session.get(CustomerIdentifier, identifier_id)
    if row is None or row.customer_id != customer_id:
        raise CustomerNotFound(identifier_id)
    await session.delete(row)
    await record_change(
        session, actor, origin, customer_id, f"identifier.remove.{row.kind}", old=row.masked
    )


# --- linking contacts ------------------------------------------------------------------


async def link_contact(
    session: AsyncSession,
    actor: Viewer,
    origin: str | None,
    contact: Contact,
    customer_id: int,
) -> None:
    """Link a contact to a customer, or move a wrongly linked one to another."""
    target = await get_customer(session, customer_id)
    if target.merged_into_id is not None:
        raise CustomerConflict("this customer was merged into another")
    previous = contact.customer_id
    if previous == customer_id:
        return
    contact.customer_id = customer_id
    session.add(contact)
    await session.execute(
        update(Task)
        .where(Task.contact_id == contact.id)
        .values(customer_label=target.display_name[:320])
    )
    if previous is not None:
        await record_change(
            session, actor, origin, previous, "contact.moved_out", old=contact.reference
        )
    await record_change(
        session, actor, origin, customer_id, "contact.linked", new=contact.reference
    )


async def count_customers(session: AsyncSession) -> int:
    return (await session.exec(select(func.count()).select_from(Customer))).one()

"""Duplicate customers: suggestions for people (never merged by itself), merging one
customer into another, and undoing a merge exactly. Like every customer change, each
writes its history row and audit event in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, text, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Contact, Customer, CustomerEmail, CustomerPhone, Task, utcnow
from db.models.customers import CustomerIdentifier, CustomerMerge
from services.access import Viewer
from services.customers.service import (
    CustomerConflict,
    CustomerNotFound,
    get_customer,
    record_change,
)


async def possible_duplicates(
    session: AsyncSession, customer_id: int, limit: int = 10
) -> list[dict[str, Any]]:
    """Other customers that may be the same: a shared phone number, or a very
    similar name (trigram similarity). A suggestion for people, never merged by itself."""
    customer = await get_customer(session, customer_id)
    same_phone = (
        select(CustomerPhone.customer_id)
        .where(
            CustomerPhone.number.in_(
                select(CustomerPhone.number).where(CustomerPhone.customer_id == customer_id)
            )
        )
        .scalar_subquery()
    )
    similar_name = text("similarity(customers.display_name, :name) > 0.6").bindparams(
        name=customer.display_name
    )
    rows = await session.exec(
        select(Customer)
        .where(
            Customer.id != customer_id,
            Customer.merged_into_id.is_(None),
            or_(Customer.id.in_(same_phone), similar_name),
        )
        .order_by(Customer.id)
        .limit(limit)
    )
    return [{"id": c.id, "display_name": c.display_name, "kind": c.kind} for c in rows.all()]


MOVABLE = (
    ("contacts", Contact),
    ("emails", CustomerEmail),
    ("phones", CustomerPhone),
    ("identifiers", CustomerIdentifier),
)


async def merge_customers(
    session: AsyncSession, actor: Viewer, origin: str | None, survivor_id: int, merged_id: int
) -> CustomerMerge:
    """Move everything of ``merged_id`` to ``survivor_id``; the merged customer stays
    (pointing at the survivor) so that the merge can be undone exactly."""
    if survivor_id == merged_id:
        raise CustomerConflict("a customer cannot be merged into itself")
    survivor = await get_customer(session, survivor_id)
    merged = await get_customer(session, merged_id)
    if survivor.merged_into_id is not None or merged.merged_into_id is not None:
        raise CustomerConflict("one of these customers was already merged")
    moved: dict[str, list[int]] = {}
    for name, model in MOVABLE:
        ids = list(
            (await session.exec(select(model.id).where(model.customer_id == merged_id))).all()
        )
        moved[name] = ids
    # Duplicate phone numbers would break (customer_id, number): drop the merged copy.
    dup_phones = set(
        (
            await session.exec(
                select(CustomerPhone.id).where(
                    CustomerPhone.customer_id == merged_id,
                    CustomerPhone.number.in_(
                        select(CustomerPhone.number).where(CustomerPhone.customer_id == survivor_id)
                    ),
                )
            )
        ).all()
    )
    moved["phones"] = [i for i in moved["phones"] if i not in dup_phones]
    for name, model in MOVABLE:
        if moved[name]:
            await session.execute(
                update(model).where(model.id.in_(moved[name])).values(customer_id=survivor_id)
            )
    await session.execute(
        update(Task)
        .where(Task.contact_id.in_(moved["contacts"] or [-1]))
        .values(customer_label=survivor.display_name[:320])
    )
    merged.merged_into_id = survivor_id
    session.add(merged)
    record = CustomerMerge(
        survivor_id=survivor_id, merged_id=merged_id, actor_id=actor.id, moved=moved
    )
    session.add(record)
    await session.flush()
    summary = f"#{merged_id} {merged.display_name}"
    await record_change(session, actor, origin, survivor_id, "merge", new=summary)
    await record_change(session, actor, origin, merged_id, "merged_into", new=f"#{survivor_id}")
    return record


async def undo_merge(
    session: AsyncSession,
    actor: Viewer,
    origin: str | None,
    merge_id: int,
    customer_id: int | None = None,
) -> CustomerMerge:
    """Give the merged customer back what the merge moved (and still is on the survivor).
    ``customer_id``: the page it was asked from; the merge must be one of its own."""
    record = await session.get(CustomerMerge, merge_id, with_for_update=True)
    if record is None or customer_id not in (None, record.survivor_id, record.merged_id):
        raise CustomerNotFound(merge_id)
    if record.undone_at is not None:
        raise CustomerConflict("this merge was already undone")
    for name, model in MOVABLE:
        ids = record.moved.get(name) or []
        if ids:
            await session.execute(
                update(model)
                .where(model.id.in_(ids), model.customer_id == record.survivor_id)
                .values(customer_id=record.merged_id)
            )
    merged = await get_customer(session, record.merged_id)
    merged.merged_into_id = None
    session.add(merged)
    await session.execute(
        update(Task)
        .where(Task.contact_id.in_(record.moved.get("contacts") or [-1]))
        .values(customer_label=merged.display_name[:320])
    )
    record.undone_at = utcnow()
    record.undone_by = actor.id
    session.add(record)
    await record_change(
        session, actor, origin, record.survivor_id, "merge.undone", old=f"#{record.merged_id}"
    )
    await record_change(
        session, actor, origin, record.merged_id, "unmerged", old=f"#{record.survivor_id}"
    )
    return record


async def merges_of(session: AsyncSession, customer_id: int) -> list[CustomerMerge]:
    rows = await session.exec(
        select(CustomerMerge)
        .where(
            or_(CustomerMerge.survivor_id == customer_id, CustomerMerge.merged_id == customer_id)
        )
        .order_by(CustomerMerge.id.desc())
    )
    return list(rows.all())

"""Contact reasons per product (admin-managed): a small tree (a reason may sit under
another of the same product), used when closing a contact and in reports.

Reasons are never deleted (closed contacts point at them): they are switched off.
Every change is audited.
"""

from __future__ import annotations

from fastapi import HTTPException
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import ContactReason, Product
from services import audit
from services.access import NotAccessible, Viewer


class ReasonIn(BaseModel):
    product_id: int
    code: str = Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_\-]+$")
    label_nl: str = Field(min_length=1, max_length=200)
    label_en: str = Field(min_length=1, max_length=200)
    parent_id: int | None = None
    active: bool = True


class ReasonOut(ReasonIn):
    id: int
    depth: int = 0


def as_tree(reasons: list[ContactReason]) -> list[ReasonOut]:
    """Depth-first: each reason followed by the ones under it, with their depth."""
    children: dict[int | None, list[ContactReason]] = {}
    ids = {r.id for r in reasons}
    for r in sorted(reasons, key=lambda r: r.label_nl.lower()):
        children.setdefault(r.parent_id if r.parent_id in ids else None, []).append(r)
    out: list[ReasonOut] = []

    def walk(parent: int | None, depth: int) -> None:
        for r in children.get(parent, []):
            out.append(ReasonOut(**r.model_dump(), depth=depth))
            if depth < 10:
                walk(r.id, depth + 1)

    walk(None, 0)
    return out


async def reasons_of(session: AsyncSession, product_id: int) -> list[ReasonOut]:
    rows = await session.exec(select(ContactReason).where(ContactReason.product_id == product_id))
    return as_tree(list(rows.all()))


async def product_or_404(session: AsyncSession, product_id: int) -> Product:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotAccessible(f"product {product_id}")
    return product


async def _check_parent(
    session: AsyncSession, product_id: int, parent_id: int | None, self_id=None
) -> None:
    if parent_id is None:
        return
    parent = await session.get(ContactReason, parent_id)
    if parent is None or parent.product_id != product_id or parent_id == self_id:
        raise HTTPException(status_code=422, detail="parent must be another reason of the product")


async def save_reason(
    session: AsyncSession,
    viewer: Viewer,
    origin: str | None,
    data: ReasonIn,
    reason_id: int | None = None,
) -> ContactReason:
    """Create a reason, or change one (its product and code stay); audited."""
    await product_or_404(session, data.product_id)
    await _check_parent(session, data.product_id, data.parent_id, reason_id)
    if reason_id is None:
        reason = ContactReason(**data.model_dump())
    else:
        reason = await session.get(ContactReason, reason_id)
        if reason is None:
            raise NotAccessible(f"reason {reason_id}")
        for key, value in data.model_dump(exclude={"product_id"}).items():
            setattr(reason, key, value)
    session.add(reason)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status_code=409, detail="this code exists for the product") from None
    action = "reason.create" if reason_id is None else "reason.update"
    await audit.record_for(session, viewer, action, "contact_reason", reason.id, origin=origin)
    return reason

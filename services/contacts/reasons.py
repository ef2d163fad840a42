"""Contact reasons: which one may close a contact -- one rule for every way a contact
ends (the close decision, a phone call's wrap-up) -- and their order as a tree."""

from __future__ import annotations

from fastapi import HTTPException
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Contact, ContactReason

MAX_DEPTH = 10  # a cycle in parent_id (set by hand in the database) must not loop


class InvalidCloseReason(HTTPException):
    """422: the reason is unknown, of another product, or no longer in use."""

    def __init__(self) -> None:
        super().__init__(422, "Choose a contact reason of this product.")


async def check_close_reason(session: AsyncSession, contact: Contact, reason_id: int) -> None:
    reason = await session.get(ContactReason, reason_id)
    if reason is None or reason.product_id != contact.product_id or not reason.active:
        raise InvalidCloseReason()


def reason_tree(reasons: list[ContactReason]) -> list[tuple[ContactReason, int]]:
    """Depth-first: each reason followed by the ones under it, with its depth; a reason
    whose parent is not in the list stands at the top."""
    children: dict[int | None, list[ContactReason]] = {}
    ids = {r.id for r in reasons}
    for r in sorted(reasons, key=lambda r: r.label_nl.lower()):
        children.setdefault(r.parent_id if r.parent_id in ids else None, []).append(r)
    out: list[tuple[ContactReason, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for r in children.get(parent, []):
            out.append((r, depth))
            if depth < MAX_DEPTH:
                walk(r.id, depth + 1)

    walk(None, 0)
    return out


async def active_reason_tree(
    session: AsyncSession, product_id: int
) -> list[tuple[ContactReason, int]]:
    """The product's reasons in use, as a tree (the close list)."""
    rows = await session.exec(
        select(ContactReason).where(ContactReason.product_id == product_id, ContactReason.active)
    )
    return reason_tree(list(rows.all()))

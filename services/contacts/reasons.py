"""Which contact reason may close a contact: one rule for every way a contact ends
(the close decision, a phone call's wrap-up)."""

from __future__ import annotations

from fastapi import HTTPException
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Contact, ContactReason


class InvalidCloseReason(HTTPException):
    """422: the reason is unknown, of another product, or no longer in use."""

    def __init__(self) -> None:
        super().__init__(422, "Choose a contact reason of this product.")


async def check_close_reason(session: AsyncSession, contact: Contact, reason_id: int) -> None:
    reason = await session.get(ContactReason, reason_id)
    if reason is None or reason.product_id != contact.product_id or not reason.active:
        raise InvalidCloseReason()

"""Work-area checks the shared contact routes call (kept apart from api.routes.work.routers,
which imports those routes' helpers: no import cycle)."""

from __future__ import annotations

from fastapi import HTTPException
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Contact
from services.work.access import user_lines


async def check_line_assignee(session: AsyncSession, contact: Contact, user_id: int) -> None:
    """For the assign routes: the assignee must work the line the contact is on."""
    if contact.line not in await user_lines(session, user_id, contact.product_id):
        raise HTTPException(422, "This person does not work the line this contact is on.")

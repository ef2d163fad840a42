"""Who holds a contact and who else has it open: the contact page beats every ~20 s
while open, and leaves when it closes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Contact, User
from db.models.work import ContactViewer
from services.access import Viewer

PRESENCE_SECONDS = 45  # a viewer whose page has not beaten for this long has left


class PresenceOut(BaseModel):
    holder_id: int | None
    holder_name: str | None
    viewers: list[str]


async def presence_of(session: AsyncSession, contact: Contact, viewer: Viewer) -> PresenceOut:
    """The holder, and the others whose page beat recently (not the viewer)."""
    since = datetime.now(UTC) - timedelta(seconds=PRESENCE_SECONDS)
    rows = await session.exec(
        select(User.full_name)
        .join(ContactViewer, ContactViewer.user_id == User.id)
        .where(
            ContactViewer.contact_id == contact.id,
            ContactViewer.seen_at > since,
            ContactViewer.user_id != viewer.id,
        )
        .order_by(User.full_name)
    )
    holder = await session.get(User, contact.assignee_id) if contact.assignee_id else None
    return PresenceOut(
        holder_id=contact.assignee_id,
        holder_name=holder.full_name if holder else None,
        viewers=list(rows.all()),
    )


async def beat(session: AsyncSession, contact: Contact, viewer: Viewer) -> PresenceOut:
    """The viewer still has the page open; who else does."""
    stmt = insert(ContactViewer).values(
        contact_id=contact.id, user_id=viewer.id, seen_at=func.now()
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["contact_id", "user_id"], set_={"seen_at": func.now()}
        )
    )
    await session.commit()
    return await presence_of(session, contact, viewer)


async def leave(session: AsyncSession, contact: Contact, viewer: Viewer) -> None:
    await session.execute(
        delete(ContactViewer).where(
            ContactViewer.contact_id == contact.id, ContactViewer.user_id == viewer.id
        )
    )
    await session.commit()

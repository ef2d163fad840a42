"""Internal notes on a contact: plain data the API stores (the workflow is not
involved), and taken back when the decision they were written for is refused."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import delete
from sqlmodel.ext.asyncio.session import AsyncSession

from db.events import LiveEvent, publish
from db.models.contacts import Contact, ContactEvent, Note
from services import audit
from services.access import Viewer


def _changed(contact: Contact) -> LiveEvent:
    return LiveEvent(
        kind="contact",
        contact_id=contact.id,
        product_id=contact.product_id,
        reference=contact.reference,
        status=str(contact.status),
        assignee_id=contact.assignee_id,
    )


async def add_note(
    session: AsyncSession, viewer: Viewer, contact: Contact, body: str, origin: str | None
) -> Note:
    """Store the note with its history line and audit row; open pages hear of it."""
    body = body.strip()
    if not body:
        raise HTTPException(422, "A note needs text.")
    note = Note(contact_id=contact.id, author_id=viewer.id, body=body)
    session.add(note)
    await session.flush()
    session.add(
        ContactEvent(
            contact_id=contact.id, actor_id=viewer.id, kind="note", detail={"note_id": note.id}
        )
    )
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="contact.note",
        object_type="contact",
        object_id=contact.reference,
        origin=origin,
        detail={"note_id": note.id},
    )
    await publish(session, _changed(contact))
    await session.commit()
    return note


async def add_note_if_any(
    session: AsyncSession, viewer: Viewer, contact: Contact, text: str, origin: str | None
) -> int | None:
    """The id of the note for ``text``, or None when there is no text to keep."""
    if not text.strip():
        return None
    return (await add_note(session, viewer, contact, text, origin)).id


async def drop_note(session: AsyncSession, note_id: int | None) -> None:
    """The workflow refused the decision the note was written for: the question or
    answer did not happen, so neither does its note (the audit log keeps the try)."""
    if note_id is None:
        return
    await session.execute(
        delete(ContactEvent).where(
            ContactEvent.kind == "note", ContactEvent.detail["note_id"].as_integer() == note_id
        )
    )
    await session.execute(delete(Note).where(Note.id == note_id))
    await session.commit()

"""A closed contact's record in the archive: its state, and the legal hold that
blocks its destruction."""

from __future__ import annotations

from fastapi import HTTPException
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.records import ContactRecord
from services import audit
from services.access import Viewer, get_contact_for_user


async def record_of_contact(session: AsyncSession, viewer: Viewer, reference: str) -> ContactRecord:
    """The record of a contact the viewer may see (409 while it is still open)."""
    contact = await get_contact_for_user(session, viewer, reference)
    record = (
        await session.exec(select(ContactRecord).where(ContactRecord.contact_id == contact.id))
    ).first()
    if record is None:
        raise HTTPException(status_code=409, detail="This contact has not been closed yet.")
    return record


async def set_legal_hold(
    session: AsyncSession,
    viewer: Viewer,
    reference: str,
    hold: bool,
    reason: str,
    origin: str | None,
) -> ContactRecord:
    """Put a record under legal hold (a reason is required) or lift it; audited."""
    if hold and not reason.strip():
        raise HTTPException(status_code=422, detail="A legal hold needs a reason.")
    record = (
        await session.exec(select(ContactRecord).where(ContactRecord.reference == reference))
    ).first()
    if record is None:
        raise HTTPException(status_code=409, detail="No record for this reference (yet).")
    record.legal_hold, record.legal_hold_reason = hold, reason.strip()
    await audit.record_for(
        session,
        viewer,
        "record.legal_hold" if hold else "record.legal_hold_lifted",
        "record",
        reference,
        origin=origin,
        detail={"reason": reason},
    )
    return record

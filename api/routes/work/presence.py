"""Who holds a contact and who else has it open (a heartbeat from the
contact page)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ContactReader, DbSession
from services.access import get_contact_for_user
from services.work import presence
from services.work.presence import PresenceOut

router = APIRouter(tags=["work"])


@router.post("/api/contacts/{reference}/presence", response_model=PresenceOut)
async def heartbeat(reference: str, viewer: ContactReader, session: DbSession):
    """The contact page beats every ~20 s while open; answers who else is looking."""
    contact = await get_contact_for_user(session, viewer, reference)
    return await presence.beat(session, contact, viewer)


@router.delete("/api/contacts/{reference}/presence", status_code=204)
async def leave(reference: str, viewer: ContactReader, session: DbSession):
    contact = await get_contact_for_user(session, viewer, reference)
    await presence.leave(session, contact, viewer)

"""What a download hands out -- an attachment, or a message's raw .eml -- each read
checked against the viewer's products and audited."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Blob
from services import audit
from services.access import Viewer, get_attachment_for_user, get_message_for_user


@dataclass(frozen=True)
class Download:
    data: bytes
    filename: str
    content_type: str


async def _blob(session: AsyncSession, sha256: str | None) -> bytes:
    blob = await session.get(Blob, sha256) if sha256 else None
    if blob is None:
        raise HTTPException(404, "The content of this file was not kept.")
    return blob.data


async def _audit(session: AsyncSession, viewer: Viewer, action: str, object_id, reference, origin):
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=action,
        object_type="contact",
        object_id=reference,
        origin=origin,
        detail={"id": object_id},
    )
    await session.commit()


async def attachment(
    session: AsyncSession, viewer: Viewer, reference: str, attachment_id: int, origin
) -> Download:
    found = await get_attachment_for_user(session, viewer, reference, attachment_id)
    data = await _blob(session, found.sha256)
    await _audit(session, viewer, "attachment.download", attachment_id, reference, origin)
    return Download(data, found.filename, found.content_type)


async def raw_message(
    session: AsyncSession, viewer: Viewer, reference: str, message_id: int, origin
) -> Download:
    """The message exactly as received or sent (RFC 5322, .eml)."""
    message = await get_message_for_user(session, viewer, reference, message_id)
    data = await _blob(session, message.raw_sha256)
    await _audit(session, viewer, "message.raw.download", message_id, reference, origin)
    return Download(data, f"{reference}-{message_id}.eml", "message/rfc822")

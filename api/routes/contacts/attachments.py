"""Downloads: attachments and the raw .eml of a message (so an unreadable contact's
original bytes can still be read). Always served as a download, never rendered by
the browser in PULSE's origin, so a hostile HTML attachment cannot run as PULSE."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import ContactReader, DbSession, client_ip
from db.models.contacts import Blob
from services import audit
from services.access import Viewer, get_attachment_for_user, get_message_for_user

router = APIRouter(prefix="/api/contacts", tags=["attachments"])


def download_response(data: bytes, filename: str, content_type: str) -> Response:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)[:150] or "download"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        content=data,
        media_type=content_type if "/" in content_type else "application/octet-stream",
        headers={
            "Content-Disposition": disposition,
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store",
        },
    )


async def _blob(session: AsyncSession, sha256: str | None) -> bytes:
    blob = await session.get(Blob, sha256) if sha256 else None
    if blob is None:
        raise HTTPException(404, "The content of this file was not kept.")
    return blob.data


async def _audit_download(session, viewer: Viewer, action: str, object_id, request, reference):
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=action,
        object_type="contact",
        object_id=reference,
        origin=client_ip(request),
        detail={"id": object_id},
    )
    await session.commit()


@router.get("/{reference}/attachments/{attachment_id}")
async def download_attachment(
    reference: str, attachment_id: int, request: Request, viewer: ContactReader, session: DbSession
) -> Response:
    attachment = await get_attachment_for_user(session, viewer, reference, attachment_id)
    data = await _blob(session, attachment.sha256)
    await _audit_download(session, viewer, "attachment.download", attachment_id, request, reference)
    return download_response(data, attachment.filename, attachment.content_type)


@router.get("/{reference}/messages/{message_id}/raw")
async def download_raw_message(
    reference: str, message_id: int, request: Request, viewer: ContactReader, session: DbSession
) -> Response:
    """The message exactly as received or sent (RFC 5322, .eml)."""
    message = await get_message_for_user(session, viewer, reference, message_id)
    data = await _blob(session, message.raw_sha256)
    await _audit_download(session, viewer, "message.raw.download", message_id, request, reference)
    return download_response(data, f"{reference}-{message_id}.eml", "message/rfc822")

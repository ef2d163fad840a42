"""Downloads: attachments and the raw .eml of a message (so an unreadable contact's
original bytes can still be read). Always served as a download, never rendered by
the browser in PULSE's origin, so a hostile HTML attachment cannot run as PULSE."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import ContactReader, DbSession, client_ip
from api.validation import IntId
from services.contacts import downloads
from services.contacts.downloads import Download

router = APIRouter(prefix="/api/contacts", tags=["attachments"])


def download_response(download: Download) -> Response:
    data, filename, content_type = download.data, download.filename, download.content_type
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


# The attachment's own type, whatever the sender gave it: any media type may come back.
ANY_FILE = {
    200: {
        "description": "The attachment, as a download, in its own media type.",
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
    }
}
RAW_MESSAGE = {
    200: {
        "description": "The message as received or sent (RFC 5322).",
        "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get("/{reference}/attachments/{attachment_id}", response_class=Response, responses=ANY_FILE)
async def download_attachment(
    reference: str,
    attachment_id: IntId,
    request: Request,
    viewer: ContactReader,
    session: DbSession,
) -> Response:
    origin = client_ip(request)
    found = await downloads.attachment(session, viewer, reference, attachment_id, origin)
    return download_response(found)


@router.get(
    "/{reference}/messages/{message_id}/raw", response_class=Response, responses=RAW_MESSAGE
)
async def download_raw_message(
    reference: str, message_id: IntId, request: Request, viewer: ContactReader, session: DbSession
) -> Response:
    """The message exactly as received or sent (RFC 5322, .eml)."""
    origin = client_ip(request)
    return download_response(
        await downloads.raw_message(session, viewer, reference, message_id, origin)
    )

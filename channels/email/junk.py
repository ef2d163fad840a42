"""Spam is kept apart from the queues: a junk row per message, never a contact.

The raw bytes are kept (a trafficer may release a false positive, which then goes
through intake as ordinary mail). Storing is idempotent on the mailbox UID.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.mail.parse import ParsedMail
from db.blobs import store_blob
from db.models.junk import JunkMail


async def store_junk(
    s: AsyncSession,
    raw: bytes,
    parsed: ParsedMail,
    mailbox: str,
    uidvalidity: int,
    uid: int,
    product_id: int,
) -> JunkMail:
    existing = await s.scalar(
        select(JunkMail).where(
            JunkMail.mailbox == mailbox,
            JunkMail.uidvalidity == uidvalidity,
            JunkMail.imap_uid == uid,
        )
    )
    if existing is not None:
        return existing
    junk = JunkMail(
        product_id=product_id,
        mailbox=mailbox,
        uidvalidity=uidvalidity,
        imap_uid=uid,
        raw_sha256=await store_blob(s, raw),
        from_address=(parsed.from_address or "")[:320],
        subject=(parsed.subject or "")[:998],
        reason=parsed.spam_reason[:200],
    )
    s.add(junk)
    await s.flush()
    return junk

"""Spam is kept apart from the queues: a junk row per message, never a contact.

The raw bytes are kept (a trafficer may release a false positive, which then goes
through intake as ordinary mail). Storing is idempotent on the mailbox UID.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.mail.parse import ParsedMail
from db.blobs import store_blob
from db.models.contacts import Blob, Direction, Message
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


async def release_junk(intake, session: AsyncSession, junk: JunkMail) -> int | None:
    """Take a junk mail in as ordinary mail (``intake``: a MailIntake); returns the
    stored message's id. Idempotent: a second release finds the message stored."""
    blob = await session.get(Blob, junk.raw_sha256) if junk.raw_sha256 else None
    if blob is None:
        return None
    await intake.handle(
        bytes(blob.data), junk.mailbox, junk.uidvalidity, junk.imap_uid, release=True
    )
    return await session.scalar(
        select(Message.id)
        .where(
            Message.direction == Direction.inbound,
            Message.mailbox == junk.mailbox,
            or_(
                (Message.uidvalidity == junk.uidvalidity) & (Message.imap_uid == junk.imap_uid),
                Message.dedupe_key == f"sha256:{junk.raw_sha256}",
            ),
        )
        .limit(1)
    )

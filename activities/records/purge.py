"""A destroyed record's personal data leaves PULSE."""

from __future__ import annotations

import logging

from sqlalchemy import delete, exists, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Attachment, Blob, Contact, Customer, Message

log = logging.getLogger(__name__)


async def purge_contact(s: AsyncSession, contact_id: int | None) -> dict:
    """Personal data of a destroyed record leaves PULSE: the contact with its
    messages, attachments, notes and history (cascades), the blobs nobody else
    uses, and the customer when this was their last contact."""
    if contact_id is None:
        return {"contact": "already gone"}
    contact = await s.get(Contact, contact_id)
    if contact is None:
        return {"contact": "already gone"}
    customer_id = contact.customer_id
    shas = set(
        (
            await s.execute(
                select(Message.raw_sha256).where(
                    Message.contact_id == contact_id, Message.raw_sha256.is_not(None)
                )
            )
        ).scalars()
    )
    shas |= set(
        (
            await s.execute(
                select(Attachment.sha256)
                .join(Message, Message.id == Attachment.message_id)
                .where(Message.contact_id == contact_id, Attachment.sha256.is_not(None))
            )
        ).scalars()
    )
    await s.execute(delete(Contact).where(Contact.id == contact_id))
    blobs_gone = 0
    for sha in shas:
        still_used = await s.scalar(
            select(
                or_(
                    exists().where(Message.raw_sha256 == sha),
                    exists().where(Attachment.sha256 == sha),
                )
            )
        )
        if not still_used:
            async with s.begin_nested():  # another area may still point at it
                try:
                    await s.execute(delete(Blob).where(Blob.sha256 == sha))
                    blobs_gone += 1
                except Exception:  # noqa: BLE001 - kept; reported in the audit detail
                    log.warning("blob %s kept: still referenced", sha[:12])
    customer = "kept"
    if customer_id is not None:
        others = await s.scalar(select(exists().where(Contact.customer_id == customer_id)))
        if not others:
            try:
                async with s.begin_nested():
                    await s.execute(delete(Customer).where(Customer.id == customer_id))
                customer = "removed"
            except Exception:  # noqa: BLE001
                customer = "kept: still referenced"
    return {"blobs_removed": blobs_gone, "customer": customer}

"""What goes into the DMS for one contact: its messages as .eml with their
attachments, a PDF summary and a metadata file."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.dms import DmsDocument, RecordMeta
from adapters.dms.local import safe
from adapters.dms.pdf import text_pdf
from adapters.mail.compose import compose_message
from db.models.contacts import (
    Attachment,
    Blob,
    Contact,
    ContactEvent,
    ContactReason,
    Customer,
    CustomerEmail,
    Direction,
    Message,
    Note,
    Product,
    utcnow,
)


async def build_record(
    s: AsyncSession, contact: Contact, mail_domain: str
) -> tuple[RecordMeta, list[DmsDocument]]:
    """The record of a closed contact: every message as .eml with its attachments,
    a PDF summary and a metadata file listing them all with their checksums."""
    product = await s.get(Product, contact.product_id)
    messages = (
        (
            await s.execute(
                select(Message)
                .where(Message.contact_id == contact.id)
                .order_by(Message.created_at, Message.id)
            )
        )
        .scalars()
        .all()
    )
    closed_on = (contact.closed_at or utcnow()).date()
    meta = RecordMeta(
        reference=contact.reference,
        product_code=product.code,
        channel=contact.channel,
        closed_on=closed_on,
        title=f"Klantcontact {contact.reference}",
    )
    documents: list[DmsDocument] = []
    listing = []
    for n, msg in enumerate(messages, start=1):
        eml = await _eml(s, contact, product, msg, mail_domain)
        name = f"{n:03d}-{'in' if msg.direction == Direction.inbound else 'uit'}-{msg.id}.eml"
        documents.append(DmsDocument(name, "message/rfc822", eml, "message", msg.subject))
        listing.append({"message_id": msg.id, "file": name, "direction": msg.direction})
        rows = await s.execute(
            select(Attachment, Blob.data)
            .join(Blob, Blob.sha256 == Attachment.sha256, isouter=True)
            .where(Attachment.message_id == msg.id)
            .order_by(Attachment.id)
        )
        for att, data in rows.all():
            if data is None:  # over the size limit at intake: recorded, not kept
                listing.append({"attachment_id": att.id, "not_kept": True})
                continue
            att_name = f"{n:03d}-bijlage-{att.id}-{safe(att.filename)}"
            documents.append(DmsDocument(att_name, att.content_type, data, "attachment"))
    summary = await _summary_text(s, contact, product, messages)
    documents.append(
        DmsDocument(
            "samenvatting.pdf",
            "application/pdf",
            text_pdf(meta.title, summary, contact.closed_at),
            "summary",
            meta.title,
        )
    )
    metadata = {
        "reference": contact.reference,
        "product": product.code,
        "channel": contact.channel,
        "subject": contact.subject,
        "created_at": contact.created_at.isoformat() if contact.created_at else None,
        "closed_at": contact.closed_at.isoformat() if contact.closed_at else None,
        "customer_id": contact.customer_id,
        "documents": [
            {"file": d.name, "kind": d.kind, "sha256": hashlib.sha256(d.data).hexdigest()}
            for d in documents
        ],
        "thread": listing,
    }
    documents.append(
        DmsDocument(
            "metadata.json",
            "application/json",
            json.dumps(metadata, indent=2, ensure_ascii=False).encode(),
            "metadata",
        )
    )
    return meta, documents


async def _eml(
    s: AsyncSession, contact: Contact, product: Product, msg: Message, mail_domain: str
) -> bytes:
    if msg.raw_sha256:
        blob = await s.get(Blob, msg.raw_sha256)
        if blob is not None:
            return bytes(blob.data)
    rows = await s.execute(
        select(Attachment, Blob.data)
        .join(Blob, Blob.sha256 == Attachment.sha256)
        .where(Attachment.message_id == msg.id)
    )
    email = compose_message(
        from_name=msg.from_name or product.name,
        from_address=msg.from_address or product.reply_from,
        to=[a for a in (msg.to_addresses or "").split(",") if a.strip()],
        subject=msg.subject,
        reference=contact.reference,
        text_body=msg.text_body,
        signature="",
        parent_message_id=msg.in_reply_to,
        parent_references=(msg.references or "").split(),
        auto_reply=msg.is_acknowledgement,
        message_id=msg.message_id_header,
        domain=mail_domain,
        attachments=[(a.filename, a.content_type, data) for a, data in rows.all()],
    )
    return bytes(email)


async def _summary_text(
    s: AsyncSession, contact: Contact, product: Product, messages: list[Message]
) -> str:
    customer = await s.get(Customer, contact.customer_id) if contact.customer_id else None
    emails = []
    if customer is not None:
        emails = (
            (
                await s.execute(
                    select(CustomerEmail.address).where(CustomerEmail.customer_id == customer.id)
                )
            )
            .scalars()
            .all()
        )
    reason = None
    if contact.close_reason_id:
        reason = await s.get(ContactReason, contact.close_reason_id)
    notes = (
        (await s.execute(select(Note).where(Note.contact_id == contact.id).order_by(Note.id)))
        .scalars()
        .all()
    )
    events = (
        (
            await s.execute(
                select(ContactEvent)
                .where(ContactEvent.contact_id == contact.id)
                .order_by(ContactEvent.at, ContactEvent.id)
            )
        )
        .scalars()
        .all()
    )
    lines = [
        f"Klantcontact {contact.reference}",
        f"Product: {product.name} ({product.code})   Kanaal: {contact.channel}",
        f"Onderwerp: {contact.subject}",
        f"Ontvangen: {contact.created_at:%Y-%m-%d %H:%M} UTC" if contact.created_at else "",
        f"Gesloten: {contact.closed_at:%Y-%m-%d %H:%M} UTC" if contact.closed_at else "",
        f"Contactreden: {reason.label_nl}" if reason else "",
        f"Klant: {customer.display_name} <{', '.join(emails)}>" if customer else "Klant: -",
        "",
        "Berichten",
        "=========",
    ]
    for msg in messages:
        who = msg.from_address or ("KCC" if msg.direction == Direction.outbound else "-")
        when = msg.sent_date or msg.sent_at or msg.created_at
        lines += [
            "",
            f"[{'in' if msg.direction == Direction.inbound else 'uit'}] {when:%Y-%m-%d %H:%M} "
            f"van {who}",
            f"Onderwerp: {msg.subject}",
            "",
            msg.text_body or "(geen tekst)",
        ]
    if notes:
        lines += ["", "Interne notities", "================"]
        lines += [f"- {n.created_at:%Y-%m-%d %H:%M}: {n.body}" for n in notes]
    lines += ["", "Verloop", "======="]
    lines += [f"- {e.at:%Y-%m-%d %H:%M} {e.kind}" for e in events]
    return "\n".join(lines)

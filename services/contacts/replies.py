"""Replies to the customer: where one goes, its subject and threading, and the draft
the API stores before the contact's workflow sends it.

Each rule exists once: ``customer_address`` (where a reply or letter goes),
``adapters.mail.compose.reply_subject`` (the subject) and ``reply_thread`` (the
In-Reply-To and References the draft stores and the send uses as stored).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import HTTPException, UploadFile
from sqlalchemy import desc, func, text
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.mail.compose import new_message_id, reply_subject, thread_headers
from config.settings import Settings
from db.blobs import store_blob
from db.models.contacts import (
    Attachment,
    Contact,
    CustomerEmail,
    Direction,
    Message,
    Product,
    SendStatus,
    utcnow,
)
from services import audit
from services.access import Viewer


@dataclass(frozen=True)
class ReplyAddress:
    """Where a reply goes (``to`` is None: no address of the customer is known) and
    the customer's last message, which the reply answers (None: none yet).
    ``unconfirmed``: the last message came from an address the customer is not
    known by; replies go there only once the agent confirmed it."""

    to: str | None
    last_inbound: Message | None
    unconfirmed: str | None = None


class NoAddressKnown(HTTPException):
    """422: nobody to send the reply to."""

    def __init__(self) -> None:
        super().__init__(422, "No e-mail address of the customer is known for this contact.")


class PayloadTooLarge(HTTPException):
    def __init__(self, filename: str, limit: int) -> None:
        super().__init__(413, f"Attachment {filename!r} is larger than {limit // 1024} KiB.")


async def _last_inbound(session: AsyncSession, contact: Contact) -> Message | None:
    """The customer's last message (an out-of-office or a bounce is not one)."""
    return await session.scalar(
        select(Message)
        .where(
            Message.contact_id == contact.id,
            Message.direction == Direction.inbound,
            Message.machine_kind == "",
        )
        .order_by(desc(Message.created_at), desc(Message.id))
        .limit(1)
    )


async def _known_addresses(session: AsyncSession, contact: Contact) -> list[str]:
    if contact.customer_id is None:
        return []
    rows = await session.scalars(
        select(CustomerEmail.address)
        .where(CustomerEmail.customer_id == contact.customer_id)
        .order_by(CustomerEmail.id)
    )
    return list(rows.all())


async def _last_known_sender(
    session: AsyncSession, contact: Contact, known: list[str]
) -> str | None:
    return await session.scalar(
        select(Message.from_address)
        .where(
            Message.contact_id == contact.id,
            Message.direction == Direction.inbound,
            Message.from_address.in_(known),
        )
        .order_by(desc(Message.created_at), desc(Message.id))
        .limit(1)
    )


async def customer_address(session: AsyncSession, contact: Contact) -> ReplyAddress:
    """Where a reply goes: the address the agent confirmed for this contact; else the
    sender of the last inbound message when the customer is known by it; else the
    customer's address that last wrote here, or their first known one. A new
    sender's address is never taken silently (a stranger may have joined the
    thread): it is ``unconfirmed`` until the agent confirms it. The client cannot
    choose an address (no mail to arbitrary people)."""
    last_in = await _last_inbound(session, contact)
    if contact.confirmed_address:
        return ReplyAddress(contact.confirmed_address, last_in)
    sender = last_in.from_address if last_in is not None else None
    if contact.customer_id is None:
        return ReplyAddress(sender, last_in)
    known = await _known_addresses(session, contact)
    if sender and sender in known:
        return ReplyAddress(sender, last_in)
    to = await _last_known_sender(session, contact, known) if known else None
    return ReplyAddress(to or (known[0] if known else None), last_in, sender)


class NotASender(HTTPException):
    def __init__(self) -> None:
        super().__init__(422, "Only an address that wrote on this contact can be confirmed.")


async def confirm_reply_address(
    session: AsyncSession, viewer: Viewer, contact: Contact, address: str, origin: str | None
) -> None:
    """The agent checked a new sender: replies on this contact go to it from now on.
    Only an address that wrote on this contact can be chosen."""
    address = address.strip().lower()
    wrote = await session.scalar(
        select(Message.id)
        .where(
            Message.contact_id == contact.id,
            Message.direction == Direction.inbound,
            Message.from_address == address,
        )
        .limit(1)
    )
    if wrote is None:
        raise NotASender()
    contact.confirmed_address = address[:320]
    session.add(contact)
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="contact.reply_address.confirm",
        object_type="contact",
        object_id=contact.id,
        origin=origin,
        detail={"reference": contact.reference},
    )
    await session.commit()


def reply_thread(parent: Message | None) -> tuple[str | None, str | None]:
    """(In-Reply-To, References) of a reply to ``parent`` as a message row stores them
    (ids without angle brackets, References space-separated)."""
    if parent is None:
        return None, None
    in_reply_to, chain = thread_headers(parent.message_id_header, (parent.references or "").split())
    return in_reply_to, " ".join(chain) or None


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(upload.filename or "?", limit)
    return data


async def _draft(
    session: AsyncSession, settings: Settings, viewer: Viewer, contact: Contact, text: str
) -> Message:
    address = await customer_address(session, contact)
    if address.to is None:
        raise NoAddressKnown()
    product = await session.get(Product, contact.product_id)
    in_reply_to, references = reply_thread(address.last_inbound)
    return Message(
        contact_id=contact.id,
        direction=Direction.outbound,
        send_status=SendStatus.draft,
        author_id=viewer.id,
        subject=reply_subject(contact.subject),
        text_body=text,
        to_addresses=address.to,
        from_address=product.reply_from if product else None,
        message_id_header=new_message_id(settings.mail_domain),
        in_reply_to_id=address.last_inbound.id if address.last_inbound else None,
        in_reply_to=in_reply_to,
        references=references,
    )


# A second click with the same reply within this time is the same reply: its draft,
# and so the same Update id (Temporal runs one Update id once per workflow).
SAME_REPLY_WINDOW = timedelta(minutes=10)
ONE_DRAFT_AT_A_TIME = text("SELECT pg_advisory_xact_lock(hashtext(:k))")


async def same_reply(
    session: AsyncSession, viewer: Viewer, contact: Contact, text: str, attachments: int
) -> Message | None:
    """The viewer's draft of this very reply from a moment ago (a repeated click, or
    a retry after "busy" or "queued"), whatever became of it since."""
    counted = (
        select(func.count())
        .select_from(Attachment)
        .where(Attachment.message_id == Message.id)
        .scalar_subquery()
    )
    return await session.scalar(
        select(Message)
        .where(
            Message.contact_id == contact.id,
            Message.direction == Direction.outbound,
            Message.author_id == viewer.id,
            Message.is_acknowledgement.is_(False),
            Message.text_body == text,
            Message.created_at > utcnow() - SAME_REPLY_WINDOW,
            Message.send_status != SendStatus.failed,
            counted == attachments,
        )
        .order_by(desc(Message.id))
        .limit(1)
    )


async def store_reply_draft(
    session: AsyncSession,
    settings: Settings,
    viewer: Viewer,
    contact: Contact,
    text: str,
    uploads: list[UploadFile],
    origin: str | None,
) -> Message:
    """The reply as a draft with its attachments (committed); the workflow sends it.
    The same reply again from a moment ago is its earlier draft."""
    if not text.strip():
        raise HTTPException(422, "A reply needs text.")
    chosen = [u for u in uploads if u.filename]
    # Two clicks at once: the second waits for the first's draft (held until commit).
    await session.execute(ONE_DRAFT_AT_A_TIME, {"k": f"reply:{contact.id}:{viewer.id}"})
    earlier = await same_reply(session, viewer, contact, text, len(chosen))
    if earlier is not None:
        return earlier
    contents = [await read_upload(u, settings.attachment_max_bytes) for u in chosen]
    message = await _draft(session, settings, viewer, contact, text)
    session.add(message)
    await session.flush()
    for upload, data in zip(chosen, contents, strict=True):
        session.add(
            Attachment(
                message_id=message.id,
                filename=(upload.filename or "bijlage")[:500],
                content_type=(upload.content_type or "application/octet-stream")[:200],
                size=len(data),
                sha256=await store_blob(session, data),
            )
        )
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="contact.reply.draft",
        object_type="message",
        object_id=message.id,
        origin=origin,
        detail={"reference": contact.reference, "attachments": len(chosen)},
    )
    await session.commit()
    return message


async def keep_refused_draft(session: AsyncSession, message: Message, reason: str) -> None:
    """A reply the workflow refused is kept as 'failed' with the reason (not silently lost)."""
    message.send_status = SendStatus.failed
    message.send_error = f"refused: {reason}"[:2000]
    session.add(message)
    await session.commit()

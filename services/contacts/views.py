"""What the contact page and the JSON API read: one contact with its thread, notes,
history and close reasons (the read is audited), and who may be given it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import desc
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import (
    Accreditation,
    Attachment,
    Contact,
    ContactEvent,
    ContactPublic,
    Message,
    Note,
    Product,
    ProductPublic,
    User,
)
from services import audit
from services.access import WORK_CONTACTS, Viewer, get_contact_for_user
from services.contacts.reasons import active_reason_tree
from services.contacts.replies import customer_address


class AttachmentOut(SQLModel):
    id: int
    filename: str
    content_type: str
    size: int
    inline: bool
    too_large: bool
    download_url: str | None


class MessageOut(SQLModel):
    id: int
    direction: str
    send_status: str
    from_address: str | None
    from_name: str | None
    to_addresses: str | None
    cc_addresses: str | None
    subject: str
    sent_date: datetime | None
    created_at: datetime
    sent_at: datetime | None
    text_body: str
    html_sanitized: str | None
    parse_error: str | None
    is_acknowledgement: bool
    author_id: int | None
    author_name: str | None = None
    raw_url: str | None
    attachments: list[AttachmentOut] = []


class NoteOut(SQLModel):
    id: int
    author_id: int
    author_name: str | None
    body: str
    created_at: datetime


class EventOut(SQLModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    kind: str
    detail: dict[str, Any]
    target_name: str | None = None  # "assigned": the person it went to


class ReasonOut(SQLModel):
    id: int
    code: str
    label_nl: str
    label_en: str
    parent_id: int | None = None
    depth: int = 0  # in the product's tree of reasons (the close list indents by it)


class MailChecks(SQLModel):
    """What the agent must check before trusting the thread (channels/email/threading.py)."""

    mentions_reference: str | None = None  # this mail named that contact, may not join it
    reply_to: str | None = None  # where a reply goes now
    unconfirmed_address: str | None = None  # a new sender: replies go there once confirmed
    reply_undelivered: bool = False  # a bounce said a reply did not arrive


class ContactDetail(SQLModel):
    contact: ContactPublic
    product: ProductPublic
    assignee_name: str | None
    messages: list[MessageOut]
    notes: list[NoteOut]
    events: list[EventOut]
    reasons: list[ReasonOut]
    mail_checks: MailChecks = MailChecks()


class UserRef(SQLModel):
    id: int
    full_name: str


async def _names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = await session.exec(select(User.id, User.full_name).where(User.id.in_(user_ids)))  # type: ignore[attr-defined]
    return dict(rows.all())


async def _messages(session: AsyncSession, contact: Contact) -> list[Message]:
    rows = await session.exec(
        select(Message)
        .where(Message.contact_id == contact.id)
        .order_by(Message.created_at, Message.id)
    )
    return list(rows.all())


async def _attachments(session: AsyncSession, message_ids: list[int]) -> list[Attachment]:
    if not message_ids:
        return []
    rows = await session.exec(
        select(Attachment)
        .where(Attachment.message_id.in_(message_ids))  # type: ignore[attr-defined]
        .order_by(Attachment.id)
    )
    return list(rows.all())


async def _notes(session: AsyncSession, contact: Contact) -> list[Note]:
    rows = await session.exec(select(Note).where(Note.contact_id == contact.id).order_by(Note.id))
    return list(rows.all())


async def _events(session: AsyncSession, contact: Contact) -> list[ContactEvent]:
    rows = await session.exec(
        select(ContactEvent)
        .where(ContactEvent.contact_id == contact.id)
        .order_by(desc(ContactEvent.at), desc(ContactEvent.id))
    )
    return list(rows.all())


def _attachment_out(reference: str, a: Attachment) -> AttachmentOut:
    url = None if a.sha256 is None else f"/api/contacts/{reference}/attachments/{a.id}"
    return AttachmentOut(**a.model_dump(), download_url=url)


def _message_out(reference: str, m: Message, files: list[Attachment], names) -> MessageOut:
    raw = f"/api/contacts/{reference}/messages/{m.id}/raw" if m.raw_sha256 else None
    return MessageOut(
        **m.model_dump(warnings=False),
        author_name=names.get(m.author_id),
        raw_url=raw,
        attachments=[_attachment_out(reference, a) for a in files],
    )


async def reasons_for(session: AsyncSession, product_id: int) -> list[ReasonOut]:
    """The product's active reasons as a tree: each one followed by those under it."""
    tree = await active_reason_tree(session, product_id)
    return [ReasonOut(**r.model_dump(), depth=depth) for r, depth in tree]


def _target_id(event: ContactEvent) -> int | None:
    target = (event.detail or {}).get("to_user_id")
    return target if isinstance(target, int) else None


def _people(contact: Contact, messages, notes, events) -> set[int]:
    people = {m.author_id for m in messages} | {n.author_id for n in notes}
    people |= {e.actor_id for e in events} | {contact.assignee_id}
    people |= {_target_id(e) for e in events}
    return {p for p in people if p is not None}


async def _audit_read(session: AsyncSession, viewer: Viewer, reference: str, origin) -> None:
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="contact.read",
        object_type="contact",
        object_id=reference,
        origin=origin,
    )
    await session.commit()


async def load_contact_detail(
    session: AsyncSession, viewer: Viewer, reference: str, origin: str | None
) -> ContactDetail:
    """Everything the contact page shows; the read itself is audited (BIO)."""
    contact = await get_contact_for_user(session, viewer, reference)
    product = await session.get(Product, contact.product_id)
    messages = await _messages(session, contact)
    files = await _attachments(session, [m.id for m in messages])
    notes = await _notes(session, contact)
    events = await _events(session, contact)
    names = await _names(session, _people(contact, messages, notes, events))
    by_message: dict[int, list[Attachment]] = {}
    for a in files:
        by_message.setdefault(a.message_id, []).append(a)
    await _audit_read(session, viewer, reference, origin)
    return ContactDetail(
        contact=ContactPublic.model_validate(contact),
        product=ProductPublic.model_validate(product),
        assignee_name=names.get(contact.assignee_id),
        messages=[_message_out(reference, m, by_message.get(m.id, []), names) for m in messages],
        notes=[NoteOut(**n.model_dump(), author_name=names.get(n.author_id)) for n in notes],
        events=[
            EventOut(
                **e.model_dump(),
                actor_name=names.get(e.actor_id),
                target_name=names.get(_target_id(e)),
            )
            for e in events
        ],
        reasons=await reasons_for(session, contact.product_id),
        mail_checks=await _mail_checks(session, viewer, contact),
    )


async def _mail_checks(session: AsyncSession, viewer: Viewer, contact: Contact) -> MailChecks:
    if contact.channel != "email":
        return MailChecks()
    mentioned = None
    if contact.mentions_contact_id is not None:
        target = await session.get(Contact, contact.mentions_contact_id)
        if target is not None and viewer.may_see_product(target.product_id):
            mentioned = target.reference
    address = await customer_address(session, contact)
    return MailChecks(
        mentions_reference=mentioned,
        reply_to=address.to,
        unconfirmed_address=address.unconfirmed,
        reply_undelivered=contact.reply_undelivered,
    )


async def assignable_users(session: AsyncSession, product_id: int) -> list[UserRef]:
    """People a trafficer may give this contact to: active workers accredited for it."""
    rows = await session.exec(
        select(User.id, User.full_name)
        .join(Accreditation, Accreditation.user_id == User.id)
        .where(
            Accreditation.product_id == product_id,
            User.is_active,
            User.role.in_([str(r) for r in WORK_CONTACTS]),  # type: ignore[attr-defined]
        )
        .order_by(User.full_name)
    )
    return [UserRef(id=i, full_name=n) for i, n in rows.all()]

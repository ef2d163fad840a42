"""What the contact routes share (HTML and JSON): loading a contact's view and the
people's decisions, which go to the contact's workflow as Temporal Updates.

The API decides only *who may ask* (role, accreditation, valid input); whether the
contact can be claimed, replied to or closed is the workflow's decision, and its
validator's refusal is passed back to the person as HTTP 409.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from fastapi import HTTPException, UploadFile
from sqlalchemy import desc
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from adapters.mail.compose import new_message_id
from api.routes.admin.reasons import as_tree
from config.settings import Settings
from contracts.contact import DecisionResult, contact_workflow_id
from db.blobs import store_blob
from db.events import LiveEvent, publish
from db.models.contacts import (
    Accreditation,
    Attachment,
    Contact,
    ContactEvent,
    ContactPublic,
    ContactReason,
    CustomerEmail,
    Direction,
    Message,
    Note,
    Product,
    ProductPublic,
    SendStatus,
    User,
)
from services import audit
from services.access import WORK_CONTACTS, Viewer, get_contact_for_user
from services.contacts.reasons import check_close_reason  # noqa: F401
from services.decisions import DecisionRefused, refusal_body  # noqa: F401

log = logging.getLogger(__name__)


# --- response models ---------------------------------------------------------------


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


class ContactDetail(SQLModel):
    contact: ContactPublic
    product: ProductPublic
    assignee_name: str | None
    messages: list[MessageOut]
    notes: list[NoteOut]
    events: list[EventOut]
    reasons: list[ReasonOut]


class UserRef(SQLModel):
    id: int
    full_name: str


# --- reading ------------------------------------------------------------------------


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
    rows = await session.exec(
        select(ContactReason).where(ContactReason.product_id == product_id, ContactReason.active)
    )
    return [ReasonOut.model_validate(r.model_dump()) for r in as_tree(list(rows.all()))]


def _target_id(event: ContactEvent) -> int | None:
    target = (event.detail or {}).get("to_user_id")
    return target if isinstance(target, int) else None


async def load_contact_detail(
    session: AsyncSession, viewer: Viewer, reference: str, origin: str | None
) -> ContactDetail:
    """Everything the contact page shows; the read itself is audited (BIO)."""
    contact = await get_contact_for_user(session, viewer, reference)
    product = await session.get(Product, contact.product_id)
    messages = await _messages(session, contact)
    files = await _attachments(session, [m.id for m in messages])
    notes = (
        await session.exec(select(Note).where(Note.contact_id == contact.id).order_by(Note.id))
    ).all()
    events = (
        await session.exec(
            select(ContactEvent)
            .where(ContactEvent.contact_id == contact.id)
            .order_by(desc(ContactEvent.at), desc(ContactEvent.id))
        )
    ).all()
    people = {m.author_id for m in messages} | {n.author_id for n in notes}
    people |= {e.actor_id for e in events} | {contact.assignee_id}
    people |= {_target_id(e) for e in events}
    names = await _names(session, {p for p in people if p is not None})
    by_message: dict[int, list[Attachment]] = {}
    for a in files:
        by_message.setdefault(a.message_id, []).append(a)
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


# --- deciding (Temporal Updates) --------------------------------------------------------


def _refusal_text(exc: WorkflowUpdateFailedError) -> str:
    cause = exc.cause
    return str(getattr(cause, "message", "") or cause or exc)


def _refusal_code(exc: WorkflowUpdateFailedError) -> str | None:
    cause = exc.cause
    return cause.type if isinstance(cause, ApplicationError) else None


async def send_decision(client: Client, reference: str, update: str, arg: Any) -> DecisionResult:
    """Execute an Update on the contact's workflow; refusals become DecisionRefused."""
    handle = client.get_workflow_handle(contact_workflow_id(reference))
    try:
        return await handle.execute_update(update, arg, result_type=DecisionResult)
    except WorkflowUpdateFailedError as exc:
        raise DecisionRefused(_refusal_text(exc), _refusal_code(exc)) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise DecisionRefused(
                "This contact is no longer active in the workflow.", "ContactNotActive"
            ) from exc
        log.warning("Temporal refused %s on %s: %s", update, reference, exc)
        raise HTTPException(503, "The workflow engine did not answer; try again.") from exc


async def audit_decision(
    session: AsyncSession,
    viewer: Viewer,
    reference: str,
    action: str,
    origin,
    result: str,
    detail: dict[str, Any] | None = None,
) -> None:
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=f"contact.{action}",
        object_type="contact",
        object_id=reference,
        result=result,
        origin=origin,
        detail=detail,
    )
    await session.commit()


async def decide(
    session: AsyncSession,
    client: Client,
    viewer: Viewer,
    reference: str,
    update: str,
    arg: Any,
    origin: str | None,
    detail: dict[str, Any] | None = None,
) -> DecisionResult:
    """Send one decision and audit its outcome, whatever it is."""
    try:
        result = await send_decision(client, reference, update, arg)
    except DecisionRefused as exc:
        await audit_decision(
            session,
            viewer,
            reference,
            update,
            origin,
            "refused",
            {**(detail or {}), "reason": str(exc)[:500], "code": exc.code},
        )
        raise
    await audit_decision(session, viewer, reference, update, origin, "ok", detail)
    return result


# --- validating input the API is responsible for ------------------------------------------


async def check_assignee(session: AsyncSession, contact: Contact, user_id: int) -> None:
    if user_id not in {u.id for u in await assignable_users(session, contact.product_id)}:
        raise HTTPException(422, "This person is not accredited for the contact's product.")


# --- notes (plain data, no workflow) -----------------------------------------------------


async def add_note(
    session: AsyncSession, viewer: Viewer, contact: Contact, body: str, origin: str | None
) -> Note:
    body = body.strip()
    if not body:
        raise HTTPException(422, "A note needs text.")
    note = Note(contact_id=contact.id, author_id=viewer.id, body=body)
    session.add(note)
    await session.flush()
    session.add(
        ContactEvent(
            contact_id=contact.id, actor_id=viewer.id, kind="note", detail={"note_id": note.id}
        )
    )
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="contact.note",
        object_type="contact",
        object_id=contact.reference,
        origin=origin,
        detail={"note_id": note.id},
    )
    await publish(
        session,
        LiveEvent(
            kind="contact",
            contact_id=contact.id,
            product_id=contact.product_id,
            reference=contact.reference,
            status=str(contact.status),
            assignee_id=contact.assignee_id,
        ),
    )
    await session.commit()
    return note


# --- replies: the API stores the draft, the workflow sends it ----------------------------


class PayloadTooLarge(HTTPException):
    def __init__(self, filename: str, limit: int) -> None:
        super().__init__(413, f"Attachment {filename!r} is larger than {limit // 1024} KiB.")


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(upload.filename or "?", limit)
    return data


async def customer_address(session: AsyncSession, contact: Contact) -> tuple[str, Message | None]:
    """Where a reply goes: the sender of the last inbound message, else the customer's
    first known address. The client cannot choose it (no mail to arbitrary people)."""
    last_in = (
        await session.exec(
            select(Message)
            .where(Message.contact_id == contact.id, Message.direction == Direction.inbound)
            .order_by(desc(Message.created_at), desc(Message.id))
            .limit(1)
        )
    ).first()
    if last_in is not None and last_in.from_address:
        return last_in.from_address, last_in
    if contact.customer_id is not None:
        known = (
            await session.exec(
                select(CustomerEmail.address)
                .where(CustomerEmail.customer_id == contact.customer_id)
                .order_by(CustomerEmail.id)
            )
        ).first()
        if known:
            return known, last_in
    raise HTTPException(422, "No e-mail address of the customer is known for this contact.")


def reply_subject(subject: str) -> str:
    return subject if subject.lower().startswith(("re:", "antw:")) else f"Re: {subject}".strip()


async def store_reply_draft(
    session: AsyncSession,
    settings: Settings,
    viewer: Viewer,
    contact: Contact,
    text: str,
    uploads: list[UploadFile],
    origin: str | None,
) -> Message:
    if not text.strip():
        raise HTTPException(422, "A reply needs text.")
    chosen = [u for u in uploads if u.filename]
    contents = [await read_upload(u, settings.attachment_max_bytes) for u in chosen]
    to_address, last_in = await customer_address(session, contact)
    product = await session.get(Product, contact.product_id)
    message = Message(
        contact_id=contact.id,
        direction=Direction.outbound,
        send_status=SendStatus.draft,
        author_id=viewer.id,
        subject=reply_subject(contact.subject),
        text_body=text,
        to_addresses=to_address,
        from_address=product.reply_from if product else None,
        message_id_header=new_message_id(settings.mail_domain),
        in_reply_to=last_in.message_id_header if last_in else None,
        references=(last_in.references or "") + " " + (last_in.message_id_header or "")
        if last_in
        else None,
    )
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


async def discard_refused_draft(session: AsyncSession, message: Message, reason: str) -> None:
    """A reply the workflow refused is kept as 'failed' with the reason (not silently lost)."""
    message.send_status = SendStatus.failed
    message.send_error = f"refused: {reason}"[:2000]
    session.add(message)
    await session.commit()

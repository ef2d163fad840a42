"""An agent's phone state and screen pop, the service side: which queues of their
products they may join, the AMI actions that change their state (audited whatever
Asterisk answered), and what a screen pop shows about the caller."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import HTTPException
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.ami.client import AmiClient, AmiError
from db.models.contacts import Contact, ContactReason, Customer, Product, Task
from db.models.phone import PhoneCall, PhoneLine
from services import audit
from services.access import Viewer, get_contact_for_user


async def my_lines(session: AsyncSession, viewer: Viewer) -> list[tuple[Product, PhoneLine]]:
    """The phone lines of the active products the viewer is accredited for."""
    rows = await session.exec(
        select(Product, PhoneLine)
        .join(PhoneLine, PhoneLine.product_id == Product.id)
        .where(col(Product.id).in_(viewer.product_ids), Product.active)
        .order_by(Product.code)
    )
    return list(rows.all())


async def _audit_ami(
    session: AsyncSession, viewer: Viewer, action: str, detail: dict, result: str, origin
) -> None:
    await audit.record_for(
        session,
        viewer,
        f"phone.{action}",
        "user",
        viewer.id,
        result=result,
        origin=origin,
        detail=detail,
    )


async def sign_in(
    session: AsyncSession,
    ami: AmiClient,
    viewer: Viewer,
    interface: str,
    product_ids: list[int] | None,
    origin: str | None,
) -> list[str]:
    """QueueAdd to the queues of the chosen (accredited) products; the queues joined."""
    lines = await my_lines(session, viewer)
    if product_ids is not None:
        lines = [(p, line) for p, line in lines if p.id in set(product_ids)]
    if not lines:
        raise HTTPException(422, "No phone line of a product you are accredited for.")
    queues = [line.queue for _, line in lines]
    try:
        for queue in queues:
            try:
                await ami.queue_add(queue, interface, viewer.username)
            except AmiError as exc:
                if "Already there" not in str(exc):
                    raise
    except AmiError as exc:
        await _audit_ami(session, viewer, "sign_in", {"queues": queues}, "failed", origin)
        raise HTTPException(503, f"The telephone exchange refused: {exc}") from exc
    await _audit_ami(session, viewer, "sign_in", {"queues": queues}, "ok", origin)
    return queues


async def pause(
    session: AsyncSession,
    ami: AmiClient,
    viewer: Viewer,
    interface: str,
    paused: bool,
    reason: str,
    origin: str | None,
) -> dict:
    """QueuePause in all the agent's queues, with a reason (or unpause)."""
    detail = {"paused": paused, "reason": reason}
    try:
        await ami.queue_pause(interface, paused, reason)
    except AmiError as exc:
        await _audit_ami(session, viewer, "pause", detail, "failed", origin)
        raise HTTPException(409 if "not found" in str(exc).lower() else 503, str(exc)) from exc
    await _audit_ami(session, viewer, "pause", detail, "ok", origin)
    return detail


async def sign_out(
    session: AsyncSession, ami: AmiClient, viewer: Viewer, interface: str, origin: str | None
) -> list[str]:
    """QueueRemove from every queue of the agent's products; the queues left."""
    queues = [line.queue for _, line in await my_lines(session, viewer)]
    removed = []
    try:
        for queue in queues:
            try:
                await ami.queue_remove(queue, interface)
                removed.append(queue)
            except AmiError as exc:
                if "Not there" not in str(exc):
                    raise
    except AmiError as exc:
        await _audit_ami(session, viewer, "sign_out", {"queues": removed}, "failed", origin)
        raise HTTPException(503, f"The telephone exchange refused: {exc}") from exc
    await _audit_ami(session, viewer, "sign_out", {"queues": removed}, "ok", origin)
    return removed


async def open_phone_tasks(session: AsyncSession, viewer: Viewer) -> tuple[list, list]:
    """The viewer's unfinished wrap-ups, and the open callbacks of their products."""
    wrapups = (
        await session.exec(
            select(Task)
            .where(Task.assignee_id == viewer.id, Task.kind == "wrapup", Task.status != "done")
            .order_by(Task.created_at)
        )
    ).all()
    callbacks = (
        await session.exec(
            select(Task)
            .where(
                Task.kind == "callback",
                Task.status == "open",
                col(Task.product_id).in_(viewer.product_ids),
            )
            .order_by(Task.created_at)
            .limit(50)
        )
    ).all()
    return list(wrapups), list(callbacks)


async def call_for(
    session: AsyncSession, viewer: Viewer, reference: str
) -> tuple[Contact, PhoneCall]:
    """A phone contact the viewer may see, with its call (409 for another channel)."""
    contact = await get_contact_for_user(session, viewer, reference)
    call = (await session.exec(select(PhoneCall).where(PhoneCall.contact_id == contact.id))).first()
    if call is None:
        raise HTTPException(409, "This contact is no phone call.")
    return contact, call


@dataclass
class ScreenPop:
    contact: Contact
    call: PhoneCall
    customer: Customer | None
    history: list[Contact] = field(default_factory=list)
    reasons: list[ContactReason] = field(default_factory=list)


async def _caller_history(
    session: AsyncSession, viewer: Viewer, customer: Customer, contact: Contact
) -> list[Contact]:
    rows = await session.exec(
        select(Contact)
        .where(
            Contact.customer_id == customer.id,
            col(Contact.product_id).in_(viewer.product_ids),
            Contact.id != contact.id,
        )
        .order_by(col(Contact.created_at).desc())
        .limit(20)
    )
    return list(rows.all())


async def screen_pop(
    session: AsyncSession, viewer: Viewer, reference: str, origin: str | None
) -> ScreenPop:
    """The caller of a call: matched customer, their contacts in the viewer's products,
    and the active reasons of the call's product (the look is audited)."""
    contact, call = await call_for(session, viewer, reference)
    customer = await session.get(Customer, call.customer_id) if call.customer_id else None
    history = await _caller_history(session, viewer, customer, contact) if customer else []
    reasons = (
        await session.exec(
            select(ContactReason).where(
                ContactReason.product_id == contact.product_id, ContactReason.active
            )
        )
    ).all()
    await audit.record_for(
        session,
        viewer,
        "phone.screen_pop",
        "contact",
        reference,
        origin=origin,
        detail={"customer_id": call.customer_id},
    )
    return ScreenPop(contact, call, customer, history, list(reasons))

"""The phone decisions of an agent on a call: wrap-up and call back. Each goes to the
call's ContactWorkflow as an Update (services.decisions maps a refusal) and leaves
one audit line."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from contracts.contact import contact_workflow_id
from contracts.phone import CallbackRequest, CallbackResult, WrapUpRequest, WrapUpResult
from db.models.contacts import Contact, Note
from services.access import Viewer
from services.contacts.reasons import check_close_reason
from services.decisions import DecisionRefused, audit_decision, decide_audited, send_update
from workflows.contact.workflow import ContactWorkflow


async def _add_note(session: AsyncSession, contact: Contact, viewer: Viewer, text: str):
    if not text.strip():
        return None
    note = Note(contact_id=contact.id, author_id=viewer.id, body=text.strip())
    session.add(note)
    await session.commit()
    return note


async def wrap_up(
    session: AsyncSession,
    client: Client,
    viewer: Viewer,
    contact: Contact,
    *,
    reason_id: int,
    note_text: str,
    linked: Contact | None,
    origin: str | None,
) -> WrapUpResult:
    """After-call work: a reason that may close a contact (the same rule as the normal
    close), an optional note, optionally a link to an existing contact."""
    await check_close_reason(session, contact, reason_id)
    note = await _add_note(session, contact, viewer, note_text)
    linked_id = linked.id if linked else None
    request = WrapUpRequest(viewer.id, reason_id, note.id if note else None, linked_id)
    try:
        return await decide_audited(
            session,
            client,
            viewer,
            workflow_id=contact_workflow_id(contact.reference),
            update=ContactWorkflow.wrap_up,
            arg=request,
            action="contact.wrap_up",
            object_type="contact",
            object_id=contact.reference,
            origin=origin,
            detail={"reason_id": reason_id, "linked": linked.reference if linked else None},
        )
    except DecisionRefused:
        if note is not None:  # the decision did not happen: neither did its note
            await session.delete(note)
            await session.commit()
        raise


async def call_back(
    session: AsyncSession, client: Client, viewer: Viewer, contact: Contact, origin: str | None
) -> CallbackResult:
    """Asterisk rings the agent's phone, then the customer; the outcome is audited."""
    reference = contact.reference
    try:
        result = await send_update(
            client,
            contact_workflow_id(reference),
            ContactWorkflow.call_back,
            CallbackRequest(viewer.id),
        )
    except DecisionRefused as exc:
        detail = {"outcome": None, "reason": str(exc)[:500], "code": exc.code}
        await audit_decision(
            session, viewer, "contact.call_back", "contact", reference, "refused", origin, detail
        )
        raise
    detail = {"outcome": result.outcome}
    await audit_decision(
        session, viewer, "contact.call_back", "contact", reference, "ok", origin, detail
    )
    return result

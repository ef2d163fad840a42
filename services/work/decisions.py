"""The line decisions on a contact -- escalate, answer back (or hand back), mark a
complaint, extend its term, change priority -- and assigning in bulk, each handled
once for the JSON API and the HTML form alike.

They go to the contact's workflow as Updates exactly like claim and reply: the API
checks who may ask (role, accreditation, line), the workflow decides. The question
or answer is a note; a refused decision takes its note back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from contracts.contact import DecisionResult
from contracts.work import (
    AnswerRequest,
    ComplaintRequest,
    EscalateRequest,
    ExtendComplaintRequest,
    PriorityRequest,
)
from services.access import NotAccessible, Viewer, get_contact_for_user
from services.contacts.decisions import Asker, assign_checked, decide_on_contact
from services.contacts.notes import add_note_if_any, drop_note
from services.decisions import DecisionRefused
from workflows.contact.workflow import ContactWorkflow


async def _send(
    ask: Asker, reference: str, update: Callable[..., Any], arg: Any, detail=None
) -> DecisionResult:
    client = await ask.temporal()
    session, viewer, origin = ask.session, ask.viewer, ask.origin
    return await decide_on_contact(session, client, viewer, reference, update, arg, origin, detail)


async def _decide_with_note(
    ask: Asker,
    reference: str,
    update: Callable[..., Any],
    make_arg: Callable[[int | None], Any],
    text: str = "",
    detail: dict[str, Any] | None = None,
) -> DecisionResult:
    """Store the note (question, answer), then send the decision made with its id."""
    contact = await get_contact_for_user(ask.session, ask.viewer, reference)
    note_id = await add_note_if_any(ask.session, ask.viewer, contact, text, ask.origin)
    try:
        return await _send(ask, reference, update, make_arg(note_id), detail)
    except DecisionRefused:
        await drop_note(ask.session, note_id)
        raise


async def escalate(ask: Asker, reference: str, to_line: int, question: str) -> DecisionResult:
    """Ask a 2nd- or 3rd-line list a question; the contact waits on that list."""
    viewer_id = ask.viewer.id
    return await _decide_with_note(
        ask,
        reference,
        ContactWorkflow.escalate,
        lambda note: EscalateRequest(viewer_id, to_line, note),
        question,
        {"to_line": to_line},
    )


async def answer(
    ask: Asker, reference: str, text: str, hand_back: bool, to_line: int
) -> DecisionResult:
    """The line holding an escalation answers it (or hands it back) to the line before."""
    viewer_id = ask.viewer.id
    return await _decide_with_note(
        ask,
        reference,
        ContactWorkflow.answer_escalation,
        lambda note: AnswerRequest(viewer_id, note, hand_back, to_line),
        text,
    )


async def mark_complaint(ask: Asker, reference: str, text: str) -> DecisionResult:
    """Mark the contact a complaint: to the complaints list, with the Awb term."""
    viewer_id = ask.viewer.id
    return await _decide_with_note(
        ask,
        reference,
        ContactWorkflow.mark_complaint,
        lambda note: ComplaintRequest(viewer_id, note),
        text,
    )


async def extend_complaint(ask: Asker, reference: str) -> DecisionResult:
    """Extend the complaint term once by four weeks (a letter goes to the customer)."""
    viewer_id = ask.viewer.id
    return await _decide_with_note(
        ask,
        reference,
        ContactWorkflow.extend_complaint,
        lambda _: ExtendComplaintRequest(viewer_id),
    )


async def set_priority(ask: Asker, reference: str, priority: int) -> DecisionResult:
    """Move a contact up or down its list (breaches add to it)."""
    await get_contact_for_user(ask.session, ask.viewer, reference)
    arg = PriorityRequest(ask.viewer.id, priority)
    return await _send(ask, reference, ContactWorkflow.set_priority, arg, {"priority": priority})


class BulkItem(BaseModel):
    reference: str
    ok: bool
    code: str | None = None
    detail: str | None = None


async def _assign_one(
    session: AsyncSession, client: Client, viewer: Viewer, reference: str, user_id: int, origin
) -> BulkItem:
    try:
        await assign_checked(session, client, viewer, reference, user_id, origin)
    except NotAccessible:
        return BulkItem(reference=reference, ok=False, code="NotFound")
    except HTTPException as exc:
        return BulkItem(reference=reference, ok=False, code="Invalid", detail=str(exc.detail))
    except DecisionRefused as exc:
        return BulkItem(reference=reference, ok=False, code=exc.code, detail=str(exc))
    return BulkItem(reference=reference, ok=True)


async def assign_many(ask: Asker, references: list[str], user_id: int) -> list[BulkItem]:
    """Each contact is its own Update: one refusal (closed, moved line) does not stop
    the others, and each outcome is reported and audited."""
    client = await ask.temporal()
    return [
        await _assign_one(ask.session, client, ask.viewer, reference, user_id, ask.origin)
        for reference in dict.fromkeys(references)
    ]

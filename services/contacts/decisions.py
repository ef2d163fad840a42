"""The people's decisions on one contact, each handled once for the JSON API and
the HTML form alike: check access and input, send the Update to the contact's
workflow, audit the outcome. The routes only parse the request and render.

A refusal raises ``services.decisions.DecisionRefused`` (HTTP 409); a workflow
engine that does not answer raises ``EngineBusy`` (HTTP 503).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import HTTPException, UploadFile
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from config.settings import Settings
from contracts.contact import (
    AssignRequest,
    ClaimRequest,
    CloseRequest,
    DecisionResult,
    ReleaseRequest,
    ReplyRequest,
    contact_workflow_id,
)
from db.models.contacts import Contact, Note
from services.access import Viewer, get_contact_for_user
from services.contacts.notes import add_note
from services.contacts.reasons import check_close_reason
from services.contacts.replies import keep_refused_draft, store_reply_draft
from services.contacts.views import assignable_users
from services.decisions import DecisionRefused, audit_decision, decide_audited
from services.work.access import user_lines
from workflows.contact.workflow import ContactWorkflow


class Asker(Protocol):
    """Who asks for a decision, and with what (the API's RequestContext is one)."""

    viewer: Viewer
    session: AsyncSession
    settings: Settings

    @property
    def origin(self) -> str | None: ...

    async def temporal(self) -> Client: ...


@dataclass(frozen=True)
class ReplyOutcome:
    result: DecisionResult
    message_id: int


async def decide_on_contact(
    session: AsyncSession,
    client: Client,
    viewer: Viewer,
    reference: str,
    update: Callable[..., Any],
    arg: Any,
    origin: str | None,
    detail: dict[str, Any] | None = None,
    update_id: str | None = None,
) -> DecisionResult:
    """Send one Update (a ContactWorkflow method) and audit it as "contact.<update>"."""
    return await decide_audited(
        session,
        client,
        viewer,
        workflow_id=contact_workflow_id(reference),
        update=update,
        arg=arg,
        action=f"contact.{update.__name__}",  # the methods carry their Update's name
        object_type="contact",
        object_id=reference,
        origin=origin,
        detail=detail,
        update_id=update_id,
    )


async def audit_contact_decision(
    session: AsyncSession,
    viewer: Viewer,
    reference: str,
    action: str,
    origin: str | None,
    result: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """The audit line of a decision on a contact sent some other way (next task)."""
    await audit_decision(
        session, viewer, f"contact.{action}", "contact", reference, result, origin, detail
    )


async def _decide(
    ask: Asker,
    reference: str,
    update: Callable[..., Any],
    arg: Any,
    detail: dict[str, Any] | None = None,
    update_id: str | None = None,
) -> DecisionResult:
    client = await ask.temporal()
    return await decide_on_contact(
        ask.session, client, ask.viewer, reference, update, arg, ask.origin, detail, update_id
    )


async def _contact(ask: Asker, reference: str) -> Contact:
    return await get_contact_for_user(ask.session, ask.viewer, reference)


# --- the checks the API is responsible for ------------------------------------------


async def check_assignee(session: AsyncSession, contact: Contact, user_id: int) -> None:
    """The assignee must be an active worker accredited for the contact's product."""
    if user_id not in {u.id for u in await assignable_users(session, contact.product_id)}:
        raise HTTPException(422, "This person is not accredited for the contact's product.")


async def check_line_assignee(session: AsyncSession, contact: Contact, user_id: int) -> None:
    """The assignee must work the line the contact is on."""
    if contact.line not in await user_lines(session, user_id, contact.product_id):
        raise HTTPException(422, "This person does not work the line this contact is on.")


async def assign_checked(
    session: AsyncSession,
    client: Client,
    viewer: Viewer,
    reference: str,
    user_id: int,
    origin: str | None,
) -> DecisionResult:
    """Give the contact to ``user_id``: accredited for the product and on its line."""
    contact = await get_contact_for_user(session, viewer, reference)
    await check_assignee(session, contact, user_id)
    await check_line_assignee(session, contact, user_id)
    arg = AssignRequest(by_user_id=viewer.id, to_user_id=user_id, line=contact.line)
    detail = {"to_user_id": user_id}
    return await decide_on_contact(
        session, client, viewer, reference, ContactWorkflow.assign, arg, origin, detail
    )


# --- one handler per decision --------------------------------------------------------


async def claim(ask: Asker, reference: str) -> DecisionResult:
    """Take the contact; only on a line the viewer works for its product."""
    contact = await _contact(ask, reference)
    lines = await user_lines(ask.session, ask.viewer.id, contact.product_id)
    return await _decide(ask, reference, ContactWorkflow.claim, ClaimRequest(ask.viewer.id, lines))


async def release(ask: Asker, reference: str) -> DecisionResult:
    await _contact(ask, reference)
    return await _decide(
        ask, reference, ContactWorkflow.release, ReleaseRequest(user_id=ask.viewer.id)
    )


async def close(ask: Asker, reference: str, reason_id: int) -> DecisionResult:
    """Close with a reason of the contact's product that is still in use."""
    contact = await _contact(ask, reference)
    await check_close_reason(ask.session, contact, reason_id)
    arg = CloseRequest(user_id=ask.viewer.id, reason_id=reason_id)
    return await _decide(ask, reference, ContactWorkflow.close, arg, {"reason_id": reason_id})


async def assign(ask: Asker, reference: str, user_id: int) -> DecisionResult:
    client = await ask.temporal()
    return await assign_checked(ask.session, client, ask.viewer, reference, user_id, ask.origin)


async def note(ask: Asker, reference: str, body: str) -> Note:
    """An internal note: plain data, no workflow involved."""
    contact = await _contact(ask, reference)
    return await add_note(ask.session, ask.viewer, contact, body, ask.origin)


async def reply(ask: Asker, reference: str, text: str, uploads: list[UploadFile]) -> ReplyOutcome:
    """Store the draft first, then ask the workflow to send it; a refused draft is kept
    as failed with the reason. The Update id is the draft's: a repeated click finds
    the same draft (replies.same_reply), so it is the same Update, run once."""
    contact = await _contact(ask, reference)
    message = await store_reply_draft(
        ask.session, ask.settings, ask.viewer, contact, text, uploads, ask.origin
    )
    arg = ReplyRequest(user_id=ask.viewer.id, message_id=message.id)
    try:
        result = await _decide(
            ask,
            reference,
            ContactWorkflow.reply,
            arg,
            {"message_id": message.id},
            update_id=f"reply-{message.id}",
        )
    except DecisionRefused as exc:
        await keep_refused_draft(ask.session, message, str(exc))
        raise
    return ReplyOutcome(result, message.id)

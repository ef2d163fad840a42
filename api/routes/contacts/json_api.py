"""JSON API for one contact: read it, and the people's decisions on it.

Each decision is handled in services/contacts/decisions.py; this adapter parses the
body and shapes the answer. A refusal becomes 409 with its ``detail`` and ``code``
(api/errors.py), a silent workflow engine 503.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from sqlmodel import SQLModel

from api.deps import AssignContext, ReadContext, WorkContext
from api.validation import IntId
from contracts.contact import DecisionResult
from services.contacts import decisions
from services.contacts.views import ContactDetail, load_contact_detail

router = APIRouter(prefix="/api/contacts", tags=["contacts"])


REFUSED = {409: {"description": "The workflow refused the decision; `detail` says why."}}


class DecisionOut(SQLModel):
    status: str
    assignee_id: IntId | None = None


class NoteIn(SQLModel):
    body: str


class NoteCreated(SQLModel):
    id: int


class CloseIn(SQLModel):
    reason_id: IntId


class AssignIn(SQLModel):
    user_id: IntId


class ReplyOut(DecisionOut):
    message_id: IntId


def decision_out(result: DecisionResult) -> DecisionOut:
    return DecisionOut(status=result.status, assignee_id=result.assignee_id)


@router.get("/{reference}", response_model=ContactDetail)
async def get_contact(reference: str, ctx: ReadContext):
    """The contact with its messages, notes, history and the product's close reasons."""
    return await load_contact_detail(ctx.session, ctx.viewer, reference, ctx.origin)


@router.post("/{reference}/claim", response_model=DecisionOut, responses=REFUSED)
async def claim(reference: str, ctx: WorkContext):
    return decision_out(await decisions.claim(ctx, reference))


@router.post("/{reference}/release", response_model=DecisionOut, responses=REFUSED)
async def release(reference: str, ctx: WorkContext):
    return decision_out(await decisions.release(ctx, reference))


@router.post("/{reference}/close", response_model=DecisionOut, responses=REFUSED)
async def close(reference: str, body: CloseIn, ctx: WorkContext):
    return decision_out(await decisions.close(ctx, reference, body.reason_id))


@router.post("/{reference}/assign", response_model=DecisionOut, responses=REFUSED)
async def assign(reference: str, body: AssignIn, ctx: AssignContext):
    return decision_out(await decisions.assign(ctx, reference, body.user_id))


@router.post("/{reference}/notes", response_model=NoteCreated, status_code=201)
async def add_note(reference: str, body: NoteIn, ctx: WorkContext):
    """An internal note: plain data, stored by the API (the workflow is not involved)."""
    note = await decisions.note(ctx, reference, body.body)
    return NoteCreated(id=note.id)


@router.post(
    "/{reference}/reply",
    response_model=ReplyOut,
    responses={**REFUSED, 413: {"description": "An attachment is over the size limit."}},
)
async def reply(
    reference: str,
    ctx: WorkContext,
    text: Annotated[str, Form()],
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 - FastAPI copies defaults
):
    """Reply to the customer (multipart: ``text`` and optional ``files``). The draft is
    stored first; the workflow sends it and moves it from "sending" to "sent"."""
    outcome = await decisions.reply(ctx, reference, text, files)
    result = outcome.result
    return ReplyOut(
        status=result.status, assignee_id=result.assignee_id, message_id=outcome.message_id
    )

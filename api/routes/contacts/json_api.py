"""JSON API for one contact: read it, and the people's decisions on it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse
from sqlmodel import SQLModel

from api.deps import (
    Assigner,
    ContactReader,
    ContactWorker,
    DbSession,
    SettingsDep,
    TemporalClient,
    client_ip,
)
from api.routes.contacts import ops
from api.routes.work.ops import check_line_assignee  # work area (issue 4)
from contracts.contact import (
    AssignRequest,
    ClaimRequest,
    CloseRequest,
    DecisionResult,
    ReleaseRequest,
    ReplyRequest,
)
from services.access import (
    Viewer,
    get_contact_for_user,
)
from services.work.access import user_lines  # work area (issue 4)

router = APIRouter(prefix="/api/contacts", tags=["contacts"])


REFUSED = {409: {"description": "The workflow refused the decision; `detail` says why."}}


class DecisionOut(SQLModel):
    status: str
    assignee_id: int | None = None


class NoteIn(SQLModel):
    body: str


class NoteCreated(SQLModel):
    id: int


class CloseIn(SQLModel):
    reason_id: int


class AssignIn(SQLModel):
    user_id: int


class ReplyOut(DecisionOut):
    message_id: int


def refused(exc: ops.DecisionRefused) -> JSONResponse:
    return JSONResponse(ops.refusal_body(exc), status_code=409)


def decision_out(result: DecisionResult) -> DecisionOut:
    return DecisionOut(status=result.status, assignee_id=result.assignee_id)


async def decide_or_refuse(
    session: DbSession,
    client: TemporalClient,
    viewer: Viewer,
    reference: str,
    update: str,
    arg: object,
    request: Request,
    detail: dict | None = None,
) -> DecisionOut | JSONResponse:
    """Send the decision to the contact's workflow: its result, or 409 with the refusal."""
    try:
        result = await ops.decide(
            session, client, viewer, reference, update, arg, client_ip(request), detail
        )
    except ops.DecisionRefused as exc:
        return refused(exc)
    return decision_out(result)


@router.get("/{reference}", response_model=ops.ContactDetail)
async def get_contact(reference: str, request: Request, viewer: ContactReader, session: DbSession):
    """The contact with its messages, notes, history and the product's close reasons."""
    return await ops.load_contact_detail(session, viewer, reference, client_ip(request))


@router.post("/{reference}/claim", response_model=DecisionOut, responses=REFUSED)
async def claim(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    contact = await get_contact_for_user(session, viewer, reference)
    lines = await user_lines(session, viewer.id, contact.product_id)  # work area: line check
    return await decide_or_refuse(
        session, client, viewer, reference, "claim", ClaimRequest(viewer.id, lines), request
    )


@router.post("/{reference}/release", response_model=DecisionOut, responses=REFUSED)
async def release(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    await get_contact_for_user(session, viewer, reference)
    return await decide_or_refuse(
        session, client, viewer, reference, "release", ReleaseRequest(user_id=viewer.id), request
    )


@router.post("/{reference}/close", response_model=DecisionOut, responses=REFUSED)
async def close(
    reference: str,
    body: CloseIn,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    contact = await get_contact_for_user(session, viewer, reference)
    await ops.check_close_reason(session, contact, body.reason_id)
    return await decide_or_refuse(
        session,
        client,
        viewer,
        reference,
        "close",
        CloseRequest(user_id=viewer.id, reason_id=body.reason_id),
        request,
        {"reason_id": body.reason_id},
    )


@router.post("/{reference}/assign", response_model=DecisionOut, responses=REFUSED)
async def assign(
    reference: str,
    body: AssignIn,
    request: Request,
    viewer: Assigner,
    session: DbSession,
    client: TemporalClient,
):
    contact = await get_contact_for_user(session, viewer, reference)
    await ops.check_assignee(session, contact, body.user_id)
    await check_line_assignee(session, contact, body.user_id)  # work area
    return await decide_or_refuse(
        session,
        client,
        viewer,
        reference,
        "assign",
        AssignRequest(by_user_id=viewer.id, to_user_id=body.user_id, line=contact.line),
        request,
        {"to_user_id": body.user_id},
    )


@router.post("/{reference}/notes", response_model=NoteCreated, status_code=201)
async def add_note(
    reference: str, body: NoteIn, request: Request, viewer: ContactWorker, session: DbSession
):
    """An internal note: plain data, stored by the API (the workflow is not involved)."""
    contact = await get_contact_for_user(session, viewer, reference)
    note = await ops.add_note(session, viewer, contact, body.body, client_ip(request))
    return NoteCreated(id=note.id)


@router.post(
    "/{reference}/reply",
    response_model=ReplyOut,
    responses={**REFUSED, 413: {"description": "An attachment is over the size limit."}},
)
async def reply(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    client: TemporalClient,
    text: Annotated[str, Form()],
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 - FastAPI copies defaults
):
    """Reply to the customer (multipart: ``text`` and optional ``files``). The draft is
    stored first; the workflow sends it and moves it from "sending" to "sent"."""
    contact = await get_contact_for_user(session, viewer, reference)
    origin = client_ip(request)
    message = await ops.store_reply_draft(session, settings, viewer, contact, text, files, origin)
    try:
        result = await ops.decide(
            session,
            client,
            viewer,
            reference,
            "reply",
            ReplyRequest(user_id=viewer.id, message_id=message.id),
            origin,
            {"message_id": message.id},
        )
    except ops.DecisionRefused as exc:
        await ops.discard_refused_draft(session, message, str(exc))
        return refused(exc)
    return ReplyOut(status=result.status, assignee_id=result.assignee_id, message_id=message.id)

"""The agent's contact page and its form posts (post / redirect / get).

Same rules and the same code paths as the JSON API (contact_ops); only the answer
differs: a redirect back to the page, or the page with the refusal (409).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse

from api.deps import (
    Assigner,
    ContactReader,
    ContactWorker,
    DbSession,
    SettingsDep,
    TemporalClient,
    client_ip,
)
from api.rendering import page_language, render
from api.routes.contacts import ops
from api.routes.work.ops import check_line_assignee  # work area (issue 4)
from contracts.contact import (
    AssignRequest,
    ClaimRequest,
    CloseRequest,
    ReleaseRequest,
    ReplyRequest,
)
from services.access import (
    ASSIGN_CONTACTS,
    Viewer,
    get_contact_for_user,
)
from services.work.access import user_lines  # work area (issue 4)
from ui.i18n import refusal_text

router = APIRouter(prefix="/contacts", tags=["contacts"], include_in_schema=False)


DONE_KEYS = {"claim", "release", "reply", "note", "close", "assign"}


async def contact_page(
    request: Request,
    viewer: Viewer,
    session,
    reference: str,
    status_code: int = 200,
    refused: ops.DecisionRefused | None = None,
    template: str = "contacts/contact.html",
):
    detail = await ops.load_contact_detail(session, viewer, reference, client_ip(request))
    error = None
    if refused is not None:  # in the person's language, by the refusal's type
        error = refusal_text(page_language(request, viewer), refused.code, str(refused))
    assignees = []
    if viewer.role in ASSIGN_CONTACTS:
        assignees = await ops.assignable_users(session, detail.contact.product_id)
    done = request.query_params.get("done")
    return render(
        request,
        template,
        viewer,
        status_code=status_code,
        d=detail,
        error=error,
        assignees=assignees,
        done=done if done in DONE_KEYS else None,
    )


def back_to(reference: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/contacts/{reference}?done={done}", status_code=303)


@router.get("/{reference}")
async def show_contact(reference: str, request: Request, viewer: ContactReader, session: DbSession):
    return await contact_page(request, viewer, session, reference)


@router.get("/{reference}/live")
async def contact_live_fragment(
    reference: str, request: Request, viewer: ContactReader, session: DbSession
):
    """The changing parts of the page, re-fetched on a live event: the thread, notes and
    history, and (in a <template>) the action panel, merged in by pulse.js."""
    return await contact_page(
        request, viewer, session, reference, template="contacts/_refresh.html"
    )


async def _decide_and_redirect(
    request: Request,
    viewer: Viewer,
    session,
    client,
    reference: str,
    update: str,
    arg,
    detail=None,
):
    try:
        await ops.decide(
            session, client, viewer, reference, update, arg, client_ip(request), detail
        )
    except ops.DecisionRefused as exc:
        return await contact_page(request, viewer, session, reference, 409, exc)
    return back_to(reference, update)


@router.post("/{reference}/claim")
async def claim(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    contact = await get_contact_for_user(session, viewer, reference)
    lines = await user_lines(session, viewer.id, contact.product_id)  # work area: line check
    return await _decide_and_redirect(
        request, viewer, session, client, reference, "claim", ClaimRequest(viewer.id, lines)
    )


@router.post("/{reference}/release")
async def release(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    await get_contact_for_user(session, viewer, reference)
    return await _decide_and_redirect(
        request, viewer, session, client, reference, "release", ReleaseRequest(user_id=viewer.id)
    )


@router.post("/{reference}/close")
async def close(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
    reason_id: Annotated[int, Form()],
):
    contact = await get_contact_for_user(session, viewer, reference)
    await ops.check_close_reason(session, contact, reason_id)
    return await _decide_and_redirect(
        request,
        viewer,
        session,
        client,
        reference,
        "close",
        CloseRequest(user_id=viewer.id, reason_id=reason_id),
        {"reason_id": reason_id},
    )


@router.post("/{reference}/assign")
async def assign(
    reference: str,
    request: Request,
    viewer: Assigner,
    session: DbSession,
    client: TemporalClient,
    user_id: Annotated[int, Form()],
):
    contact = await get_contact_for_user(session, viewer, reference)
    await ops.check_assignee(session, contact, user_id)
    await check_line_assignee(session, contact, user_id)  # work area
    return await _decide_and_redirect(
        request,
        viewer,
        session,
        client,
        reference,
        "assign",
        AssignRequest(by_user_id=viewer.id, to_user_id=user_id, line=contact.line),
        {"to_user_id": user_id},
    )


@router.post("/{reference}/notes")
async def add_note(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    body: Annotated[str, Form(max_length=20_000)],
):
    contact = await get_contact_for_user(session, viewer, reference)
    await ops.add_note(session, viewer, contact, body, client_ip(request))
    return back_to(reference, "note")


@router.post("/{reference}/reply")
async def reply(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    client: TemporalClient,
    text: Annotated[str, Form(max_length=200_000)],
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 - FastAPI copies defaults
):
    contact = await get_contact_for_user(session, viewer, reference)
    origin = client_ip(request)
    message = await ops.store_reply_draft(session, settings, viewer, contact, text, files, origin)
    try:
        await ops.decide(
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
        return await contact_page(request, viewer, session, reference, 409, exc)
    return back_to(reference, "reply")

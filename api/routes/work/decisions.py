"""Work area: the line decisions -- escalate, answer back (or hand back), mark a
complaint, extend its term -- as JSON and as forms.

They go to the contact's workflow as Updates through contact_ops, exactly like claim
and reply: the API checks who may ask (role, accreditation, line), the workflow
decides. The question or answer is a note; a refused decision takes its note back.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse
from jinja2 import pass_context
from pydantic import BaseModel, Field
from sqlalchemy import delete
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import ContactWorker, DbSession, TemporalClient, client_ip
from api.rendering import templates
from api.routes.contacts import ops
from api.routes.contacts.pages import back_to, contact_page
from contracts.work import (
    AnswerRequest,
    ComplaintRequest,
    EscalateRequest,
    ExtendComplaintRequest,
)
from db.models.contacts import Contact, ContactEvent, Note
from services.access import Viewer, get_contact_for_user
from ui import i18n

router = APIRouter(tags=["work"])

HOP_KINDS = ("escalated", "escalation_answered", "handed_back", "complaint_marked")


# --- escalation and complaints (JSON and forms) ----------------------------------------


class EscalateIn(BaseModel):
    to_line: int = Field(ge=2, le=3)
    question: str = Field(min_length=1, max_length=20_000)


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=20_000)
    hand_back: bool = False
    to_line: int = Field(default=0, ge=0, le=3)


class ComplaintIn(BaseModel):
    note: str = Field(default="", max_length=20_000)


class DecisionOut(BaseModel):
    status: str
    assignee_id: int | None = None


async def _note(session, viewer, contact, text: str, request: Request) -> int | None:
    if not text.strip():
        return None
    note = await ops.add_note(session, viewer, contact, text, client_ip(request))
    return note.id


async def _drop_note(session: AsyncSession, note_id: int | None) -> None:
    """The workflow refused the decision the note was written for: the question or
    answer did not happen, so neither does its note (the audit log keeps the try)."""
    if note_id is None:
        return
    await session.execute(
        delete(ContactEvent).where(
            ContactEvent.kind == "note", ContactEvent.detail["note_id"].as_integer() == note_id
        )
    )
    await session.execute(delete(Note).where(Note.id == note_id))
    await session.commit()


async def _decide(
    request: Request,
    viewer: Viewer,
    session: AsyncSession,
    client,
    contact: Contact,
    update: str,
    make_arg,
    text: str = "",
    detail: dict | None = None,
    html: bool = False,
):
    """Store the note (question, answer), send the decision; JSON or a redirect back,
    and on a refusal 409 (JSON, or the contact page with the reason)."""
    note_id = await _note(session, viewer, contact, text, request)
    try:
        result = await ops.decide(
            session,
            client,
            viewer,
            contact.reference,
            update,
            make_arg(note_id),
            client_ip(request),
            detail,
        )
    except ops.DecisionRefused as exc:
        await _drop_note(session, note_id)
        if html:
            return await contact_page(request, viewer, session, contact.reference, 409, exc)
        return JSONResponse(ops.refusal_body(exc), status_code=409)
    if html:
        return back_to(contact.reference, update)
    return DecisionOut(status=result.status, assignee_id=result.assignee_id)


REFUSED = {409: {"description": "The workflow refused the decision; `detail` says why."}}


@router.post("/api/contacts/{reference}/escalate", response_model=DecisionOut, responses=REFUSED)
async def api_escalate(
    reference: str,
    body: EscalateIn,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    """Ask a 2nd- or 3rd-line list a question; the contact waits on that list."""
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request,
        viewer,
        session,
        client,
        contact,
        "escalate",
        lambda note: EscalateRequest(viewer.id, body.to_line, note),
        body.question,
        {"to_line": body.to_line},
    )


@router.post("/api/contacts/{reference}/answer", response_model=DecisionOut, responses=REFUSED)
async def api_answer(
    reference: str,
    body: AnswerIn,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    """The line holding an escalation answers it (or hands it back) to the line before."""
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request,
        viewer,
        session,
        client,
        contact,
        "answer_escalation",
        lambda note: AnswerRequest(viewer.id, note, body.hand_back, body.to_line),
        body.answer,
    )


@router.post("/api/contacts/{reference}/complaint", response_model=DecisionOut, responses=REFUSED)
async def api_complaint(
    reference: str,
    body: ComplaintIn,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    """Mark the contact a complaint: to the complaints list, with the Awb term."""
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request,
        viewer,
        session,
        client,
        contact,
        "mark_complaint",
        lambda note: ComplaintRequest(viewer.id, note),
        body.note,
    )


@router.post(
    "/api/contacts/{reference}/complaint/extend", response_model=DecisionOut, responses=REFUSED
)
async def api_extend_complaint(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    """Extend the complaint term once by four weeks (a letter goes to the customer)."""
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request,
        viewer,
        session,
        client,
        contact,
        "extend_complaint",
        lambda _: ExtendComplaintRequest(viewer.id),
    )


@router.post("/contacts/{reference}/escalate", include_in_schema=False)
async def escalate_form(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
    to_line: Annotated[int, Form(ge=2, le=3)],
    question: Annotated[str, Form(min_length=1, max_length=20_000)],
):
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request,
        viewer,
        session,
        client,
        contact,
        "escalate",
        lambda note: EscalateRequest(viewer.id, to_line, note),
        question,
        {"to_line": to_line},
        html=True,
    )


@router.post("/contacts/{reference}/answer", include_in_schema=False)
async def answer_form(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
    answer: Annotated[str, Form(min_length=1, max_length=20_000)],
    hand_back: Annotated[bool, Form()] = False,
    to_line: Annotated[int, Form(ge=0, le=3)] = 0,
):
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request,
        viewer,
        session,
        client,
        contact,
        "answer_escalation",
        lambda note: AnswerRequest(viewer.id, note, hand_back, to_line),
        answer,
        html=True,
    )


@router.post("/contacts/{reference}/complaint", include_in_schema=False)
async def complaint_form(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
    note: Annotated[str, Form(max_length=20_000)] = "",
):
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request,
        viewer,
        session,
        client,
        contact,
        "mark_complaint",
        lambda note_id: ComplaintRequest(viewer.id, note_id),
        note,
        html=True,
    )


@router.post("/contacts/{reference}/complaint/extend", include_in_schema=False)
async def extend_form(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request,
        viewer,
        session,
        client,
        contact,
        "extend_complaint",
        lambda _: ExtendComplaintRequest(viewer.id),
        html=True,
    )


# --- the history: every hop between the lines ----------------------------------------


def line_name(language: str | None, line: int, queue: str, product: str) -> str:
    """ "2e lijn (BIG backoffice)": a line as the history names it."""
    key = f"work.hop.queue.{queue}" if queue else f"work.hop.line.{line}"
    text = i18n.lookup(language, key) or i18n.lookup(language, f"work.hop.line.{line}")
    return (text or str(line)).replace("{product}", product)


def hop_text(language: str | None, kind: str, detail: dict, actor, target, product: str):
    """The history line of a hop between the lines, from-line and to-line named;
    None for other steps (and for steps written before lines were recorded)."""
    if "to_line" in detail and "from_line" in detail and kind in HOP_KINDS:
        to_queue = detail.get("queue", "") if kind != "complaint_marked" else "complaints"
        names = {
            "from_line": line_name(language, detail["from_line"], "", product),
            "to_line": line_name(language, detail["to_line"], to_queue, product),
        }
    elif kind == "auto_assigned" and "line" in detail:
        names = {"to_line": line_name(language, detail["line"], detail.get("queue", ""), product)}
    else:
        return None
    text = i18n.lookup(language, f"event.{kind}.hop")
    if text is None:
        return None
    empty = i18n.MISSING_NAME
    return text.format(actor=actor or empty, target=target or empty, **names)


@pass_context
def _hop_label(ctx, event, product_code: str = "") -> str | None:
    return hop_text(
        ctx.get("lang"),
        event.kind,
        event.detail or {},
        event.actor_name,
        event.target_name,
        product_code,
    )


templates.env.globals["hop_label"] = _hop_label

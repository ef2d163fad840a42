"""The line decisions -- escalate, answer back (or hand back), mark a
complaint, extend its term -- as JSON and as forms, and how the history names the
hops between the lines.

Each decision is handled once in services/work/decisions.py; these adapters parse
the body or form and answer: JSON (a refusal is 409, api/errors.py), or a redirect
back to the contact page (a refusal: the page with the reason, 409).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from jinja2 import pass_context
from pydantic import BaseModel, Field

from api.deps import WorkContext
from api.rendering import templates
from api.routes.contacts.pages import answer_form
from api.validation import IntId
from contracts.contact import DecisionResult
from services.work import decisions
from ui import i18n

router = APIRouter(tags=["work"])

HOP_KINDS = ("escalated", "escalation_answered", "handed_back", "complaint_marked")


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
    assignee_id: IntId | None = None


def decision_out(result: DecisionResult) -> DecisionOut:
    return DecisionOut(status=result.status, assignee_id=result.assignee_id)


REFUSED = {409: {"description": "The workflow refused the decision; `detail` says why."}}


@router.post("/api/contacts/{reference}/escalate", response_model=DecisionOut, responses=REFUSED)
async def api_escalate(reference: str, body: EscalateIn, ctx: WorkContext):
    """Ask a 2nd- or 3rd-line list a question; the contact waits on that list."""
    return decision_out(await decisions.escalate(ctx, reference, body.to_line, body.question))


@router.post("/api/contacts/{reference}/answer", response_model=DecisionOut, responses=REFUSED)
async def api_answer(reference: str, body: AnswerIn, ctx: WorkContext):
    """The line holding an escalation answers it (or hands it back) to the line before."""
    result = await decisions.answer(ctx, reference, body.answer, body.hand_back, body.to_line)
    return decision_out(result)


@router.post("/api/contacts/{reference}/complaint", response_model=DecisionOut, responses=REFUSED)
async def api_complaint(reference: str, body: ComplaintIn, ctx: WorkContext):
    """Mark the contact a complaint: to the complaints list, with the Awb term."""
    return decision_out(await decisions.mark_complaint(ctx, reference, body.note))


@router.post(
    "/api/contacts/{reference}/complaint/extend", response_model=DecisionOut, responses=REFUSED
)
async def api_extend_complaint(reference: str, ctx: WorkContext):
    """Extend the complaint term once by four weeks (a letter goes to the customer)."""
    return decision_out(await decisions.extend_complaint(ctx, reference))


@router.post("/contacts/{reference}/escalate", include_in_schema=False)
async def escalate_form(
    reference: str,
    ctx: WorkContext,
    to_line: Annotated[int, Form(ge=2, le=3)],
    question: Annotated[str, Form(min_length=1, max_length=20_000)],
):
    decision = decisions.escalate(ctx, reference, to_line, question)
    return await answer_form(ctx, reference, "escalate", decision)


@router.post("/contacts/{reference}/answer", include_in_schema=False)
async def answer_escalation_form(
    reference: str,
    ctx: WorkContext,
    answer: Annotated[str, Form(min_length=1, max_length=20_000)],
    hand_back: Annotated[bool, Form()] = False,
    to_line: Annotated[int, Form(ge=0, le=3)] = 0,
):
    decision = decisions.answer(ctx, reference, answer, hand_back, to_line)
    return await answer_form(ctx, reference, "answer_escalation", decision)


@router.post("/contacts/{reference}/complaint", include_in_schema=False)
async def complaint_form(
    reference: str, ctx: WorkContext, note: Annotated[str, Form(max_length=20_000)] = ""
):
    decision = decisions.mark_complaint(ctx, reference, note)
    return await answer_form(ctx, reference, "mark_complaint", decision)


@router.post("/contacts/{reference}/complaint/extend", include_in_schema=False)
async def extend_form(reference: str, ctx: WorkContext):
    decision = decisions.extend_complaint(ctx, reference)
    return await answer_form(ctx, reference, "extend_complaint", decision)


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

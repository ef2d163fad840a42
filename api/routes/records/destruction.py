"""Destruction lists for the records manager: the lists, their certificates, and one
decision (approve or withhold an item) with a JSON and a form adapter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from temporalio.service import RPCError

from api.deps import DbSession, RecordsContext, RecordsManager, RequestContext
from api.rendering import render
from api.validation import IntId
from contracts.records import DESTRUCTION_SCHEDULE_ID
from services.decisions import DecisionRefused
from services.records import destruction

router = APIRouter(tags=["records"])


class DestructionItemOut(BaseModel):
    record_id: IntId
    reference: str
    product_code: str
    channel: str
    closed_at: datetime | None
    disposal_date: date | None
    legal_hold: bool
    decision: str
    reason: str


class DestructionListOut(BaseModel):
    id: int
    workflow_id: str
    status: str
    created_at: datetime
    items: list[DestructionItemOut]
    certificate_id: IntId | None = None


def list_out(view: destruction.ListView) -> DestructionListOut:
    dl = view.list
    return DestructionListOut(
        id=dl.id,
        workflow_id=dl.workflow_id,
        status=dl.status,
        created_at=dl.created_at,
        certificate_id=view.certificate_id,
        items=[
            DestructionItemOut(
                record_id=r.id,
                reference=r.reference,
                product_code=code,
                channel=r.channel,
                closed_at=r.closed_at,
                disposal_date=r.disposal_date,
                legal_hold=r.legal_hold,
                decision=i.decision,
                reason=i.reason,
            )
            for i, r, code in view.items
        ],
    )


async def _lists(session) -> list[DestructionListOut]:
    return [list_out(view) for view in await destruction.recent_lists(session)]


@router.get("/api/records/destruction-lists", response_model=list[DestructionListOut])
async def api_destruction_lists(viewer: RecordsManager, session: DbSession):
    return await _lists(session)


class DecisionIn(BaseModel):
    list_id: IntId
    record_id: IntId
    approve: bool
    reason: str = Field(default="", max_length=2000)


class DecisionOutBody(BaseModel):
    pending: int


async def _decide(ctx: RequestContext, body: DecisionIn) -> int:
    """The one handler of the decision (the JSON and the form adapter below)."""
    return await destruction.decide(
        ctx.session,
        await ctx.temporal(),
        ctx.viewer,
        list_id=body.list_id,
        record_id=body.record_id,
        approve=body.approve,
        reason=body.reason,
    )


@router.post(
    "/api/records/destruction/decide",
    response_model=DecisionOutBody,
    responses={409: {"description": "refused"}},
)
async def api_decide(body: DecisionIn, ctx: RecordsContext):
    """Approve or withhold one item of a destruction list (withholding needs a reason).
    A refusal is a 409 with its ``code`` (api/errors.py)."""
    return DecisionOutBody(pending=await _decide(ctx, body))


@router.get("/api/records/certificates", response_model=list[dict])
async def api_certificates(viewer: RecordsManager, session: DbSession):
    return [
        {
            "id": c.id,
            "list_id": c.list_id,
            "created_at": c.created_at.isoformat(),
            "sha256": c.sha256,
            "body": c.body,
        }
        for c in await destruction.certificates(session)
    ]


@router.get("/records/destruction", include_in_schema=False)
async def destruction_page(request: Request, viewer: RecordsManager, session: DbSession):
    return render(request, "records/destruction.html", viewer, lists=await _lists(session))


@router.post("/records/destruction/run", include_in_schema=False)
async def destruction_run_now(ctx: RecordsContext):
    """Build a destruction list now rather than wait for the daily run: the Schedule's
    own action, triggered (the workflow builds the list; the page shows it when done)."""
    try:
        await (await ctx.temporal()).get_schedule_handle(DESTRUCTION_SCHEDULE_ID).trigger()
    except RPCError:  # no schedule yet (the worker creates it) or Temporal unreachable
        return RedirectResponse("/records/destruction?run=failed", status_code=303)
    return RedirectResponse("/records/destruction?run=started", status_code=303)


@router.post("/records/destruction/decide", include_in_schema=False)
async def destruction_decide_form(
    ctx: RecordsContext,
    list_id: Annotated[IntId, Form()],
    record_id: Annotated[IntId, Form()],
    decision: Annotated[Literal["approve", "withhold"], Form()],
    reason: Annotated[str, Form()] = "",
):
    body = DecisionIn(
        list_id=list_id, record_id=record_id, approve=decision == "approve", reason=reason
    )
    try:
        await _decide(ctx, body)
    except DecisionRefused as exc:
        return render(
            ctx.request,
            "records/destruction.html",
            ctx.viewer,
            status_code=409,
            lists=await _lists(ctx.session),
            error=str(exc),
        )
    return RedirectResponse("/records/destruction?done=1", status_code=303)

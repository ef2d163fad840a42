"""Signal pages (HTML) and their JSON. Thin: parse, let services/signals check
access and change things, render or redirect. Bad input is a clear 400."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from api.deps import ReadContext, SupervisorContext
from api.rendering import render
from api.validation import IntId
from rules.signals import KINDS
from services.decisions import DecisionRefused
from services.reports.scope import visible_products
from services.signals.forward import FORWARDABLE, forward_signal
from services.signals.manage import (
    NEXT,
    STATUSES,
    BadSignalInput,
    NoSuchSignal,
    SignalFilter,
    add_note,
    change_status,
    list_signals,
    raise_from_contact,
    signal_detail,
)

router = APIRouter(tags=["signals"])
Note = Annotated[str, Form(max_length=4000)]


def _filter(status: str | None, kind: str | None, product: str | None) -> SignalFilter:
    if product and not product.isdigit():
        raise BadSignalInput("product must be a number.")
    return SignalFilter(status or None, kind or None, int(product) if product else None)


def _missing(exc: NoSuchSignal) -> HTTPException:
    return HTTPException(404, str(exc))


class RaiseBody(BaseModel):
    note: str = Field(min_length=1, max_length=4000)


@router.post("/api/contacts/{reference}/signals", status_code=201)
async def api_raise(reference: str, body: RaiseBody, ctx: ReadContext):
    """An agent's "this keeps coming back", with a note."""
    try:
        signal_id = await raise_from_contact(
            ctx.session, ctx.viewer, reference[:32], body.note, ctx.origin
        )
    except BadSignalInput as exc:
        return JSONResponse({"detail": str(exc)}, status_code=400)
    return {"id": signal_id}


@router.post("/contacts/{reference}/signal", include_in_schema=False)
async def raise_form(reference: str, ctx: ReadContext, note: Note = ""):
    try:
        await raise_from_contact(ctx.session, ctx.viewer, reference[:32], note, ctx.origin)
    except BadSignalInput as exc:
        raise HTTPException(400, str(exc)) from None
    return RedirectResponse(f"/contacts/{reference}?done=signal_raised", status_code=303)


@router.get("/api/signals")
async def api_list(
    ctx: SupervisorContext,
    status: Annotated[str | None, Query(max_length=20)] = None,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    product: Annotated[str | None, Query(max_length=12)] = None,
):
    try:
        rows = await list_signals(ctx.session, ctx.viewer, _filter(status, kind, product))
    except BadSignalInput as exc:
        return JSONResponse({"detail": str(exc)}, status_code=400)
    return [{**r, "day": r["day"].isoformat()} for r in rows]


@router.get("/signals", include_in_schema=False)
async def list_page(
    ctx: SupervisorContext,
    status: Annotated[str | None, Query(max_length=20)] = None,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    product: Annotated[str | None, Query(max_length=12)] = None,
):
    error, rows, filt = None, [], SignalFilter()
    try:
        filt = _filter(status, kind, product)
        rows = await list_signals(ctx.session, ctx.viewer, filt)
    except BadSignalInput as exc:
        error, filt = str(exc), SignalFilter()
    return render(
        ctx.request,
        "signals/index.html",
        ctx.viewer,
        status_code=400 if error else 200,
        rows=rows,
        filt=filt,
        error=error,
        statuses=STATUSES,
        kinds=KINDS,
        products=await visible_products(ctx.session, ctx.viewer),
    )


@router.get("/api/signals/{signal_id}")
async def api_detail(signal_id: IntId, ctx: SupervisorContext):
    try:
        d = await signal_detail(ctx.session, ctx.viewer, signal_id)
    except NoSuchSignal as exc:
        raise _missing(exc) from None
    s = d.signal
    return {
        "id": s.id,
        "kind": s.kind,
        "status": s.status,
        "product": d.product,
        "reason": d.reason,
        "day": s.day.isoformat(),
        "title": s.title,
        "figures": s.figures,
        "owner": d.owner,
        "notes": [{"body": n["body"], "author": n["author"]} for n in d.notes],
        "contacts": [c["reference"] for c in d.contacts],
        "forwarded_contact_id": s.forwarded_contact_id,
    }


@router.get("/signals/{signal_id}", include_in_schema=False)
async def detail_page(signal_id: IntId, ctx: SupervisorContext, done: str = ""):
    try:
        d = await signal_detail(ctx.session, ctx.viewer, signal_id)
    except NoSuchSignal as exc:
        raise _missing(exc) from None
    return render(
        ctx.request,
        "signals/detail.html",
        ctx.viewer,
        d=d,
        next_statuses=NEXT[d.signal.status],
        forwardable=d.signal.status in FORWARDABLE,
        done=done if done in ("status", "note", "forwarded") else "",
    )


def _back(signal_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/signals/{signal_id}?done={done}", status_code=303)


@router.post("/signals/{signal_id}/status", include_in_schema=False)
async def status_form(
    signal_id: IntId,
    ctx: SupervisorContext,
    status: Annotated[str, Form(max_length=20)],
    note: Note = "",
):
    try:
        await change_status(ctx.session, ctx.viewer, signal_id, status, note, ctx.origin)
    except NoSuchSignal as exc:
        raise _missing(exc) from None
    except BadSignalInput as exc:
        raise HTTPException(400, str(exc)) from None
    return _back(signal_id, "status")


@router.post("/signals/{signal_id}/notes", include_in_schema=False)
async def note_form(signal_id: IntId, ctx: SupervisorContext, note: Note = ""):
    try:
        await add_note(ctx.session, ctx.viewer, signal_id, note, ctx.origin)
    except NoSuchSignal as exc:
        raise _missing(exc) from None
    except BadSignalInput as exc:
        raise HTTPException(400, str(exc)) from None
    return _back(signal_id, "note")


@router.post("/signals/{signal_id}/forward", include_in_schema=False)
async def forward_form(signal_id: IntId, ctx: SupervisorContext, note: Note = ""):
    """To the product owner: a task on the product's 2nd-line list."""
    try:
        await forward_signal(ctx, signal_id, note)
    except NoSuchSignal as exc:
        raise _missing(exc) from None
    except BadSignalInput as exc:
        raise HTTPException(400, str(exc)) from None
    except DecisionRefused as exc:
        raise HTTPException(409, str(exc)) from None
    return _back(signal_id, "forwarded")

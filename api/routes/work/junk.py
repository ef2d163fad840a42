"""The junk view of a trafficer's products: spam the intake held apart, counted,
released into the queue (as ordinary mail) or deleted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from api.deps import AssignContext, Assigner, DbSession
from api.rendering import render
from channels.email.intake import MailIntake
from channels.email.junk import release_junk
from db.models.junk import JunkStatus
from services.contacts import junk as junk_service

router = APIRouter(tags=["junk"])


@router.get("/trafficer/junk", include_in_schema=False)
async def junk_page(
    request: Request,
    viewer: Assigner,
    session: DbSession,
    product: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
):
    counts = await junk_service.junk_counts(session, viewer)
    return render(
        request,
        "work/junk.html",
        viewer,
        counts=counts,
        codes={c.product_id: c.code for c in counts},
        items=await junk_service.waiting_junk(session, viewer, product),
        wanted=product,
        result=request.query_params.get("result", ""),
    )


@router.post("/trafficer/junk/{junk_id}/release", include_in_schema=False)
async def release(junk_id: Annotated[int, junk_service.JUNK_ID], ctx: AssignContext):
    junk = await junk_service.junk_for(ctx.session, ctx.viewer, junk_id)
    if junk.status == JunkStatus.junk:
        intake = MailIntake(ctx.request.app.state.sessionmaker, await ctx.temporal(), ctx.settings)
        junk.released_message_id = await release_junk(intake, ctx.session, junk)
        await junk_service.decide(ctx.session, ctx.viewer, junk, JunkStatus.released, ctx.origin)
    return RedirectResponse("/trafficer/junk?result=released", status_code=303)


@router.post("/trafficer/junk/{junk_id}/delete", include_in_schema=False)
async def delete(junk_id: Annotated[int, junk_service.JUNK_ID], ctx: AssignContext):
    junk = await junk_service.junk_for(ctx.session, ctx.viewer, junk_id)
    if junk.status == JunkStatus.junk:
        await junk_service.decide(ctx.session, ctx.viewer, junk, JunkStatus.deleted, ctx.origin)
    return RedirectResponse("/trafficer/junk?result=deleted", status_code=303)

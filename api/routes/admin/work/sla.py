"""Work setup: SLA policies per product x channel x line (admins only).

Targets are stored in working minutes (0: no target); the form takes working
hours and minutes ("16:00", "1:30", "8"). The empty channel is the product's
default; a channel's own policy beats it (activities/work.py ``_targets``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from api.deps import Admin, AdminContext, DbSession, RequestContext
from api.routes.admin.work.setup import api_change, form_change, screen
from api.validation import IntId
from services.admin.work_setup.common import products
from services.admin.work_setup.sla import (
    CHANNELS,
    LINES,
    SlaPolicyIn,
    SlaPolicyOut,
    as_working_time,
    delete_policy,
    list_policies,
    parse_working_time,
    policy_or_404,
    save_policy,
)

router = APIRouter(tags=["work setup"])


# --- pages ----------------------------------------------------------------------------


async def sla_page(
    ctx: RequestContext,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return await screen(
        ctx,
        "admin/work/sla.html",
        status_code,
        error=error,
        policies=await list_policies(ctx.session),
        products=await products(ctx.session),
        channels=CHANNELS,
        lines=LINES,
        as_working_time=as_working_time,
    )


@router.get("/admin/work/sla", include_in_schema=False)
async def show_sla(ctx: AdminContext):
    return await sla_page(ctx)


def _form_policy(product_id: IntId, channel: str, line: int, first: str, resolution: str):
    return SlaPolicyIn(
        product_id=product_id,
        channel=channel.strip(),
        line=line,
        first_response_minutes=parse_working_time(first),
        resolution_minutes=parse_working_time(resolution),
    )


async def _from_form(ctx, form_values, policy_id=None):
    await save_policy(ctx.session, ctx.viewer, ctx.origin, _form_policy(*form_values), policy_id)


@router.post("/admin/work/sla", include_in_schema=False)
async def create_sla_form(
    ctx: AdminContext,
    product_id: Annotated[IntId, Form()],
    line: Annotated[int, Form()],
    channel: Annotated[str, Form()] = "",
    first_response: Annotated[str, Form()] = "0",
    resolution: Annotated[str, Form()] = "0",
):
    values = (product_id, channel, line, first_response, resolution)
    change = _from_form(ctx, values)
    return await form_change(ctx, change, sla_page, "/admin/work/sla")


@router.post("/admin/work/sla/{policy_id}", include_in_schema=False)
async def update_sla_form(
    policy_id: IntId,
    ctx: AdminContext,
    line: Annotated[int, Form()],
    channel: Annotated[str, Form()] = "",
    first_response: Annotated[str, Form()] = "0",
    resolution: Annotated[str, Form()] = "0",
):
    product_id = (await policy_or_404(ctx.session, policy_id)).product_id
    values = (product_id, channel, line, first_response, resolution)
    change = _from_form(ctx, values, policy_id)
    return await form_change(ctx, change, sla_page, "/admin/work/sla")


@router.post("/admin/work/sla/{policy_id}/delete", include_in_schema=False)
async def delete_sla_form(policy_id: IntId, ctx: AdminContext):
    change = delete_policy(ctx.session, ctx.viewer, ctx.origin, policy_id)
    return await form_change(ctx, change, sla_page, "/admin/work/sla")


# --- JSON -----------------------------------------------------------------------------


@router.get("/api/admin/work/sla", response_model=list[SlaPolicyOut])
async def api_policies(viewer: Admin, session: DbSession):
    return await list_policies(session)


@router.post("/api/admin/work/sla", response_model=SlaPolicyOut, status_code=201)
async def api_create_policy(body: SlaPolicyIn, ctx: AdminContext):
    return await api_change(save_policy(ctx.session, ctx.viewer, ctx.origin, body))


@router.put("/api/admin/work/sla/{policy_id}", response_model=SlaPolicyOut)
async def api_update_policy(policy_id: IntId, body: SlaPolicyIn, ctx: AdminContext):
    return await api_change(save_policy(ctx.session, ctx.viewer, ctx.origin, body, policy_id))


@router.api_route("/api/admin/work/sla/{policy_id}", methods=["DELETE"], status_code=204)
async def api_delete_policy(policy_id: IntId, ctx: AdminContext):
    await api_change(delete_policy(ctx.session, ctx.viewer, ctx.origin, policy_id))
    return Response(status_code=204)

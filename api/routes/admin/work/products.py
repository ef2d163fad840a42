"""Work setup: per-product work settings (ProductWorkSettings) and automatic
assignment per product x line (QueueAutoAssign; no row = off)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from api.deps import Admin, AdminContext, DbSession, RequestContext
from api.routes.admin.work.setup import api_change, form_change, screen
from api.validation import IntId
from services.admin.work_setup.products import (
    LINES,
    MODES,
    AutoAssignIn,
    ProductWorkSettingsIn,
    ProductWorkSettingsOut,
    list_settings,
    save_auto_assign,
    save_settings,
)

router = APIRouter(tags=["work setup"])


# --- pages ----------------------------------------------------------------------------


def _page(template: str):
    async def page(
        ctx: RequestContext,
        error: str | None = None,
        status_code: int = 200,
    ) -> Response:
        return await screen(
            ctx,
            template,
            status_code,
            error=error,
            settings=await list_settings(ctx.session),
            lines=LINES,
            modes=MODES,
        )

    return page


settings_page = _page("admin/work/products.html")
queues_page = _page("admin/work/queues.html")


@router.get("/admin/work/products", include_in_schema=False)
async def show_settings(ctx: AdminContext):
    return await settings_page(ctx)


@router.post("/admin/work/products/{product_id}", include_in_schema=False)
async def settings_form(
    product_id: IntId,
    ctx: AdminContext,
    warn_percent: Annotated[int, Form()],
    raise_priority_on_breach: Annotated[int, Form()],
    waiting_reminder_days: Annotated[int, Form()],
    waiting_close_days: Annotated[int, Form()],
    direct_reply_lines: Annotated[list[int], Form()] = [],  # noqa: B006
):
    data = ProductWorkSettingsIn(
        warn_share=warn_percent / 100,
        raise_priority_on_breach=raise_priority_on_breach,
        direct_reply_lines=[1, *direct_reply_lines],  # the 1st line always replies
        waiting_reminder_days=waiting_reminder_days,
        waiting_close_days=waiting_close_days,
    )
    change = save_settings(ctx.session, ctx.viewer, ctx.origin, product_id, data)
    target = f"/admin/work/products#product-{product_id}"
    return await form_change(ctx, change, settings_page, target)


@router.get("/admin/work/queues", include_in_schema=False)
async def show_queues(ctx: AdminContext):
    return await queues_page(ctx)


@router.post("/admin/work/queues/{product_id}", include_in_schema=False)
async def queues_form(
    product_id: IntId,
    ctx: AdminContext,
    mode_1: Annotated[str, Form()] = "off",
    mode_2: Annotated[str, Form()] = "off",
    mode_3: Annotated[str, Form()] = "off",
):
    modes = {1: mode_1, 2: mode_2, 3: mode_3}
    change = save_auto_assign(ctx.session, ctx.viewer, ctx.origin, product_id, modes)
    return await form_change(ctx, change, queues_page, "/admin/work/queues")


# --- JSON -----------------------------------------------------------------------------


@router.get("/api/admin/work/products", response_model=list[ProductWorkSettingsOut])
async def api_settings(viewer: Admin, session: DbSession):
    return await list_settings(session)


@router.put("/api/admin/work/products/{product_id}", response_model=ProductWorkSettingsOut)
async def api_save_settings(
    product_id: IntId,
    body: ProductWorkSettingsIn,
    ctx: AdminContext,
):
    return await api_change(save_settings(ctx.session, ctx.viewer, ctx.origin, product_id, body))


@router.put(
    "/api/admin/work/products/{product_id}/auto-assign/{line}",
    response_model=ProductWorkSettingsOut,
)
async def api_save_auto_assign(
    product_id: IntId,
    line: IntId,
    body: AutoAssignIn,
    ctx: AdminContext,
):
    return await api_change(
        save_auto_assign(ctx.session, ctx.viewer, ctx.origin, product_id, {line: body.mode})
    )

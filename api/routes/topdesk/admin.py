"""GET/POST /admin/topdesk: each product's defaults for its incidents, and the
notice that TOPdesk refuses PULSE's login (with the incidents waiting for it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse
from sqlmodel import select

from api.deps import AdminContext
from api.rendering import render
from api.validation import IntId
from db.models.contacts import Product
from db.models.topdesk import TopdeskProductDefaults
from services.admin.reasons import product_or_404
from services.topdesk.defaults import defaults_for, lookups, save_defaults
from services.topdesk.incidents import retry_refused
from services.topdesk.views import login_refused

router = APIRouter(prefix="/admin/topdesk", tags=["topdesk"], include_in_schema=False)

LookupId = Annotated[str, Form(max_length=100)]


@router.get("")
async def topdesk_admin(ctx: AdminContext):
    products = list((await ctx.session.exec(select(Product).order_by(Product.code))).all())
    rows = [(p, await defaults_for(ctx.session, p.id)) for p in products]
    return render(
        ctx.request,
        "topdesk/admin.html",
        ctx.viewer,
        rows=rows,
        lists=await lookups(ctx.settings),
        refused=await login_refused(ctx.session),
        saved=ctx.request.query_params.get("saved") == "1",
        retried=ctx.request.query_params.get("retried") == "1",
        topdesk_on=bool(ctx.settings.topdesk_url),
    )


@router.post("/products/{product_id}")
async def save_product_defaults(
    product_id: IntId,
    ctx: AdminContext,
    category_id: LookupId = "",
    subcategory_id: LookupId = "",
    operator_group_id: LookupId = "",
):
    await product_or_404(ctx.session, product_id)
    chosen = TopdeskProductDefaults(
        product_id=product_id,
        category_id=category_id,
        subcategory_id=subcategory_id,
        operator_group_id=operator_group_id,
    )
    await save_defaults(ctx.session, ctx.viewer, product_id, chosen, ctx.origin)
    return RedirectResponse("/admin/topdesk?saved=1", status_code=303)


@router.post("/retry")
async def retry_now(ctx: AdminContext):
    """After fixing the login: the waiting incidents try again now, not at their timer."""
    await retry_refused(ctx.session, await ctx.temporal())
    return RedirectResponse("/admin/topdesk?retried=1", status_code=303)

"""Products and their phone lines for admins: the edit pages and the JSON API.
The changes themselves are in services/admin/products/; a refused change is a 422
(English JSON for the API, the page again in the admin's language for a form)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from api.deps import Admin, AdminContext, DbSession, RequestContext
from api.routes.admin.line_refresh import then_refresh_lines
from api.routes.admin.work.setup import api_change, form_change, screen
from api.validation import IntId
from services.admin.products.catalog import (
    ProductIn,
    ProductOut,
    create_product,
    get_product,
    update_product,
)
from services.admin.products.phone_lines import PhoneLineIn, PhoneLineOut, get_line, save_line
from services.admin.products.validation import URL_FIELDS

router = APIRouter(tags=["products"])

Text = Annotated[str, Form()]
OptionalText = Annotated[str, Form()]


def _product_form(
    code: Text,
    name: Text,
    mailbox: Text,
    reply_from: Text,
    name_en: OptionalText = "",
    signature: OptionalText = "",
    register_url_template: OptionalText = "",
    language: OptionalText = "nl",
    active: Annotated[bool, Form()] = False,
) -> ProductIn:
    return ProductIn(
        code=code,
        name=name,
        name_en=name_en,
        mailbox=mailbox,
        reply_from=reply_from,
        signature=signature,
        register_url_template=register_url_template,
        language=language,
        active=active,
    )


async def _product_page(
    ctx: RequestContext, product_id: int | None, error: str | None = None, status_code: int = 200
) -> Response:
    product = await get_product(ctx.session, product_id) if product_id else None
    return await screen(
        ctx,
        "admin/product_edit.html",
        status_code,
        error=error,
        product=product,
        url_fields=", ".join("{" + f + "}" for f in URL_FIELDS),
    )


@router.get("/admin/products/new", include_in_schema=False)
async def new_product_page(ctx: AdminContext):
    return await _product_page(ctx, None)


@router.post("/admin/products", include_in_schema=False)
async def create_product_form(
    ctx: AdminContext,
    code: Text,
    name: Text,
    mailbox: Text,
    reply_from: Text,
    name_en: OptionalText = "",
    signature: OptionalText = "",
    register_url_template: OptionalText = "",
    language: OptionalText = "nl",
    active: Annotated[bool, Form()] = False,
):
    data = _product_form(
        code, name, mailbox, reply_from, name_en, signature, register_url_template, language, active
    )
    outcome: dict[str, int] = {}

    async def change():
        outcome["id"] = (await create_product(ctx.session, ctx.viewer, ctx.origin, data)).id

    async def again(ctx, error=None, status_code=200):
        return await _product_page(ctx, None, error, status_code)

    response = await form_change(ctx, change(), again, "/admin/products")
    if "id" in outcome:
        response.headers["location"] = f"/admin/products/{outcome['id']}?saved=1"
    return response


@router.get("/admin/products/{product_id}", include_in_schema=False)
async def edit_product_page(product_id: IntId, ctx: AdminContext):
    return await _product_page(ctx, product_id)


@router.post("/admin/products/{product_id}", include_in_schema=False)
async def edit_product_form(
    product_id: IntId,
    ctx: AdminContext,
    code: Text,
    name: Text,
    mailbox: Text,
    reply_from: Text,
    name_en: OptionalText = "",
    signature: OptionalText = "",
    register_url_template: OptionalText = "",
    language: OptionalText = "nl",
    active: Annotated[bool, Form()] = False,
):
    data = _product_form(
        code, name, mailbox, reply_from, name_en, signature, register_url_template, language, active
    )
    change = update_product(ctx.session, ctx.viewer, ctx.origin, product_id, data)

    async def again(ctx, error=None, status_code=200):
        return await _product_page(ctx, product_id, error, status_code)

    return await form_change(ctx, change, again, f"/admin/products/{product_id}")


# --- phone line -----------------------------------------------------------------------


async def _line_page(
    ctx: RequestContext, product_id: int, error: str | None = None, status_code: int = 200
) -> Response:
    line = await get_line(ctx.session, product_id)
    return await screen(ctx, "admin/phone_line.html", status_code, error=error, line=line)


@router.get("/admin/products/{product_id}/phone-line", include_in_schema=False)
async def phone_line_page(product_id: IntId, ctx: AdminContext):
    return await _line_page(ctx, product_id)


@router.post("/admin/products/{product_id}/phone-line", include_in_schema=False)
async def phone_line_form(
    product_id: IntId,
    ctx: AdminContext,
    inbound_number: Text,
    queue: Text,
    welcome_prompt: OptionalText = "",
    closed_prompt: OptionalText = "",
    callback_enabled: Annotated[bool, Form()] = False,
    answer_within_seconds: OptionalText = "",
):
    within = answer_within_seconds.strip()

    async def again(ctx, error=None, status_code=200):
        return await _line_page(ctx, product_id, error, status_code)

    if within and not within.isdigit():
        within = "0"  # out of range: refused with the range in words
    data = PhoneLineIn(
        inbound_number=inbound_number,
        queue=queue,
        welcome_prompt=welcome_prompt,
        closed_prompt=closed_prompt,
        callback_enabled=callback_enabled,
        answer_within_seconds=int(within) if within else None,
    )
    change = then_refresh_lines(
        ctx, save_line(ctx.session, ctx.viewer, ctx.origin, product_id, data)
    )
    return await form_change(ctx, change, again, f"/admin/products/{product_id}/phone-line")


# --- JSON -----------------------------------------------------------------------------


@router.post("/api/admin/products", response_model=ProductOut, status_code=201)
async def api_create_product(body: ProductIn, ctx: AdminContext):
    return await api_change(create_product(ctx.session, ctx.viewer, ctx.origin, body))


@router.get("/api/admin/products/{product_id}", response_model=ProductOut)
async def api_product(product_id: IntId, viewer: Admin, session: DbSession):
    return await get_product(session, product_id)


@router.put("/api/admin/products/{product_id}", response_model=ProductOut)
async def api_update_product(product_id: IntId, body: ProductIn, ctx: AdminContext):
    return await api_change(update_product(ctx.session, ctx.viewer, ctx.origin, product_id, body))


@router.get("/api/admin/products/{product_id}/phone-line", response_model=PhoneLineOut)
async def api_phone_line(product_id: IntId, viewer: Admin, session: DbSession):
    return await get_line(session, product_id)


@router.put("/api/admin/products/{product_id}/phone-line", response_model=PhoneLineOut)
async def api_save_phone_line(product_id: IntId, body: PhoneLineIn, ctx: AdminContext):
    change = save_line(ctx.session, ctx.viewer, ctx.origin, product_id, body)
    return await api_change(then_refresh_lines(ctx, change))

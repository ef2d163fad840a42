"""Work setup: reply templates per product and language (list, create, edit,
deactivate). Templates are never deleted: switched off, they leave the agents'
list (and a letter falls back to its built-in text).

The {variables} a template may use are the ones that get filled:
- in the reply editor, ``fill_template`` (api/routes/work/templates.py): EDITOR_VARIABLES;
- in letters the workflow sends (codes of activities.work.BUILTIN_LETTERS, e.g. the
  waiting reminder), ``WorkActivities._letter_text``: LETTER_VARIABLES, in the
  title (the e-mail subject) too.
Anything else would reach the customer as written, so it is refused.
tests/test_work_admin.py checks EDITOR_VARIABLES against fill_template.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from activities.work import BUILTIN_LETTERS
from api.deps import Admin, AdminContext, DbSession, RequestContext
from api.routes.admin.work.setup import api_change, form_change, screen
from api.validation import IntId
from services.admin.work_setup.common import products
from services.admin.work_setup.templates import (
    EDITOR_VARIABLES,
    LANGUAGES,
    LETTER_VARIABLES,
    ReplyTemplateIn,
    ReplyTemplateOut,
    list_templates,
    save_template,
    template_or_404,
)

router = APIRouter(tags=["work setup"])

LETTER_CODES = tuple(sorted({code for code, _language in BUILTIN_LETTERS}))


# --- pages ----------------------------------------------------------------------------


def _context() -> dict:
    return {
        "languages": LANGUAGES,
        "editor_variables": EDITOR_VARIABLES,
        "letter_variables": LETTER_VARIABLES,
        "letter_codes": LETTER_CODES,
    }


async def templates_page(
    ctx: RequestContext,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    all_products = await products(ctx.session)
    wanted = ctx.request.query_params.get("product", "")
    current = next((p for p in all_products if str(p.id) == wanted), None)
    current = current or (all_products[0] if all_products else None)
    rows = await list_templates(ctx.session, current.id) if current else []
    return await screen(
        ctx,
        "admin/work/templates.html",
        status_code,
        error=error,
        products=all_products,
        current=current,
        templates=rows,
        **_context(),
    )


async def edit_page(
    ctx: RequestContext,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    template_id = int(ctx.request.path_params["template_id"])
    row = await template_or_404(ctx.session, template_id)
    codes = {p.id: p.code for p in await products(ctx.session)}
    shown = ReplyTemplateOut(**row.model_dump(), product_code=codes.get(row.product_id, ""))
    return await screen(
        ctx,
        "admin/work/template_edit.html",
        status_code,
        error=error,
        reply_template=shown,
        **_context(),
    )


@router.get("/admin/work/templates", include_in_schema=False)
async def show_templates(ctx: AdminContext):
    return await templates_page(ctx)


@router.post("/admin/work/templates", include_in_schema=False)
async def create_template_form(
    ctx: AdminContext,
    product_id: Annotated[IntId, Form()],
    code: Annotated[str, Form()],
    title: Annotated[str, Form()],
    body: Annotated[str, Form()],
    language: Annotated[str, Form()] = "nl",
):
    data = ReplyTemplateIn(
        product_id=product_id, language=language, code=code, title=title, body=body
    )
    change = save_template(ctx.session, ctx.viewer, ctx.origin, data, letter_codes=LETTER_CODES)
    target = f"/admin/work/templates?product={product_id}"
    return await form_change(ctx, change, templates_page, target)


@router.get("/admin/work/templates/{template_id}", include_in_schema=False)
async def show_template(template_id: IntId, ctx: AdminContext):
    return await edit_page(ctx)


@router.post("/admin/work/templates/{template_id}", include_in_schema=False)
async def update_template_form(
    template_id: IntId,
    ctx: AdminContext,
    title: Annotated[str, Form()],
    body: Annotated[str, Form()],
    language: Annotated[str, Form()] = "nl",
    active: Annotated[str, Form()] = "",
):
    row = await template_or_404(ctx.session, template_id)
    data = ReplyTemplateIn(
        product_id=row.product_id,
        language=language,
        code=row.code,
        title=title,
        body=body,
        active=bool(active),
    )
    change = save_template(
        ctx.session, ctx.viewer, ctx.origin, data, template_id, letter_codes=LETTER_CODES
    )
    response = await form_change(ctx, change, edit_page, "")
    if isinstance(response, RedirectResponse):  # saved: back to the product's list
        target = f"/admin/work/templates?product={data.product_id}&saved=1"
        return RedirectResponse(target, status_code=303)
    return response


# --- JSON -----------------------------------------------------------------------------


@router.get("/api/admin/work/templates", response_model=list[ReplyTemplateOut])
async def api_templates(viewer: Admin, session: DbSession, product_id: IntId | None = None):
    return await list_templates(session, product_id)


@router.post("/api/admin/work/templates", response_model=ReplyTemplateOut, status_code=201)
async def api_create_template(body: ReplyTemplateIn, ctx: AdminContext):
    return await api_change(
        save_template(ctx.session, ctx.viewer, ctx.origin, body, letter_codes=LETTER_CODES)
    )


@router.put("/api/admin/work/templates/{template_id}", response_model=ReplyTemplateOut)
async def api_update_template(template_id: IntId, body: ReplyTemplateIn, ctx: AdminContext):
    return await api_change(
        save_template(
            ctx.session, ctx.viewer, ctx.origin, body, template_id, letter_codes=LETTER_CODES
        )
    )

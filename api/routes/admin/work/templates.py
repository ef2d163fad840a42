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

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from activities.work import BUILTIN_LETTERS
from api.deps import DbSession, client_ip
from api.routes.admin.work.setup import Admin, api_change, form_change, screen
from services.access import Viewer
from services.admin.work_setup.common import products
from services.admin.work_setup.templates import (
    EDITOR_VARIABLES,
    LANGUAGES,
    LETTER_VARIABLES,
    ReplyTemplateIn,
    ReplyTemplateOut,
    _template,
    list_templates,
    save_template,
)

router = APIRouter(tags=["work setup"])

LETTER_CODES = tuple(sorted({code for code, _language in BUILTIN_LETTERS}))


# --- pages ----------------------------------------------------------------------------


def _context(request: Request) -> dict:
    return {
        "languages": LANGUAGES,
        "editor_variables": EDITOR_VARIABLES,
        "letter_variables": LETTER_VARIABLES,
        "letter_codes": LETTER_CODES,
    }


async def templates_page(
    request: Request,
    viewer: Viewer,
    session: AsyncSession,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    all_products = await products(session)
    wanted = request.query_params.get("product", "")
    current = next((p for p in all_products if str(p.id) == wanted), None)
    current = current or (all_products[0] if all_products else None)
    rows = await list_templates(session, current.id) if current else []
    return await screen(
        request,
        viewer,
        "admin/work/templates.html",
        status_code,
        error=error,
        products=all_products,
        current=current,
        templates=rows,
        **_context(request),
    )


async def edit_page(
    request: Request,
    viewer: Viewer,
    session: AsyncSession,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    template_id = int(request.path_params["template_id"])
    row = await _template(session, template_id)
    codes = {p.id: p.code for p in await products(session)}
    shown = ReplyTemplateOut(**row.model_dump(), product_code=codes.get(row.product_id, ""))
    return await screen(
        request,
        viewer,
        "admin/work/template_edit.html",
        status_code,
        error=error,
        reply_template=shown,
        **_context(request),
    )


@router.get("/admin/work/templates", include_in_schema=False)
async def show_templates(request: Request, viewer: Admin, session: DbSession):
    return await templates_page(request, viewer, session)


@router.post("/admin/work/templates", include_in_schema=False)
async def create_template_form(
    request: Request,
    viewer: Admin,
    session: DbSession,
    product_id: Annotated[int, Form()],
    code: Annotated[str, Form()],
    title: Annotated[str, Form()],
    body: Annotated[str, Form()],
    language: Annotated[str, Form()] = "nl",
):
    data = ReplyTemplateIn(
        product_id=product_id, language=language, code=code, title=title, body=body
    )
    change = save_template(session, viewer, client_ip(request), data, letter_codes=LETTER_CODES)
    target = f"/admin/work/templates?product={product_id}"
    return await form_change(request, viewer, session, change, templates_page, target)


@router.get("/admin/work/templates/{template_id}", include_in_schema=False)
async def show_template(template_id: int, request: Request, viewer: Admin, session: DbSession):
    return await edit_page(request, viewer, session)


@router.post("/admin/work/templates/{template_id}", include_in_schema=False)
async def update_template_form(
    template_id: int,
    request: Request,
    viewer: Admin,
    session: DbSession,
    title: Annotated[str, Form()],
    body: Annotated[str, Form()],
    language: Annotated[str, Form()] = "nl",
    active: Annotated[str, Form()] = "",
):
    row = await _template(session, template_id)
    data = ReplyTemplateIn(
        product_id=row.product_id,
        language=language,
        code=row.code,
        title=title,
        body=body,
        active=bool(active),
    )
    change = save_template(
        session, viewer, client_ip(request), data, template_id, letter_codes=LETTER_CODES
    )
    response = await form_change(request, viewer, session, change, edit_page, "")
    if isinstance(response, RedirectResponse):  # saved: back to the product's list
        target = f"/admin/work/templates?product={data.product_id}&saved=1"
        return RedirectResponse(target, status_code=303)
    return response


# --- JSON -----------------------------------------------------------------------------


@router.get("/api/admin/work/templates", response_model=list[ReplyTemplateOut])
async def api_templates(viewer: Admin, session: DbSession, product_id: int | None = None):
    return await list_templates(session, product_id)


@router.post("/api/admin/work/templates", response_model=ReplyTemplateOut, status_code=201)
async def api_create_template(
    body: ReplyTemplateIn, request: Request, viewer: Admin, session: DbSession
):
    return await api_change(
        save_template(session, viewer, client_ip(request), body, letter_codes=LETTER_CODES)
    )


@router.put("/api/admin/work/templates/{template_id}", response_model=ReplyTemplateOut)
async def api_update_template(
    template_id: int, body: ReplyTemplateIn, request: Request, viewer: Admin, session: DbSession
):
    return await api_change(
        save_template(
            session, viewer, client_ip(request), body, template_id, letter_codes=LETTER_CODES
        )
    )

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

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from activities.work import BUILTIN_LETTERS
from api.deps import DbSession
from api.routes.admin.work.setup import (
    Admin,
    InvalidSetting,
    api_change,
    form_change,
    product_or_invalid,
    products,
    record_change,
    screen,
)
from db.models.work import ReplyTemplate
from services.access import NotAccessible, Viewer

router = APIRouter(tags=["work setup"])

LANGUAGES = ("nl", "en")
EDITOR_VARIABLES = ("customer_name", "reference", "subject", "agent_name", "product_name")
LETTER_VARIABLES = ("reference", "subject", "due_date")
LETTER_CODES = tuple(sorted({code for code, _language in BUILTIN_LETTERS}))
CODE = re.compile(r"^[a-z0-9_\-]{1,50}$")
VARIABLE = re.compile(r"\{([^{}]*)\}")


class ReplyTemplateIn(BaseModel):
    product_id: int
    language: str = "nl"
    code: str
    title: str
    body: str
    active: bool = True


class ReplyTemplateOut(ReplyTemplateIn):
    id: int
    product_code: str


def variables_for(code: str) -> tuple[str, ...]:
    return LETTER_VARIABLES if code in LETTER_CODES else EDITOR_VARIABLES


def unknown_variables(text: str, known: tuple[str, ...]) -> list[str]:
    return sorted({name for name in VARIABLE.findall(text) if name not in known})


def check_template(data: ReplyTemplateIn) -> None:
    if data.language not in LANGUAGES:
        raise InvalidSetting(422, "work_admin.error.language")
    if not CODE.match(data.code):
        raise InvalidSetting(
            422,
            "work_admin.error.code",
            code=data.code,
        )
    if not data.title.strip() or len(data.title) > 200 or not data.body.strip():
        raise InvalidSetting(422, "work_admin.error.template_text")
    known = variables_for(data.code)
    checked = data.body + (data.title if data.code in LETTER_CODES else "")
    unknown = unknown_variables(checked, known)
    if unknown:
        raise InvalidSetting(
            422,
            "work_admin.error.variables",
            unknown=", ".join(unknown),
            known=", ".join(known),
        )


async def _template(session: AsyncSession, template_id: int) -> ReplyTemplate:
    template = await session.get(ReplyTemplate, template_id)
    if template is None:
        raise NotAccessible(f"reply template {template_id}")
    return template


async def save_template(
    session: AsyncSession,
    viewer: Viewer,
    request: Request,
    data: ReplyTemplateIn,
    template_id: int | None = None,
) -> ReplyTemplateOut:
    product = await product_or_invalid(session, data.product_id)
    data = data.model_copy(update={"code": data.code.strip(), "title": data.title.strip()})
    check_template(data)
    duplicate = InvalidSetting(
        409,
        "work_admin.error.template_duplicate",
        product=product.code,
        code=data.code,
        language=data.language,
    )
    clash = await session.scalar(
        select(ReplyTemplate.id).where(
            ReplyTemplate.product_id == data.product_id,
            ReplyTemplate.language == data.language,
            ReplyTemplate.code == data.code,
        )
    )
    if clash is not None and clash != template_id:
        raise duplicate
    row = ReplyTemplate() if template_id is None else await _template(session, template_id)
    before = None if template_id is None else row.model_dump(exclude={"id", "body"})
    for key, value in data.model_dump().items():
        setattr(row, key, value)
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise duplicate from None
    action = "reply_template.create" if template_id is None else "reply_template.update"
    # the body is the admin's text, not customer data; the audit notes what changed
    detail = {"before": before, "after": data.model_dump(exclude={"body"})}
    await record_change(session, viewer, request, action, "reply_template", row.id, detail)
    return ReplyTemplateOut(**data.model_dump(), id=row.id, product_code=product.code)


async def list_templates(session: AsyncSession, product_id: int | None) -> list[ReplyTemplateOut]:
    codes = {p.id: p.code for p in await products(session)}
    query = select(ReplyTemplate).order_by(ReplyTemplate.code, ReplyTemplate.language)
    if product_id is not None:
        query = query.where(ReplyTemplate.product_id == product_id)
    rows = (await session.exec(query)).all()
    return [
        ReplyTemplateOut(**r.model_dump(), product_code=codes.get(r.product_id, "")) for r in rows
    ]


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
    change = save_template(session, viewer, request, data)
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
    change = save_template(session, viewer, request, data, template_id)
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
    return await api_change(save_template(session, viewer, request, body))


@router.put("/api/admin/work/templates/{template_id}", response_model=ReplyTemplateOut)
async def api_update_template(
    template_id: int, body: ReplyTemplateIn, request: Request, viewer: Admin, session: DbSession
):
    return await api_change(save_template(session, viewer, request, body, template_id))

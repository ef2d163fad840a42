"""Work setup: reply templates per product and language (list, create, edit,
deactivate). Templates are never deleted: switched off, they leave the agents'
list (and a letter falls back to its built-in text).

The {variables} a template may use are the ones that get filled:
- in the reply editor, ``fill_template`` (api/routes/work/templates.py): EDITOR_VARIABLES;
- in letters the workflow sends (codes of activities.work.BUILTIN_LETTERS, passed in
  by the route as ``letter_codes``, e.g. the
  waiting reminder), ``WorkActivities._letter_text``: LETTER_VARIABLES, in the
  title (the e-mail subject) too.
Anything else would reach the customer as written, so it is refused.
tests/test_work_admin.py checks EDITOR_VARIABLES against fill_template.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.input_types import StrictBool
from db.models.work import ReplyTemplate
from services.access import NotAccessible, Viewer
from services.admin.work_setup.common import (
    InvalidSetting,
    product_or_invalid,
    products,
    record_change,
)

LANGUAGES = ("nl", "en")
EDITOR_VARIABLES = ("customer_name", "reference", "subject", "agent_name", "product_name")
LETTER_VARIABLES = ("reference", "subject", "due_date")
CODE = re.compile(r"^[a-z0-9_\-]{1,50}$")
VARIABLE = re.compile(r"\{([^{}]*)\}")


class ReplyTemplateIn(BaseModel):
    product_id: int
    language: str = "nl"
    code: str
    title: str
    body: str
    active: StrictBool = True


class ReplyTemplateOut(ReplyTemplateIn):
    id: int
    product_code: str


def variables_for(code: str, letter_codes: Collection[str]) -> tuple[str, ...]:
    return LETTER_VARIABLES if code in letter_codes else EDITOR_VARIABLES


def unknown_variables(text: str, known: tuple[str, ...]) -> list[str]:
    return sorted({name for name in VARIABLE.findall(text) if name not in known})


def check_template(data: ReplyTemplateIn, letter_codes: Collection[str]) -> None:
    """``letter_codes``: the codes of the letters the workflow sends itself (their
    title is the e-mail subject, so it is checked too)."""
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
    known = variables_for(data.code, letter_codes)
    checked = data.body + (data.title if data.code in letter_codes else "")
    unknown = unknown_variables(checked, known)
    if unknown:
        raise InvalidSetting(
            422,
            "work_admin.error.variables",
            unknown=", ".join(unknown),
            known=", ".join(known),
        )


async def template_or_404(session: AsyncSession, template_id: int) -> ReplyTemplate:
    template = await session.get(ReplyTemplate, template_id)
    if template is None:
        raise NotAccessible(f"reply template {template_id}")
    return template


async def save_template(
    session: AsyncSession,
    viewer: Viewer,
    origin: str | None,
    data: ReplyTemplateIn,
    template_id: int | None = None,
    *,
    letter_codes: Collection[str],
) -> ReplyTemplateOut:
    product = await product_or_invalid(session, data.product_id)
    data = data.model_copy(update={"code": data.code.strip(), "title": data.title.strip()})
    check_template(data, letter_codes)
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
    row = ReplyTemplate() if template_id is None else await template_or_404(session, template_id)
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
    await record_change(session, viewer, origin, action, "reply_template", row.id, detail)
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

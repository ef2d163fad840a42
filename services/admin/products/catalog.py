"""Create and edit products: code, names, mailbox, reply-from address, signature,
register-portal URL template, language and whether it is active.

Nothing caches a product for long: the intake reconciles its mailbox watchers with
this table (channels/email/reconcile.py), replies and the klantbeeld read the row
when they need it.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Product
from services.access import Viewer
from services.admin.products import validation as check
from services.admin.work_setup.common import product_or_404, record_change

FIELDS = (
    "code",
    "name",
    "name_en",
    "mailbox",
    "reply_from",
    "signature",
    "register_url_template",
    "language",
    "active",
)


class ProductIn(BaseModel):
    code: str
    name: str
    name_en: str = ""
    mailbox: str
    reply_from: str
    signature: str = ""
    register_url_template: str = ""  # empty: no portal link
    language: str = "nl"
    active: bool = True


class ProductOut(ProductIn):
    id: int


def as_out(product: Product) -> ProductOut:
    values = {name: getattr(product, name) for name in FIELDS}
    values["register_url_template"] = product.register_url_template or ""
    return ProductOut(id=product.id, **values)


def _cleaned(data: ProductIn) -> ProductIn:
    return data.model_copy(
        update={
            "code": data.code.strip().upper(),
            "name": data.name.strip(),
            "name_en": data.name_en.strip(),
            "reply_from": data.reply_from.strip(),
            "register_url_template": data.register_url_template.strip(),
        }
    )


async def _taken(session: AsyncSession, column, value: str, product_id: int | None) -> bool:
    query = select(func.count()).select_from(Product).where(func.lower(column) == value.lower())
    if product_id is not None:
        query = query.where(Product.id != product_id)
    return (await session.exec(query)).one() > 0


async def check_product(session: AsyncSession, data: ProductIn, product_id: int | None) -> None:
    check.check_text(*(v for v in data.model_dump().values() if isinstance(v, str)))
    check.check_code(data.code)
    check.check_names(data.name, data.name_en)
    check.check_mailbox(data.mailbox)
    check.check_address(data.reply_from)
    check.check_signature(data.signature)
    check.check_language(data.language)
    if data.register_url_template:
        check.url_template_fields(data.register_url_template)
    if await _taken(session, Product.code, data.code, product_id):
        raise check.invalid("code_taken", code=data.code)
    if await _taken(session, Product.mailbox, data.mailbox, product_id):
        raise check.invalid("mailbox_taken", mailbox=data.mailbox)


def _apply(product: Product, data: ProductIn) -> None:
    for name in FIELDS:
        setattr(product, name, getattr(data, name))
    product.register_url_template = data.register_url_template or None


async def list_products(session: AsyncSession) -> list[ProductOut]:
    rows = await session.exec(select(Product).order_by(Product.code))
    return [as_out(p) for p in rows.all()]


async def get_product(session: AsyncSession, product_id: int) -> ProductOut:
    return as_out(await product_or_404(session, product_id))


async def create_product(
    session: AsyncSession, viewer: Viewer, origin: str | None, data: ProductIn
) -> ProductOut:
    data = _cleaned(data)
    await check_product(session, data, None)
    product = Product(code=data.code, name=data.name, mailbox=data.mailbox, reply_from="")
    _apply(product, data)
    session.add(product)
    await session.flush()
    out = as_out(product)
    detail = {"after": out.model_dump(exclude={"id"})}
    await record_change(session, viewer, origin, "product.create", "product", out.id, detail)
    return out


async def update_product(
    session: AsyncSession, viewer: Viewer, origin: str | None, product_id: int, data: ProductIn
) -> ProductOut:
    product = await product_or_404(session, product_id)
    data = _cleaned(data)
    await check_product(session, data, product_id)
    before = as_out(product).model_dump(exclude={"id"})
    _apply(product, data)
    session.add(product)
    out = as_out(product)
    after = out.model_dump(exclude={"id"})
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if changed:
        await record_change(
            session, viewer, origin, "product.update", "product", product_id, changed
        )
    return out

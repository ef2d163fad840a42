"""What every work-setup change shares: a refusal the admin must correct, the
products, and the audit line (committed with the change).

When a change takes effect (activities/work.py ``start_work`` / ``plan_work_in``):
the workflow gets its work plan (SLA targets of every line, calendar, product
settings) once, when a contact starts; workers cache those for up to a minute.
Contacts already open keep the plan they started with. The 1st line's automatic
assignment is picked at the start; the 2nd/3rd line's when a contact lands on
that list. Reply templates are read each time they are used. The pages say so.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Product
from services import audit
from services.access import NotAccessible, Viewer


class InvalidSetting(Exception):
    """A change the admin must correct: HTTP ``status`` and a catalog ``key`` of
    ui/catalogs/work_admin.py with its ``params`` (the API layer words it: English
    for the JSON API, the admin's language on the page)."""

    def __init__(self, status: int, key: str, **params: Any) -> None:
        self.status, self.key, self.params = status, key, params
        super().__init__(key)


async def products(session: AsyncSession) -> list[Product]:
    return list((await session.exec(select(Product).order_by(Product.code))).all())


async def product_or_invalid(session: AsyncSession, product_id: int) -> Product:
    product = await session.get(Product, product_id)
    if product is None:
        raise InvalidSetting(422, "work_admin.error.product", id=product_id)
    return product


async def product_or_404(session: AsyncSession, product_id: int) -> Product:
    """A product named in the path: 404 when there is none."""
    product = await session.get(Product, product_id)
    if product is None:
        raise NotAccessible(f"product {product_id}")
    return product


async def record_change(
    session: AsyncSession,
    viewer: Viewer,
    origin: str | None,
    action: str,
    object_type: str,
    object_id: Any,
    detail: dict[str, Any],
) -> None:
    """The audit event of a change; then commit (the audit row is the last write)."""
    await audit.record_for(
        session,
        viewer,
        f"work_admin.{action}",
        object_type,
        object_id,
        origin=origin,
        detail=detail,
    )

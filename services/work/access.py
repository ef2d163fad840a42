"""Which lines a person works, per product.

Accreditation for a product gives its 1st line (the KCC); ``line_accreditations``
add the backoffice (2) and specialist (3) task lists. The API passes these lines
with a claim, so the workflow refuses a claim on a contact that moved to another
line in the meantime (collision-safe, like the claim itself).
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.work import FIRST_LINE
from db.models.work import LineAccreditation
from services.access import Viewer


async def lines_by_product(session: AsyncSession, viewer: Viewer) -> dict[int, list[int]]:
    """product id -> the lines the viewer works (only accredited products)."""
    lines = {product_id: {FIRST_LINE} for product_id in viewer.product_ids}
    rows = await session.exec(
        select(LineAccreditation.product_id, LineAccreditation.line).where(
            LineAccreditation.user_id == viewer.id
        )
    )
    for product_id, line in rows.all():
        if product_id in lines:  # a line without the product accreditation gives nothing
            lines[product_id].add(line)
    return {product_id: sorted(found) for product_id, found in lines.items()}


async def user_lines(session: AsyncSession, user_id: int, product_id: int) -> list[int]:
    rows = await session.exec(
        select(LineAccreditation.line).where(
            LineAccreditation.user_id == user_id, LineAccreditation.product_id == product_id
        )
    )
    return sorted({FIRST_LINE, *rows.all()})


def line_pairs(lines: dict[int, list[int]], product_id: int | None = None, line: int | None = None):
    """(product, line) pairs of a viewer, optionally narrowed to one product or line."""
    return [
        (p, n)
        for p, ns in lines.items()
        for n in ns
        if (product_id is None or p == product_id) and (line is None or n == line)
    ]

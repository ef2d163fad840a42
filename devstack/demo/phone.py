"""Demo data of the phone area: one phone line (inbound number + Asterisk queue) per
demo product. The queue names match asterisk/queues.conf and the simulator."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Product
from db.models.phone import PhoneLine

# product code -> (queue, inbound number); BIG/UZI as in the real Asterisk capture.
DEMO_LINES = {
    "BIG": ("big-register", "+31703407911"),
    "UZI": ("uzi-register", "+31703407912"),
    "DONOR": ("donorregister", "+31703407913"),
    "FARMATEC": ("farmatec", "+31703407914"),
    "DIPLOMA": ("diploma", "+31703407915"),
    "WTZA": ("wtza", "+31703407916"),
}


async def seed_phone_demo(session: AsyncSession, products: dict[str, Product]) -> None:
    existing = set((await session.exec(select(PhoneLine.product_id))).all())
    for code, (queue, number) in DEMO_LINES.items():
        product = products.get(code)
        if product is not None and product.id not in existing:
            session.add(PhoneLine(product_id=product.id, queue=queue, inbound_number=number))

"""Retention (Archiefwet): which class a closed contact falls in and when it may go.

A retention class is set per product x contact type (channel) by admins. Without
a class a record is kept (never destroyed by default: destruction needs a rule).
"""

from __future__ import annotations

from datetime import date, datetime

from fastapi import HTTPException
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Channel, Product
from db.models.records import Disposal, RetentionClass, RetentionClassCreate
from services import audit
from services.access import Viewer

# Demo classes: contact with the KCC is destroyed 5 years after closing (selectielijst
# category "afhandeling klantcontact"), except the Donorregister, kept permanently.
DEMO_TERM_YEARS = 5
DEMO_BASIS = "Selectielijst CIBG: afhandelen klantcontact"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year + years, day=28)


def disposal_for(cls: RetentionClass | None, closed_at: datetime) -> tuple[Disposal, date | None]:
    """The disposal class and date of a record closed at ``closed_at``."""
    if cls is None or cls.disposal == Disposal.keep:
        return Disposal.keep, None
    return Disposal.destroy, add_years(closed_at.date(), cls.years)


async def class_for(session: AsyncSession, product_id: int, channel: str) -> RetentionClass | None:
    return (
        await session.exec(
            select(RetentionClass).where(
                RetentionClass.product_id == product_id, RetentionClass.channel == channel
            )
        )
    ).first()


async def seed_default_retention(session: AsyncSession, products: dict[str, Product]) -> None:
    have = {(r.product_id, r.channel) for r in (await session.exec(select(RetentionClass))).all()}
    for code, product in products.items():
        for channel in Channel:
            if (product.id, channel.value) in have:
                continue
            keep = code == "DONOR"
            session.add(
                RetentionClass(
                    product_id=product.id,
                    channel=channel.value,
                    disposal=Disposal.keep if keep else Disposal.destroy,
                    years=0 if keep else DEMO_TERM_YEARS,
                    basis=DEMO_BASIS,
                )
            )


async def all_classes(session: AsyncSession) -> list[RetentionClass]:
    rows = await session.exec(
        select(RetentionClass).order_by(RetentionClass.product_id, RetentionClass.channel)
    )
    return list(rows.all())


async def classes_with_product_codes(session: AsyncSession) -> list[tuple[RetentionClass, str]]:
    rows = await session.exec(
        select(RetentionClass, Product.code)
        .join(Product, Product.id == RetentionClass.product_id)
        .order_by(Product.code, RetentionClass.channel)
    )
    return list(rows.all())


async def set_class(
    session: AsyncSession, viewer: Viewer, body: RetentionClassCreate, origin: str | None
) -> RetentionClass:
    """Create or change the class of one product x contact type (audited). Records
    already archived keep the disposal date they got: the selectielijst at closing
    applies."""
    if body.disposal == Disposal.destroy and body.years < 1:
        raise HTTPException(status_code=422, detail="A destroy class needs a term of 1+ years.")
    if await session.get(Product, body.product_id) is None:
        raise HTTPException(status_code=422, detail="Unknown product.")
    cls = await class_for(session, body.product_id, body.channel)
    if cls is None:
        cls = RetentionClass(**body.model_dump())
        session.add(cls)
    else:
        cls.disposal, cls.years, cls.basis = body.disposal, body.years, body.basis
    await session.flush()
    await audit.record_for(
        session,
        viewer,
        "retention.set",
        "retention_class",
        cls.id,
        origin=origin,
        detail=body.model_dump(mode="json"),
    )
    return cls

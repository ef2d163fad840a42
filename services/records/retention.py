"""Retention (Archiefwet): which class a closed contact falls in and when it may go.

A retention class is set per product x contact type (channel) by admins. Without
a class a record is kept (never destroyed by default: destruction needs a rule).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Channel, Product
from db.models.records import Disposal, RetentionClass

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

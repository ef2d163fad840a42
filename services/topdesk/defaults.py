"""Each product's defaults for its TOPdesk incidents, and TOPdesk's lookup lists
(categories, subcategories, operator groups) to choose from.

The lists are read from TOPdesk and kept for a few minutes (they change rarely; a
form should not cost three calls to TOPdesk). When TOPdesk cannot be reached the
lists are empty and say why: the form then files under the product's defaults.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.topdesk.client import Option, TopdeskClient, TopdeskError
from config.settings import Settings
from db.models.contacts import utcnow
from db.models.topdesk import TopdeskProductDefaults
from services import audit
from services.access import Viewer

LOOKUP_SECONDS = 300.0


@dataclass
class Lookups:
    categories: list[Option] = field(default_factory=list)
    subcategories: list[Option] = field(default_factory=list)
    operator_groups: list[Option] = field(default_factory=list)
    error: str = ""  # why the lists are empty

    def ids(self) -> tuple[set[str], set[str], set[str]]:
        return (
            {o.id for o in self.categories},
            {o.id for o in self.subcategories},
            {o.id for o in self.operator_groups},
        )


_cache: dict[str, tuple[float, Lookups]] = {}


async def lookups(settings: Settings) -> Lookups:
    if not settings.topdesk_url:
        return Lookups(error="TOPdesk is not configured")
    cached = _cache.get(settings.topdesk_url)
    if cached and time.monotonic() - cached[0] < LOOKUP_SECONDS:
        return cached[1]
    client = TopdeskClient(settings)
    try:
        found = Lookups(
            await client.categories(), await client.subcategories(), await client.operator_groups()
        )
    except TopdeskError as exc:
        return Lookups(error=str(exc))  # not kept: the next form tries again
    finally:
        await client.aclose()
    _cache[settings.topdesk_url] = (time.monotonic(), found)
    return found


def forget_lookups() -> None:
    _cache.clear()


async def defaults_for(session: AsyncSession, product_id: int) -> TopdeskProductDefaults:
    found = await session.get(TopdeskProductDefaults, product_id)
    return found or TopdeskProductDefaults(product_id=product_id)


async def save_defaults(
    session: AsyncSession,
    viewer: Viewer,
    product_id: int,
    chosen: TopdeskProductDefaults,
    origin: str | None,
) -> None:
    row = await session.get(TopdeskProductDefaults, product_id)
    if row is None:
        row = TopdeskProductDefaults(product_id=product_id)
        session.add(row)
    row.category_id, row.subcategory_id = chosen.category_id, chosen.subcategory_id
    row.operator_group_id, row.updated_at = chosen.operator_group_id, utcnow()
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="admin.topdesk_defaults",
        object_type="product",
        object_id=str(product_id),
        origin=origin,
        detail={
            "category_id": row.category_id,
            "subcategory_id": row.subcategory_id,
            "operator_group_id": row.operator_group_id,
        },
    )
    await session.commit()

"""`make run` seeds the demo on every start: a second start keeps the data and adds
nothing twice (it failed once on the work area's line accreditations)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from core.demo import seed_demo
from core.models import Accreditation, ContactReason, User
from core.models_customers import CustomerIdentifier
from core.models_work import LineAccreditation, ReplyTemplate, SlaPolicy

COUNTED = (User, Accreditation, LineAccreditation, SlaPolicy, ReplyTemplate, ContactReason,
           CustomerIdentifier)  # fmt: skip


async def counts(db) -> dict[str, int]:
    async with db() as s:
        return {
            t.__tablename__: (await s.exec(select(func.count()).select_from(t))).one()
            for t in COUNTED
        }


async def test_seeding_the_demo_twice_keeps_it_as_it_was(db):
    await seed_demo(db)
    first = await counts(db)
    assert first["line_accreditations"] > 0 and first["users"] > 0
    await seed_demo(db)
    assert await counts(db) == first

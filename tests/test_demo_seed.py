"""`make run` seeds the demo on every start: a second start keeps the data and adds
nothing twice (it failed once on the work area's line accreditations)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from db.models.contacts import Accreditation, ContactReason, User
from db.models.customers import CustomerIdentifier
from db.models.work import LineAccreditation, ReplyTemplate, SlaPolicy
from devstack.demo.seed import seed_demo

COUNTED = (
    User,
    Accreditation,
    LineAccreditation,
    SlaPolicy,
    ReplyTemplate,
    ContactReason,
    CustomerIdentifier,
)


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

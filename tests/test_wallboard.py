"""The wallboard's queue figures and agent table agree: an agent whose phone rings
(for a call in one of their two queues) is "ringing" in both, never "on a call", and
the service level reads as "x of y offered"."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from db.models.contacts import Product, User
from db.models.phone import AgentPhoneState, PhoneLine
from devstack.demo.seed import seed_demo
from services.phone.views import QueueFigures, agent_states, wallboard


async def test_a_ringing_phone_is_ringing_in_queue_figures_and_agent_table(db):
    await seed_demo(db)
    async with db() as s:
        anna = (await s.exec(select(User).where(User.username == "agent"))).one()
        lines = (
            await s.exec(
                select(PhoneLine, Product.code)
                .join(Product, Product.id == PhoneLine.product_id)
                .where(Product.code.in_(["BIG", "UZI"]))
            )
        ).all()
        for line, _code in lines:
            s.add(
                AgentPhoneState(
                    user_id=anna.id, queue=line.queue, product_id=line.product_id, status=6
                )
            )
        await s.commit()
        ids = [line.product_id for line, _ in lines]
        figures = await wallboard(s, ids, datetime(2026, 1, 1, tzinfo=UTC), 30)
        states = await agent_states(s, ids, anna.id)
    assert len(figures) == 2
    for f in figures:
        assert (f.ringing, f.on_call, f.available) == (1, 0, 0), f
    assert {a.state for a in states} == {"ringing"}


def test_service_level_is_asterisks_of_the_answered_calls():
    f = QueueFigures(1, "BIG", "BIG-register", "big-register", answered=8, answered_in_time=6)
    f.abandoned = 2
    assert (f.offered, f.service_level_pct) == (10, 75)
    assert f.to_json()["offered"] == 10

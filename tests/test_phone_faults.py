"""The phone channel's defects seen against a real Asterisk 22.10.1, as regression
tests on the captured AMI shapes (tests/ami_replay.py serves them over TCP to the
production bridge)."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from adapters.ami.client import AmiConfig
from channels.phone.bridge import AmiBridge
from db.models.contacts import Task
from db.models.phone import AgentPhoneState, PhoneCall
from devstack.demo.seed import seed_demo
from runtime.worker import build_worker
from tests.ami_replay import PULSE_CONFIGS, FixtureAmi, blocks, wire
from tests.test_contact_workflow import eventually


def captured(event: str, **match: str) -> list[str]:
    out = []
    for b in blocks(PULSE_CONFIGS):
        if not b.startswith(f"Event: {event}\n"):
            continue
        if all(f"\n{k}: {v}\n" in b + "\n" for k, v in match.items()):
            out.append(b)
    return out


async def calls(db) -> dict[str, PhoneCall]:
    async with db() as s:
        return {c.linkedid: c for c in (await s.exec(select(PhoneCall))).all()}


async def task_of(db, contact_id):
    async with db() as s:
        return (await s.exec(select(Task).where(Task.contact_id == contact_id))).first()


class Running:
    def __init__(self, db, settings, temporal_env, ami: FixtureAmi):
        self.db, self.settings, self.temporal_env, self.ami = db, settings, temporal_env, ami

    async def __aenter__(self) -> AmiBridge:
        self._worker = build_worker(self.temporal_env.client, self.settings, self.db)
        await self._worker.__aenter__()
        config = AmiConfig("127.0.0.1", self.ami.port, "pulse", "s")
        self.bridge = AmiBridge(self.settings, self.db, self.temporal_env.client, config)
        await self.bridge.start()
        return self.bridge

    async def __aexit__(self, *exc):
        await self.bridge.stop()
        await self._worker.__aexit__(*exc)


async def test_ivr_callback_with_repeated_headers_arrives(db, settings, temporal_env):
    """The captured UserEvent(PulseCallback) carries Linkedid, Uniqueid, CallerIDNum
    and Timestamp twice (the channel snapshot's and the old dialplan's)."""
    await seed_demo(db)
    events = captured("UserEvent", UserEvent="PulseCallback")
    assert len(events) == 2 and all(b.count("\nLinkedid: ") == 2 for b in events)
    stream = b"".join(wire(b) for b in events)
    async with FixtureAmi(stream) as ami, Running(db, settings, temporal_env, ami) as bridge:
        await asyncio.wait_for(bridge.reconciled.wait(), 20)

        async def both_callbacks():
            rows = await calls(db)
            if not {"1796194934.0", "1796195064.18"} <= set(rows):
                return False
            tasks = [await task_of(db, r.contact_id) for r in rows.values()]
            return all(t is not None and t.kind == "callback" for t in tasks) and rows

        rows = await eventually(both_callbacks, timeout=30)
    big, uzi = rows["1796194934.0"], rows["1796195064.18"]
    assert (big.queue, big.caller_number, big.state) == (
        "big-register",
        "+31687654321",
        "abandoned",
    )
    assert (uzi.queue, uzi.state) == ("uzi-register", "abandoned")
    assert bridge.counts["errors"] == 0


async def test_reconcile_after_boot_error_is_retried_until_it_succeeds(db, settings, temporal_env):
    """Right after Asterisk starts, QueueStatus answers ``Response: Error`` (captured):
    the bridge retries on the same link until Asterisk answers, and then signs out
    the membership Asterisk no longer has."""
    await seed_demo(db)
    async with db() as s:
        from db.models.contacts import User

        agent = (await s.exec(select(User).where(User.username == "agent"))).first()
        s.add(AgentPhoneState(user_id=agent.id, queue="big-register", signed_in=True, status=1))
        await s.commit()
    async with FixtureAmi(boot_errors=2) as ami, Running(db, settings, temporal_env, ami) as bridge:
        await asyncio.wait_for(bridge.reconciled.wait(), 30)
        assert ami.queuestatus_asked == 3 and bridge.counts["reconcile_failures"] == 2
    async with db() as s:
        state = (await s.exec(select(AgentPhoneState))).one()
    assert state.signed_in is False


async def test_a_caller_who_never_queues_is_recorded_as_offered(db, settings, temporal_env):
    """The IVR's PulseOffered (the captured UserEvent's shape: Asterisk's channel
    snapshot + Queue) for a caller who hangs up before any queue (the captured
    Hangup of that call): no contact, but the wallboard counts the offer."""
    from datetime import UTC, datetime

    from db.models.phone import PhoneOffer
    from services.phone.views import wallboard

    await seed_demo(db)
    (userevent,) = captured("UserEvent", Linkedid="1796194934.0")
    offered = userevent.replace("UserEvent: PulseCallback", "UserEvent: PulseOffered")
    (hangup,) = captured("Hangup", Uniqueid="1796194934.0")
    stream = wire(offered) + wire(hangup)
    async with FixtureAmi(stream) as ami, Running(db, settings, temporal_env, ami) as bridge:
        await asyncio.wait_for(bridge.reconciled.wait(), 20)

        async def recorded():
            async with db() as s:
                return (await s.exec(select(PhoneOffer))).all()

        (offer,) = await eventually(recorded)
        await bridge.drain()
    assert (offer.linkedid, offer.queue, offer.caller_number) == (
        "1796194934.0",
        "big-register",
        "+31687654321",
    )
    assert await calls(db) == {}  # no queue, no contact
    async with db() as s:
        since = datetime(2026, 1, 1, tzinfo=UTC)
        product_ids = [offer.product_id]
        (big,) = await wallboard(s, product_ids, since, 30)
    assert (big.not_queued, big.answered, big.abandoned) == (1, 0, 0)

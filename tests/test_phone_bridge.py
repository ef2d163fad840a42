"""The phone channel end to end below the UI: the PBX simulator over TCP -> the AMI
bridge (panoramisk) -> ContactWorkflows on Temporal -> PostgreSQL projections and
live events. Also: the real Asterisk transcript replayed, reconnect + reconcile, and
garbage on the wire."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime

import psycopg
import pytest
from pydantic import SecretStr
from sqlmodel import select
from temporalio.client import WorkflowUpdateFailedError

from adapters.ami.client import AmiClient, AmiConfig
from channels.phone.bridge import AmiBridge
from contracts.contact import contact_workflow_id
from contracts.phone import (
    CallbackRequest,
    CallbackResult,
    WrapUpRequest,
    WrapUpResult,
)
from db.events import CHANNEL
from db.models.contacts import (
    Contact,
    ContactEvent,
    ContactReason,
    Customer,
    CustomerPhone,
    Product,
    Task,
    User,
)
from db.models.phone import AgentPhoneState, PhoneCall
from db.session import session_scope
from devstack.demo.seed import seed_demo
from devstack.pbx_simulator import PbxSimulator
from devstack.pbx_templates import FIXTURE
from runtime.worker import build_worker
from services.phone.views import wallboard
from tests.test_contact_workflow import eventually

SECRET = "sim-secret"


class LiveEvents:
    """Listens to PostgreSQL NOTIFY like the API's EventHub does."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url.replace("postgresql+psycopg://", "postgresql://")
        self.events: list[dict] = []
        self._task: asyncio.Task | None = None
        self._ready = asyncio.Event()

    async def __aenter__(self):
        self._task = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), 10)
        return self

    async def __aexit__(self, *exc):
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _listen(self):
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
            await conn.execute(f"LISTEN {CHANNEL}")
            self._ready.set()
            async for note in conn.notifies():
                self.events.append(json.loads(note.payload))

    def of(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["kind"] == kind]


@pytest.fixture
async def phone_stack(db, settings, temporal_env):
    await seed_demo(db)
    async with session_scope(db) as s:
        customer = Customer(display_name="Jan Jansen")
        s.add(customer)
        await s.flush()
        s.add(CustomerPhone(customer_id=customer.id, number="+31655501234"))
    sim = await PbxSimulator(secret=SECRET, ring_timeout=30).start()
    ami = AmiConfig("127.0.0.1", sim.port, "pulse", SECRET)
    cfg = settings.model_copy(update={"ami_port": sim.port, "ami_secret": SecretStr(SECRET)})
    bridge = AmiBridge(cfg, db, temporal_env.client, ami)
    async with build_worker(temporal_env.client, cfg, db):
        await bridge.start()
        await asyncio.wait_for(bridge.reconciled.wait(), 20)
        client = AmiClient(ami)
        try:
            yield sim, bridge, client, db, temporal_env.client
        finally:
            client.close()
            await bridge.stop()
            await sim.stop()


async def one(db, stmt):
    async with db() as s:
        return (await s.exec(stmt)).first()


async def call_row(db, linkedid):
    return await one(db, select(PhoneCall).where(PhoneCall.linkedid == linkedid))


async def task_of(db, contact_id):
    return await one(db, select(Task).where(Task.contact_id == contact_id))


async def uid(db, username):
    return (await one(db, select(User).where(User.username == username))).id


async def test_answered_call_pops_and_wraps_up(phone_stack, database_url):
    sim, bridge, ami, db, temporal = phone_stack
    anna = await uid(db, "agent")
    await ami.queue_add("big-register", "PJSIP/agent", "agent")

    async def signed_in():
        row = await one(db, select(AgentPhoneState).where(AgentPhoneState.user_id == anna))
        return row is not None and row.signed_in and row.status == 1

    await eventually(signed_in)

    async with LiveEvents(database_url) as live:
        linkedid = sim.call_in("big-register", "06 5550 1234", "Jan")

        async def ringing():
            row = await call_row(db, linkedid)
            return row is not None and sim.calls[linkedid].state == "ringing"

        await eventually(ringing)
        row = await call_row(db, linkedid)
        contact = await one(db, select(Contact).where(Contact.id == row.contact_id))
        assert contact.channel == "phone" and contact.status == "new"
        assert row.caller_number == "+31655501234"  # normalised, matched to the customer
        jan = await one(db, select(CustomerPhone).where(CustomerPhone.number == "+31655501234"))
        assert contact.customer_id == jan.customer_id and row.customer_id == jan.customer_id
        task = await task_of(db, contact.id)
        assert task.kind == "call" and task.status == "open"

        assert sim.answer(linkedid)

        async def popped():
            return [e for e in live.of("screenpop") if e["contact_id"] == contact.id]

        pops = await eventually(popped)
        assert pops[0]["assignee_id"] == anna and pops[0]["reference"] == contact.reference

        async def answered():
            c = await one(db, select(Contact).where(Contact.id == contact.id))
            return c.status == "open" and c.assignee_id == anna

        await eventually(answered)
        assert (await call_row(db, linkedid)).agent_user_id == anna

        sim.hang_up(linkedid)

        async def wrap_up_task():
            t = await task_of(db, contact.id)
            return t.kind == "wrapup" and t.assignee_id == anna and t.status == "claimed"

        await eventually(wrap_up_task)
    row = await call_row(db, linkedid)
    assert row.state == "ended" and row.ended_at is not None and row.hold_seconds is not None

    handle = temporal.get_workflow_handle(contact_workflow_id(contact.reference))
    reason = await one(
        db, select(ContactReason).where(ContactReason.product_id == contact.product_id)
    )
    bram = await uid(db, "agent2")
    with pytest.raises(WorkflowUpdateFailedError):  # only the agent who took it
        await handle.execute_update("wrap_up", WrapUpRequest(bram, reason.id))
    result = await handle.execute_update(
        "wrap_up", WrapUpRequest(anna, reason.id), result_type=WrapUpResult
    )
    assert result.status == "closed"

    async def closed():
        t = await task_of(db, contact.id)
        c = await one(db, select(Contact).where(Contact.id == contact.id))
        return t.status == "done" and c.status == "closed" and c.close_reason_id == reason.id

    await eventually(closed)
    with pytest.raises(WorkflowUpdateFailedError):  # once
        await handle.execute_update("wrap_up", WrapUpRequest(anna, reason.id))


async def test_abandoned_call_becomes_a_callback_task(phone_stack):
    sim, bridge, ami, db, temporal = phone_stack
    anna = await uid(db, "agent")
    linkedid = sim.call_in("uzi-register", "+31 6 99887766")  # nobody signed in

    async def queued():
        row = await call_row(db, linkedid)
        return row is not None and row.state == "queued"

    await eventually(queued)
    sim.hang_up(linkedid)

    async def callback_task():
        row = await call_row(db, linkedid)
        t = await task_of(db, row.contact_id) if row else None
        return t is not None and t.kind == "callback" and t.status == "open" and t

    task = await eventually(callback_task)
    assert task.assignee_id is None
    contact = await one(db, select(Contact).where(Contact.id == task.contact_id))
    handle = temporal.get_workflow_handle(contact_workflow_id(contact.reference))

    sim.originate_outcome = "busy"
    result = await handle.execute_update(
        "call_back", CallbackRequest(anna), result_type=CallbackResult
    )
    assert (result.outcome, result.attempts) == ("busy", 1)
    assert sim.originates[-1]["channel"] == "PJSIP/agent"
    assert sim.originates[-1]["exten"] == "+31699887766"
    variables = dict(v.split("=", 1) for v in sim.originates[-1]["variable"].split(","))
    assert variables["PULSE_LINE_NUMBER"] == "+31703407912"  # UZI's line
    assert len(variables["PULSE_ORIGINATE"]) == 32  # the customer leg's report names it

    async def back_in_queue():
        t = await task_of(db, contact.id)
        row = await call_row(db, linkedid)
        return t.status == "open" and t.kind == "callback" and row.callback_attempts == 1

    await eventually(back_in_queue)

    # the agent answers, the customer's line is busy: OriginateResponse says Success
    # (the agent's leg), the dialplan reports DIALSTATUS BUSY: the task stays open
    sim.originate_outcome, sim.customer_dial_status = "answered", "BUSY"
    result = await handle.execute_update(
        "call_back", CallbackRequest(anna), result_type=CallbackResult
    )
    assert (result.outcome, result.attempts) == ("busy", 2)

    async def still_open():
        t = await task_of(db, contact.id)
        row = await call_row(db, linkedid)
        return t.status == "open" and t.kind == "callback" and row.callback_attempts == 2

    await eventually(still_open)

    sim.customer_dial_status = "ANSWER"
    result = await handle.execute_update(
        "call_back", CallbackRequest(anna), result_type=CallbackResult
    )
    assert (result.outcome, result.attempts) == ("answered", 3)

    async def wrap_up_task():
        t = await task_of(db, contact.id)
        return t.kind == "wrapup" and t.assignee_id == anna

    await eventually(wrap_up_task)
    async with db() as s:
        kinds = (
            await s.exec(select(ContactEvent.kind).where(ContactEvent.contact_id == contact.id))
        ).all()
    assert "callback_busy" in kinds and "callback_answered" in kinds


async def test_reconnect_reconciles_calls_and_members(phone_stack):
    sim, bridge, ami, db, temporal = phone_stack
    await ami.queue_add("big-register", "PJSIP/agent2", "agent2")
    bram = await uid(db, "agent2")
    linkedid = sim.call_in("big-register", "0201234567")  # rings agent2, who does not answer

    async def ringing():
        row = await call_row(db, linkedid)
        return row is not None and sim.calls[linkedid].state == "ringing"

    await eventually(ringing)
    bridge.reconciled.clear()
    sim.drop_connections()
    # while the link is down: the caller hangs up and agent2 is signed out
    sim.forget_call(linkedid)
    sim.members.pop(("big-register", "PJSIP/agent2"))
    await asyncio.wait_for(bridge.reconciled.wait(), 30)

    async def closed_as_abandoned():
        row = await call_row(db, linkedid)
        return row.state == "abandoned"

    await eventually(closed_as_abandoned)
    row = await call_row(db, linkedid)
    assert (await task_of(db, row.contact_id)).kind == "callback"
    state = await one(db, select(AgentPhoneState).where(AgentPhoneState.user_id == bram))
    assert state.signed_in is False


async def test_garbage_on_the_wire_is_skipped(phone_stack):
    sim, bridge, ami, db, temporal = phone_stack
    errors_before = bridge.counts["errors"]
    sim.send_raw(
        b"this is not AMI\r\n\r\n"
        b"Event: AgentConnect\r\nLinkedid: \r\nQueue: big-register\r\n\r\n"
        b"Event: QueueCallerJoin\r\nLinkedid: 9.9\r\nQueue: no-such-queue\r\n\r\n"
        b"\xff\xfe\x00garbage: \x01\r\n\r\n"
        b"Event: QueueMemberStatus\r\nQueue: big-register\r\nMemberName: nobody\r\n"
        b"Status: banana\r\n\r\n"
    )
    linkedid = sim.call_in("big-register", "0655501234")

    async def registered():
        return await call_row(db, linkedid)

    await eventually(registered)
    assert bridge.connected.is_set()
    assert await call_row(db, "9.9") is None  # an unknown queue is no contact
    assert bridge.counts["errors"] == errors_before


def transcript_events() -> bytes:
    text = FIXTURE.read_text(encoding="utf-8")
    blocks = [b.strip("\n") for b in text.split("\n\n")]
    events = [b for b in blocks if b.startswith("Event: ")]
    return "".join(b.replace("\n", "\r\n") + "\r\n\r\n" for b in events).encode()


class TranscriptReplay:
    """An AMI server that logs in, answers the bridge's reconcile with empty lists,
    then sends the real Asterisk 23.4.1 event stream as captured."""

    def __init__(self) -> None:
        self.port = 0
        self._server = None

    async def __aenter__(self):
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc):
        self._server.close()

    async def _serve(self, reader, writer):
        writer.write(b"Asterisk Call Manager/12.0.0\r\n")
        answered = 0
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                block = (await reader.readuntil(b"\r\n\r\n")).decode()
                fields = dict(
                    line.split(": ", 1) for line in block.strip().split("\r\n") if ": " in line
                )
                aid = fields.get("ActionID", "")
                action = fields.get("Action", "").lower()
                if action == "login":
                    writer.write(
                        f"Response: Success\r\nActionID: {aid}\r\n"
                        "Message: Authentication accepted\r\n\r\n".encode()
                    )
                elif action in ("queuestatus", "coreshowchannels"):
                    complete = (
                        "QueueStatusComplete"
                        if action == "queuestatus"
                        else ("CoreShowChannelsComplete")
                    )
                    writer.write(
                        f"Response: Success\r\nActionID: {aid}\r\nEventList: start\r\n"
                        f"Message: will follow\r\n\r\nEvent: {complete}\r\nActionID: {aid}\r\n"
                        "EventList: Complete\r\nListItems: 0\r\n\r\n".encode()
                    )
                    answered += 1
                    if answered == 2:
                        writer.write(transcript_events())
                else:
                    writer.write(f"Response: Success\r\nActionID: {aid}\r\n\r\n".encode())
                await writer.drain()


async def test_the_real_transcript_through_the_bridge(db, settings, temporal_env):
    await seed_demo(db)
    async with session_scope(db) as s:
        for name in ("agent1", "agent1-sip"):
            s.add(User(username=name, full_name=name, role="agent", password_hash="x"))
    async with TranscriptReplay() as replay, build_worker(temporal_env.client, settings, db):
        bridge = AmiBridge(
            settings, db, temporal_env.client, AmiConfig("127.0.0.1", replay.port, "p", "s")
        )
        await bridge.start()
        try:
            await asyncio.wait_for(bridge.reconciled.wait(), 20)

            async def all_calls_settled():
                async with db() as s:
                    rows = (await s.exec(select(PhoneCall))).all()
                return len(rows) == 4 and all(r.state in ("ended", "abandoned") for r in rows)

            await eventually(all_calls_settled, timeout=40)
            await bridge.drain()
        finally:
            await bridge.stop()

    agent1, sip_agent = await uid(db, "agent1"), await uid(db, "agent1-sip")
    async with db() as s:
        calls = {c.linkedid: c for c in (await s.exec(select(PhoneCall))).all()}
        tasks = {t.contact_id: t for t in (await s.exec(select(Task))).all()}
        products = {p.id: p.code for p in (await s.exec(select(Product))).all()}
    alice, bob = calls["1795861768.31"], calls["1795861788.35"]
    carol, sipp = calls["1795861808.39"], calls["1795861834.45"]
    assert (alice.state, products[alice.product_id], alice.hold_seconds) == ("ended", "BIG", 2)
    assert alice.talk_seconds == 6 and alice.agent_user_id == agent1
    assert tasks[alice.contact_id].kind == "wrapup"
    assert tasks[alice.contact_id].assignee_id == agent1
    assert (bob.state, bob.hold_seconds) == ("abandoned", 4)
    assert tasks[bob.contact_id].kind == "callback" and tasks[bob.contact_id].status == "open"
    assert (carol.state, carol.ring_no_answer, carol.hold_seconds) == ("abandoned", 1, 20)
    assert tasks[carol.contact_id].kind == "callback"
    assert (sipp.state, products[sipp.product_id], sipp.agent_user_id) == (
        "ended",
        "UZI",
        sip_agent,
    )
    assert tasks[sipp.contact_id].assignee_id == sip_agent

    since = datetime(2026, 11, 28, tzinfo=UTC)  # the capture's day
    async with db() as s:
        figures = {f.product_code: f for f in await wallboard(s, list(products), since, 30)}
    big, uzi = figures["BIG"], figures["UZI"]
    assert (big.waiting, big.answered, big.answered_in_time, big.abandoned) == (0, 1, 1, 2)
    assert (uzi.waiting, uzi.answered, uzi.answered_in_time, uzi.abandoned) == (0, 1, 1, 0)
    # Asterisk's SL counts answered calls only; SL2 also the two abandoned in 30 s
    assert (big.service_level_pct, big.service_level2_pct, big.abandoned_in_time) == (100, 100, 2)
    # membership: agent1 was removed from both queues at the end of the capture
    async with db() as s:
        states = (await s.exec(select(AgentPhoneState))).all()
    assert states and all(not st.signed_in for st in states)


async def test_calls_that_queue_and_abandon_while_the_link_is_down(phone_stack):
    """The AMI link drops; meanwhile a known caller gives up and a new caller joins
    (and has waited 20 s by the time the bridge is back): the first becomes a
    callback, the second is registered with Asterisk's wait, not the reconnect time."""
    sim, bridge, ami, db, temporal = phone_stack
    known = sim.call_in("big-register", "0201234567")

    async def queued():
        row = await call_row(db, known)
        return row is not None and row.state == "queued"

    await eventually(queued)
    bridge.reconciled.clear()
    sim.drop_connections()
    assert sim.hang_up(known)  # the bridge hears nothing of either
    unknown = sim.call_in("uzi-register", "0612345678")
    sim.calls[unknown].joined -= 20  # it has waited 20 s when the link is back
    await asyncio.wait_for(bridge.reconciled.wait(), 30)

    async def both_settled():
        gone, new = await call_row(db, known), await call_row(db, unknown)
        return gone.state == "abandoned" and new is not None and (gone, new)

    gone, new = await eventually(both_settled)
    assert (await task_of(db, gone.contact_id)).kind == "callback"
    assert new.state == "queued" and new.queue == "uzi-register"
    waited = datetime.now(UTC) - new.joined_at.replace(tzinfo=UTC)
    assert waited.total_seconds() >= 19
    assert (await task_of(db, new.contact_id)).kind == "call"

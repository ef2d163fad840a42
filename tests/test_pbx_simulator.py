"""The PBX simulator behaves like app_queue where PULSE depends on it: a call an
agent did not pick up is offered again, and an agent whose ringing caller hung up
gets the next caller."""

from __future__ import annotations

import asyncio

from adapters.ami.client import AmiClient, AmiConfig
from devstack.pbx_simulator import PbxSimulator


async def sign_in(sim: PbxSimulator) -> None:
    client = AmiClient(AmiConfig("127.0.0.1", sim.port, "pulse", "s"))
    try:
        await client.queue_add("big-register", "PJSIP/agent", "agent")
    finally:
        client.close()


class EventReader:
    """A plain AMI session on the simulator that keeps (event, linkedid) pairs."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.seen: list[tuple[str, str]] = []
        self.changed = asyncio.Event()

    async def __aenter__(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        await self.reader.readline()
        self.writer.write(b"Action: Login\r\nUsername: pulse\r\nSecret: s\r\nActionID: 1\r\n\r\n")
        await self.reader.readuntil(b"\r\n\r\n")
        self._task = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc):
        self._task.cancel()
        self.writer.close()

    async def _read(self):
        while True:
            block = (await self.reader.readuntil(b"\r\n\r\n")).decode()
            fields = dict(ln.split(": ", 1) for ln in block.split("\r\n") if ": " in ln)
            if "Event" in fields:
                self.seen.append((fields["Event"], fields.get("Linkedid", "")))
                self.changed.set()

    async def until(self, predicate) -> None:
        while not predicate():
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 20)

    def count(self, event: str, linkedid: str) -> int:
        return self.seen.count((event, linkedid))


async def test_a_missed_ring_is_offered_again():
    async with PbxSimulator(secret="s", ring_timeout=0.05) as sim, EventReader(sim.port) as ami:
        await sign_in(sim)
        linkedid = sim.call_in("big-register", "0612345678")
        # the only agent lets it ring out twice: each AgentRingNoAnswer rings again
        await ami.until(lambda: ami.count("AgentRingNoAnswer", linkedid) >= 2)
        await ami.until(lambda: ami.count("AgentCalled", linkedid) >= 3)
        assert sim.calls[linkedid].state == "ringing"
        sim.ring_timeout = 30
        await ami.until(lambda: sim.calls[linkedid].state == "ringing")
        assert sim.hang_up(linkedid)


async def test_a_hangup_while_ringing_frees_the_agent_for_the_next_caller():
    async with PbxSimulator(secret="s", ring_timeout=30) as sim, EventReader(sim.port) as ami:
        await sign_in(sim)
        first = sim.call_in("big-register", "0612345678")
        second = sim.call_in("big-register", "0687654321")
        await ami.until(lambda: ami.count("AgentCalled", first) == 1)
        assert sim.calls[second].state == "queued"
        assert sim.hang_up(first)
        await ami.until(lambda: ami.count("AgentCalled", second) == 1)
        assert ami.count("QueueCallerAbandon", first) == 1
        assert sim.answer(second)

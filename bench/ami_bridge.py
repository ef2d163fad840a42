"""AMI bridge throughput: events/s read from a TCP socket (panoramisk), filtered and
turned into workflow signals, with the real noise mix of Asterisk 23.

    .venv/bin/python bench/ami_bridge.py [--calls 2000]

The stream is the simulator's: every call is the ~150 events a real Asterisk sent
for one answered queue call (devstack/pbx_templates.py, cut from the captured
transcript), plus queue-member status events. A local AMI server writes them as fast
as the socket takes them. The bridge is the production one; only its two I/O edges
are replaced by in-memory stand-ins, so the figure is the bridge itself: the call
registry (PostgreSQL in production) answers from a dict, and the signal sink counts
the ``CallEvent`` signals instead of sending them to Temporal (their end-to-end cost
is measured by bench/call_to_screen.py).

The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.ami.client import AmiConfig  # noqa: E402
from channels.phone.bridge import AmiBridge  # noqa: E402
from devstack.pbx_templates import MEMBER_TEMPLATE, call_phases, fill  # noqa: E402
from services.phone.calls import CallRef  # noqa: E402


def call_stream(i: int) -> tuple[bytes, int]:
    values = {
        "§L§": f"1795900000.{i}",
        "§U2§": f"1795900001.{i}",
        "§C1§": f"{i:08x}",
        "§C2§": f"{i + 1:08x}",
        "§BR§": f"bridge-{i}",
        "§Q§": "big-register",
        "§NUM§": f"06{i:08d}",
        "§NAME§": f"Caller {i}",
        "§IFACE§": f"PJSIP/agent{i % 20}",
        "§MEMBER§": f"agent{i % 20}",
        "§T§": f"{1795900000 + i}.000000",
        "§POS§": "1",
        "§HOLD§": "3",
        "§RING§": "1",
        "§TALK§": "60",
        "§REASON§": "caller",
    }
    member = {
        "§EVENT§": "QueueMemberStatus",
        "§T§": values["§T§"],
        "§Q§": "big-register",
        "§MEMBER§": values["§MEMBER§"],
        "§IFACE§": values["§IFACE§"],
        "§TAKEN§": "1",
        "§LOGIN§": "1795900000",
        "§INCALL§": "1",
        "§STATUS§": "2",
        "§PAUSED§": "0",
        "§REASON§": "",
    }
    parts, count = [], 0
    for phase, events in call_phases().items():
        for _, text in events:
            parts.append(fill(text, values))
            count += 1
        if phase in ("ring", "end"):  # ringing, then free again
            parts.append(fill(MEMBER_TEMPLATE, member))
            count += 1
    return "".join(parts).encode(), count


class StreamServer:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.started = 0.0
        self.port = 0

    async def start(self) -> None:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]

    async def _serve(self, reader, writer) -> None:
        writer.write(b"Asterisk Call Manager/12.0.0\r\n")
        lists = 0
        while True:
            try:
                block = (await reader.readuntil(b"\r\n\r\n")).decode()
            except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
                return
            fields = dict(l.split(": ", 1) for l in block.strip().split("\r\n") if ": " in l)  # noqa: E741
            aid, action = fields.get("ActionID", ""), fields.get("Action", "").lower()
            if action == "login":
                writer.write(
                    f"Response: Success\r\nActionID: {aid}\r\n"
                    "Message: Authentication accepted\r\n\r\n".encode()
                )
            elif action in ("queuestatus", "coreshowchannels"):
                done = (
                    "QueueStatusComplete" if action == "queuestatus" else "CoreShowChannelsComplete"
                )
                writer.write(
                    f"Response: Success\r\nActionID: {aid}\r\nEventList: start\r\n"
                    f"Message: will follow\r\n\r\nEvent: {done}\r\nActionID: {aid}\r\n"
                    "EventList: Complete\r\nListItems: 0\r\n\r\n".encode()
                )
                lists += 1
                if lists == 2:
                    await writer.drain()
                    self.started = time.perf_counter()
                    writer.write(self.data)
            await writer.drain()


class MemoryStore:
    """The call registry from a dict (PostgreSQL in production)."""

    def __init__(self) -> None:
        self.calls: dict[str, CallRef] = {}

    async def register_call(self, linkedid, queue, caller, at, queued=True):
        return self.calls.setdefault(
            linkedid, CallRef(len(self.calls) + 1, f"R{linkedid}", "BIG", 1)
        )

    async def note_callback_request(self, linkedid, at):
        return None

    async def find_call(self, linkedid):
        return self.calls.get(linkedid)

    async def user_id(self, username):
        return 1

    async def screen_pop(self, ref, agent_user_id):
        return None

    async def apply_member(self, action, user_id):
        return None

    async def sign_out_missing(self, present):
        return 0

    async def open_calls(self):
        return []


async def main(args) -> None:
    chunks, total = [], 0
    for i in range(args.calls):
        data, count = call_stream(i)
        chunks.append(data)
        total += count
    server = StreamServer(b"".join(chunks))
    await server.start()
    signals = 0

    async def sink(ref, event) -> None:
        nonlocal signals
        signals += 1

    settings = SimpleNamespace(reopen_days=14, first_response_hours=40, temporal_task_queue="x")
    bridge = AmiBridge(
        settings, None, None, AmiConfig("127.0.0.1", server.port, "pulse", "x"), sink=sink
    )
    bridge.store = MemoryStore()
    await bridge.start()
    await asyncio.wait_for(bridge.reconciled.wait(), 30)
    for _ in range(600_000):  # until every event is read (at most ~10 minutes)
        if bridge.counts["events"] >= total:
            break
        await asyncio.sleep(0.001)
    await bridge.drain()
    elapsed = time.perf_counter() - server.started
    await bridge.stop()
    relevant = bridge.counts["actions"]
    print(
        f"calls: {args.calls}; AMI events: {total} ({relevant} relevant, "
        f"{100 * (1 - relevant / total):.0f} % noise); signals: {signals}"
    )
    print(f"read + filter + map + signal: {elapsed:.2f} s")
    noise = 100 * (1 - relevant / total)
    print(f"events_per_s={total / elapsed:.0f} signals={signals} noise_pct={noise:.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    asyncio.run(main(parser.parse_args()))

"""A fake AMI server that speaks what a real Asterisk sent: it accepts any login,
answers QueueStatus / CoreShowChannels (optionally with the boot-time Error of a
real Asterisk 22.10.1 first), then writes captured event blocks as they were
received (../shared/fixtures/asterisk)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

FIXTURES = Path("/work/shared/fixtures/asterisk")
if not FIXTURES.exists():  # the copy next to the simulator's templates
    FIXTURES = Path(__file__).resolve().parent.parent / "devstack" / "fixtures"
PULSE_CONFIGS = FIXTURES / "ami-asterisk-22.10.1-pulse-configs.txt"
BOOT_QUEUESTATUS = FIXTURES / "ami-asterisk-22.10.1-boot-queuestatus.txt"


def blocks(path: Path) -> list[str]:
    """The captured messages of a fixture, without its ``## …`` notes."""
    out = []
    for raw in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [ln for ln in raw.strip("\n").split("\n") if ln and not ln.startswith("##")]
        if lines:
            out.append("\n".join(lines))
    return out


def wire(block: str, **replace: str) -> bytes:
    lines = []
    for line in block.split("\n"):
        key = line.split(": ", 1)[0]
        lines.append(f"{key}: {replace[key]}" if key in replace else line)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def boot_error(action_id: str) -> bytes:
    """The real answer to QueueStatus while app_queue was not loaded yet."""
    error = next(b for b in blocks(BOOT_QUEUESTATUS) if b.startswith("Response: Error"))
    return wire(error, ActionID=action_id)


class FixtureAmi:
    def __init__(self, events: bytes = b"", boot_errors: int = 0) -> None:
        self.events = events
        self.boot_errors = boot_errors
        self.queue_items: list[str] = []  # QueueStatus list items (QueueMember, QueueEntry)
        self.channels: list[str] = []  # CoreShowChannel items
        self.queuestatus_asked = 0
        self.port = 0
        self._server = None
        self._writers: list[asyncio.StreamWriter] = []
        self._sent = False

    async def __aenter__(self):
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc):
        self.drop()
        self._server.close()

    def drop(self) -> None:
        for w in self._writers:
            w.close()
        self._writers.clear()

    def send(self, data: bytes) -> None:
        for w in self._writers:
            w.write(data)

    async def _serve(self, reader, writer):
        self._writers.append(writer)
        writer.write(b"Asterisk Call Manager/9.0.0\r\n")
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                block = (await reader.readuntil(b"\r\n\r\n")).decode()
                fields = dict(
                    line.split(": ", 1) for line in block.strip().split("\r\n") if ": " in line
                )
                writer.write(self._answer(fields))
                await writer.drain()

    def _answer(self, fields: dict) -> bytes:
        aid = fields.get("ActionID", "")
        action = fields.get("Action", "").lower()
        if action == "login":
            accepted = "Message: Authentication accepted\r\n"
            return f"Response: Success\r\nActionID: {aid}\r\n{accepted}\r\n".encode()
        if action == "queuestatus":
            self.queuestatus_asked += 1
            if self.boot_errors > 0:
                self.boot_errors -= 1
                return boot_error(aid)
            return self._list(aid, "QueueStatusComplete", self.queue_items)
        if action == "coreshowchannels":
            out = self._list(aid, "CoreShowChannelsComplete", self.channels)
            if not self._sent:
                self._sent = True
                out += self.events
            return out
        return f"Response: Success\r\nActionID: {aid}\r\n\r\n".encode()

    @staticmethod
    def _list(aid: str, complete: str, items: list[str]) -> bytes:
        head = (
            f"Response: Success\r\nActionID: {aid}\r\nEventList: start\r\n"
            "Message: will follow\r\n\r\n"
        )
        body = "".join(f"{item.rstrip()}\r\nActionID: {aid}\r\n\r\n" for item in items)
        tail = (
            f"Event: {complete}\r\nActionID: {aid}\r\nEventList: Complete\r\n"
            f"ListItems: {len(items)}\r\n\r\n"
        )
        return (head + body.replace("\n", "\r\n").replace("\r\r\n", "\r\n") + tail).encode()

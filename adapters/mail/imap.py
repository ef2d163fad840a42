"""An IMAP client connection for PULSE's mailboxes (aioimaplib 2.x), and the
parsing of the replies PULSE needs: FETCH bodies, SEARCH results, UIDVALIDITY.

Notes on aioimaplib 2.x (why some code below looks the way it does):
- literal data (the message bytes) arrives as ``bytearray`` items in
  ``response.lines``; the surrounding FETCH lines are ``bytes``;
- it reads CAPABILITY only at the greeting, and servers advertise more after
  LOGIN (MOVE, UIDPLUS, IDLE), so we ask again after logging in;
- it does not fail pending commands when the connection drops, so every
  command here races a "connection lost" event.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import re
import ssl as ssl_module
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

import aioimaplib

log = logging.getLogger(__name__)

Handler = Callable[[bytes, str, int, int], Awaitable[None]]

_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)", re.IGNORECASE)
_FETCH_START = re.compile(rb"^\d+ FETCH \(", re.IGNORECASE)
_UID = re.compile(rb"UID (\d+)", re.IGNORECASE)
_SEARCH = re.compile(rb"^SEARCH\b", re.IGNORECASE)


class ImapError(RuntimeError):
    """The server answered NO/BAD, or the connection is gone."""


# --- protocol helpers (shared with adapters.mail.imap_admin) -----------------------


def encode_mailbox_name(name: str) -> str:
    """A mailbox name as an IMAP quoted string, in modified UTF-7 (RFC 3501 5.1.3)."""
    encoded: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            utf16 = "".join(pending).encode("utf-16-be")
            b64 = base64.b64encode(utf16).decode("ascii").rstrip("=").replace("/", ",")
            encoded.append(f"&{b64}-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            encoded.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return aioimaplib.quoted("".join(encoded))


def decode_mailbox_name(encoded: str) -> str:
    """The reverse of ``encode_mailbox_name`` (without the quotes)."""

    def decode_chunk(match: re.Match[str]) -> str:
        chunk = match.group(1)
        if not chunk:
            return "&"
        b64 = chunk.replace(",", "/")
        b64 += "=" * (-len(b64) % 4)
        return base64.b64decode(b64).decode("utf-16-be", "replace")

    return re.sub(r"&([^-]*)-", decode_chunk, encoded)


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    raw: bytes


def parse_fetch_bodies(lines: Sequence[bytes | bytearray]) -> list[FetchedMessage]:
    """The (UID, body) pairs in a ``UID FETCH ... (UID BODY.PEEK[])`` response.

    Servers order the items as they like (``UID 5 BODY[] {n}`` or ``BODY[] {n} UID 5``),
    so the UID is looked for on the FETCH line and on the line after the literal.
    """
    found: list[FetchedMessage] = []
    uid: int | None = None
    body: bytes | None = None

    def finish() -> None:
        if uid is not None and body is not None:
            found.append(FetchedMessage(uid, body))

    for line in lines:
        if isinstance(line, bytearray):
            body = bytes(line)
            continue
        if _FETCH_START.match(line):
            finish()
            uid, body = None, None
        match = _UID.search(line)
        if match and uid is None:
            uid = int(match.group(1))
    finish()
    return found


def parse_search_uids(lines: Iterable[bytes | bytearray]) -> list[int]:
    """UIDs from a SEARCH response.

    aioimaplib strips the ``SEARCH`` keyword from the untagged line, so a result
    line is just numbers; the tagged status line ("UID SEARCH completed") is not.
    """
    uids: list[int] = []
    for line in lines[:-1] if isinstance(lines, list) else lines:
        tokens = bytes(line).split()
        if tokens and _SEARCH.match(tokens[0]):
            tokens = tokens[1:]
        if tokens and all(t.isdigit() for t in tokens):
            uids.extend(int(t) for t in tokens)
    return sorted(set(uids))


def uid_set(uids: Iterable[int]) -> str:
    """A compact IMAP sequence set: 1,2,3,7 -> '1:3,7'."""
    ordered = sorted(set(uids))
    ranges: list[str] = []
    start = prev = None
    for uid in ordered:
        if start is None:
            start = prev = uid
        elif uid == prev + 1:
            prev = uid
        else:
            ranges.append(f"{start}:{prev}" if start != prev else f"{start}")
            start = prev = uid
    if start is not None:
        ranges.append(f"{start}:{prev}" if start != prev else f"{start}")
    return ",".join(ranges)


class ImapConnection:
    """One logged-in aioimaplib client whose commands fail fast when the socket drops."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        ssl: bool = False,
        timeout: float = 30.0,
        ssl_context: ssl_module.SSLContext | None = None,
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._use_ssl = ssl
        self._ssl_context = ssl_context
        self.lost = asyncio.Event()
        self.client: aioimaplib.IMAP4 | None = None

    async def open(self, user: str, password: str) -> ImapConnection:
        if self._use_ssl:
            self.client = aioimaplib.IMAP4_SSL(
                self.host, self.port, timeout=self.timeout, ssl_context=self._ssl_context
            )
            # IMAP4_SSL takes no conn_lost_cb argument; the protocol does.
            self.client.protocol.conn_lost_cb = self._connection_lost
        else:
            self.client = aioimaplib.IMAP4(
                self.host, self.port, timeout=self.timeout, conn_lost_cb=self._connection_lost
            )
        await self.run(self.client.wait_hello_from_server())
        self.check(await self.run(self.client.login(user, password)), "LOGIN")
        # Capabilities change after LOGIN (MOVE, UIDPLUS, IDLE ...): ask again.
        await self.run(self.client.protocol.capability())
        return self

    def _connection_lost(self, exc: Exception | None) -> None:
        self.lost.set()
        if self.client is not None:
            # Wake anybody waiting in IDLE.
            self.client.protocol.idle_queue.put_nowait([b"__connection_lost__"])

    def has(self, capability: str) -> bool:
        return self.client is not None and self.client.has_capability(capability)

    async def run(self, awaitable: Awaitable, timeout: float | None = None):
        """Await an aioimaplib call, failing as soon as the connection is lost."""
        if self.lost.is_set():
            raise ConnectionError("IMAP connection lost")
        task = asyncio.ensure_future(awaitable)
        lost = asyncio.ensure_future(self.lost.wait())
        try:
            done, _ = await asyncio.wait(
                {task, lost},
                timeout=timeout or self.timeout * 4,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            lost.cancel()
        if task in done:
            return task.result()
        task.cancel()
        if lost in done:
            raise ConnectionError("IMAP connection lost")
        raise TimeoutError("IMAP command timed out")

    @staticmethod
    def check(response, what: str):
        if response.result != "OK":
            text = b" ".join(bytes(x) for x in response.lines[-1:]).decode("utf-8", "replace")
            raise ImapError(f"{what} failed: {response.result} {text}".strip())
        return response

    async def ensure_mailbox(self, mailbox: str) -> None:
        """CREATE the mailbox unless it is there already."""
        quoted = encode_mailbox_name(mailbox)
        status = await self.run(self.client.status(quoted, "(MESSAGES)"))
        if status.result == "OK":
            return
        created = await self.run(self.client.create(quoted))
        if created.result != "OK":
            # Another client may have created it meanwhile; STATUS tells.
            again = await self.run(self.client.status(quoted, "(MESSAGES)"))
            self.check(again, f"CREATE {mailbox}")

    async def select(self, mailbox: str) -> int:
        """SELECT the mailbox; returns its UIDVALIDITY."""
        response = self.check(
            await self.run(self.client.select(encode_mailbox_name(mailbox))), f"SELECT {mailbox}"
        )
        for line in response.lines:
            match = _UIDVALIDITY.search(bytes(line))
            if match:
                return int(match.group(1))
        return 0

    async def search_uids(self, criteria: str = "UNDELETED") -> list[int]:
        response = self.check(
            await self.run(self.client.uid_search(criteria, charset=None)), "UID SEARCH"
        )
        return parse_search_uids(response.lines)

    async def fetch_bodies(self, uids: Sequence[int]) -> list[FetchedMessage]:
        response = self.check(
            await self.run(self.client.uid("fetch", uid_set(uids), "(UID BODY.PEEK[])")),
            "UID FETCH",
        )
        return parse_fetch_bodies(response.lines)

    async def move(self, uids: Sequence[int], target: str) -> None:
        """Move messages: UID MOVE, else COPY + \\Deleted + (UID) EXPUNGE."""
        if not uids:
            return
        uids_text, quoted = uid_set(uids), encode_mailbox_name(target)
        if self.has("MOVE"):
            self.check(await self.run(self.client.uid("move", uids_text, quoted)), "UID MOVE")
            return
        self.check(await self.run(self.client.uid("copy", uids_text, quoted)), "UID COPY")
        self.check(
            await self.run(self.client.uid("store", uids_text, "+FLAGS.SILENT", r"(\Deleted)")),
            "UID STORE",
        )
        if self.has("UIDPLUS"):
            self.check(await self.run(self.client.uid("expunge", uids_text)), "UID EXPUNGE")
        else:
            self.check(await self.run(self.client.expunge()), "EXPUNGE")

    async def close(self) -> None:
        if self.client is None:
            return
        client, self.client = self.client, None
        if not self.lost.is_set():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.logout(), 2.0)
        with contextlib.suppress(Exception):
            client.protocol.transport.close()

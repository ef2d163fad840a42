"""Small IMAP helpers for tests, the demo ("send an email as a customer") and the benchmark.

Each call opens its own connection; use ``imap_session`` to do many things on one.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

from adapters.mail.imap import ImapConnection, encode_mailbox_name


@dataclass(frozen=True)
class StoredMessage:
    uid: int
    raw: bytes


@contextlib.asynccontextmanager
async def imap_session(
    host: str, port: int, user: str, password: str, *, ssl: bool = False, timeout: float = 30.0
) -> AsyncIterator[ImapConnection]:
    """A logged-in ``ImapConnection`` (logged out on exit)."""
    connection = ImapConnection(host, port, ssl=ssl, timeout=timeout)
    try:
        await connection.open(user, password)
        yield connection
    finally:
        await connection.close()


async def append_to(connection: ImapConnection, mailbox: str, raw: bytes) -> None:
    response = await connection.run(
        connection.client.append(raw, mailbox=encode_mailbox_name(mailbox))
    )
    connection.check(response, f"APPEND {mailbox}")


async def append_message(
    host: str,
    port: int,
    user: str,
    password: str,
    mailbox: str,
    raw_bytes: bytes,
    *,
    ssl: bool = False,
) -> None:
    """APPEND one message, creating the mailbox when it is missing."""
    await append_messages(host, port, user, password, mailbox, [raw_bytes], ssl=ssl)


async def append_messages(
    host: str,
    port: int,
    user: str,
    password: str,
    mailbox: str,
    messages: Iterable[bytes],
    *,
    ssl: bool = False,
) -> int:
    """APPEND many messages over one connection; returns how many."""
    count = 0
    async with imap_session(host, port, user, password, ssl=ssl) as connection:
        await connection.ensure_mailbox(mailbox)
        for raw in messages:
            await append_to(connection, mailbox, raw)
            count += 1
    return count


async def create_mailboxes(
    host: str, port: int, user: str, password: str, mailboxes: Iterable[str], *, ssl: bool = False
) -> None:
    async with imap_session(host, port, user, password, ssl=ssl) as connection:
        for mailbox in mailboxes:
            await connection.ensure_mailbox(mailbox)


async def list_messages(
    host: str, port: int, user: str, password: str, mailbox: str, *, ssl: bool = False
) -> list[StoredMessage]:
    """Every (undeleted) message in the folder, by UID. Missing folder: empty list."""
    async with imap_session(host, port, user, password, ssl=ssl) as connection:
        await connection.ensure_mailbox(mailbox)
        await connection.select(mailbox)
        uids = await connection.search_uids()
        if not uids:
            return []
        fetched = await connection.fetch_bodies(uids)
    return [StoredMessage(m.uid, m.raw) for m in sorted(fetched, key=lambda m: m.uid)]


async def count_messages(
    host: str, port: int, user: str, password: str, mailbox: str, *, ssl: bool = False
) -> int:
    """How many messages the folder holds (STATUS MESSAGES). Missing folder: 0."""
    async with imap_session(host, port, user, password, ssl=ssl) as connection:
        response = await connection.run(
            connection.client.status(encode_mailbox_name(mailbox), "(MESSAGES)")
        )
    if response.result != "OK":
        return 0
    for line in response.lines:
        text = bytes(line).decode("utf-8", "replace")
        if "MESSAGES" in text:
            after = text.split("MESSAGES", 1)[1]
            digits = "".join(ch for ch in after.split(")")[0] if ch.isdigit())
            return int(digits or 0)
    return 0

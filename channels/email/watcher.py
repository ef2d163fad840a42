"""Watch one IMAP folder and hand every message in it to a handler.

``MailboxWatcher`` is the intake side of the email channel: for each message in
the product's folder it calls ``handler(raw, mailbox, uidvalidity, uid)`` and,
only once the handler returned without error, moves the message to the
processed folder. A failing handler leaves the message where it is; it is
offered again on a later pass, after a per-message back-off. Dedupe is the
caller's job (``ParsedMail.dedupe_key``): the watcher guarantees *at least
once*, never *at most once*.

Throughput: messages are fetched in batches (``UID FETCH a,b,c (BODY.PEEK[])``),
handled up to ``concurrency`` at a time, and moved with one ``UID MOVE`` per
batch, so a round trip is paid per batch, not per message.

The IMAP connection and its aioimaplib quirks are in adapters/mail/imap.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import aioimaplib

from adapters.mail.imap import FetchedMessage, ImapConnection
from db.leases import Lease, while_held

log = logging.getLogger(__name__)

Handler = Callable[[bytes, str, int, int], Awaitable[None]]

# --- the watcher -------------------------------------------------------------------


@dataclass
class _Retry:
    attempts: int
    not_before: float


class MailboxWatcher:
    """Feed every message of one IMAP folder to ``handler``, then move it away.

    ``run()`` runs until cancelled (or ``stop()``), reconnecting with a capped
    exponential back-off; ``run_once()`` handles what is there now (for tests).
    """

    def __init__(
        self,
        *,
        host: str,
        port: int,
        user: str,
        password: str,
        mailbox: str,
        handler: Handler,
        ssl: bool = False,
        processed_folder: str = "Processed",
        idle_seconds: float = 300.0,
        poll_seconds: float = 5.0,
        concurrency: int = 8,
        batch_size: int = 100,
        command_timeout: float = 30.0,
        retry_initial_seconds: float = 1.0,
        retry_max_seconds: float = 300.0,
        reconnect_max_seconds: float = 60.0,
        use_idle: bool = True,
        lease_database_url: str | None = None,
    ) -> None:
        self.host, self.port, self.ssl = host, port, ssl
        self.user, self.password = user, password
        self.mailbox, self.processed_folder = mailbox, processed_folder
        self.handler = handler
        self.idle_seconds, self.poll_seconds = idle_seconds, poll_seconds
        self.concurrency = max(1, concurrency)
        self.batch_size = max(1, batch_size)
        self.command_timeout = command_timeout
        self.retry_initial_seconds = retry_initial_seconds
        self.retry_max_seconds = retry_max_seconds
        self.reconnect_max_seconds = reconnect_max_seconds
        self.use_idle = use_idle  # False: always poll (for servers with a broken IDLE)
        self._connection: ImapConnection | None = None
        self._uidvalidity = 0
        self._retries: dict[int, _Retry] = {}
        self._stopping = asyncio.Event()
        self._run_task: asyncio.Task | None = None
        self.handled_count = 0  # messages handled and moved, since start
        self.connected = asyncio.Event()  # set while logged in and selected
        # With a database URL, of all intake processes only the one holding the
        # mailbox's lease watches it; the others stand by (db/leases.py).
        self.lease = Lease(lease_database_url, f"intake:{mailbox}") if lease_database_url else None
        self._leased_run: asyncio.Task | None = None

    # -- public API ------------------------------------------------------------

    async def run(self) -> None:
        """Watch the folder until cancelled or ``stop()``; never dies on errors."""
        if self.lease is None:
            return await self._run()
        await while_held(self.lease, self._stopping, self._start_leased, self._stop_leased)

    async def _start_leased(self) -> None:
        self._leased_run = asyncio.get_running_loop().create_task(self._run())

    async def _stop_leased(self) -> None:
        task, self._leased_run = self._leased_run, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _run(self) -> None:
        self._run_task = asyncio.current_task()
        failures = 0
        try:
            while not self._stopping.is_set():
                try:
                    await self._connect()
                    failures = 0
                    await self._watch()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - reconnect on anything
                    failures += 1
                    delay = min(self.reconnect_max_seconds, 0.5 * 2 ** min(failures - 1, 10))
                    log.warning(
                        "IMAP watcher for %r: %s: %s; reconnecting in %.1fs",
                        self.mailbox,
                        type(exc).__name__,
                        exc,
                        delay,
                    )
                    await self._disconnect()
                    await self._sleep_unless_stopped(delay)
        finally:
            await self._disconnect()

    async def stop(self) -> None:
        """Ask ``run()`` to finish; returns when it has."""
        self._stopping.set()
        task = self._run_task
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def run_once(self) -> int:
        """Handle the messages in the folder now (one connection); returns how many moved."""
        try:
            await self._connect()
            moved = 0
            while True:
                batch_moved, more = await self._process_batch()
                moved += batch_moved
                if not more:
                    return moved
        finally:
            await self._disconnect()

    # -- connection --------------------------------------------------------------

    async def _connect(self) -> None:
        connection = ImapConnection(
            self.host, self.port, ssl=self.ssl, timeout=self.command_timeout
        )
        self._connection = connection
        await connection.open(self.user, self.password)
        await connection.ensure_mailbox(self.processed_folder)
        uidvalidity = await connection.select(self.mailbox)
        if uidvalidity != self._uidvalidity:
            # New UIDVALIDITY: old UIDs mean nothing any more.
            self._retries.clear()
            self._uidvalidity = uidvalidity
        self.connected.set()
        log.info("IMAP watcher connected to %s:%s %r", self.host, self.port, self.mailbox)

    async def _disconnect(self) -> None:
        self.connected.clear()
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    # -- the loop ----------------------------------------------------------------

    async def _watch(self) -> None:
        while not self._stopping.is_set():
            moved, more = await self._process_batch()
            if more:
                continue
            await self._wait_for_news(self._next_wake_in())

    async def _process_batch(self) -> tuple[int, bool]:
        """Handle one batch; returns (moved, more messages may be waiting now)."""
        connection = self._require_connection()
        now = time.monotonic()
        uids = await connection.search_uids()
        present = set(uids)
        self._retries = {uid: r for uid, r in self._retries.items() if uid in present}
        due = [uid for uid in uids if self._retry_due(uid, now)]
        batch = due[: self.batch_size]
        if not batch:
            return 0, False
        fetched = await connection.fetch_bodies(batch)
        succeeded = await self._handle_all(fetched)
        await connection.move(succeeded, self.processed_folder)
        for uid in succeeded:
            self._retries.pop(uid, None)
        self.handled_count += len(succeeded)
        # After progress, look again at once: mail that arrived while we were busy
        # was announced (EXISTS) outside IDLE, and aioimaplib drops such notices.
        return len(succeeded), bool(succeeded)

    async def _handle_all(self, fetched: Sequence[FetchedMessage]) -> list[int]:
        """Run the handler over a batch, ``concurrency`` at a time; returns UIDs that succeeded."""
        semaphore = asyncio.Semaphore(self.concurrency)

        async def handle(message: FetchedMessage) -> int | None:
            async with semaphore:
                try:
                    await self.handler(message.raw, self.mailbox, self._uidvalidity, message.uid)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - one bad message must not stop intake
                    self._note_failure(message.uid, exc)
                    return None
                return message.uid

        results = await asyncio.gather(*(handle(m) for m in sorted(fetched, key=lambda m: m.uid)))
        return [uid for uid in results if uid is not None]

    def _note_failure(self, uid: int, exc: Exception) -> None:
        previous = self._retries.get(uid)
        attempts = (previous.attempts if previous else 0) + 1
        delay = min(self.retry_max_seconds, self.retry_initial_seconds * 2 ** (attempts - 1))
        self._retries[uid] = _Retry(attempts, time.monotonic() + delay)
        log.warning(
            "handler failed for %r uid %s (attempt %s, retry in %.1fs): %s: %s",
            self.mailbox,
            uid,
            attempts,
            delay,
            type(exc).__name__,
            exc,
        )

    def _retry_due(self, uid: int, now: float) -> bool:
        retry = self._retries.get(uid)
        return retry is None or retry.not_before <= now

    def _next_wake_in(self) -> float:
        """Seconds until the next planned look: the IDLE/poll period or a due retry."""
        period = self.idle_seconds if self._can_idle() else self.poll_seconds
        if self._retries:
            soonest = min(r.not_before for r in self._retries.values()) - time.monotonic()
            period = min(period, max(0.05, soonest))
        return period

    async def _wait_for_news(self, timeout: float) -> None:
        if not self._can_idle():
            await self._sleep_unless_stopped(timeout)
            return
        await self._idle(self._require_connection(), timeout)

    def _can_idle(self) -> bool:
        return self.use_idle and self._connection is not None and self._connection.has("IDLE")

    async def _idle(self, connection: ImapConnection, timeout: float) -> None:
        """IDLE until the server reports a change (EXISTS), or ``timeout`` passes."""
        client = connection.client
        idle_task = await connection.run(client.idle_start(timeout=max(timeout, 1.0)))
        try:
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                try:
                    push = await client.wait_server_push(timeout=remaining)
                except TimeoutError:
                    return
                if push == aioimaplib.STOP_WAIT_SERVER_PUSH:
                    return
                if any(b"__connection_lost__" in bytes(line) for line in push):
                    raise ConnectionError("IMAP connection lost during IDLE")
                if any(b"EXISTS" in bytes(line) for line in push):
                    return
        finally:
            if not connection.lost.is_set() and client.has_pending_idle():
                client.idle_done()
                await connection.run(asyncio.wait_for(idle_task, self.command_timeout))

    def _require_connection(self) -> ImapConnection:
        if self._connection is None:
            raise ConnectionError("not connected")
        return self._connection

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

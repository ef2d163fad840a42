"""A lease on a name ("intake:<mailbox>", "ami:<host>:<port>") held as a PostgreSQL
session advisory lock on a connection of its own, so that of two processes doing
the same watching only one is active.

- ``acquire()`` tries ``pg_try_advisory_lock`` every ``retry_seconds`` until it
  holds the lock (or ``stopping`` is set). PostgreSQL frees a session lock when
  the session ends: a holder killed with SIGKILL loses its socket, its backend
  exits and the standby's next try (within ``retry_seconds``) wins.
- While held, the connection is checked every ``renew_seconds``; when the check
  fails (PostgreSQL restarted, network gone) the lock is gone too and ``lost`` is
  set: the holder must stop its work and acquire again.
- ``release()`` unlocks and closes (also on exit of ``async with``).

Between a holder's connection breaking and its next check (at most about
``renew_seconds``) both processes may work: what they do must stay idempotent
(the intake dedupes, the AMI bridge registers calls by Linkedid).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging

import psycopg

log = logging.getLogger(__name__)


def lease_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a lease name."""
    digest = hashlib.blake2b(f"pulse-lease:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def conninfo(database_url: str) -> str:
    """The SQLAlchemy URL of the settings as a libpq URL."""
    return database_url.replace("postgresql+psycopg://", "postgresql://", 1)


class Lease:
    def __init__(
        self,
        database_url: str,
        name: str,
        retry_seconds: float = 1.0,
        renew_seconds: float = 1.0,
    ) -> None:
        self.url = conninfo(database_url)
        self.name = name
        self.key = lease_key(name)
        self.retry_seconds, self.renew_seconds = retry_seconds, renew_seconds
        self.lost = asyncio.Event()
        self._conn: psycopg.AsyncConnection | None = None
        self._renewing: asyncio.Task | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None and not self.lost.is_set()

    async def acquire(self, stopping: asyncio.Event | None = None) -> bool:
        """Wait until this process holds the lease; False if ``stopping`` came first."""
        waiting_logged = False
        while stopping is None or not stopping.is_set():
            if await self._try():
                log.info("lease %s: held", self.name)
                return True
            if not waiting_logged:
                log.info("lease %s: held elsewhere; standing by", self.name)
                waiting_logged = True
            with contextlib.suppress(TimeoutError):
                if stopping is None:
                    await asyncio.sleep(self.retry_seconds)
                else:
                    await asyncio.wait_for(stopping.wait(), self.retry_seconds)
        return False

    async def _try(self) -> bool:
        try:
            if self._conn is None or self._conn.closed:
                self._conn = await psycopg.AsyncConnection.connect(
                    self.url, autocommit=True, connect_timeout=5
                )
            cur = await self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
            got = (await cur.fetchone())[0]
        except (psycopg.Error, OSError) as exc:
            log.warning("lease %s: database not reachable (%s)", self.name, exc)
            await self._close()
            return False
        if got:
            self.lost.clear()
            self._renewing = asyncio.get_running_loop().create_task(self._renew())
        return bool(got)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self.renew_seconds)
            try:
                await asyncio.wait_for(self._conn.execute("SELECT 1"), self.renew_seconds * 5)
            except (psycopg.Error, OSError, TimeoutError) as exc:
                log.error("lease %s: lost (%s)", self.name, exc)
                self.lost.set()
                await self._close()
                return

    async def release(self) -> None:
        if self._renewing is not None:
            self._renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewing
            self._renewing = None
        if self._conn is not None and not self._conn.closed and not self.lost.is_set():
            with contextlib.suppress(psycopg.Error, OSError):
                await self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        await self._close()

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                await conn.close()

    async def __aenter__(self) -> Lease:
        await self.acquire()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.release()


async def while_held(lease: Lease, stopping: asyncio.Event, start, stop) -> None:
    """Run ``start()`` whenever the lease is held and ``stop()`` when it is lost or
    ``stopping`` is set; again and again until ``stopping``."""
    try:
        while await lease.acquire(stopping):
            await start()
            lost = asyncio.ensure_future(lease.lost.wait())
            stop_asked = asyncio.ensure_future(stopping.wait())
            await asyncio.wait({lost, stop_asked}, return_when=asyncio.FIRST_COMPLETED)
            lost.cancel()
            stop_asked.cancel()
            await stop()
            if stopping.is_set():
                break
            await lease.release()
    finally:
        await lease.release()

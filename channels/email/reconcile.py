"""Keep one IMAP watcher per active product mailbox while products change.

The intake reads the ``products`` table every ``every_seconds`` (and once at the
start): a mailbox an admin added or re-activated gets a watcher, a mailbox no
active product names any more has its watcher stopped. Nothing restarts: the
watchers of unchanged mailboxes keep their connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select

from channels.email.watcher import MailboxWatcher
from db.models.contacts import Product

log = logging.getLogger("pulse.intake")

RECONCILE_SECONDS = 15.0


class WatcherSet:
    """The running watchers, by mailbox; ``make(mailbox)`` builds a new one."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker,
        make: Callable[[str], MailboxWatcher],
        every_seconds: float = RECONCILE_SECONDS,
    ) -> None:
        self.sessionmaker, self.make, self.every_seconds = sessionmaker, make, every_seconds
        self.watchers: dict[str, MailboxWatcher] = {}
        self._tasks: dict[str, asyncio.Task] = {}

    async def wanted(self) -> set[str]:
        async with self.sessionmaker() as s:
            return set((await s.exec(select(Product.mailbox).where(Product.active))).all())

    async def reconcile(self) -> tuple[set[str], set[str]]:
        """Start and stop watchers to match the table; returns (started, stopped)."""
        wanted = await self.wanted()
        started, stopped = wanted - self.watchers.keys(), self.watchers.keys() - wanted
        for mailbox in sorted(stopped):
            await self._stop(mailbox)
        for mailbox in sorted(started):
            watcher = self.make(mailbox)
            self.watchers[mailbox] = watcher
            self._tasks[mailbox] = asyncio.create_task(watcher.run(), name=f"watch:{mailbox}")
        if started or stopped:
            log.info("mailboxes: started %s, stopped %s", sorted(started), sorted(stopped))
        return started, stopped

    async def _stop(self, mailbox: str) -> None:
        watcher, task = self.watchers.pop(mailbox), self._tasks.pop(mailbox)
        await watcher.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task

    async def run(self) -> None:
        """Reconcile now and then every ``every_seconds`` until cancelled; a failed read
        (the database restarting) keeps the watchers as they are until the next round."""
        while True:
            try:
                await self.reconcile()
            except Exception:  # the next round tries again
                log.exception("could not read the product mailboxes")
            await asyncio.sleep(self.every_seconds)

    async def stop_all(self) -> None:
        for mailbox in list(self.watchers):
            await self._stop(mailbox)

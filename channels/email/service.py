"""The mail intake process: one IMAP watcher per active product mailbox, kept in
step with the products table (channels/email/reconcile.py).

    python -m channels.email.service

It runs apart from the worker (like the AMI bridge), so either can be restarted
without the other; both are safe to kill at any moment.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from channels.email.intake import MailIntake
from channels.email.reconcile import WatcherSet
from channels.email.watcher import MailboxWatcher
from config.settings import Settings, get_settings
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker

log = logging.getLogger("pulse.intake")


def watchers_for(
    mailboxes: list[str], intake: MailIntake, settings: Settings, concurrency: int = 16
) -> list[MailboxWatcher]:
    return [
        MailboxWatcher(
            host=settings.imap_host,
            port=settings.imap_port,
            ssl=settings.imap_ssl,
            user=settings.imap_user,
            password=settings.imap_password.get_secret_value(),
            mailbox=mailbox,
            processed_folder=settings.imap_processed_folder,
            handler=intake.handle,
            idle_seconds=settings.imap_idle_seconds,
            poll_seconds=settings.imap_poll_seconds,
            concurrency=concurrency,
            lease_database_url=settings.database_url,
        )
        for mailbox in mailboxes
    ]


async def temporal_when_up(settings):
    """Temporal may be down when the intake (re)starts: wait for it rather than exit, as
    nothing is read from IMAP before there is an engine to hand mail to."""
    from adapters.temporal.codec import connect_temporal

    delay = 0.5
    while True:
        try:
            return await connect_temporal(settings)
        except RuntimeError as exc:
            log.warning("Temporal not reachable (%s); retrying in %.1f s", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


async def main() -> None:
    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings)
    sessionmaker = make_sessionmaker(engine)
    intake = MailIntake(sessionmaker, await temporal_when_up(settings), settings)
    # mailboxes follow the products table (an admin adds one: it gets a watcher)
    watchers = WatcherSet(sessionmaker, lambda box: watchers_for([box], intake, settings)[0])
    reconciling = asyncio.create_task(watchers.run())
    log.info("watching the product mailboxes on %s:%s", settings.imap_host, settings.imap_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    reconciling.cancel()
    await asyncio.gather(reconciling, return_exceptions=True)
    await watchers.stop_all()
    await engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(main())

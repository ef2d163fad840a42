"""The PULSE worker: runs every workflow and activity. Scale by running more copies.

python worker.py            # the Temporal worker
"""

from __future__ import annotations

import asyncio
import logging
import signal

from temporalio.client import Client
from temporalio.worker import Worker

from activities.contacts import ContactActivities, all_activities
from config.settings import Settings, get_settings
from core.db import make_engine, make_sessionmaker
from core.migrate import upgrade
from core.temporal_setup import ensure_search_attributes
from workflows.contact import ContactWorkflow

WORKFLOWS = [ContactWorkflow]

log = logging.getLogger("pulse.worker")


async def connect_temporal(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=settings.temporal_tls,
    )


def build_worker(client: Client, settings: Settings, sessionmaker) -> Worker:
    acts = ContactActivities(sessionmaker, settings)
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=all_activities(acts),
        max_concurrent_activities=100,
    )


async def main() -> None:
    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings)
    client = await connect_temporal(settings)
    added = await ensure_search_attributes(client, settings.temporal_namespace)
    if added:
        log.info("registered search attributes %s", ", ".join(added))
    worker = build_worker(client, settings, make_sessionmaker(engine))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info(
        "worker polling task queue %r on %s",
        settings.temporal_task_queue,
        settings.temporal_address,
    )
    async with worker:
        await stop.wait()
    await engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(main())

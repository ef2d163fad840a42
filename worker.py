"""The PULSE worker: runs every workflow and activity. Scale by running more copies.

python worker.py            # the Temporal worker
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from temporalio.client import Client
from temporalio.worker import Worker

from activities.contacts import ContactActivities, all_activities
from activities.phone import PhoneActivities, phone_activities
from activities.records import RecordsActivities, ensure_destruction_schedule, records_activities
from activities.work import WorkActivities, all_work_activities
from config.settings import Settings, get_settings
from core.db import make_engine, make_sessionmaker
from core.migrate import upgrade
from core.temporal_setup import ensure_search_attributes
from workflows.contact import ContactWorkflow
from workflows.records import ArchiveContactWorkflow, DestructionListWorkflow

WORKFLOWS = [ContactWorkflow]
WORKFLOWS += [ArchiveContactWorkflow, DestructionListWorkflow]  # records area (issue 6)

log = logging.getLogger("pulse.worker")


async def connect_temporal(settings: Settings) -> Client:
    """The one way PULSE connects (core.codec: encrypted payloads, shared converter)."""
    from core.codec import connect_temporal as connect

    return await connect(settings)


def build_worker(client: Client, settings: Settings, sessionmaker) -> Worker:
    acts = ContactActivities(sessionmaker, settings)
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=all_activities(acts)
        + all_work_activities(WorkActivities(sessionmaker, settings))  # work area
        + phone_activities(PhoneActivities(sessionmaker, settings))  # phone area
        + records_activities(RecordsActivities(sessionmaker, settings)),  # records area
        max_concurrent_activities=100,
        # Open contacts stay cached between their signals and updates (see the setting).
        max_cached_workflows=settings.worker_workflow_cache,
    )


async def main() -> None:
    # The workflow sandbox re-imports the workflow modules for every workflow it
    # starts. Without a bytecode cache (PYTHONDONTWRITEBYTECODE, usual in container
    # images) each start compiles workflows/contact.py from source again: ~8 % of the
    # worker's CPU on bench/intake.py. Writing .pyc files is harmless where it fails.
    sys.dont_write_bytecode = False
    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings)
    client = await connect_temporal(settings)
    added = await ensure_search_attributes(client, settings.temporal_namespace)
    if added:
        log.info("registered search attributes %s", ", ".join(added))
    await ensure_destruction_schedule(client, settings)  # records area: daily, idempotent
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

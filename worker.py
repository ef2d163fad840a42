"""The PULSE worker: runs every workflow and activity. Scale by running more copies.

python worker.py            # the Temporal worker
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from adapters.temporal.codec import connect_temporal
from adapters.temporal.setup import ensure_search_attributes
from config.settings import get_settings
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker
from runtime.schedules import (
    ensure_destruction_schedule,
    ensure_line_state_schedule,
    ensure_signal_scan_schedule,
    ensure_weekly_report_schedule,
)
from runtime.worker import build_worker

log = logging.getLogger("pulse.worker")


async def main() -> None:
    # The workflow sandbox re-imports the workflow modules for every workflow it
    # starts. Without a bytecode cache (PYTHONDONTWRITEBYTECODE, usual in container
    # images) each start compiles workflows/contact/workflow.py from source again: ~8 % of the
    # worker's CPU on bench/intake.py. Writing .pyc files is harmless where it fails.
    sys.dont_write_bytecode = False
    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings)
    client = await connect_temporal(settings)
    added = await ensure_search_attributes(client, settings.temporal_namespace)
    if added:
        log.info("registered search attributes %s", ", ".join(added))
    await ensure_destruction_schedule(client, settings)  # daily, idempotent
    await ensure_weekly_report_schedule(client, settings)  # Mondays, idempotent
    await ensure_line_state_schedule(client, settings)  # every few minutes, idempotent
    await ensure_signal_scan_schedule(client, settings)  # every morning, idempotent
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

"""The bare Temporal yardstick: a workflow that runs one no-op activity.

Run as its own worker process, as PULSE's worker is:
    python -m bench.bare --address 127.0.0.1:7233 --task-queue bare
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker


@activity.defn
async def noop(n: int) -> int:
    return n


@workflow.defn
class BareWorkflow:
    @workflow.run
    async def run(self, n: int) -> int:
        return await workflow.execute_activity(
            noop, n, start_to_close_timeout=timedelta(seconds=30)
        )


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[BareWorkflow],
        activities=[noop],
        max_concurrent_activities=100,
    )
    await worker.run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.address, args.task_queue))

"""Scenarios of the signal scan workflow: the daily scan, through a database outage."""

from __future__ import annotations

from contracts.signals import SignalScanInput, signal_scan_workflow_id
from tests.workflows.harness import Run, SignalScanWorkflow

SCAN_DAY = "2026-03-09"


async def signal_scan(run: Run) -> None:
    # as the Schedule starts it: no day given, the workflow takes yesterday
    handle = await run.client.start_workflow(
        SignalScanWorkflow.run,
        SignalScanInput(),
        id=signal_scan_workflow_id(SCAN_DAY),
        task_queue=run.task_queue,
    )
    run.outcome.workflow_ids.append(handle.id)
    run.outcome.results[handle.id] = await handle.result()

"""Scenario of LineStateWorkflow: one push of the phone lines' open/closed state."""

from __future__ import annotations

from contracts.line_state import PushLineStatesInput
from tests.workflows.harness import LineStateWorkflow, Run

LINE_STATE_ID = "line-state-WFT"
AT = "2031-03-05T10:00:00+01:00"


async def push(run: Run) -> None:
    handle = await run.client.start_workflow(
        LineStateWorkflow.run,
        PushLineStatesInput(at=AT),
        id=LINE_STATE_ID,
        task_queue=run.task_queue,
    )
    run.outcome.workflow_ids.append(handle.id)
    run.outcome.results[handle.id] = await handle.result()

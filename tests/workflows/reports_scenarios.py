"""Scenarios of the reports workflow: the weekly report mail, through a mail outage."""

from __future__ import annotations

from contracts.reports import WeeklyReportInput, weekly_report_workflow_id
from tests.workflows.harness import Run, WeeklyReportWorkflow

WEEKLY_AS_OF = "2026-03-09"


async def weekly_report(run: Run) -> None:
    handle = await run.client.start_workflow(
        WeeklyReportWorkflow.run,
        WeeklyReportInput(as_of=WEEKLY_AS_OF),
        id=weekly_report_workflow_id(WEEKLY_AS_OF),
        task_queue=run.task_queue,
    )
    run.outcome.workflow_ids.append(handle.id)
    run.outcome.results[handle.id] = await handle.result()

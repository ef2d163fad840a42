"""Scenarios of the records workflows: the archive of a closed contact (through a DMS
outage) and the destruction list (collect, decide item by item, destroy, certify)."""

from __future__ import annotations

from contracts.records import (
    ArchiveInput,
    DecideRequest,
    DestructionRunInput,
    archive_workflow_id,
)
from tests.workflows.harness import ArchiveContactWorkflow, DestructionListWorkflow, Run

RECORDS_MANAGER = 90
APPROVED, WITHHELD, ON_HOLD = 11, 12, 13
DESTRUCTION_ID = "destruction-WFT-LIST"
EMPTY_DESTRUCTION_ID = "destruction-WFT-EMPTY"


async def archive(run: Run) -> None:
    handle = await run.client.start_workflow(
        ArchiveContactWorkflow.run,
        ArchiveInput(contact_id=201, reference="WFT-ARCHIVE"),
        id=archive_workflow_id("WFT-ARCHIVE"),
        task_queue=run.task_queue,
    )
    run.outcome.workflow_ids.append(handle.id)
    run.outcome.results[handle.id] = await handle.result()


async def destruction_list(run: Run) -> None:
    handle = await run.client.start_workflow(
        DestructionListWorkflow.run,
        DestructionRunInput(as_of="2026-11-30"),
        id=DESTRUCTION_ID,
        task_queue=run.task_queue,
    )
    run.outcome.workflow_ids.append(handle.id)

    async def decide(req: DecideRequest):
        return await handle.execute_update(DestructionListWorkflow.decide, req)

    await run.until(lambda: _listed(handle), "the destruction list collected")
    run.step("state_collected", await handle.query(DestructionListWorkflow.state))
    run.step("approve", await decide(DecideRequest(RECORDS_MANAGER, APPROVED, True)))
    await run.refused("approve_again", decide(DecideRequest(RECORDS_MANAGER, APPROVED, True)))
    await run.refused(
        "withhold_without_reason", decide(DecideRequest(RECORDS_MANAGER, WITHHELD, False))
    )
    withhold = DecideRequest(RECORDS_MANAGER, WITHHELD, False, reason="objection pending")
    run.step("withhold", await decide(withhold))
    await run.refused("not_on_list", decide(DecideRequest(RECORDS_MANAGER, 99, True)))
    run.step("approve_last", await decide(DecideRequest(RECORDS_MANAGER, ON_HOLD, True)))
    run.outcome.results[handle.id] = await handle.result()
    run.step("state_done", await handle.query(DestructionListWorkflow.state))


async def _listed(handle) -> bool:
    return (await handle.query(DestructionListWorkflow.state)).list_id is not None


async def empty_destruction_list(run: Run) -> None:
    handle = await run.client.start_workflow(
        DestructionListWorkflow.run,
        DestructionRunInput(as_of="2026-12-01"),
        id=EMPTY_DESTRUCTION_ID,
        task_queue=run.task_queue,
    )
    run.outcome.workflow_ids.append(handle.id)
    run.outcome.results[handle.id] = await handle.result()
    run.step("state_done", await handle.query(DestructionListWorkflow.state))

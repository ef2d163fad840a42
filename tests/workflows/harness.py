"""Running a scenario: PULSE's workflows on a time-skipping test server, against the
stub activities of tests/workflows/stubs.py. The tests and the history recorder
(``python -m tests.workflows.record``) both go through ``run_scenario``, so the
stored histories are exactly what the tests exercise."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from adapters.temporal.setup import ensure_search_attributes
from contracts.contact import ContactInput, contact_workflow_id, initial_search_attributes
from contracts.records import ArchiveResult, archive_workflow_id
from devstack.binaries import temporal_test_server
from runtime.worker import WORKFLOWS
from tests.conftest import pulse_data_converter
from tests.workflows.stubs import StubConfig, Stubs


def workflow_class(name: str) -> type:
    """A workflow of the worker by its name: the tests depend on what the worker
    runs (``runtime.worker.WORKFLOWS``), not on the module a workflow lives in."""
    return {wf.__name__: wf for wf in WORKFLOWS}[name]


ContactWorkflow = workflow_class("ContactWorkflow")
ArchiveContactWorkflow = workflow_class("ArchiveContactWorkflow")
DestructionListWorkflow = workflow_class("DestructionListWorkflow")
WeeklyReportWorkflow = workflow_class("WeeklyReportWorkflow")
IncidentWorkflow = workflow_class("IncidentWorkflow")
LineStateWorkflow = workflow_class("LineStateWorkflow")
SignalScanWorkflow = workflow_class("SignalScanWorkflow")

WAIT_SECONDS = 30.0  # generous: the machines running the suite are shared


async def start_skipping_env() -> WorkflowEnvironment:
    """The same construction as the ``temporal_env`` fixture of tests/conftest.py: the
    time-skipping server with PULSE's encrypting converter and search attributes."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server(),
        data_converter=pulse_data_converter(),
    )
    await ensure_search_attributes(env.client, "default")
    return env


@dataclass
class Outcome:
    """What a scenario saw: each step's answer (an Update's result, a query, or the
    type of the refusal), the workflows' results, and the calls the stubs got."""

    stubs: Stubs
    steps: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)  # workflow id -> result
    workflow_ids: list[str] = field(default_factory=list)  # the histories to keep


class Run:
    """One scenario in progress: a client, the stubs, and what was seen so far."""

    def __init__(self, env: WorkflowEnvironment, stubs: Stubs, task_queue: str) -> None:
        self.env = env
        self.client: Client = env.client
        self.stubs = stubs
        self.task_queue = task_queue
        self.outcome = Outcome(stubs)

    def step(self, name: str, value: Any) -> Any:
        assert name not in self.outcome.steps, f"step {name!r} taken twice"
        self.outcome.steps[name] = value
        return value

    async def refused(self, name: str, update: Awaitable[Any]) -> str:
        """Send an Update that must be refused; the step holds the refusal's type
        (or what it answered, so the test's assertion shows it was accepted)."""
        try:
            answer = await update
        except WorkflowUpdateFailedError as exc:
            cause = exc.cause
            kind = cause.type if isinstance(cause, ApplicationError) else repr(cause)
            return self.step(name, kind)
        return self.step(name, f"accepted: {answer!r}")

    async def until(self, check: Callable[[], Any], what: str) -> Any:
        """Poll ``check`` (sync or async) until it gives something truthy."""
        deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
        while True:
            found = check()
            if asyncio.iscoroutine(found):
                found = await found
            if found:
                return found
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.02)

    async def called(self, workflow_id: str, name: str, count: int = 1) -> list[Any]:
        """Wait until the workflow has made ``count`` calls of activity ``name``."""
        await self.until(
            lambda: len(self.stubs.args(workflow_id, name)) >= count,
            f"{count} x {name} from {workflow_id}",
        )
        return self.stubs.args(workflow_id, name)

    async def projected(self, workflow_id: str, event: str) -> None:
        """Wait until the workflow wrote a projection with this event."""
        await self.until(
            lambda: event in [u.event for u in self.stubs.args(workflow_id, "update_projection")],
            f"projection event {event!r} of {workflow_id}",
        )

    # --- contacts -------------------------------------------------------------------

    async def start_contact(self, inp: ContactInput, **start) -> WorkflowHandle:
        handle = await self.client.start_workflow(
            ContactWorkflow.run,
            inp,
            id=contact_workflow_id(inp.reference),
            task_queue=self.task_queue,
            search_attributes=initial_search_attributes(inp.product_code, inp.channel),
            **start,
        )
        self.outcome.workflow_ids.append(handle.id)
        return handle

    async def finish_contact(self, handle: WorkflowHandle, reference: str, closings: int = 1):
        """Let the closed contact's archive run and its reopen window pass (the time
        skips), so nothing of this scenario is left running. The archive starts
        after the closing Update has answered: wait for each closing's archive run
        to exist before waiting on the latest one."""
        archive_id = archive_workflow_id(reference)
        await self.called(archive_id, "mark_archiving_pending", closings)
        archive = self.client.get_workflow_handle(archive_id, result_type=ArchiveResult)
        self.outcome.results[archive.id] = await archive.result()
        self.outcome.results[handle.id] = await handle.result()


Scenario = Callable[[Run], Awaitable[None]]


async def run_scenario(
    env: WorkflowEnvironment, name: str, scenario: Scenario, config: StubConfig
) -> Outcome:
    """Run one scenario on a worker and task queue of its own, with fresh stubs."""
    stubs = Stubs(config)
    task_queue = f"wftest-{name}"
    worker = Worker(
        env.client, task_queue=task_queue, workflows=WORKFLOWS, activities=stubs.activities()
    )
    async with worker:
        run = Run(env, stubs, task_queue)
        await scenario(run)
    return run.outcome

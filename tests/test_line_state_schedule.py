"""The line-state schedule is registered once, and an admin's change triggers it:
the triggered run is a LineStateWorkflow on the worker's task queue."""

from __future__ import annotations

import contextlib

from temporalio.service import RPCError

from contracts.line_state import LINE_STATE_SCHEDULE_ID
from runtime.schedules import ensure_line_state_schedule
from services.phone.line_state_trigger import refresh_line_states
from tests.mailservers import eventually


async def test_schedule_registered_once_and_triggered_by_a_change(temporal_dev, settings):
    client = temporal_dev.client
    handle = client.get_schedule_handle(LINE_STATE_SCHEDULE_ID)
    with contextlib.suppress(RPCError):
        await handle.delete()
    assert await refresh_line_states(client) is False  # no schedule: refused, no error
    assert await ensure_line_state_schedule(client, settings) is True
    assert await ensure_line_state_schedule(client, settings) is False  # idempotent
    try:
        described = await handle.describe()
        assert described.schedule.action.workflow == "LineStateWorkflow"
        assert described.schedule.spec.intervals[0].every.total_seconds() == 300
        assert await refresh_line_states(client) is True

        async def triggered() -> bool:
            return (await handle.describe()).info.num_actions >= 1

        await eventually(triggered)
    finally:
        # no worker here runs it: leave nothing another test's worker would pick up
        for action in (await handle.describe()).info.recent_actions:
            with contextlib.suppress(RPCError):
                run = action.action.workflow_id
                await client.get_workflow_handle(run).terminate("test over")
        await handle.delete()

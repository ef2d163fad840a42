"""Push the phone lines' open/closed state now, after an admin changed the calendar
or a line, instead of waiting for the next run of the ``line-state`` schedule."""

from __future__ import annotations

import logging

from temporalio.client import Client, ScheduleOverlapPolicy

from contracts.line_state import LINE_STATE_SCHEDULE_ID

log = logging.getLogger(__name__)


async def refresh_line_states(client: Client) -> bool:
    """Trigger the schedule (a push already running gets one more after it). False when
    Temporal did not take it: the change is saved, the next scheduled run pushes it."""
    try:
        handle = client.get_schedule_handle(LINE_STATE_SCHEDULE_ID)
        await handle.trigger(overlap=ScheduleOverlapPolicy.BUFFER_ONE)
    except Exception as exc:  # the admin's change is committed either way
        log.warning("could not trigger the line-state push now: %s", exc)
        return False
    return True

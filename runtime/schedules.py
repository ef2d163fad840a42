"""Temporal Schedules PULSE keeps: registered by every worker at start, idempotently."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
)
from temporalio.service import RPCError

from config.settings import Settings
from contracts.line_state import (
    LINE_STATE_EVERY_MINUTES,
    LINE_STATE_SCHEDULE_ID,
    LINE_STATE_WORKFLOW_ID,
    PushLineStatesInput,
)
from contracts.records import DESTRUCTION_SCHEDULE_ID, DestructionRunInput
from contracts.reports import WEEKLY_REPORT_SCHEDULE_ID, WeeklyReportInput
from contracts.signals import SIGNAL_SCAN_SCHEDULE_ID, SignalScanInput
from workflows.line_state import LineStateWorkflow
from workflows.records import DestructionListWorkflow
from workflows.reports import WeeklyReportWorkflow
from workflows.signals import SignalScanWorkflow


async def ensure_destruction_schedule(client: Client, settings: Settings) -> bool:
    """Register the daily destruction-list schedule once (True when created now).

    Idempotent: a second worker, or a restart, finds it and leaves it alone."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            DestructionListWorkflow.run,
            DestructionRunInput(),
            id="destruction-list",  # Temporal appends the scheduled time
            task_queue=settings.temporal_task_queue,
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(hour=[ScheduleRange(settings.retention_schedule_hour_utc)])
            ]
        ),
        # A list still awaiting the records manager's decisions is not doubled.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    return await _create_once(client, DESTRUCTION_SCHEDULE_ID, schedule)


async def ensure_weekly_report_schedule(client: Client, settings: Settings) -> bool:
    """Register the Monday-morning report mail once (True when created now); with
    ``weekly_report_enabled`` off, remove it (False)."""
    handle = client.get_schedule_handle(WEEKLY_REPORT_SCHEDULE_ID)
    if not settings.weekly_report_enabled:
        with contextlib.suppress(RPCError):
            await handle.delete()
        return False
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            WeeklyReportWorkflow.run,
            WeeklyReportInput(),
            id="weekly-report",  # Temporal appends the scheduled time
            task_queue=settings.temporal_task_queue,
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    day_of_week=[ScheduleRange(1)],  # Monday
                    hour=[ScheduleRange(settings.weekly_report_hour)],
                )
            ],
            time_zone_name="Europe/Amsterdam",  # office time, summer and winter
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    return await _create_once(client, WEEKLY_REPORT_SCHEDULE_ID, schedule)


async def ensure_line_state_schedule(client: Client, settings: Settings) -> bool:
    """Push the phone lines' open/closed state every few minutes (True when created now),
    so opening and closing time reach Asterisk without anyone editing the dialplan."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            LineStateWorkflow.run,
            PushLineStatesInput(),
            id=LINE_STATE_WORKFLOW_ID,
            task_queue=settings.temporal_task_queue,
        ),
        spec=ScheduleSpec(
            intervals=[ScheduleIntervalSpec(every=timedelta(minutes=LINE_STATE_EVERY_MINUTES))]
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    return await _create_once(client, LINE_STATE_SCHEDULE_ID, schedule)


async def ensure_signal_scan_schedule(client: Client, settings: Settings) -> bool:
    """Register the early-morning scan of yesterday's contacts once (True when
    created now). The workflow ID Temporal gives each run carries the scheduled time;
    the scan itself is keyed by the day, so a run started twice stores nothing twice."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            SignalScanWorkflow.run,
            SignalScanInput(),
            id="signal-scan",  # Temporal appends the scheduled time
            task_queue=settings.temporal_task_queue,
        ),
        spec=ScheduleSpec(
            calendars=[ScheduleCalendarSpec(hour=[ScheduleRange(settings.signal_scan_hour)])],
            time_zone_name="Europe/Amsterdam",
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    return await _create_once(client, SIGNAL_SCAN_SCHEDULE_ID, schedule)


async def _create_once(client: Client, schedule_id: str, schedule: Schedule) -> bool:
    """Create the schedule unless it exists: a second worker, or a restart, finds it
    and leaves it alone (and its pauses and changes made in Temporal Web)."""
    try:
        await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        return False
    return True

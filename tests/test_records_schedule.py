"""The daily destruction-list schedule is registered at worker start, once."""

from __future__ import annotations

import contextlib

from temporalio.service import RPCError

from contracts.records import DESTRUCTION_SCHEDULE_ID
from runtime.schedules import ensure_destruction_schedule


async def test_schedule_is_registered_once(temporal_dev, settings):
    client = temporal_dev.client
    # The dev server is shared by the session: a worker started by another test may
    # have registered it already. Start from none.
    with contextlib.suppress(RPCError):
        await client.get_schedule_handle(DESTRUCTION_SCHEDULE_ID).delete()
    assert await ensure_destruction_schedule(client, settings) is True
    assert await ensure_destruction_schedule(client, settings) is False  # idempotent
    described = await client.get_schedule_handle(DESTRUCTION_SCHEDULE_ID).describe()
    calendar = described.schedule.spec.calendars[0]
    assert [r.start for r in calendar.hour] == [settings.retention_schedule_hour_utc]
    action = described.schedule.action
    assert action.workflow == "DestructionListWorkflow"
    assert action.task_queue == settings.temporal_task_queue


async def test_make_run_demo_has_records_due_for_destruction(db):
    """``make run``'s demo: old records past their disposal date, one on legal hold,
    so the records manager's destruction list is not empty; seeding twice adds none."""
    from sqlalchemy import func, select

    from db.models.records import ContactRecord
    from devstack.demo.records import DUE_RECORDS, seed_due_records
    from devstack.demo.seed import seed_demo

    await seed_demo(db)
    await seed_due_records(db)
    await seed_due_records(db)
    async with db() as s:
        rows = (await s.execute(select(ContactRecord))).scalars().all()
        held = await s.scalar(select(func.count()).where(ContactRecord.legal_hold))
    assert len(rows) == len(DUE_RECORDS) and held == 1
    assert all(r.disposal_date.year < 2026 and r.status == "archived" for r in rows)

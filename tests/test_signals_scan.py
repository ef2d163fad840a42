"""The daily scan on the real database: a hand-made history of eight Mondays and
the ninth, with a spike, a drop and a new topic; a second scan of the day adds
nothing."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from sqlalchemy import text
from temporalio.service import RPCError

from activities.signals import SignalActivities
from contracts.signals import SIGNAL_SCAN_SCHEDULE_ID, SignalScanInput, SignalScanResult
from db.session import session_scope
from devstack.demo.seed import seed_demo
from devstack.signal_history import TOPIC_SUBJECT, USUAL_SUBJECTS, Cell, Writer
from runtime.schedules import ensure_signal_scan_schedule

DAY = date(2026, 3, 9)  # a Monday


async def _history(db) -> dict:
    await seed_demo(db)
    async with session_scope(db) as s:
        rows = (
            await s.execute(
                text(
                    """SELECT p.id, array_agg(r.id ORDER BY r.id) FROM products p
                       JOIN contact_reasons r ON r.product_id = p.id GROUP BY p.id ORDER BY p.id"""
                )
            )
        ).all()
        product, (steady, falling, *_) = rows[0][0], rows[0][1]
        w = Writer(s)
        for week in range(8, 0, -1):
            monday = DAY - timedelta(weeks=week)
            await w.write(Cell(monday, product, steady, 10))
            await w.write(Cell(monday, product, falling, 30 + week % 2))
            await w.write(Cell(monday, product, None, 12, USUAL_SUBJECTS))
            # a Tuesday: not the same weekday, not in the baseline
            await w.write(Cell(monday + timedelta(days=1), product, steady, 90))
        await w.write(Cell(DAY, product, steady, 30))
        await w.write(Cell(DAY, product, falling, 8))
        await w.write(Cell(DAY, product, None, 12, USUAL_SUBJECTS))
        topic = tuple(TOPIC_SUBJECT.format(n=400 + i) for i in range(7))
        await w.write(Cell(DAY, product, None, 7, topic))
    return {"product": product, "steady": steady, "falling": falling}


async def test_the_scan_finds_the_day_and_a_second_run_adds_nothing(db):
    ids = await _history(db)
    acts = SignalActivities(db)
    first = await acts.scan_signals(SignalScanInput(day=DAY.isoformat()))
    assert first == SignalScanResult(day="2026-03-09", found=3, added=3)
    async with db() as s:
        rows = {
            r.kind: r
            for r in await s.execute(
                text("SELECT id, kind, product_id, reason_id, figures, title FROM signals")
            )
        }
        assert set(rows) == {"spike", "drop", "topic"}
        spike, drop, topic = rows["spike"], rows["drop"], rows["topic"]
        assert (spike.product_id, spike.reason_id) == (ids["product"], ids["steady"])
        assert spike.figures["expected"] == 10 and spike.figures["observed"] == 30
        assert spike.figures["history"] == [10] * 8
        assert drop.reason_id == ids["falling"]
        assert drop.figures["expected"] == 30.5 and drop.figures["observed"] == 8
        assert topic.reason_id is None and "inlogapp" in topic.title
        assert topic.figures["observed"] == 7
        examples = await s.scalar(
            text("SELECT count(*) FROM signal_contacts WHERE signal_id = :id"), {"id": topic.id}
        )
        assert examples == 5

    again = await acts.scan_signals(SignalScanInput(day=DAY.isoformat()))
    assert again == SignalScanResult(day="2026-03-09", found=3, added=0)
    async with db() as s:
        assert await s.scalar(text("SELECT count(*) FROM signals")) == 3
        assert await s.scalar(text("SELECT count(*) FROM signal_contacts")) == 5


async def test_a_quiet_day_gives_no_signal(db):
    await _history(db)
    quiet = await SignalActivities(db).scan_signals(SignalScanInput(day="2026-03-02"))
    assert quiet.found == 0 and quiet.added == 0


async def test_the_daily_schedule_is_registered_once(temporal_dev, settings):
    client = temporal_dev.client
    with contextlib.suppress(RPCError):
        await client.get_schedule_handle(SIGNAL_SCAN_SCHEDULE_ID).delete()
    assert await ensure_signal_scan_schedule(client, settings) is True
    assert await ensure_signal_scan_schedule(client, settings) is False
    described = await client.get_schedule_handle(SIGNAL_SCAN_SCHEDULE_ID).describe()
    assert described.schedule.spec.time_zone_name == "Europe/Amsterdam"
    assert [r.start for r in described.schedule.spec.calendars[0].hour] == [
        settings.signal_scan_hour
    ]
    assert described.schedule.action.workflow == "SignalScanWorkflow"

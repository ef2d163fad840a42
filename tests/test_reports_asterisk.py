"""The phone report agrees with Asterisk's own accounting.

Every event a real Asterisk 22.10.1 sent PULSE (../shared/fixtures/asterisk: answered,
abandoned, ring-no-answer and IVR-callback calls on two queues) goes over TCP through
the production AMI bridge into PULSE; the service-level report of that morning must
give, queue by queue, what Asterisk's queue_log semantics give for the same calls:
offered = ENTERQUEUE (QueueCallerJoin), answered = CONNECT (AgentConnect), abandoned =
ABANDON (QueueCallerAbandon), waits = their hold times. A callback chosen in the IVR
before any queue is neither offered nor abandoned there."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from statistics import mean

from sqlalchemy import text

from devstack.demo.seed import seed_demo
from services.reports.period import OFFICE_TZ, Period
from services.reports.phone import SHORT_ABANDON_S, service_level
from services.reports.scope import Scope
from tests.ami_replay import PULSE_CONFIGS, FixtureAmi, blocks, wire
from tests.test_contact_workflow import eventually
from tests.test_phone_faults import Running

ANSWER_WITHIN_S = 20  # between the capture's hold times (2-3 s, 22 s)


def first_values(block: str) -> dict[str, str]:
    """A block's headers, the first value of a repeated one (as Asterisk means it)."""
    out: dict[str, str] = {}
    for line in block.split("\n"):
        key, sep, value = line.partition(": ")
        if sep:
            out.setdefault(key, value)
    return out


def queue_log_figures(events: list[dict[str, str]]) -> dict[str, dict]:
    """Per queue, what Asterisk's queue_log records say for these events."""
    log: dict[str, dict] = defaultdict(lambda: {"enter": 0, "connect": [], "abandon": []})
    for e in events:
        kind, queue = e["Event"], e.get("Queue", "")
        if kind == "QueueCallerJoin":
            log[queue]["enter"] += 1
        elif kind == "AgentConnect":
            log[queue]["connect"].append(int(e["HoldTime"]))
        elif kind == "QueueCallerAbandon":
            log[queue]["abandon"].append(int(e["HoldTime"]))
    return log


def captured_events() -> list[str]:
    return [b for b in blocks(PULSE_CONFIGS) if b.startswith("Event: ")]


async def _all_settled(db, expected_final: int):
    async with db() as s:
        settled = await s.scalar(
            text(
                "SELECT count(*) FROM phone_calls"
                " WHERE answered_at IS NOT NULL OR ended_at IS NOT NULL"
            )
        )
    return settled >= expected_final


async def test_phone_report_matches_asterisk_queue_log(db, settings, temporal_env):
    await seed_demo(db)
    async with db() as s:  # the report's N for every queue
        await s.execute(text("UPDATE phone_lines SET answer_within_seconds = NULL"))
        await s.commit()
    raw = captured_events()
    events = [first_values(b) for b in raw]
    expected = queue_log_figures(events)
    # calls whose end (connect or abandon, or a callback request) is in the capture
    finals = {
        e["Linkedid"]
        for e in events
        if e["Event"] in ("AgentConnect", "QueueCallerAbandon")
        or (e["Event"] == "UserEvent" and e.get("UserEvent") == "PulseCallback")
    }
    stream = b"".join(wire(b) for b in raw)
    async with FixtureAmi(stream) as ami, Running(db, settings, temporal_env, ami) as bridge:
        await asyncio.wait_for(bridge.reconciled.wait(), 20)
        await eventually(lambda: _all_settled(db, len(finals)), timeout=60)
        await bridge.drain()
        assert bridge.counts["errors"] == 0

    day = datetime.fromtimestamp(float(events[0]["Timestamp"]), UTC).astimezone(OFFICE_TZ).date()
    async with db() as s:
        products = tuple((await s.execute(text("SELECT id FROM products"))).scalars())
        table = await service_level(s, Scope(products, Period(day, day)), ANSWER_WITHIN_S)
        callbacks = await s.scalar(
            text(
                "SELECT count(*) FROM phone_calls"
                " WHERE NOT queued AND callback_requested_at IS NOT NULL"
            )
        )
    rows = {row[1]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    assert set(rows) == set(expected) == {"big-register", "uzi-register"}
    for queue, q in expected.items():
        row = rows[queue]
        assert row["reports.col.offered"] == q["enter"], queue
        assert row["reports.col.answered"] == len(q["connect"]), queue
        assert row["reports.col.in_time"] == sum(h <= ANSWER_WITHIN_S for h in q["connect"]), queue
        assert row["reports.col.abandoned"] == len(q["abandon"]), queue
        short = sum(h <= SHORT_ABANDON_S for h in q["abandon"])
        assert row["reports.col.short_abandoned"] == short, queue
        waits = q["connect"] + q["abandon"]
        assert row["reports.col.max_wait"] == max(waits), queue
        assert row["reports.col.asa"] == round(mean(q["connect"]), 1), queue
    # the two IVR callbacks were never in a queue, yet each got its callback task
    assert callbacks == 2
    assert (
        sum(r["reports.col.callbacks_requested"] for r in rows.values())
        == sum(len(q["abandon"]) for q in expected.values()) + 2
    )

"""Handling time per product.

- phone: AHT = talk time + wrap-up (call end until the wrap-up was saved), over the
  calls answered in the period whose talk time Asterisk reported;
- written contacts closed in the period: working minutes (office calendar) from the
  first claim to the close.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from rules.sla import working_minutes_between
from services.reports.filters import CONTACT_FILTER
from services.reports.scope import WRITTEN_CHANNELS, Scope
from services.reports.table import Table, median_or_none
from services.work.calendar import load_calendar

CALL_HANDLING = """
    pc.talk_seconds + COALESCE(EXTRACT(EPOCH FROM (pc.wrapped_up_at - pc.ended_at)), 0)
"""

_PHONE = text(
    f"""SELECT p.code, COUNT(*) AS calls, AVG(pc.talk_seconds) AS talk,
               AVG({CALL_HANDLING}) AS aht
        FROM phone_calls pc JOIN products p ON p.id = pc.product_id
        WHERE pc.product_id = ANY(:products) AND pc.talk_seconds IS NOT NULL
          AND pc.answered_at >= :start AND pc.answered_at < :end
        GROUP BY p.code ORDER BY p.code"""
)

_WRITTEN = text(
    f"""SELECT p.code, c.closed_at,
               (SELECT MIN(e.at) FROM contact_events e
                 WHERE e.contact_id = c.id AND e.kind IN ('claimed', 'assigned', 'auto_assigned')
               ) AS claimed_at
        FROM contacts c JOIN products p ON p.id = c.product_id
        WHERE {CONTACT_FILTER} AND c.channel = ANY(:written) AND c.status = 'closed'
          AND c.closed_at >= :start AND c.closed_at < :end"""
)


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


async def phone_handling(session: AsyncSession, scope: Scope) -> Table:
    table = Table(
        "reports.aht.title",
        ("reports.col.product", "reports.col.calls", "reports.col.avg_talk", "reports.col.aht"),
        chart="bars",
        value_column=3,
    )
    if scope.channel in (None, "phone") and scope.line in (None, 1):
        rows = (await session.execute(_PHONE, scope.params())).all()
        table.rows = [(r.code, r.calls, _round(r.talk), _round(r.aht)) for r in rows]
    return table


async def written_handling(session: AsyncSession, scope: Scope) -> Table:
    table = Table(
        "reports.written_handling.title",
        (
            "reports.col.product",
            "reports.col.closed",
            "reports.col.avg_work_min",
            "reports.col.median_work_min",
        ),
        chart="bars",
        value_column=2,
    )
    if scope.channel is not None and scope.channel not in WRITTEN_CHANNELS:
        return table
    params = {**scope.params(), "written": list(WRITTEN_CHANNELS)}
    rows = (await session.execute(_WRITTEN, params)).all()
    calendar = await load_calendar(session, scope.period.first.year)
    minutes: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        if r.claimed_at is not None and r.claimed_at <= r.closed_at:
            minutes[r.code].append(working_minutes_between(r.claimed_at, r.closed_at, calendar))
    for code, values in sorted(minutes.items()):
        avg = round(sum(values) / len(values), 1)
        table.rows.append((code, len(values), avg, median_or_none(values)))
    return table

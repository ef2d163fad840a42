"""Written-channel SLA (email, web form, letter) per product and channel.

Whether a contact met its SLA is the workflow's own verdict: its clock ran in working
time, paused while waiting for the customer, and wrote ``sla_breached`` (clock
``first_response`` or ``resolution``) when the target passed. Here a contact created
in the period counts for a clock when its product x channel has a target (1st line;
the channel's policy, else the product's default) and the clock has ended (answered,
or closed) or breached; it is within the SLA when no breach was written. The median
first response is in working minutes on the office calendar (holidays, weekends).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from rules.sla import working_minutes_between
from services.reports.filters import CONTACT_FILTER
from services.reports.scope import WRITTEN_CHANNELS, Scope
from services.reports.table import Table, median_or_none, pct
from services.work.calendar import load_calendar

_ROWS = text(
    f"""
    SELECT p.code, c.channel, c.created_at, c.closed_at,
           COALESCE(own.first_response_minutes, dflt.first_response_minutes, 0) AS fr_target,
           COALESCE(own.resolution_minutes, dflt.resolution_minutes, 0) AS res_target,
           (SELECT MIN(m.created_at) FROM messages m
             WHERE m.contact_id = c.id AND m.direction = 'out'
               AND NOT m.is_acknowledgement AND m.send_status IN ('sending', 'sent')
           ) AS first_reply_at,
           EXISTS (SELECT 1 FROM contact_events e WHERE e.contact_id = c.id
                    AND e.kind = 'sla_breached' AND e.detail->>'clock' = 'first_response'
           ) AS fr_breached,
           EXISTS (SELECT 1 FROM contact_events e WHERE e.contact_id = c.id
                    AND e.kind = 'sla_breached' AND e.detail->>'clock' = 'resolution'
           ) AS res_breached
    FROM contacts c
    JOIN products p ON p.id = c.product_id
    LEFT JOIN sla_policies own
      ON own.product_id = c.product_id AND own.line = 1 AND own.channel = c.channel
    LEFT JOIN sla_policies dflt
      ON dflt.product_id = c.product_id AND dflt.line = 1 AND dflt.channel = ''
    WHERE {CONTACT_FILTER}
      AND c.channel = ANY(:written)
      AND c.created_at >= :start AND c.created_at < :end
    """
)

COLUMNS = (
    "reports.col.product",
    "reports.col.channel",
    "reports.col.contacts",
    "reports.col.first_response_counted",
    "reports.col.first_response_in_sla",
    "reports.col.resolution_counted",
    "reports.col.resolution_in_sla",
    "reports.col.median_first_response_min",
)


class SlaTally:
    def __init__(self) -> None:
        self.contacts = 0
        self.fr_counted = self.fr_ok = 0
        self.res_counted = self.res_ok = 0
        self.first_minutes: list[float] = []


def _count(t: SlaTally, r, minutes: float | None) -> None:
    t.contacts += 1
    if minutes is not None:
        t.first_minutes.append(minutes)
    if r.fr_target > 0 and (r.first_reply_at is not None or r.fr_breached):
        t.fr_counted += 1
        t.fr_ok += not r.fr_breached
    if r.res_target > 0 and (r.closed_at is not None or r.res_breached):
        t.res_counted += 1
        t.res_ok += not r.res_breached


async def sla_tallies(session: AsyncSession, scope: Scope) -> dict[tuple[str, str], SlaTally]:
    """Per (product code, channel): the period's written contacts and their SLA clocks."""
    tallies: dict[tuple[str, str], SlaTally] = defaultdict(SlaTally)
    if scope.channel is not None and scope.channel not in WRITTEN_CHANNELS:
        return tallies
    params = {**scope.params(), "written": list(WRITTEN_CHANNELS)}
    rows = (await session.execute(_ROWS, params)).all()
    calendar = await load_calendar(session, scope.period.first.year)
    for r in rows:
        first: datetime | None = r.first_reply_at
        minutes = working_minutes_between(r.created_at, first, calendar) if first else None
        _count(tallies[(r.code, r.channel)], r, minutes)
    return tallies


async def written_sla(session: AsyncSession, scope: Scope) -> Table:
    table = Table("reports.written.title", COLUMNS, chart="bars", value_column=4)
    tallies = await sla_tallies(session, scope)
    for (code, channel), t in sorted(tallies.items()):
        table.rows.append(
            (
                code,
                channel,
                t.contacts,
                t.fr_counted,
                pct(t.fr_ok, t.fr_counted),
                t.res_counted,
                pct(t.res_ok, t.res_counted),
                median_or_none(t.first_minutes),
            )
        )
    return table

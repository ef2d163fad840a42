"""Escalations per line in the period: how many went up to the 2nd and 3rd line, how
many of them came back (answered or handed back), and the median turnaround from the
escalation to the first answer from that line (wall-clock hours)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports.scope import Scope
from services.reports.table import Table, median_or_none

_ESCALATIONS = text(
    """
    SELECT p.code, (e.detail->>'to_line')::int AS to_line,
           EXTRACT(EPOCH FROM (back.at - e.at)) / 3600.0 AS hours
    FROM contact_events e
    JOIN contacts c ON c.id = e.contact_id
    JOIN products p ON p.id = c.product_id
    LEFT JOIN LATERAL (
      SELECT b.at FROM contact_events b
      WHERE b.contact_id = e.contact_id AND b.at >= e.at AND b.id > e.id
        AND b.kind IN ('escalation_answered', 'handed_back')
        AND (b.detail->>'from_line')::int = (e.detail->>'to_line')::int
      ORDER BY b.at, b.id LIMIT 1
    ) back ON true
    WHERE e.kind = 'escalated' AND e.at >= :start AND e.at < :end
      AND c.product_id = ANY(:products)
      AND (CAST(:channel AS text) IS NULL OR c.channel = CAST(:channel AS text))
      AND (CAST(:line AS int) IS NULL OR (e.detail->>'to_line')::int = CAST(:line AS int))
    """
)

COLUMNS = (
    "reports.col.product",
    "reports.col.line",
    "reports.col.escalated",
    "reports.col.answered_back",
    "reports.col.median_turnaround_h",
)


async def escalations(session: AsyncSession, scope: Scope) -> Table:
    rows = (await session.execute(_ESCALATIONS, scope.params())).all()
    groups: dict[tuple[str, int], list] = {}
    for r in rows:
        groups.setdefault((r.code, r.to_line), []).append(r.hours)
    table = Table("reports.escalations.title", COLUMNS, chart="bars", value_column=2)
    for (code, line), hours in sorted(groups.items()):
        done = [float(h) for h in hours if h is not None]
        table.rows.append((code, line, len(hours), len(done), median_or_none(done)))
    return table

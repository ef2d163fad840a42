"""Signals in the period (by the day they are about): how many per product and kind,
and how far they got (open, forwarded, resolved, dismissed)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports.scope import Scope
from services.reports.table import Table

_SIGNALS = text(
    """SELECT p.code, s.kind,
              count(*) AS total,
              count(*) FILTER (WHERE s.status IN ('new', 'investigating')) AS open,
              count(*) FILTER (WHERE s.status = 'forwarded') AS forwarded,
              count(*) FILTER (WHERE s.status = 'resolved') AS resolved,
              count(*) FILTER (WHERE s.status = 'dismissed') AS dismissed
         FROM signals s JOIN products p ON p.id = s.product_id
        WHERE s.day >= CAST(:start AS timestamptz) AT TIME ZONE 'Europe/Amsterdam'
          AND s.day < CAST(:end AS timestamptz) AT TIME ZONE 'Europe/Amsterdam'
          AND s.product_id = ANY(:products)
        GROUP BY p.code, s.kind ORDER BY p.code, s.kind"""
)

COLUMNS = (
    "reports.col.product",
    "signals.col.kind",
    "reports.col.total",
    "signals.col.open",
    "signals.col.forwarded",
    "signals.col.resolved",
    "signals.col.dismissed",
)


async def by_product_kind(session: AsyncSession, scope: Scope) -> Table:
    """Signals per product and kind, with their statuses (channel and line do not
    apply: a signal is about a product)."""
    rows = await session.execute(_SIGNALS, scope.params())
    table = Table("signals.report.title", COLUMNS, chart="bars", value_column=2)
    for r in rows:
        table.rows.append((r.code, r.kind, r.total, r.open, r.forwarded, r.resolved, r.dismissed))
    return table

"""Reopened contacts and first-contact resolution.

First-contact resolution: of the contacts closed in the period, the share that was
never reopened and after whose closing the same customer opened no new contact on the
same product within 7 days. Contacts closed in the last 7 days before now are still
in their window: they count as resolved until a new contact arrives. A contact with no
known customer is judged on reopening alone.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports.filters import CONTACT_FILTER
from services.reports.scope import Scope
from services.reports.table import Table, pct

FCR_WINDOW_DAYS = 7

_REOPENED = text(
    f"""SELECT p.code, COUNT(*) AS n, COUNT(DISTINCT e.contact_id) AS contacts
        FROM contact_events e JOIN contacts c ON c.id = e.contact_id
        JOIN products p ON p.id = c.product_id
        WHERE e.kind = 'reopened' AND e.at >= :start AND e.at < :end AND {CONTACT_FILTER}
        GROUP BY p.code ORDER BY p.code"""
)

_FCR = text(
    f"""
    SELECT p.code, COUNT(*) AS closed,
           COUNT(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM contact_events e WHERE e.contact_id = c.id AND e.kind = 'reopened')
             AND NOT EXISTS (
               SELECT 1 FROM contacts later
               WHERE c.customer_id IS NOT NULL AND later.customer_id = c.customer_id
                 AND later.product_id = c.product_id AND later.id <> c.id
                 AND later.created_at > c.closed_at
                 AND later.created_at <= c.closed_at + make_interval(days => :window))
           ) AS resolved
    FROM contacts c JOIN products p ON p.id = c.product_id
    WHERE {CONTACT_FILTER} AND c.status = 'closed'
      AND c.closed_at >= :start AND c.closed_at < :end
    GROUP BY p.code ORDER BY p.code
    """
)


async def reopened(session: AsyncSession, scope: Scope) -> Table:
    rows = (await session.execute(_REOPENED, scope.params())).all()
    return Table(
        "reports.reopened.title",
        ("reports.col.product", "reports.col.reopenings", "reports.col.contacts"),
        [(r.code, r.n, r.contacts) for r in rows],
        chart="bars",
    )


async def first_contact_resolution(session: AsyncSession, scope: Scope) -> Table:
    params = {**scope.params(), "window": FCR_WINDOW_DAYS}
    rows = (await session.execute(_FCR, params)).all()
    return Table(
        "reports.fcr.title",
        ("reports.col.product", "reports.col.closed", "reports.col.resolved", "reports.col.fcr"),
        [(r.code, r.closed, r.resolved, pct(r.resolved, r.closed)) for r in rows],
        chart="bars",
        value_column=3,
    )

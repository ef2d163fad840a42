"""Contact volumes in the period (contacts created): by channel, product, contact reason
(with its parent), hour of day and day of week (office time)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports.filters import CONTACT_FILTER
from services.reports.scope import Scope
from services.reports.table import Table

_IN_PERIOD = f"{CONTACT_FILTER} AND c.created_at >= :start AND c.created_at < :end"
_LOCAL = "(c.created_at AT TIME ZONE 'Europe/Amsterdam')"

_BY_PRODUCT_CHANNEL = text(
    f"""SELECT p.code, c.channel, COUNT(*) AS n FROM contacts c
        JOIN products p ON p.id = c.product_id WHERE {_IN_PERIOD}
        GROUP BY p.code, c.channel ORDER BY p.code, c.channel"""
)
_BY_REASON = text(
    f"""SELECT p.code, COALESCE(parent.label_nl, r.label_nl, '') AS parent_label,
               COALESCE(r.label_nl, '') AS reason_label, COUNT(*) AS n
        FROM contacts c JOIN products p ON p.id = c.product_id
        LEFT JOIN contact_reasons r ON r.id = c.close_reason_id
        LEFT JOIN contact_reasons parent ON parent.id = r.parent_id
        WHERE {_IN_PERIOD}
        GROUP BY 1, 2, 3 ORDER BY 1, 4 DESC, 2, 3"""
)
_BY_HOUR = text(
    f"""SELECT EXTRACT(HOUR FROM {_LOCAL})::int AS k, COUNT(*) AS n FROM contacts c
        WHERE {_IN_PERIOD} GROUP BY 1 ORDER BY 1"""
)
_BY_WEEKDAY = text(
    f"""SELECT EXTRACT(ISODOW FROM {_LOCAL})::int AS k, COUNT(*) AS n FROM contacts c
        WHERE {_IN_PERIOD} GROUP BY 1 ORDER BY 1"""
)


async def by_product_channel(session: AsyncSession, scope: Scope) -> Table:
    rows = (await session.execute(_BY_PRODUCT_CHANNEL, scope.params())).all()
    return Table(
        "reports.volumes.title",
        ("reports.col.product", "reports.col.channel", "reports.col.contacts"),
        [(r.code, r.channel, r.n) for r in rows],
        chart="bars",
        value_column=2,
    )


async def by_reason(session: AsyncSession, scope: Scope) -> Table:
    """Closed contacts carry their reason; open ones are counted under no reason."""
    rows = (await session.execute(_BY_REASON, scope.params())).all()
    return Table(
        "reports.reasons.title",
        (
            "reports.col.product",
            "reports.col.parent_reason",
            "reports.col.reason",
            "reports.col.contacts",
        ),
        [(r.code, r.parent_label, r.reason_label, r.n) for r in rows],
    )


async def by_hour(session: AsyncSession, scope: Scope) -> Table:
    rows = (await session.execute(_BY_HOUR, scope.params())).all()
    return Table(
        "reports.hours.title",
        ("reports.col.hour", "reports.col.contacts"),
        [(f"{r.k:02d}", r.n) for r in rows],
        chart="bars",
    )


async def by_weekday(session: AsyncSession, scope: Scope) -> Table:
    """ISO weekdays: 1 Monday to 7 Sunday (the page names them)."""
    rows = (await session.execute(_BY_WEEKDAY, scope.params())).all()
    return Table(
        "reports.weekdays.title",
        ("reports.col.weekday", "reports.col.contacts"),
        [(r.k, r.n) for r in rows],
        chart="bars",
    )

"""The open backlog now (not closed), by age bucket and by line. The period does not
apply: a backlog is a snapshot."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports.filters import CONTACT_FILTER
from services.reports.scope import Scope
from services.reports.table import Table

# (upper bound in hours, label): the last bucket is open-ended
BUCKETS = ((24, "<1d"), (72, "1-3d"), (168, "3-7d"), (336, "7-14d"), (None, ">=14d"))

_OPEN = text(
    f"""SELECT c.line, EXTRACT(EPOCH FROM (:now - c.created_at)) / 3600.0 AS age_h
        FROM contacts c WHERE {CONTACT_FILTER} AND c.status <> 'closed'"""
)


def bucket_of(age_hours: float) -> str:
    for bound, label in BUCKETS:
        if bound is None or age_hours < bound:
            return label
    raise AssertionError("the last bucket is open-ended")


async def backlog(session: AsyncSession, scope: Scope, now: datetime | None = None) -> Table:
    params = {**scope.params(), "now": now or datetime.now(UTC)}
    rows = (await session.execute(_OPEN, params)).all()
    counts = {(line, label): 0 for line in (1, 2, 3) for _, label in BUCKETS}
    for r in rows:
        counts[(r.line, bucket_of(float(r.age_h)))] += 1
    table = Table(
        "reports.backlog.title",
        (
            "reports.col.age",
            "reports.col.line1",
            "reports.col.line2",
            "reports.col.line3",
            "reports.col.total",
        ),
        chart="bars",
        value_column=4,
    )
    for _, label in BUCKETS:
        per_line = [counts[(line, label)] for line in (1, 2, 3)]
        table.rows.append((label, *per_line, sum(per_line)))
    return table

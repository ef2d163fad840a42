"""The written channels on the live wallboard: per product the open backlog now and
today's first responses within the SLA — the same verdicts as the written-SLA report
(services/reports/written.py), for the office day so far."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports.period import Period
from services.reports.scope import WRITTEN_CHANNELS, Scope
from services.reports.table import pct
from services.reports.written import sla_tallies

_OPEN = text(
    """SELECT p.id, p.code, COUNT(c.id) AS open, MIN(c.created_at) AS oldest
       FROM products p
       LEFT JOIN contacts c ON c.product_id = p.id AND c.status <> 'closed'
                           AND c.channel = ANY(:written)
       WHERE p.id = ANY(:products)
       GROUP BY p.id, p.code ORDER BY p.code"""
)


@dataclass
class WrittenToday:
    product_id: int
    product_code: str
    open: int = 0  # written contacts not closed, of any age
    oldest_hours: int | None = None
    received: int = 0  # written contacts that came in today
    first_response_counted: int = 0
    first_response_in_sla: int = 0

    @property
    def first_response_pct(self) -> float | None:
        return pct(self.first_response_in_sla, self.first_response_counted)

    def to_json(self) -> dict:
        return {**asdict(self), "first_response_pct": self.first_response_pct}


async def written_today(
    session: AsyncSession, product_ids: tuple[int, ...] | list[int], today: date
) -> list[WrittenToday]:
    ids = list(product_ids)
    now = datetime.now(UTC)
    rows = (
        await session.execute(_OPEN, {"products": ids, "written": list(WRITTEN_CHANNELS)})
    ).all()
    figures = {
        r.code: WrittenToday(
            r.id,
            r.code,
            open=r.open,
            oldest_hours=int((now - r.oldest).total_seconds() // 3600) if r.oldest else None,
        )
        for r in rows
    }
    tallies = await sla_tallies(session, Scope(tuple(ids), Period(today, today)))
    for (code, _channel), tally in tallies.items():
        f = figures[code]
        f.received += tally.contacts
        f.first_response_counted += tally.fr_counted
        f.first_response_in_sla += tally.fr_ok
    return list(figures.values())

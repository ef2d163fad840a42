"""Today's satisfaction for the live wallboard: answers since midnight (Dutch day),
the share of 4-5 and the average, over the viewer's products."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.customers import SatisfactionScore


@dataclass(frozen=True)
class SatisfactionToday:
    answers: int
    csat: float | None  # % of answers scoring 4 or 5
    average: float | None

    def to_json(self) -> dict:
        return {"answers": self.answers, "csat": self.csat, "average": self.average}


async def satisfaction_today(
    session: AsyncSession, product_ids, since: datetime, until: datetime | None = None
) -> SatisfactionToday:
    query = select(
        func.count(),
        func.count().filter(SatisfactionScore.score >= 4),
        func.avg(SatisfactionScore.score),
    ).where(
        SatisfactionScore.at >= since,
        SatisfactionScore.product_id.in_(list(product_ids) or [-1]),
    )
    if until is not None:
        query = query.where(SatisfactionScore.at < until)
    answers, happy, average = (await session.execute(query)).one()
    if not answers:
        return SatisfactionToday(0, None, None)
    return SatisfactionToday(answers, round(100.0 * happy / answers, 1), round(float(average), 2))

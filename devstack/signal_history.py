"""Contact histories for signal detection: counts per day x product x reason written
as contacts with plain SQL, and a generated 12-week history with spikes, drops and
one new topic injected on known days (bench/signals.py and the tests)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports.period import OFFICE_TZ

USUAL_SUBJECTS = (
    "Adreswijziging doorgeven",
    "Vraag over mijn factuur",
    "Wachtwoord vergeten",
    "Betaling niet ontvangen",
    "Afspraak verzetten",
    "Status van mijn aanvraag",
)
TOPIC_SUBJECT = "Storing inlogapp: foutcode {n} bij inloggen met de inlogapp"

_INSERT = text(
    """INSERT INTO contacts (reference, channel, status, subject, language, unreadable,
         product_id, created_at, updated_at, line, is_complaint, close_reason_id)
       SELECT 'SG' || lpad((:base + g)::text, 12, '0'), 'email', 'closed',
              (CAST(:subjects AS text[]))[1 + g % array_length(CAST(:subjects AS text[]), 1)],
              'nl', false, :product, :at + g * interval '37 seconds',
              :at + g * interval '37 seconds', 1, false, :reason
         FROM generate_series(1, :n) g"""
)


@dataclass(frozen=True)
class Cell:
    """``n`` contacts of one product (and reason, or none) on one office day."""

    day: date
    product_id: int
    reason_id: int | None
    n: int
    subjects: tuple[str, ...] = ("Vraag",)


class Writer:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.base = 0

    async def write(self, cell: Cell) -> None:
        if cell.n <= 0:
            return
        at = datetime.combine(cell.day, time(9), tzinfo=OFFICE_TZ)
        await self.session.execute(
            _INSERT,
            {
                "base": self.base,
                "subjects": list(cell.subjects),
                "product": cell.product_id,
                "at": at,
                "reason": cell.reason_id,
                "n": cell.n,
            },
        )
        self.base += cell.n


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's sampler (means here are small); a normal approximation above 60."""
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass(frozen=True)
class Injected:
    kind: str  # spike / drop / topic
    day: date
    product_id: int
    reason_id: int | None = None


@dataclass
class GeneratedHistory:
    first: date
    days: int
    injected: list[Injected] = field(default_factory=list)
    contacts: int = 0


# weekday factor: quieter on Friday, a trickle at the weekend (mail keeps coming)
WEEKDAY = (1.2, 1.0, 1.0, 1.0, 0.8, 0.15, 0.1)


async def generate(
    session: AsyncSession,
    reasons: dict[int, list[int]],
    last: date,
    weeks: int = 12,
    scale: float = 1.0,
    seed: int = 13,
) -> GeneratedHistory:
    """``weeks`` of contacts up to ``last`` for each product's reasons (product ->
    reason ids), about ``scale`` x 20 a weekday for the first reason and fewer for
    the next; in the last four weeks a spike on every product (and a drop on the
    first product's biggest reason) on known weekdays, and one new topic."""
    rng = random.Random(seed)
    first = last - timedelta(weeks=weeks) + timedelta(days=1)
    out = GeneratedHistory(first, weeks * 7)
    plan: dict[tuple[date, int, int | None], str] = {}
    products = sorted(reasons)
    for p_index, product in enumerate(products):
        for week in range(4):
            day = last - timedelta(weeks=week, days=(2 + p_index + week) % 5 + 2)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            rs = reasons[product]
            reason = rs[(week + p_index) % len(rs)]
            kind = "drop" if (p_index == 0 and week == 1) else "spike"
            if kind == "drop":
                reason = rs[0]
            plan[(day, product, reason)] = kind
    topic_day = last - timedelta(days=(last.weekday() - 1) % 7)  # the last Tuesday
    topic_product = products[-1]
    writer = Writer(session)
    for offset in range(out.days):
        day = first + timedelta(days=offset)
        for product in products:
            for r_index, reason in enumerate([*reasons[product], None]):
                mean = scale * (20 / (1 + r_index) if reason is not None else 15)
                mean *= WEEKDAY[day.weekday()]
                n = poisson(rng, mean)
                kind = plan.get((day, product, reason))
                if kind == "spike":
                    n = poisson(rng, mean * 3) + max(8, round(mean))
                elif kind == "drop":
                    n = poisson(rng, mean * 0.15)
                subjects = USUAL_SUBJECTS if reason is None else ("Vraag",)
                await writer.write(Cell(day, product, reason, n, subjects))
        if day == topic_day:
            subjects = tuple(TOPIC_SUBJECT.format(n=400 + i) for i in range(8))
            await writer.write(Cell(day, topic_product, None, 8, subjects))
    out.injected = [Injected(k, d, p, r) for (d, p, r), k in sorted(plan.items(), key=str)]
    out.injected.append(Injected("topic", topic_day, topic_product))
    out.contacts = writer.base
    return out

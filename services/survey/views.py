"""The answers as people see them: on a contact's page, and a customer's latest on
the klantbeeld (only about contacts of products the viewer may see)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.contacts import Contact
from db.models.customers import SatisfactionScore

KLANTBEELD_ANSWERS = 5


@dataclass(frozen=True)
class AnswerLine:
    score: int
    comment: str
    via: str
    at: datetime
    reference: str


async def _lines(session: AsyncSession, *where, limit: int) -> list[AnswerLine]:
    rows = await session.execute(
        select(
            SatisfactionScore.score,
            SatisfactionScore.comment,
            SatisfactionScore.via,
            SatisfactionScore.at,
            Contact.reference,
        )
        .join(Contact, Contact.id == SatisfactionScore.contact_id)
        .where(*where)
        .order_by(SatisfactionScore.at.desc(), SatisfactionScore.id.desc())
        .limit(limit)
    )
    return [AnswerLine(*row) for row in rows.all()]


async def contact_answers(session: AsyncSession, contact_id: int) -> list[AnswerLine]:
    return await _lines(session, SatisfactionScore.contact_id == contact_id, limit=20)


async def customer_answers(
    session: AsyncSession, customer_id: int, product_ids
) -> list[AnswerLine]:
    return await _lines(
        session,
        Contact.customer_id == customer_id,
        Contact.product_id.in_(list(product_ids) or [-1]),
        limit=KLANTBEELD_ANSWERS,
    )

"""The open/closed state of every active product's phone line, as PULSE pushes it
to Asterisk's AstDB: family ``pulse/<product code, lower case>``, keys ``open``
(1/0) and ``closing_day`` (today's date when closed for a holiday or closing day,
else empty), and the line's settings: ``welcome`` / ``closed`` prompt names (empty:
the default) and ``callback`` (1/0). The dialplan reads ``${DB(pulse/${PULSE_PRODUCT}/open)}``
(asterisk/README.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.contacts import Product
from db.models.phone import PhoneLine
from rules.office_hours import office_state
from services.work.calendar import load_calendar


@dataclass(frozen=True)
class LineState:
    family: str
    open: bool
    closing_day: str
    welcome: str = ""  # prompt names; empty: the dialplan's default for the product
    closed: str = ""
    callback: bool = True

    def keys(self) -> dict[str, str]:
        return {
            "open": "1" if self.open else "0",
            "closing_day": self.closing_day,
            "welcome": self.welcome,
            "closed": self.closed,
            "callback": "1" if self.callback else "0",
        }


def family_of(product_code: str) -> str:
    return f"pulse/{product_code.lower()}"


async def line_states(session: AsyncSession, now: datetime) -> list[LineState]:
    calendar = await load_calendar(session, now.year)
    state = office_state(now, calendar)  # one office calendar for every line
    lines = await session.execute(
        select(
            Product.code,
            PhoneLine.welcome_prompt,
            PhoneLine.closed_prompt,
            PhoneLine.callback_enabled,
        )
        .join(PhoneLine, PhoneLine.product_id == Product.id)
        .where(Product.active)
        .order_by(Product.code)
    )
    return [
        LineState(family_of(code), state.open, state.closing_day, welcome, closed, callback)
        for code, welcome, closed, callback in lines.all()
    ]

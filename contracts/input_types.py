"""Types for what people send in: no lax coercion, so ``{"day": 0}`` is not 1970-01-01
and ``false`` is not the number 0."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, StrictBool, StrictInt

__all__ = ["IsoDay", "StrictBool", "StrictInt"]


def _iso_day(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        return date.fromisoformat(value)  # ValueError: pydantic reports a 422
    raise ValueError("a day is written as YYYY-MM-DD")


# A calendar day, only as ISO text (YYYY-MM-DD) or a date.
IsoDay = Annotated[date, BeforeValidator(_iso_day)]

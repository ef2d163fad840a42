"""Is the office open at a moment: the one rule the phone lines' open/closed state
(pushed to Asterisk's AstDB) is computed with, on the same calendar the SLA clocks
run on (rules/sla.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.work import WorkCalendar
from rules.sla import is_working_day


@dataclass(frozen=True)
class OfficeState:
    open: bool
    closing_day: str = ""  # today's date (ISO) when today is a holiday or closing day


def office_state(now: datetime, cal: WorkCalendar) -> OfficeState:
    local = now.astimezone(ZoneInfo(cal.tz))
    today = local.date()
    minute = local.hour * 60 + local.minute
    in_hours = cal.open_minute <= minute < cal.close_minute
    closing_day = today.isoformat() if today.isoformat() in cal.holidays else ""
    return OfficeState(open=is_working_day(today, cal) and in_hours, closing_day=closing_day)

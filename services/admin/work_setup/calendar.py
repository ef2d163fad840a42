"""Work setup: the office calendar (one row, id 1) and the extra closing days.

Next to the closing days the page shows the coming Dutch public holidays from the
``holidays`` library, so the admin sees every day the SLA clocks stand still.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import BaseModel
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.input_types import IsoDay, StrictBool, StrictInt
from db.models.work import ClosingDay, OfficeCalendar
from services.access import NotAccessible, Viewer
from services.admin.work_setup.common import (
    InvalidSetting,
    record_change,
)
from services.work.calendar import reload_display_calendar

CALENDAR_ID = 1  # the contact centre has one calendar (activities/work.py reads id 1)
WEEKDAYS = tuple(range(7))  # Monday = 0
HOLIDAY_LANGUAGE = {"nl": "nl", "en": "en_US"}
HOLIDAYS_AHEAD_DAYS = 366


class OfficeCalendarIn(BaseModel):
    tz: str = "Europe/Amsterdam"
    open_time: str = "08:30"  # local time, HH:MM
    close_time: str = "17:00"
    workdays: list[StrictInt] = [0, 1, 2, 3, 4]
    public_holidays: StrictBool = True  # closed on Dutch public holidays


class ClosingDayIn(BaseModel):
    day: IsoDay
    label: str = ""


class Holiday(BaseModel):
    day: date
    name: str


class OfficeCalendarOut(OfficeCalendarIn):
    closing_days: list[ClosingDayIn]
    coming_public_holidays: list[Holiday]


def minute_of_day(value: str) -> int:
    try:
        parsed = time.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise InvalidSetting(422, "work_admin.error.time", value=value) from None
    return parsed.hour * 60 + parsed.minute


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def checked_calendar(data: OfficeCalendarIn) -> OfficeCalendar:
    """The row to store, or a clear error (the workflow needs working time to exist)."""
    try:
        ZoneInfo(data.tz.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSetting(
            422,
            "work_admin.error.tz",
            tz=data.tz,
        ) from None
    opens, closes = minute_of_day(data.open_time), minute_of_day(data.close_time)
    if opens >= closes:
        raise InvalidSetting(422, "work_admin.error.hours")
    days = sorted(set(data.workdays))
    if not days or any(d not in WEEKDAYS for d in days):
        raise InvalidSetting(422, "work_admin.error.workdays")
    return OfficeCalendar(
        id=CALENDAR_ID,
        tz=data.tz.strip(),
        open_minute=opens,
        close_minute=closes,
        workdays=",".join(str(d) for d in days),
        public_holidays=data.public_holidays,
    )


def coming_public_holidays(today: date, language: str | None) -> list[Holiday]:
    until = today + timedelta(days=HOLIDAYS_AHEAD_DAYS)
    names = holidays.country_holidays(
        "NL", years=[today.year, until.year], language=HOLIDAY_LANGUAGE.get(language or "", "nl")
    )
    return [Holiday(day=d, name=n) for d, n in sorted(names.items()) if today <= d <= until]


async def current_calendar(session: AsyncSession, language: str | None) -> OfficeCalendarOut:
    row = await session.get(OfficeCalendar, CALENDAR_ID) or OfficeCalendar()
    days = (await session.exec(select(ClosingDay).order_by(ClosingDay.day))).all()
    today = datetime.now(ZoneInfo(row.tz)).date()
    return OfficeCalendarOut(
        tz=row.tz,
        open_time=clock(row.open_minute),
        close_time=clock(row.close_minute),
        workdays=[int(d) for d in row.workdays.split(",") if d.strip()],
        public_holidays=row.public_holidays,
        closing_days=[ClosingDayIn(day=d.day, label=d.label) for d in days],
        coming_public_holidays=coming_public_holidays(today, language),
    )


async def save_calendar(
    session: AsyncSession, viewer: Viewer, origin: str | None, data: OfficeCalendarIn
) -> OfficeCalendarOut:
    new = checked_calendar(data)
    row = await session.get(OfficeCalendar, CALENDAR_ID)
    before = row.model_dump(exclude={"id"}) if row else None
    row = row or OfficeCalendar(id=CALENDAR_ID)
    for key, value in new.model_dump(exclude={"id"}).items():
        setattr(row, key, value)
    session.add(row)
    detail = {"before": before, "after": new.model_dump(exclude={"id"})}
    await record_change(session, viewer, origin, "calendar.update", "office_calendar", 1, detail)
    await reload_display_calendar(session)  # "time left" on this API's pages follows
    return await current_calendar(session, viewer.language)


async def add_closing_day(
    session: AsyncSession, viewer: Viewer, origin: str | None, data: ClosingDayIn
) -> ClosingDayIn:
    label = data.label.strip()
    if len(label) > 200:
        raise InvalidSetting(422, "work_admin.error.label")
    if await session.get(ClosingDay, data.day) is not None:
        raise InvalidSetting(
            409,
            "work_admin.error.closing_duplicate",
            day=data.day.isoformat(),
        )
    session.add(ClosingDay(day=data.day, label=label))
    detail = {"day": data.day.isoformat(), "label": label}
    await record_change(
        session, viewer, origin, "closing_day.create", "closing_day", data.day.isoformat(), detail
    )
    await reload_display_calendar(session)
    return ClosingDayIn(day=data.day, label=label)


async def remove_closing_day(
    session: AsyncSession, viewer: Viewer, origin: str | None, day: date
) -> None:
    row = await session.get(ClosingDay, day)
    if row is None:
        raise NotAccessible(f"closing day {day}")
    detail = {"day": day.isoformat(), "label": row.label}
    await session.delete(row)
    await record_change(
        session, viewer, origin, "closing_day.delete", "closing_day", day.isoformat(), detail
    )
    await reload_display_calendar(session)

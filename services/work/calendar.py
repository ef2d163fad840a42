"""The configured office calendar: office hours from ``office_calendars``
(row 1), Dutch public holidays from the ``holidays`` library, and the extra
``closing_days``. The worker builds contacts' work plans from it; the API shows
"time left" on it.

For display the calendar is cached per process for a short while, so a list page
reads it at most once per ``DISPLAY_CACHE_SECONDS`` (one query) and the sync
``time_left`` filter never touches the database.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime

import holidays
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.work import ClosingDay, OfficeCalendar
from rules.sla import WorkCalendar

log = logging.getLogger(__name__)

DISPLAY_CACHE_SECONDS = 30.0


def dutch_holidays(years: list[int], extra: list[date]) -> list[str]:
    days = {d.isoformat() for d in holidays.country_holidays("NL", years=years)}
    days |= {d.isoformat() for d in extra}
    return sorted(days)


def build_calendar(row: OfficeCalendar | None, closing: list[date], years: list[int]):
    row = row or OfficeCalendar()
    return WorkCalendar(
        tz=row.tz,
        open_minute=row.open_minute,
        close_minute=row.close_minute,
        workdays=[int(d) for d in row.workdays.split(",") if d.strip()],
        holidays=dutch_holidays(years, closing)
        if row.public_holidays
        else sorted(d.isoformat() for d in closing),
    )


async def load_calendar(session: AsyncSession, year: int) -> WorkCalendar:
    """Two small queries: the office hours row and the closing days."""
    row = await session.get(OfficeCalendar, 1)
    closing = list((await session.execute(select(ClosingDay.day))).scalars().all())
    return build_calendar(row, closing, [year - 1, year, year + 1, year + 2])


class _DisplayCache:
    calendar: WorkCalendar | None = None
    loaded_at: float = float("-inf")


def cached_display_calendar() -> WorkCalendar:
    """The last calendar a request loaded; the default one (office hours 08:30-17:00,
    Dutch holidays) before any request did."""
    if _DisplayCache.calendar is None:
        year = datetime.now(UTC).year
        _DisplayCache.calendar = build_calendar(None, [], [year - 1, year, year + 1, year + 2])
    return _DisplayCache.calendar


async def display_calendar(session: AsyncSession) -> WorkCalendar:
    """The configured calendar, re-read when the cached one is older than the cache
    time (admins change office hours and closing days rarely)."""
    now = time.monotonic()
    if _DisplayCache.calendar is None or now - _DisplayCache.loaded_at >= DISPLAY_CACHE_SECONDS:
        _DisplayCache.calendar = await load_calendar(session, datetime.now(UTC).year)
        _DisplayCache.loaded_at = now
    return _DisplayCache.calendar


def forget_display_calendar() -> None:
    """Read the calendar again on the next request (after an admin changed it)."""
    _DisplayCache.calendar, _DisplayCache.loaded_at = None, float("-inf")


async def reload_display_calendar(session: AsyncSession) -> None:
    """After an admin changed the calendar: load it now, so pages that only read the
    cache (the inbox) never fall back to the default calendar in between."""
    forget_display_calendar()
    await display_calendar(session)


async def warm_display_calendar(sessionmaker) -> None:
    """At API start: read the calendar once, so pages that only read the cache (the
    inbox's "time left") use the configured one from the first request. A database
    that is not up yet leaves the default; the work lists read it again later."""
    try:
        async with sessionmaker() as session:
            await reload_display_calendar(session)
    except Exception:  # noqa: BLE001 - never block the API's start on this
        log.warning("office calendar not read at start; using the default for now")

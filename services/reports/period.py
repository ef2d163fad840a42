"""Report periods in office time (Europe/Amsterdam): today, yesterday, this/last week,
this/last month and a custom range, each with the period before it of the same length.
Pure: the caller passes today's date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Europe/Amsterdam")
PERIODS = ("today", "yesterday", "this_week", "last_week", "this_month", "last_month", "custom")
MAX_CUSTOM_DAYS = 400


class BadPeriod(ValueError):
    """A period the reports cannot use; the message says why."""


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last`` inclusive."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), OFFICE_TZ).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.last + timedelta(days=1), time(), OFFICE_TZ).astimezone(UTC)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def label(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} – {self.last.isoformat()}"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _previous_month(day: date) -> Period:
    last = _month_start(day) - timedelta(days=1)
    return Period(_month_start(last), last)


def current_period(
    name: str, today: date, first: date | None = None, last: date | None = None
) -> Period:
    monday = today - timedelta(days=today.weekday())
    if name == "today":
        return Period(today, today)
    if name == "yesterday":
        return Period(today - timedelta(days=1), today - timedelta(days=1))
    if name == "this_week":
        return Period(monday, today)
    if name == "last_week":
        return Period(monday - timedelta(days=7), monday - timedelta(days=1))
    if name == "this_month":
        return Period(_month_start(today), today)
    if name == "last_month":
        return _previous_month(today)
    if name == "custom":
        if first is None or last is None:
            raise BadPeriod("A custom period needs a first and a last day.")
        if last < first:
            raise BadPeriod("The last day comes before the first.")
        if (last - first).days + 1 > MAX_CUSTOM_DAYS:
            raise BadPeriod(f"A custom period is at most {MAX_CUSTOM_DAYS} days.")
        return Period(first, last)
    raise BadPeriod(f"Unknown period {name!r}; choose one of {', '.join(PERIODS)}.")


def previous_period(name: str, period: Period) -> Period:
    """The period before: the month before for months, the same weekdays of the week
    before for weeks (Monday to Wednesday against last Monday to Wednesday: the days a
    contact centre compares are alike), else the same number of days just before."""
    if name in ("this_week", "last_week"):
        week = timedelta(days=7)
        return Period(period.first - week, period.last - week)
    if name in ("this_month", "last_month"):
        before = _previous_month(period.first)
        if name == "this_month":  # month to date against the same days of last month
            last = min(before.first + timedelta(days=period.days - 1), before.last)
            return Period(before.first, last)
        return before
    length = timedelta(days=period.days)
    return Period(period.first - length, period.last - length)


def today_local(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(OFFICE_TZ).date()

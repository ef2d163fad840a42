"""Working-time arithmetic for SLAs: pure and deterministic (safe in workflows).

A ``WorkCalendar`` says when the office is open: a time zone, opening and closing
minute of the day, the working weekdays and a list of public holidays (ISO dates,
computed outside the workflow by the ``holidays`` library and passed in). SLA
clocks count only the minutes the office is open, so a target of 8 working hours
set on Friday afternoon falls due on Monday (or Tuesday after Easter Monday).

``SlaClock`` is one running target (first response, resolution, a line's answer):
it accumulates working minutes while running and stops counting while paused
(waiting for the customer).

No ``from __future__ import annotations``: this module is used from the workflow.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from contracts.work import WorkCalendar

MAX_DAYS_SCANNED = 3660  # ten years: a guard against a calendar without working days


def _zone(cal: WorkCalendar) -> ZoneInfo:
    return ZoneInfo(cal.tz)


def is_working_day(day: date, cal: WorkCalendar) -> bool:
    return day.weekday() in cal.workdays and day.isoformat() not in cal.holidays


def _office_window(day: date, cal: WorkCalendar, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The office hours of one local day, as aware datetimes (wall-clock arithmetic:
    08:30 stays 08:30 on the day the clocks change)."""
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    return midnight + timedelta(minutes=cal.open_minute), midnight + timedelta(
        minutes=cal.close_minute
    )


def add_working_minutes(start: datetime, minutes: float, cal: WorkCalendar) -> datetime:
    """The moment at which ``minutes`` working minutes after ``start`` have passed (UTC)."""
    zone = _zone(cal)
    local = start.astimezone(zone)
    remaining = timedelta(minutes=max(0.0, minutes))
    day = local.date()
    for _ in range(MAX_DAYS_SCANNED):
        if is_working_day(day, cal):
            open_at, close_at = _office_window(day, cal, zone)
            begin = max(open_at, local)
            if begin < close_at:
                available = close_at - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(UTC)
                remaining -= available
        day += timedelta(days=1)
        local = max(local, datetime.combine(day, time(0), tzinfo=zone))
    raise ValueError("the calendar has no working time")


def working_minutes_between(a: datetime, b: datetime, cal: WorkCalendar) -> float:
    """Working minutes from ``a`` to ``b`` (0 when b is not after a)."""
    if b <= a:
        return 0.0
    zone = _zone(cal)
    la, lb = a.astimezone(zone), b.astimezone(zone)
    total = timedelta(0)
    day = la.date()
    for _ in range(MAX_DAYS_SCANNED):
        if day > lb.date():
            break
        if is_working_day(day, cal):
            open_at, close_at = _office_window(day, cal, zone)
            begin, end = max(open_at, la), min(close_at, lb)
            if end > begin:
                total += end - begin
        day += timedelta(days=1)
    return total.total_seconds() / 60.0


def add_working_days(start: datetime, days: int, cal: WorkCalendar) -> datetime:
    """The same local time-of-day ``days`` working days later (for reminders and
    automatic closure: "after 5 working days")."""
    zone = _zone(cal)
    local = start.astimezone(zone)
    day, counted = local.date(), 0
    for _ in range(MAX_DAYS_SCANNED):
        if counted >= days:
            break
        day += timedelta(days=1)
        if is_working_day(day, cal):
            counted += 1
    return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)


# --- a running target --------------------------------------------------------------


@dataclass
class SlaClock:
    """One SLA target measured in working minutes.

    ``used`` counts the working minutes consumed in earlier running stretches;
    ``running_since`` (ISO, UTC) is set while the clock runs. A clock that met its
    target is ``stopped``; ``warned``/``breached`` remember what was already told.
    """

    name: str
    target_minutes: float
    warn_share: float = 0.8
    used: float = 0.0
    running_since: str | None = None
    stopped: bool = False
    warned: bool = False
    breached: bool = False

    def start(self, now: datetime) -> None:
        if not self.stopped and self.running_since is None:
            self.running_since = now.isoformat()

    def pause(self, now: datetime, cal: WorkCalendar) -> None:
        if self.running_since is not None:
            since = datetime.fromisoformat(self.running_since)
            self.used += working_minutes_between(since, now, cal)
            self.running_since = None

    def stop(self, now: datetime, cal: WorkCalendar) -> None:
        self.pause(now, cal)
        self.stopped = True

    @property
    def running(self) -> bool:
        return self.running_since is not None and not self.stopped

    def used_at(self, now: datetime, cal: WorkCalendar) -> float:
        if self.running_since is None:
            return self.used
        since = datetime.fromisoformat(self.running_since)
        return self.used + working_minutes_between(since, now, cal)

    def due_at(self, cal: WorkCalendar) -> datetime | None:
        """When the target is reached if the clock keeps running (None when paused)."""
        if not self.running:
            return None
        since = datetime.fromisoformat(self.running_since)
        return add_working_minutes(since, self.target_minutes - self.used, cal)

    def warn_at(self, cal: WorkCalendar) -> datetime | None:
        if not self.running:
            return None
        since = datetime.fromisoformat(self.running_since)
        return add_working_minutes(since, self.target_minutes * self.warn_share - self.used, cal)

"""Working-time arithmetic of the SLA calendar (rules/sla.py) and a contact's clocks
and deadlines on it: pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from activities.work import dutch_holidays
from contracts.contact import ContactStatus
from contracts.work import FIRST_LINE, LineTargets, WorkPlan
from rules.sla import (
    SlaClock,
    WorkCalendar,
    add_working_days,
    add_working_minutes,
    working_minutes_between,
)
from rules.work_clocks import FIRST_RESPONSE, RESOLUTION, earliest_due, start_clocks
from workflows.contact.deadlines import pending_deadlines, sla_state, work_due
from workflows.contact.state import WorkData

CAL = WorkCalendar(holidays=dutch_holidays([2026, 2027], []))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_dutch_holidays_include_koningsdag_and_easter_monday():
    assert "2027-04-27" in CAL.holidays  # Koningsdag
    assert "2027-03-29" in CAL.holidays  # 2e paasdag
    assert "2026-12-25" in CAL.holidays


def test_target_over_a_weekend_and_koningsdag():
    friday_16 = utc(2027, 4, 23, 14, 0)  # 16:00 CEST
    due = add_working_minutes(friday_16, 16 * 60, CAL)
    assert due == utc(2027, 4, 28, 13, 0)  # Wednesday 15:00 CEST
    assert working_minutes_between(friday_16, due, CAL) == 16 * 60


def test_start_outside_office_hours_counts_from_the_next_opening():
    saturday = utc(2027, 5, 1, 10, 0)
    assert add_working_minutes(saturday, 30, CAL) == utc(2027, 5, 3, 7, 0)  # Mon 09:00 CEST
    assert working_minutes_between(saturday, utc(2027, 5, 2, 20, 0), CAL) == 0


def test_office_hours_stay_wall_clock_over_the_dst_change():
    # Friday 26 March 2027 16:30 CET; clocks go forward on Sunday 28 March; Monday 29
    # is Easter Monday: the next opening is Tuesday 08:30 CEST (06:30 UTC).
    friday = utc(2027, 3, 26, 15, 30)
    assert "2027-03-26" in CAL.holidays  # Good Friday is in the library's list
    assert add_working_minutes(utc(2027, 3, 25, 15, 30), 60, CAL) == utc(2027, 3, 30, 7, 0)
    assert working_minutes_between(friday, utc(2027, 3, 30, 6, 30), CAL) == 0


def test_working_days_skip_weekends_and_holidays():
    friday = utc(2027, 4, 23, 9, 0)
    assert add_working_days(friday, 1, CAL) == utc(2027, 4, 26, 9, 0)
    assert add_working_days(friday, 2, CAL) == utc(2027, 4, 28, 9, 0)  # not Koningsdag


def test_a_paused_clock_keeps_its_used_minutes():
    clock = SlaClock("resolution", 120, warn_share=0.5)
    monday_9 = utc(2027, 5, 3, 7, 0)
    clock.start(monday_9)
    clock.pause(monday_9 + timedelta(minutes=45), CAL)
    assert clock.used == 45 and clock.due_at(CAL) is None
    clock.start(monday_9 + timedelta(hours=3))
    assert clock.due_at(CAL) == monday_9 + timedelta(hours=3, minutes=75)
    assert clock.warn_at(CAL) == monday_9 + timedelta(hours=3, minutes=15)
    clock.stop(monday_9 + timedelta(hours=4), CAL)
    assert clock.used == 105 and not clock.running


# --- a contact's clocks and deadlines (rules/work_clocks.py, workflows/contact/deadlines.py)


def _plan(**kw) -> WorkPlan:
    targets = [LineTargets(FIRST_LINE, first_response_minutes=60, resolution_minutes=8 * 60)]
    return WorkPlan(calendar=CAL, targets=targets, **kw)


def test_a_new_contact_falls_due_on_its_first_response_clock():
    monday_9 = utc(2027, 5, 3, 7, 0)  # 09:00 CEST
    clocks = start_clocks(_plan(), monday_9)
    assert sorted(clocks) == [FIRST_RESPONSE, RESOLUTION]
    assert earliest_due(clocks, CAL) == utc(2027, 5, 3, 8, 0)
    assert earliest_due({}, CAL) is None


def test_deadlines_of_a_waiting_complaint():
    monday_9 = utc(2027, 5, 3, 7, 0)
    work = WorkData(plan=_plan(), clocks=start_clocks(_plan(), monday_9))
    running = {action for _, action in pending_deadlines(work, ContactStatus.open)}
    assert running == {
        "warn:first_response",
        "breach:first_response",
        "warn:resolution",
        "breach:resolution",
    }
    for clock in work.clocks.values():
        clock.pause(monday_9, CAL)
    work.waiting_since = monday_9.isoformat()
    work.complaint, work.complaint_due = True, utc(2027, 6, 14, 7, 0).isoformat()
    waiting = {action for _, action in pending_deadlines(work, ContactStatus.waiting)}
    assert waiting == {"remind", "auto_close", "warn:complaint", "breach:complaint"}
    assert work_due(work, ContactStatus.waiting) == utc(2027, 6, 14, 7, 0)
    assert sla_state(work, ContactStatus.waiting) == "paused"
    assert pending_deadlines(work, ContactStatus.closed) == []

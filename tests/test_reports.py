"""Report figures on a hand-made history (tests/reports_history.py), number by number,
on real PostgreSQL: service level, written SLA in working time (weekend and a closing
day), volumes, backlog buckets, escalation turnaround, reopening, FCR, handling time,
per agent; and the period arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from services.reports import backlog, escalations, handling, phone, resolution, volumes, written
from services.reports.agents import per_agent
from services.reports.period import BadPeriod, Period, current_period, previous_period
from services.reports.scope import Scope
from services.reports.today import written_today
from tests.reports_history import local, seed_history

WEEK = Period(date(2026, 3, 2), date(2026, 3, 8))
WEEK_BEFORE = Period(date(2026, 2, 23), date(2026, 3, 1))


@pytest.fixture
async def history(db):
    return await seed_history(db)


def scope(h, *codes, period=WEEK, **kw) -> Scope:
    return Scope(tuple(h.products[c] for c in codes), period, **kw)


async def test_phone_service_level_per_queue(db, history):
    h = history
    async with db() as s:
        table = await phone.service_level(s, scope(h, "BIG", "UZI"), default_n=30)
        before = await phone.service_level(s, scope(h, "BIG", period=WEEK_BEFORE), 30)
        hours = await phone.calls_per_hour(s, scope(h, "BIG", "UZI"))
        emails_only = await phone.service_level(s, scope(h, "BIG", channel="email"), 30)
    big, uzi = table.rows
    # 5 offered; 3 answered (10 s, 25 s, 20 s against N = 20); 2 abandoned, one within 5 s
    assert big[0] == "BIG" and big[2:] == (20, 5, 3, 2, 50.0, 2, 1, 23.6, 60.0, 18.3, 2, 1)
    # UZI has no queue target: the global 30 s
    assert uzi[0] == "UZI" and uzi[2:] == (30, 1, 1, 1, 100.0, 0, 0, 25.0, 25.0, 25.0, 0, 0)
    assert before.rows[0][2:] == (20, 1, 1, 1, 100.0, 0, 0, 5.0, 5.0, 5.0, 0, 0)
    assert hours.rows == [("09", 6, 4)]
    assert emails_only.rows == []


async def test_written_sla_in_working_time(db, history):
    async with db() as s:
        table = await written.written_sla(s, scope(history, "BIG"))
    # 4 emails; first response counted for 3 (one breached), resolution for the 2 closed;
    # median of 90, 120 (Friday 16:00 -> Tuesday 09:30 over a closing day) and 630
    assert table.rows == [("BIG", "email", 4, 3, 66.7, 2, 100.0, 120.0)]


async def test_volumes(db, history):
    h = history
    async with db() as s:
        by_channel = await volumes.by_product_channel(s, scope(h, "BIG", "UZI"))
        by_reason = await volumes.by_reason(s, scope(h, "BIG", channel="email"))
        by_hour = await volumes.by_hour(s, scope(h, "BIG", "UZI"))
        by_weekday = await volumes.by_weekday(s, scope(h, "BIG", "UZI"))
        line3 = await volumes.by_product_channel(s, scope(h, "BIG", line=3))
    assert by_channel.rows == [("BIG", "email", 4), ("BIG", "phone", 5), ("UZI", "phone", 1)]
    assert ("BIG", "Registratie", "Status aanvraag", 1) in by_reason.rows
    assert ("BIG", "", "", 3) in by_reason.rows
    assert by_hour.rows == [("09", 7), ("10", 1), ("11", 1), ("16", 1)]
    assert by_weekday.rows == [(2, 7), (3, 1), (4, 1), (5, 1)]
    assert line3.rows == [("BIG", "email", 1)]


async def test_backlog_by_age_and_line(db, history):
    async with db() as s:
        table = await backlog.backlog(s, scope(history, "BIG"), now=local(9, 12))
    assert table.rows == [
        ("<1d", 0, 0, 0, 0),
        ("1-3d", 1, 0, 0, 1),
        ("3-7d", 0, 0, 1, 1),
        ("7-14d", 0, 0, 0, 0),
        (">=14d", 0, 0, 0, 0),
    ]


async def test_escalations_turnaround(db, history):
    async with db() as s:
        table = await escalations.escalations(s, scope(history, "BIG"))
        only3 = await escalations.escalations(s, scope(history, "BIG", line=3))
    assert table.rows == [("BIG", 2, 2, 2, 11.5), ("BIG", 3, 1, 0, None)]
    assert only3.rows == [("BIG", 3, 1, 0, None)]


async def test_reopened_and_first_contact_resolution(db, history):
    h = history
    async with db() as s:
        reopened = await resolution.reopened(s, scope(h, "BIG"))
        fcr = await resolution.first_contact_resolution(s, scope(h, "BIG", channel="email"))
        fcr_all = await resolution.first_contact_resolution(s, scope(h, "BIG"))
    assert reopened.rows == [("BIG", 1, 1)]
    # E1 (same customer wrote again within 7 days) and E5 (reopened) are not resolved
    assert fcr.rows == [("BIG", 3, 1, 33.3)]
    assert fcr_all.rows == [("BIG", 8, 6, 75.0)]  # plus the 5 calls, closed and done


async def test_handling_time(db, history):
    h = history
    async with db() as s:
        calls = await handling.phone_handling(s, scope(h, "BIG", "UZI"))
        mails = await handling.written_handling(s, scope(h, "BIG"))
    # talk + wrap-up: 120, 240, 300; the UZI call has no talk time reported
    assert calls.rows == [("BIG", 3, 200.0, 220.0)]
    # claim to close in working minutes: 510, 690, 2970
    assert mails.rows == [("BIG", 3, 1390.0, 690.0)]


async def test_per_agent(db, history):
    async with db() as s:
        table = await per_agent(s, scope(history, "BIG", "UZI"))
    assert table.rows == [("Anna Agent", 1, 4, 220.0), ("Bram Agent", 1, 0, None)]


def test_periods():
    wed = date(2026, 3, 4)
    assert current_period("today", wed) == Period(wed, wed)
    assert current_period("this_week", wed) == Period(date(2026, 3, 2), wed)
    # a week to date against the same weekdays of last week, not the days just before
    this_week = current_period("this_week", wed)
    assert previous_period("this_week", this_week) == Period(date(2026, 2, 23), date(2026, 2, 25))
    assert current_period("last_week", wed) == WEEK_BEFORE
    assert previous_period("last_week", WEEK_BEFORE) == Period(date(2026, 2, 16), date(2026, 2, 22))
    this_month = current_period("this_month", wed)
    assert previous_period("this_month", this_month) == Period(date(2026, 2, 1), date(2026, 2, 4))
    last_month = current_period("last_month", date(2026, 3, 31))
    assert last_month == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert previous_period("last_month", last_month) == Period(date(2026, 1, 1), date(2026, 1, 31))
    custom = current_period("custom", wed, date(2026, 1, 1), date(2026, 1, 10))
    assert previous_period("custom", custom) == Period(date(2025, 12, 22), date(2025, 12, 31))
    # office midnight in UTC (winter time)
    assert WEEK.start.isoformat() == "2026-03-01T23:00:00+00:00"
    for bad in (("custom", None, None), ("custom", wed, date(2026, 3, 1)), ("decade", None, None)):
        with pytest.raises(BadPeriod):
            current_period(bad[0], wed, bad[1], bad[2])


async def test_written_channels_today_on_the_wallboard(db, history):
    h = history
    ids = [h.products["BIG"], h.products["UZI"]]
    async with db() as s:
        thursday = {w.product_code: w for w in await written_today(s, ids, date(2026, 3, 5))}
        tuesday = {w.product_code: w for w in await written_today(s, ids, date(2026, 3, 3))}
    big, uzi = thursday["BIG"], thursday["UZI"]
    # open now: E2 and E4 (written, not closed); the oldest opened on 4 March
    assert big.open == 2 and big.oldest_hours is not None and big.oldest_hours > 24 * 200
    # Thursday: E3 came in and its first response breached the SLA
    assert (big.received, big.first_response_counted, big.first_response_in_sla) == (1, 1, 0)
    assert big.first_response_pct == 0.0
    # Tuesday: E1, answered within the SLA
    assert tuesday["BIG"].first_response_pct == 100.0
    assert (uzi.open, uzi.oldest_hours, uzi.received, uzi.first_response_pct) == (0, None, 0, None)

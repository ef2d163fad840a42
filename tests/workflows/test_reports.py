"""The weekly report workflow against a stub activity: one week, fixed by the
workflow, reported through a mail outage (the activity is retried with the same day)."""

from __future__ import annotations

from contracts.reports import WeeklyReportInput, WeeklyReportResult
from tests.workflows.reports_scenarios import WEEKLY_AS_OF
from tests.workflows.scenarios import run_named


async def test_weekly_report_is_retried_for_the_same_week(skipping_env):
    out = await run_named(skipping_env, "weekly_report")
    wf = f"weekly-report-{WEEKLY_AS_OF}"
    # the mail server was down once: the retry reports the same day, not a new one
    assert out.stubs.args(wf, "mail_weekly_report") == [WeeklyReportInput(WEEKLY_AS_OF)] * 2
    assert out.results[wf] == WeeklyReportResult(week_first="2026-03-02", sent=2)

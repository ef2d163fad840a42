"""What crosses the Temporal boundary in the reports area (dates and counts only)."""

from __future__ import annotations

from dataclasses import dataclass

WEEKLY_REPORT_SCHEDULE_ID = "pulse-weekly-report"


def weekly_report_workflow_id(as_of: str) -> str:
    return f"weekly-report-{as_of}"


@dataclass
class WeeklyReportInput:
    """``as_of``: the office day the report is made on (ISO); the report covers the
    whole week before it. Empty: the workflow's own today."""

    as_of: str = ""


@dataclass
class WeeklyReportResult:
    week_first: str = ""
    sent: int = 0  # managers mailed in this run
    skipped: int = 0  # mailed before (an earlier try): never twice
    unsure: int = 0  # refused, or maybe taken when the link broke: not sent again

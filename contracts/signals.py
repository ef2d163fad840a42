"""What crosses the Temporal boundary in signal management (a day and counts only)."""

from __future__ import annotations

from dataclasses import dataclass

SIGNAL_SCAN_SCHEDULE_ID = "pulse-signal-scan"


def signal_scan_workflow_id(day: str) -> str:
    return f"signal-scan-{day}"


@dataclass
class SignalScanInput:
    """``day``: the office day to scan (ISO). Empty: yesterday, by the workflow's clock."""

    day: str = ""


@dataclass
class SignalScanResult:
    day: str = ""
    found: int = 0  # signals the detection gave for the day
    added: int = 0  # of those, new rows (a second run of the same day adds none)

"""Inputs and results of pushing the phone lines' open/closed state to Asterisk."""

from __future__ import annotations

from dataclasses import dataclass

LINE_STATE_SCHEDULE_ID = "line-state"
LINE_STATE_WORKFLOW_ID = "line-state-push"  # one push at a time; the schedule appends the time
LINE_STATE_EVERY_MINUTES = 5


@dataclass
class PushLineStatesInput:
    at: str = ""  # ISO moment to compute the state for (tests); empty: now


@dataclass
class PushLineStatesResult:
    lines: int = 0
    open: bool = False
    closing_day: str = ""

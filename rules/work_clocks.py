"""Which SLA clocks a contact runs and when the first of them falls due: pure, so
the workflow runs them in its timers and open_contact writes the first due date
with the same arithmetic.

No ``from __future__ import annotations``: this module is used from the workflow.
"""

from datetime import datetime

from contracts.work import FIRST_LINE, WorkCalendar, WorkPlan
from rules.sla import SlaClock

FIRST_RESPONSE, RESOLUTION, LINE_ANSWER = "first_response", "resolution", "line_answer"


def start_clocks(plan: WorkPlan, received: datetime) -> dict[str, SlaClock]:
    """The clocks of a new contact (1st line), running from its receipt."""
    targets = plan.for_line(FIRST_LINE)
    clocks = {}
    for name, minutes in (
        (FIRST_RESPONSE, targets.first_response_minutes),
        (RESOLUTION, targets.resolution_minutes),
    ):
        if minutes > 0:
            clock = SlaClock(name, minutes, plan.warn_share)
            clock.start(received)
            clocks[name] = clock
    return clocks


def earliest_due(clocks: dict[str, SlaClock], cal: WorkCalendar) -> datetime | None:
    """When the first running clock breaches; None while every clock is paused."""
    dues = [d for d in (c.due_at(cal) for c in clocks.values()) if d is not None]
    return min(dues) if dues else None

"""A contact's deadlines, computed from its work state: pure functions, so the
projection and the deadline watcher of ``WorkPart`` read them the same way.

A deadline is ``(when, action)``: ``warn:<clock>``/``breach:<clock>`` for an SLA
clock or the complaint term, ``remind`` and ``auto_close`` while waiting for the
customer.

No ``from __future__ import annotations`` (see workflows/contact/workflow.py).
"""

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.contact import ContactStatus
    from rules.sla import add_working_days
    from rules.work_clocks import earliest_due
    from workflows.contact.state import WorkData


def _complaint_term_runs(work: WorkData, status: str) -> bool:
    return bool(work.complaint and work.complaint_due) and status != ContactStatus.closed


def work_due(work: WorkData, status: str) -> datetime | None:
    """When the contact falls due: its first SLA clock, or the complaint term."""
    due = earliest_due(work.clocks, work.plan.calendar)
    if _complaint_term_runs(work, status):
        complaint_due = datetime.fromisoformat(work.complaint_due)
        due = complaint_due if due is None else min(due, complaint_due)
    return due


def sla_state(work: WorkData, status: str) -> str:
    """ "", "paused", "warning" or "breached": what the task list shows."""
    if work.complaint_breached or any(c.breached for c in work.clocks.values()):
        return "breached"
    if work.complaint_warned or any(c.warned and not c.stopped for c in work.clocks.values()):
        return "warning"
    if status == ContactStatus.waiting:
        return "paused"
    return ""


def pending_deadlines(work: WorkData, status: str) -> list[tuple[datetime, str]]:
    """Every deadline still to act on."""
    cal = work.plan.calendar
    found: list[tuple[datetime, str]] = []
    for name, clock in work.clocks.items():
        if not clock.running:
            continue
        if not clock.warned and clock.warn_share < 1:
            found.append((clock.warn_at(cal), f"warn:{name}"))
        if not clock.breached:
            found.append((clock.due_at(cal), f"breach:{name}"))
    if work.waiting_since and status == ContactStatus.waiting:
        since = datetime.fromisoformat(work.waiting_since)
        if work.plan.waiting_reminder_days > 0 and not work.reminded:
            found.append((add_working_days(since, work.plan.waiting_reminder_days, cal), "remind"))
        if work.plan.waiting_close_days > 0:
            found.append((add_working_days(since, work.plan.waiting_close_days, cal), "auto_close"))
    if _complaint_term_runs(work, status):
        due = datetime.fromisoformat(work.complaint_due)
        if not work.complaint_warned:
            found.append((due - timedelta(days=work.plan.complaint_warn_days), "warn:complaint"))
        if not work.complaint_breached:
            found.append((due, "breach:complaint"))
    return found

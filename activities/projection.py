"""Writes to the contact projection that several activities share: the history
line written once per activity execution, and the work fields (line, queue, SLA)
on the contact and task rows.

Temporal retries an activity after a crash or timeout, possibly after its
transaction committed; the history line carries the execution's key (workflow run
and activity ID, the same on every attempt), so a retry finds it and writes none.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from temporalio import activity

from db.models.contacts import Contact, ContactEvent, Task

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from contracts.work import WorkProjection


def activity_key() -> str:
    """The running activity execution, the same on each of its attempts."""
    info = activity.info()
    return f"{info.workflow_run_id}/{info.activity_id}"


async def add_event_once(
    s: AsyncSession, contact_id: int, kind: str, actor_id: int | None, detail: dict
) -> bool:
    """Add the contact's history line unless an earlier attempt of this activity
    wrote it; True when it is written now."""
    key = activity_key()
    exists = await s.scalar(
        select(func.count())
        .select_from(ContactEvent)
        .where(
            ContactEvent.contact_id == contact_id,
            ContactEvent.detail["activity"].astext == key,
        )
    )
    if exists:
        return False
    detail = {**detail, "activity": key}
    s.add(ContactEvent(contact_id=contact_id, kind=kind, actor_id=actor_id, detail=detail))
    return True


def _iso_or_none(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def apply_work_to_contact(contact: Contact, work: WorkProjection | None) -> None:
    """The work fields of a projection update, on the contact row (before the task
    row is refreshed from it)."""
    if work is None:
        return
    contact.line = work.line
    contact.is_complaint = work.complaint
    contact.complaint_due_at = _iso_or_none(work.complaint_due_at)
    contact.due_at = _iso_or_none(work.due_at)


def apply_work_to_task(task: Task | None, work: WorkProjection | None) -> None:
    if task is None or work is None:
        return
    task.line, task.queue = work.line, work.queue
    task.sla_state, task.priority = work.sla_state, work.priority

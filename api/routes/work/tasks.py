"""Work area: the line task lists (per product and line, most urgent first, with the
working time left on the configured office calendar) and "next task".

"Next task" claims through the contact's workflow like any claim. A claim its
workflow does not answer in time is not forgotten: it may still land later (the
Update stays admitted on the server), so a background watcher waits for its outcome
and gives the contact back if it did land -- the agent never ends up holding two
contacts from one click, and gets a "try again" rather than "nothing to do" when
every candidate was unanswered.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from sqlalchemy import tuple_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from api.deps import (
    ContactReader,
    ContactWorker,
    DbSession,
    TemporalClient,
    client_ip,
)
from api.rendering import render, templates
from api.routes.contacts import ops
from api.routes.contacts.pages import back_to
from contracts.contact import ClaimRequest, DecisionResult, ReleaseRequest, contact_workflow_id
from db.models.contacts import Product, Task, TaskStatus, User
from rules.sla import WorkCalendar, working_minutes_between
from services.access import Viewer
from services.work.access import line_pairs, lines_by_product
from services.work.calendar import cached_display_calendar, display_calendar

log = logging.getLogger(__name__)
router = APIRouter(tags=["work"])


LIST_SIZE = 100
NEXT_CANDIDATES = 10
NEXT_CLAIM_SECONDS = 10.0  # a claim its workflow does not answer in time: try the next
LATE_CLAIM_WATCH = timedelta(hours=1)  # how long a late claim is watched to give it back


# --- time left, on working hours ----------------------------------------------------


def _calendar() -> WorkCalendar:
    """The configured office calendar (hours, Dutch holidays, closing days) as last
    read by a request (services.work.calendar; for display only: a workflow's timers
    use the calendar it got at its start)."""
    return cached_display_calendar()


def working_minutes_left(
    due: datetime | None, now: datetime | None = None, calendar: WorkCalendar | None = None
) -> int | None:
    """Working minutes until ``due`` (negative when overdue); None without a due date."""
    if due is None:
        return None
    cal = calendar or _calendar()
    now = now or datetime.now(UTC)
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    if due >= now:
        return int(working_minutes_between(now, due, cal))
    return -int(working_minutes_between(due, now, cal) or (now - due).total_seconds() // 60)


def time_left(due: datetime | None) -> str:
    """ "3u 20m" of working time left, "-1u 05m" when overdue, "" without a due date."""
    minutes = working_minutes_left(due)
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}u {rest:02d}m" if hours else f"{sign}{rest}m"


templates.env.filters["time_left"] = time_left


# --- task lists per product and line -------------------------------------------------


class WorkTask(BaseModel):
    reference: str
    title: str
    customer_label: str
    product_id: int
    line: int
    queue: str
    status: str
    contact_status: str
    assignee_id: int | None
    assignee_name: str | None = None
    priority: int
    sla_state: str
    due_at: datetime | None
    minutes_left: int | None = None
    created_at: datetime


def urgency_order():
    """Breached first, then priority, then the nearest due date, then the oldest."""
    return (
        (Task.sla_state == "breached").desc(),
        Task.priority.desc(),
        Task.due_at.asc().nulls_last(),
        Task.created_at,
        Task.id,
    )


async def load_tasks(
    session: AsyncSession,
    pairs: list[tuple[int, int]],
    statuses: tuple[str, ...],
    assignee_id: int | None = None,
    limit: int = LIST_SIZE,
) -> list[WorkTask]:
    if not pairs:
        return []
    query = (
        select(Task, User.full_name)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(
            tuple_(Task.product_id, Task.line).in_(pairs),
            Task.status.in_(statuses),  # type: ignore[attr-defined]
        )
        .order_by(*urgency_order())
        .limit(limit)
    )
    if assignee_id is not None:
        query = query.where(Task.assignee_id == assignee_id)
    calendar = await display_calendar(session)  # cached: a query every half minute at most
    now = datetime.now(UTC)
    return [
        WorkTask(
            **{name: getattr(task, name) for name in TASK_FIELDS},
            assignee_name=name,
            minutes_left=working_minutes_left(task.due_at, now, calendar),
        )
        for task, name in (await session.exec(query)).all()
    ]


ACTIVE = (TaskStatus.open.value, TaskStatus.claimed.value)
COMPUTED = ("assignee_name", "minutes_left")
TASK_FIELDS = [name for name in WorkTask.model_fields if name not in COMPUTED]


@router.get("/api/work/tasks", response_model=list[WorkTask])
async def api_line_tasks(
    viewer: ContactReader,
    session: DbSession,
    product: Annotated[int | None, Query(ge=1)] = None,
    line: Annotated[int | None, Query(ge=1, le=3)] = None,
    mine: bool = False,
):
    """Active tasks of the viewer's lists (product x line), most urgent first."""
    pairs = line_pairs(await lines_by_product(session, viewer), product, line)
    return await load_tasks(session, pairs, ACTIVE, viewer.id if mine else None)


@router.get("/work", include_in_schema=False)
async def line_tasks_page(
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    product: Annotated[int | None, Query(ge=1)] = None,
    line: Annotated[int | None, Query(ge=1, le=3)] = None,
    mine: bool = False,
):
    lines, tasks, products = await _line_list(session, viewer, product, line, mine)
    return render(
        request,
        "work/tasks.html",
        viewer,
        tasks=tasks,
        products=products,
        lines=lines,
        wanted={"product": product, "line": line, "mine": mine},
        nothing=request.query_params.get("nothing"),
    )


@router.get("/work/rows", include_in_schema=False)
async def line_task_rows(
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    product: Annotated[int | None, Query(ge=1)] = None,
    line: Annotated[int | None, Query(ge=1, le=3)] = None,
    mine: bool = False,
):
    """The list's rows alone, for the live re-sort (ui/static/work.js)."""
    _lines, tasks, products = await _line_list(session, viewer, product, line, mine)
    return render(request, "work/_rows_live.html", viewer, tasks=tasks, products=products)


async def _line_list(session, viewer: Viewer, product, line, mine: bool):
    """(lines by product, the active tasks most urgent first, product codes)."""
    lines = await lines_by_product(session, viewer)
    tasks = await load_tasks(
        session, line_pairs(lines, product, line), ACTIVE, viewer.id if mine else None
    )
    return lines, tasks, await _product_codes(session, list(lines))


async def _product_codes(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.exec(select(Product.id, Product.code).where(Product.id.in_(ids)))  # type: ignore[attr-defined]
    return dict(rows.all())


# --- next task ------------------------------------------------------------------------


class NextTaskOut(BaseModel):
    reference: str | None


class ClaimUnanswered(Exception):
    """The claim's workflow did not answer in time (it may still land later)."""


_late_claims: set[asyncio.Task] = set()  # strong references: a watcher must not vanish


async def _claim(client, reference: str, request: ClaimRequest, update_id: str) -> None:
    handle = client.get_workflow_handle(contact_workflow_id(reference))
    try:
        await asyncio.wait_for(
            handle.execute_update("claim", request, id=update_id, result_type=DecisionResult),
            NEXT_CLAIM_SECONDS,
        )
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
        # wait_for cancels the call; the client reports that as its own error
        raise ClaimUnanswered(reference) from exc
    except WorkflowUpdateFailedError as exc:
        raise ops.DecisionRefused(str(exc.cause or exc), None) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise ops.DecisionRefused("This contact is no longer active.", None) from exc
        raise HTTPException(503, "The workflow engine did not answer; try again.") from exc


async def give_back_if_landed(
    client, sessionmaker, viewer: Viewer, reference: str, update_id: str, origin: str | None
) -> bool:
    """Wait for a claim that did not answer in time; if it landed after all, release
    the contact (its holder is the viewer, who was given another task meanwhile).
    True when it gave the contact back."""
    handle = client.get_workflow_handle(contact_workflow_id(reference))
    try:
        outcome = await asyncio.wait_for(
            handle.get_update_handle(update_id, result_type=DecisionResult).result(),
            LATE_CLAIM_WATCH.total_seconds(),
        )
    except (
        WorkflowUpdateFailedError,
        WorkflowUpdateRPCTimeoutOrCancelledError,
        RPCError,
        TimeoutError,
    ):
        return False  # refused, never arrived, or still unanswered after the watch
    if outcome.assignee_id != viewer.id:
        return False
    async with sessionmaker() as session:
        try:
            await ops.decide(
                session,
                client,
                viewer,
                reference,
                "release",
                ReleaseRequest(viewer.id),
                origin,
                {"reason": "late_next_task_claim"},
            )
        except ops.DecisionRefused:  # someone reassigned it meanwhile: not ours to give
            return False
    log.info("released %s: a late 'next task' claim of user %s", reference, viewer.id)
    return True


def _watch_late_claim(request: Request, client, viewer: Viewer, reference: str, update_id: str):
    sessionmaker = request.app.state.sessionmaker
    task = asyncio.create_task(
        give_back_if_landed(client, sessionmaker, viewer, reference, update_id, client_ip(request))
    )
    _late_claims.add(task)
    task.add_done_callback(_late_claims.discard)


_next_running: dict[int, asyncio.Future] = {}  # user id -> their "next task" in progress


async def claim_next(
    session: AsyncSession,
    client,
    viewer: Viewer,
    origin: str | None,
    request: Request | None = None,
) -> str | None:
    """The viewer's next task. A second "next" of the same person while the first is
    still on its way (a double click) gets the first one's answer instead of a second
    contact (within this API process)."""
    running = _next_running.get(viewer.id)
    if running is None:
        running = asyncio.ensure_future(_claim_next(session, client, viewer, origin, request))
        _next_running[viewer.id] = running
        running.add_done_callback(lambda _done, uid=viewer.id: _next_running.pop(uid, None))
    return await asyncio.shield(running)


async def _claim_next(
    session: AsyncSession,
    client,
    viewer: Viewer,
    origin: str | None,
    request: Request | None = None,
) -> str | None:
    """Claim the most urgent open task among the viewer's lists; a task someone else
    took a moment ago is refused by its workflow, and the next one is tried. A claim
    that does not answer in time is watched (given back if it lands late), and the
    next one is tried; when nothing could be claimed and some claim did not answer,
    HTTP 503 (try again), not "nothing to do"."""
    lines = await lines_by_product(session, viewer)
    candidates = await load_tasks(
        session, line_pairs(lines), (TaskStatus.open.value,), limit=NEXT_CANDIDATES
    )
    unanswered = 0
    for task in candidates:
        claim = ClaimRequest(viewer.id, lines.get(task.product_id, []))
        update_id = f"next-task-{viewer.id}-{uuid.uuid4().hex}"
        try:
            await _claim(client, task.reference, claim, update_id)
        except ops.DecisionRefused as exc:  # taken a moment ago, or moved to another line
            await ops.audit_decision(
                session,
                viewer,
                task.reference,
                "claim",
                origin,
                "refused",
                {"via": "next", "reason": str(exc)[:500]},
            )
            continue
        except ClaimUnanswered:
            unanswered += 1
            await ops.audit_decision(
                session,
                viewer,
                task.reference,
                "claim",
                origin,
                "unanswered",
                {"via": "next", "update_id": update_id},
            )
            if request is not None:
                _watch_late_claim(request, client, viewer, task.reference, update_id)
            continue
        await ops.audit_decision(
            session, viewer, task.reference, "claim", origin, "ok", {"via": "next"}
        )
        return task.reference
    if unanswered:
        raise HTTPException(503, "The task lists did not answer in time; try again.")
    return None


@router.post("/api/work/next", response_model=NextTaskOut)
async def api_next_task(
    request: Request, viewer: ContactWorker, session: DbSession, client: TemporalClient
):
    """Claim the most urgent task of the viewer's lists; reference None when none is
    open; 503 when claims did not answer in time (try again)."""
    reference = await claim_next(session, client, viewer, client_ip(request), request)
    return NextTaskOut(reference=reference)


@router.post("/work/next", include_in_schema=False)
async def next_task(
    request: Request, viewer: ContactWorker, session: DbSession, client: TemporalClient
):
    try:
        reference = await claim_next(session, client, viewer, client_ip(request), request)
    except HTTPException as exc:
        if exc.status_code != 503:
            raise
        return RedirectResponse("/work?nothing=busy", status_code=303)
    if reference is None:
        return RedirectResponse("/work?nothing=1", status_code=303)
    return back_to(reference, "claim")

"""The line task lists (per product and line, most urgent first, with the
working time left on the configured office calendar) and "next task", which
services/work/next_task.py claims through the contacts' workflows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from jinja2 import pass_context
from pydantic import BaseModel, Field
from sqlalchemy import tuple_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import (
    ContactReader,
    ContactWorker,
    DbSession,
    TemporalClient,
    client_ip,
)
from api.rendering import render, templates
from api.routes.contacts.pages import back_to
from api.validation import IntId
from db.models.contacts import Product, Task, TaskStatus, User
from rules.sla import WorkCalendar, working_minutes_between
from services.access import Viewer
from services.work.access import line_pairs, lines_by_product
from services.work.calendar import cached_display_calendar, display_calendar
from services.work.next_task import NextTaskBusy, claim_next, urgency_order

router = APIRouter(tags=["work"])


LIST_SIZE = 100
REQUEST_ID_CHARS = r"^[A-Za-z0-9_-]+$"


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


def time_left(due: datetime | None, language: str | None = "nl") -> str:
    """ "3u 20m" ("3h 20m" in English) of working time left, "-1u 05m" when overdue,
    "" without a due date."""
    minutes = working_minutes_left(due)
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    hour = "h" if language == "en" else "u"
    return f"{sign}{hours}{hour} {rest:02d}m" if hours else f"{sign}{rest}m"


@pass_context
def _time_left(ctx, due: datetime | None) -> str:
    return time_left(due, ctx.get("lang"))


templates.env.filters["time_left"] = _time_left


# --- task lists per product and line -------------------------------------------------


class WorkTask(BaseModel):
    reference: str
    kind: str = "email"  # email / wrapup (after a call) / callback
    title: str
    customer_label: str
    product_id: IntId
    line: IntId
    queue: str
    status: str
    contact_status: str
    assignee_id: IntId | None
    assignee_name: str | None = None
    priority: int
    sla_state: str
    due_at: datetime | None
    minutes_left: int | None = None
    created_at: datetime


async def load_tasks(
    session: AsyncSession,
    pairs: list[tuple[int, int]],
    statuses: tuple[str, ...],
    assignee_id: IntId | None = None,
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
    product: Annotated[IntId | None, Query()] = None,
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
    product: Annotated[IntId | None, Query()] = None,
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
        next_token=uuid.uuid4().hex,
    )


@router.get("/work/rows", include_in_schema=False)
async def line_task_rows(
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    product: Annotated[IntId | None, Query()] = None,
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


class NextTaskIn(BaseModel):
    # one per rendered page: a double click sends it twice and claims one contact
    token: str | None = Field(default=None, max_length=64, pattern=REQUEST_ID_CHARS)


class NextTaskOut(BaseModel):
    reference: str | None


@router.post("/api/work/next", response_model=NextTaskOut)
async def api_next_task(
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
    body: NextTaskIn | None = None,
):
    """Claim the most urgent task of the viewer's lists; reference None when none is
    open; 503 when claims did not answer in time (nothing was claimed: try again)."""
    token = body.token if body else None
    try:
        reference = await claim_next(session, client, viewer, client_ip(request), token)
    except NextTaskBusy as exc:
        raise HTTPException(503, str(exc)) from exc
    return NextTaskOut(reference=reference)


@router.post("/work/next", include_in_schema=False)
async def next_task(
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
    token: Annotated[str | None, Form(max_length=64, pattern=REQUEST_ID_CHARS)] = None,
):
    try:
        reference = await claim_next(session, client, viewer, client_ip(request), token)
    except NextTaskBusy:
        return RedirectResponse("/work?nothing=busy", status_code=303)
    if reference is None:
        return RedirectResponse("/work?nothing=1", status_code=303)
    return back_to(reference, "claim")

"""The trafficer's view (werkverdeler): every queue and task list of their products,
the workload per agent, the most urgent work first; assign and reassign (also in
bulk) and change priority -- each a Temporal Update on the contact's workflow.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import AssignContext, DbSession, Supervisor
from api.rendering import render
from api.routes.work.tasks import ACTIVE, WorkTask, _product_codes, load_tasks
from api.validation import IntId
from contracts.work import LINES, PRIORITY_MAX, PRIORITY_MIN
from db.models.contacts import Accreditation, Task, TaskStatus, User
from db.models.work import LineAccreditation
from services.access import Viewer
from services.decisions import DecisionRefused
from services.work import decisions
from services.work.decisions import BulkItem

router = APIRouter(tags=["trafficer"])

BULK_MAX = 200


class QueueOut(BaseModel):
    product_id: IntId
    line: IntId
    queue: str
    open: int
    claimed: int
    breached: int
    oldest: datetime | None


class LoadOut(BaseModel):
    user_id: IntId
    full_name: str
    claimed: int
    breached: int


class Overview(BaseModel):
    queues: list[QueueOut]
    workload: list[LoadOut]
    tasks: list[WorkTask]


def _all_pairs(viewer: Viewer, product: int | None, line: int | None):
    return [
        (p, n)
        for p in viewer.product_ids
        for n in LINES
        if (product is None or p == product) and (line is None or n == line)
    ]


async def load_overview(
    session: AsyncSession, viewer: Viewer, product: int | None, line: int | None
) -> Overview:
    products = [p for p in viewer.product_ids if product is None or p == product]
    if not products:
        return Overview(queues=[], workload=[], tasks=[])
    active = Task.status.in_(ACTIVE)  # type: ignore[attr-defined]
    mine = Task.product_id.in_(products)  # type: ignore[attr-defined]
    breached = func.count().filter(Task.sla_state == "breached")
    queues = await session.execute(
        select(
            Task.product_id,
            Task.line,
            Task.queue,
            func.count().filter(Task.status == TaskStatus.open),
            func.count().filter(Task.status == TaskStatus.claimed),
            breached,
            func.min(Task.created_at),
        )
        .where(active, mine)
        .group_by(Task.product_id, Task.line, Task.queue)
        .order_by(Task.product_id, Task.line, Task.queue)
    )
    workload = await session.execute(
        select(User.id, User.full_name, func.count(), breached)
        .join(Task, Task.assignee_id == User.id)
        .where(Task.status == TaskStatus.claimed, mine)
        .group_by(User.id, User.full_name)
        .order_by(func.count().desc(), User.full_name)
    )
    tasks = await load_tasks(session, _all_pairs(viewer, product, line), ACTIVE)
    return Overview(
        queues=[
            QueueOut(product_id=p, line=n, queue=q, open=o, claimed=c, breached=b, oldest=old)
            for p, n, q, o, c, b, old in queues.all()
            if line is None or n == line
        ],
        workload=[
            LoadOut(user_id=i, full_name=f, claimed=c, breached=b) for i, f, c, b in workload
        ],
        tasks=tasks,
    )


async def workers_of(session: AsyncSession, viewer: Viewer) -> list[dict]:
    """People who work the trafficer's products, with their lines per product."""
    rows = await session.execute(
        select(User.id, User.full_name, Accreditation.product_id)
        .join(Accreditation, Accreditation.user_id == User.id)
        .where(
            Accreditation.product_id.in_(viewer.product_ids),  # type: ignore[attr-defined]
            User.is_active,
            User.role.in_(["agent", "trafficer"]),  # type: ignore[attr-defined]
        )
        .order_by(User.full_name)
    )
    people: dict[int, dict] = {}
    for user_id, name, _product in rows.all():
        people.setdefault(user_id, {"id": user_id, "full_name": name, "lines": {1}})
    extra = await session.execute(
        select(LineAccreditation.user_id, LineAccreditation.line).where(
            LineAccreditation.product_id.in_(viewer.product_ids)  # type: ignore[attr-defined]
        )
    )
    for user_id, line in extra.all():
        if user_id in people:
            people[user_id]["lines"].add(line)
    return [{**p, "lines": sorted(p["lines"])} for p in people.values()]


@router.get("/api/trafficer/overview", response_model=Overview)
async def api_overview(
    viewer: Supervisor,
    session: DbSession,
    product: Annotated[IntId | None, Query()] = None,
    line: Annotated[int | None, Query(ge=1, le=3)] = None,
):
    """Queues, workload per agent and the active tasks (breaching and oldest first)."""
    return await load_overview(session, viewer, product, line)


@router.get("/trafficer", include_in_schema=False)
async def overview_page(
    request: Request,
    viewer: Supervisor,
    session: DbSession,
    product: Annotated[IntId | None, Query()] = None,
    line: Annotated[int | None, Query(ge=1, le=3)] = None,
):
    overview = await load_overview(session, viewer, product, line)
    return render(
        request,
        "work/trafficer.html",
        viewer,
        o=overview,
        products=await _product_codes(session, list(viewer.product_ids)),
        people=await workers_of(session, viewer),
        wanted={"product": product, "line": line},
        result=request.query_params.get("result", ""),
    )


@router.get("/trafficer/rows", include_in_schema=False)
async def overview_rows(
    request: Request,
    viewer: Supervisor,
    session: DbSession,
    product: Annotated[IntId | None, Query()] = None,
    line: Annotated[int | None, Query(ge=1, le=3)] = None,
):
    """The task, queue and workload rows alone, for the live update (ui/static/work.js)."""
    return render(
        request,
        "work/_trafficer_live.html",
        viewer,
        o=await load_overview(session, viewer, product, line),
        products=await _product_codes(session, list(viewer.product_ids)),
    )


# --- assign (also in bulk) and priority -------------------------------------------------


class BulkAssignIn(BaseModel):
    references: list[str] = Field(min_length=1, max_length=BULK_MAX)
    user_id: IntId


@router.post("/api/trafficer/assign", response_model=list[BulkItem])
async def api_bulk_assign(body: BulkAssignIn, ctx: AssignContext):
    """Assign (or reassign) several contacts to one person; the outcome per contact."""
    return await decisions.assign_many(ctx, body.references, body.user_id)


@router.post("/trafficer/assign", include_in_schema=False)
async def bulk_assign_form(
    ctx: AssignContext,
    user_id: Annotated[IntId, Form()],
    references: Annotated[list[str], Form(max_length=BULK_MAX)] = [],  # noqa: B006
):
    items = await decisions.assign_many(ctx, references, user_id)
    done = sum(item.ok for item in items)
    return RedirectResponse(f"/trafficer?result={done}-{len(items)}", status_code=303)


class PriorityIn(BaseModel):
    priority: int = Field(ge=PRIORITY_MIN, le=PRIORITY_MAX)


@router.post("/api/contacts/{reference}/priority")
async def api_priority(reference: str, body: PriorityIn, ctx: AssignContext):
    """Move a contact up or down its list (-5 .. 10; breaches add to it)."""
    result = await decisions.set_priority(ctx, reference, body.priority)
    return {"status": result.status, "assignee_id": result.assignee_id}


@router.post("/trafficer/priority", include_in_schema=False)
async def priority_form(
    ctx: AssignContext,
    reference: Annotated[str, Form(max_length=32)],
    priority: Annotated[int, Form(ge=PRIORITY_MIN, le=PRIORITY_MAX)],
):
    try:
        await decisions.set_priority(ctx, reference, priority)
    except DecisionRefused:
        return RedirectResponse("/trafficer?result=0-1", status_code=303)
    return RedirectResponse("/trafficer?result=1-1", status_code=303)

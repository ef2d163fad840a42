"""The inbox: tasks of the viewer's accredited products, sorted by due time.

Budget per page: one query for the session (api.deps), one for the product names,
one for the rows -- no COUNT and no per-row look-ups. The rows query is a UNION ALL
of one small index range scan per (product, status) on ix_tasks_inbox, each cut
at the page end, so it stays fast however many open tasks there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import union_all
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import CurrentViewer, DbSession, role_required
from api.routes.pages import render
from core.access import READ_CONTACTS, Viewer
from core.models import Product, Role, Task, TaskStatus, User, utcnow

router = APIRouter(tags=["inbox"])

PAGE_SIZE = 50
AGE_FILTERS = {"1d": timedelta(days=1), "3d": timedelta(days=3), "7d": timedelta(days=7)}
STATUS_FILTERS = {
    "active": (TaskStatus.open, TaskStatus.claimed),
    "open": (TaskStatus.open,),
    "claimed": (TaskStatus.claimed,),
    "done": (TaskStatus.done,),
}

Reader = Annotated[Viewer, Depends(role_required(READ_CONTACTS))]


@dataclass(frozen=True)
class InboxFilter:
    product_id: int | None = None
    status: str = "active"
    age: str = ""
    mine: bool = False
    page: int = 1

    def query_string(self, **changes) -> str:
        values = {**self.__dict__, **changes}
        parts = [f"status={values['status']}", f"page={values['page']}"]
        if values["product_id"]:
            parts.append(f"product={values['product_id']}")
        if values["age"]:
            parts.append(f"age={values['age']}")
        if values["mine"]:
            parts.append("mine=1")
        return "&".join(parts)


def inbox_filter(
    product: Annotated[int | None, Query(ge=1)] = None,
    status: Annotated[str, Query(pattern="^(active|open|claimed|done)$")] = "active",
    age: Annotated[str, Query(pattern="^(|1d|3d|7d)$")] = "",
    mine: bool = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> InboxFilter:
    return InboxFilter(product, status, age, mine, page)


Filters = Annotated[InboxFilter, Depends(inbox_filter)]


class TaskRow(SQLModel):
    id: int
    contact_id: int
    reference: str
    title: str
    customer_label: str
    product_id: int
    kind: str
    status: TaskStatus
    contact_status: str
    assignee_id: int | None
    assignee_name: str | None
    priority: int
    unreadable: bool
    due_at: datetime | None
    created_at: datetime


class TaskPage(SQLModel):
    items: list[TaskRow]
    page: int
    page_size: int
    has_next: bool


def _visible_products(viewer: Viewer, wanted: InboxFilter) -> list[int]:
    # A product filter can only narrow the accredited set, never widen it.
    if wanted.product_id is None:
        return list(viewer.product_ids)
    return [wanted.product_id] if viewer.may_see_product(wanted.product_id) else []


def _rows_statement(viewer: Viewer, wanted: InboxFilter):
    products = _visible_products(viewer, wanted)
    statuses = STATUS_FILTERS[wanted.status]
    offset = (wanted.page - 1) * PAGE_SIZE
    window = offset + PAGE_SIZE + 1  # one extra row tells whether there is a next page
    cutoff = utcnow() - AGE_FILTERS[wanted.age] if wanted.age else None
    if not products:
        return None
    if wanted.mine:
        # Few rows per person: ix_tasks_assignee does it without the union.
        ranges = [
            select(Task).where(
                Task.assignee_id == viewer.id,
                Task.status.in_(statuses),  # type: ignore[attr-defined]
                Task.product_id.in_(products),  # type: ignore[attr-defined]
            )
        ]
    else:
        ranges = [
            select(Task)
            .where(Task.product_id == product_id, Task.status == status)
            .order_by(Task.due_at)
            .limit(window)
            for product_id in products
            for status in statuses
        ]
    if cutoff is not None:
        ranges = [r.where(Task.created_at < cutoff) for r in ranges]
    tasks = union_all(*ranges).subquery("t") if len(ranges) > 1 else ranges[0].subquery("t")
    return (
        select(tasks, User.full_name.label("assignee_name"))
        .outerjoin(User, User.id == tasks.c.assignee_id)
        .order_by(tasks.c.due_at.asc().nulls_last(), tasks.c.id)
        .offset(offset)
        .limit(PAGE_SIZE + 1)
    )


async def load_inbox(session: AsyncSession, viewer: Viewer, wanted: InboxFilter) -> TaskPage:
    statement = _rows_statement(viewer, wanted)
    rows = [] if statement is None else (await session.execute(statement)).mappings().all()
    items = [TaskRow.model_validate(dict(row)) for row in rows[:PAGE_SIZE]]
    return TaskPage(
        items=items, page=wanted.page, page_size=PAGE_SIZE, has_next=len(rows) > PAGE_SIZE
    )


async def product_names(session: AsyncSession, viewer: Viewer) -> dict[int, Product]:
    rows = await session.exec(
        select(Product).where(Product.id.in_(viewer.product_ids)).order_by(Product.code)  # type: ignore[attr-defined]
    )
    return {p.id: p for p in rows.all()}


@router.get("/api/tasks", response_model=TaskPage)
async def api_tasks(viewer: Reader, session: DbSession, wanted: Filters) -> TaskPage:
    """The inbox of the viewer's accredited products (filters: product, status, age, mine)."""
    return await load_inbox(session, viewer, wanted)


@router.get("/", include_in_schema=False)
async def inbox_page(request: Request, viewer: CurrentViewer, session: DbSession, wanted: Filters):
    if viewer.role == Role.admin:  # admins manage; they have no inbox (need-to-know)
        return RedirectResponse("/admin/users", status_code=303)
    products = await product_names(session, viewer)
    page = await load_inbox(session, viewer, wanted)
    return render(
        request, "inbox.html", viewer, products=products, page=page, wanted=wanted,
        age_filters=AGE_FILTERS, status_filters=STATUS_FILTERS,
    )  # fmt: skip


@router.get("/inbox/rows", include_in_schema=False)
async def inbox_rows_fragment(
    request: Request, viewer: Reader, session: DbSession, wanted: Filters
):
    """The table body alone: what the page re-fetches when a live event arrives."""
    products = await product_names(session, viewer)
    page = await load_inbox(session, viewer, wanted)
    return render(request, "_inbox_rows.html", viewer, products=products, page=page, wanted=wanted)

"""The inbox: tasks of the viewer's accredited products, sorted by due time.

Budget per page: one query for the session (api.deps), one for the product names,
one for the rows -- no COUNT and no per-row look-ups. The rows query does one small
index range scan per (product, status) on ix_tasks_inbox, each cut at the page end,
so it stays fast however many open tasks there are (bench/inbox.py measures it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from sqlalchemy import DateTime, Integer, Row, String, TextClause, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import ContactReader, CurrentViewer, DbSession
from api.rendering import render
from api.validation import IntId
from db.models.contacts import Product, Role, TaskStatus, utcnow
from services.access import Viewer

router = APIRouter(tags=["inbox"])

PAGE_SIZE = 50
AGE_FILTERS = {"1d": timedelta(days=1), "3d": timedelta(days=3), "7d": timedelta(days=7)}
STATUS_FILTERS = {
    "active": (TaskStatus.open, TaskStatus.claimed),
    "open": (TaskStatus.open,),
    "claimed": (TaskStatus.claimed,),
    "done": (TaskStatus.done,),
}


@dataclass(frozen=True)
class InboxFilter:
    product_id: IntId | None = None
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
    product: Annotated[IntId | None, Query()] = None,
    status: Annotated[str, Query(pattern="^(active|open|claimed|done)$")] = "active",
    age: Annotated[str, Query(pattern="^(|1d|3d|7d)$")] = "",
    mine: bool = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> InboxFilter:
    return InboxFilter(product, status, age, mine, page)


Filters = Annotated[InboxFilter, Depends(inbox_filter)]


# Plain pydantic models rather than SQLModel ones: these are read-only API shapes and
# SQLModel's per-instance machinery tripled the cost of building the 50 rows of a page.
class TaskRow(BaseModel):
    id: int
    contact_id: IntId
    reference: str
    title: str
    customer_label: str
    product_id: IntId
    kind: str
    status: TaskStatus
    contact_status: str
    assignee_id: IntId | None
    assignee_name: str | None
    priority: int
    unreadable: bool
    due_at: datetime | None
    created_at: datetime
    line: IntId = 1  # the line holding it, and its SLA state
    sla_state: str = ""


class TaskPage(BaseModel):
    items: list[TaskRow]
    page: int
    page_size: int
    has_next: bool


def _visible_products(viewer: Viewer, wanted: InboxFilter) -> list[int]:
    # A product filter can only narrow the accredited set, never widen it.
    if wanted.product_id is None:
        return list(viewer.product_ids)
    return [wanted.product_id] if viewer.may_see_product(wanted.product_id) else []


# The rows query: one fixed SQL text per shape (mine / age filter), built once. For
# each (visible product, status) pair a LATERAL range scan of ix_tasks_inbox -- or of
# ix_tasks_assignee for "mine" -- which hold the whole sort key (due_at, id), reads the
# first keys up to the page end; the page is cut from their merge and only its rows
# are then fetched and joined to the assignee's name. The text does not depend on the
# number of products, so SQLAlchemy compiles it once and psycopg prepares it on the
# server; building Core statements per request cost more than running the query. The
# page size is a literal so that the generic plan of the prepared statement knows the
# page is small (with a parameter it chose a hash join over all tasks: 130 ms).
_ROW_COLUMNS = (
    "id, contact_id, reference, title, customer_label, product_id, kind, status, "
    "contact_status, assignee_id, priority, unreadable, due_at, created_at, line, sla_state"
)


def _build_rows_sql(mine: bool, aged: bool) -> TextClause:
    conditions = ["tasks.product_id = p.product_id", "tasks.status = s.status"]
    if mine:
        # ix_tasks_assignee: (assignee_id, status, product_id, due_at, id).
        conditions.insert(0, "tasks.assignee_id = :viewer_id")
    if aged:
        conditions.append("tasks.created_at < :cutoff")
    binds = [
        bindparam("products", type_=ARRAY(Integer)),
        bindparam("statuses", type_=ARRAY(String)),
        bindparam("window", type_=Integer),
        bindparam("page_offset", type_=Integer),
    ]
    if mine:
        binds.append(bindparam("viewer_id", type_=Integer))
    if aged:
        binds.append(bindparam("cutoff", type_=DateTime(timezone=True)))
    columns = ", ".join(f"t.{c}" for c in _ROW_COLUMNS.split(", "))
    return text(
        f"""
        SELECT {columns}, u.full_name AS assignee_name
        FROM (
            SELECT k.id, k.due_at
            FROM unnest(:products) AS p(product_id)
            CROSS JOIN unnest(:statuses) AS s(status)
            CROSS JOIN LATERAL (
                SELECT tasks.id, tasks.due_at FROM tasks
                WHERE {" AND ".join(conditions)}
                ORDER BY tasks.due_at, tasks.id
                LIMIT :window
            ) AS k
            ORDER BY k.due_at ASC NULLS LAST, k.id
            LIMIT {PAGE_SIZE + 1} OFFSET :page_offset
        ) AS page
        JOIN tasks AS t ON t.id = page.id
        LEFT OUTER JOIN users AS u ON u.id = t.assignee_id
        ORDER BY page.due_at ASC NULLS LAST, page.id
        """
    ).bindparams(*binds)


_ROWS_SQL = {
    (mine, aged): _build_rows_sql(mine, aged) for mine in (False, True) for aged in (False, True)
}


def _rows_query(viewer: Viewer, wanted: InboxFilter) -> tuple[TextClause, dict] | None:
    """The rows query and its parameters; None when no product is visible."""
    products = _visible_products(viewer, wanted)
    if not products:
        return None
    offset = (wanted.page - 1) * PAGE_SIZE
    params = {
        "products": products,
        "statuses": list(STATUS_FILTERS[wanted.status]),
        # Each range is cut at the page end; one extra row tells whether there is a next page.
        "window": offset + PAGE_SIZE + 1,
        "page_offset": offset,
    }
    if wanted.mine:
        params["viewer_id"] = viewer.id
    if wanted.age:
        params["cutoff"] = utcnow() - AGE_FILTERS[wanted.age]
    return _ROWS_SQL[(wanted.mine, bool(wanted.age))], params


def _rows_statement(viewer: Viewer, wanted: InboxFilter) -> TextClause | None:
    """The rows query with its values bound (for EXPLAIN and tests)."""
    query = _rows_query(viewer, wanted)
    return None if query is None else query[0].bindparams(**query[1])


async def load_inbox(session: AsyncSession, viewer: Viewer, wanted: InboxFilter) -> TaskPage:
    query = _rows_query(viewer, wanted)
    rows = [] if query is None else (await session.execute(*query)).mappings().all()
    items = [TaskRow.model_validate(dict(row)) for row in rows[:PAGE_SIZE]]
    return TaskPage(
        items=items, page=wanted.page, page_size=PAGE_SIZE, has_next=len(rows) > PAGE_SIZE
    )


async def product_names(session: AsyncSession, viewer: Viewer) -> dict[int, Row]:
    """id -> (id, code, name) of the viewer's products: plain rows, no ORM objects."""
    rows = await session.execute(
        select(Product.id, Product.code, Product.name)
        .where(Product.id.in_(viewer.product_ids))  # type: ignore[attr-defined]
        .order_by(Product.code)
    )
    return {p.id: p for p in rows.all()}


@router.get("/api/tasks", response_model=TaskPage)
async def api_tasks(viewer: ContactReader, session: DbSession, wanted: Filters) -> TaskPage:
    """The inbox of the viewer's accredited products (filters: product, status, age, mine)."""
    return await load_inbox(session, viewer, wanted)


@router.get("/", include_in_schema=False)
async def inbox_page(request: Request, viewer: CurrentViewer, session: DbSession, wanted: Filters):
    if viewer.role == Role.admin:  # admins manage; they have no inbox (need-to-know)
        return RedirectResponse("/admin/users", status_code=303)
    if viewer.role == Role.records_manager:  # no contact work either: their lists
        return RedirectResponse("/records/destruction", status_code=303)
    if viewer.role == Role.ops:  # ops work in Temporal Web (decoded via /codec)
        web = request.app.state.settings.temporal_web_url
        return render(request, "auth/home_ops.html", viewer, temporal_web=web)
    products = await product_names(session, viewer)
    page = await load_inbox(session, viewer, wanted)
    return render(
        request,
        "contacts/inbox.html",
        viewer,
        products=products,
        page=page,
        wanted=wanted,
        age_filters=AGE_FILTERS,
        status_filters=STATUS_FILTERS,
    )


@router.get("/inbox/rows", include_in_schema=False)
async def inbox_rows_fragment(
    request: Request, viewer: ContactReader, session: DbSession, wanted: Filters
):
    """The table body alone: what the page re-fetches when a live event arrives."""
    products = await product_names(session, viewer)
    page = await load_inbox(session, viewer, wanted)
    return render(
        request, "contacts/_inbox_rows.html", viewer, products=products, page=page, wanted=wanted
    )

"""Work setup: per-product work settings (ProductWorkSettings) and automatic
assignment per product x line (QueueAutoAssign; no row = off)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import DbSession
from api.routes.admin.work.setup import (
    Admin,
    InvalidSetting,
    api_change,
    form_change,
    product_or_404,
    products,
    record_change,
    screen,
)
from db.models.work import ProductWorkSettings, QueueAutoAssign
from services.access import Viewer

router = APIRouter(tags=["work setup"])

LINES = (1, 2, 3)
MODES = ("off", "round_robin", "least_loaded")
MAX_PRIORITY_STEP = 10  # the trafficer's priority runs from -5 to 10
MAX_DAYS = 365


class ProductWorkSettingsIn(BaseModel):
    warn_share: float = 0.8  # warn when this share of a target is used (0 < share < 1)
    raise_priority_on_breach: int = 1  # 0: leave the priority as it is
    direct_reply_lines: list[int] = [1]  # lines that may reply to the customer themselves
    waiting_reminder_days: int = 5  # working days; 0: no reminder
    waiting_close_days: int = 10  # working days; 0: never closed automatically


class ProductWorkSettingsOut(ProductWorkSettingsIn):
    product_id: int
    product_code: str
    auto_assign: dict[int, str]  # line -> off / round_robin / least_loaded


class AutoAssignIn(BaseModel):
    mode: str


def _invalid(key: str, **params) -> InvalidSetting:
    return InvalidSetting(422, f"work_admin.error.{key}", **params)


def check_settings(data: ProductWorkSettingsIn) -> None:
    if not 0 < data.warn_share < 1:
        raise _invalid("warn_share")
    if not 0 <= data.raise_priority_on_breach <= MAX_PRIORITY_STEP:
        raise _invalid("raise_priority", max=MAX_PRIORITY_STEP)
    if 1 not in data.direct_reply_lines or any(x not in LINES for x in data.direct_reply_lines):
        raise _invalid("direct_reply")
    for days in (data.waiting_reminder_days, data.waiting_close_days):
        if not 0 <= days <= MAX_DAYS:
            raise _invalid("days", max=MAX_DAYS)
    if 0 < data.waiting_close_days <= data.waiting_reminder_days:
        raise _invalid(
            "close_after_reminder",
        )


async def _auto_assign(session: AsyncSession) -> dict[int, dict[int, str]]:
    modes: dict[int, dict[int, str]] = {}
    for row in (await session.exec(select(QueueAutoAssign))).all():
        modes.setdefault(row.product_id, {})[row.line] = row.mode
    return modes


async def list_settings(session: AsyncSession) -> list[ProductWorkSettingsOut]:
    stored = {s.product_id: s for s in (await session.exec(select(ProductWorkSettings))).all()}
    modes = await _auto_assign(session)
    out = []
    for product in await products(session):
        conf = stored.get(product.id) or ProductWorkSettings(product_id=product.id)
        out.append(
            ProductWorkSettingsOut(
                product_id=product.id,
                product_code=product.code,
                warn_share=conf.warn_share,
                raise_priority_on_breach=conf.raise_priority_on_breach,
                direct_reply_lines=[int(x) for x in conf.direct_reply_lines.split(",") if x],
                waiting_reminder_days=conf.waiting_reminder_days,
                waiting_close_days=conf.waiting_close_days,
                auto_assign={line: modes.get(product.id, {}).get(line, "off") for line in LINES},
            )
        )
    return out


async def _one(session: AsyncSession, product_id: int) -> ProductWorkSettingsOut:
    return next(s for s in await list_settings(session) if s.product_id == product_id)


async def save_settings(
    session: AsyncSession,
    viewer: Viewer,
    request: Request,
    product_id: int,
    data: ProductWorkSettingsIn,
) -> ProductWorkSettingsOut:
    await product_or_404(session, product_id)
    check_settings(data)
    row = await session.get(ProductWorkSettings, product_id)
    before = row.model_dump(exclude={"product_id"}) if row else None
    row = row or ProductWorkSettings(product_id=product_id)
    row.warn_share = data.warn_share
    row.raise_priority_on_breach = data.raise_priority_on_breach
    row.direct_reply_lines = ",".join(str(x) for x in sorted(set(data.direct_reply_lines)))
    row.waiting_reminder_days = data.waiting_reminder_days
    row.waiting_close_days = data.waiting_close_days
    session.add(row)
    detail = {"before": before, "after": row.model_dump(exclude={"product_id"})}
    await record_change(
        session, viewer, request, "product_settings.update", "product", product_id, detail
    )
    return await _one(session, product_id)


async def save_auto_assign(
    session: AsyncSession,
    viewer: Viewer,
    request: Request,
    product_id: int,
    modes: dict[int, str],
) -> ProductWorkSettingsOut:
    """Set the mode of one or more lines; "off" removes the row. Only real changes
    are written (and audited)."""
    await product_or_404(session, product_id)
    for line, mode in modes.items():
        if line not in LINES:
            raise _invalid("line")
        if mode not in MODES:
            raise _invalid("mode", mode=mode)
    changed = {}
    for line, mode in modes.items():
        row = await session.get(QueueAutoAssign, (product_id, line))
        before = row.mode if row else "off"
        if before == mode:
            continue
        if mode == "off":
            await session.delete(row)
        else:
            row = row or QueueAutoAssign(product_id=product_id, line=line)
            row.mode = mode
            session.add(row)
        changed[str(line)] = {"before": before, "after": mode}
    if changed:
        await record_change(
            session, viewer, request, "auto_assign.update", "product", product_id, changed
        )
    return await _one(session, product_id)


# --- pages ----------------------------------------------------------------------------


def _page(template: str):
    async def page(
        request: Request,
        viewer: Viewer,
        session: AsyncSession,
        error: str | None = None,
        status_code: int = 200,
    ) -> Response:
        return await screen(
            request,
            viewer,
            template,
            status_code,
            error=error,
            settings=await list_settings(session),
            lines=LINES,
            modes=MODES,
        )

    return page


settings_page = _page("admin/work/products.html")
queues_page = _page("admin/work/queues.html")


@router.get("/admin/work/products", include_in_schema=False)
async def show_settings(request: Request, viewer: Admin, session: DbSession):
    return await settings_page(request, viewer, session)


@router.post("/admin/work/products/{product_id}", include_in_schema=False)
async def settings_form(
    product_id: int,
    request: Request,
    viewer: Admin,
    session: DbSession,
    warn_percent: Annotated[int, Form()],
    raise_priority_on_breach: Annotated[int, Form()],
    waiting_reminder_days: Annotated[int, Form()],
    waiting_close_days: Annotated[int, Form()],
    direct_reply_lines: Annotated[list[int], Form()] = [],  # noqa: B006
):
    data = ProductWorkSettingsIn(
        warn_share=warn_percent / 100,
        raise_priority_on_breach=raise_priority_on_breach,
        direct_reply_lines=[1, *direct_reply_lines],  # the 1st line always replies
        waiting_reminder_days=waiting_reminder_days,
        waiting_close_days=waiting_close_days,
    )
    change = save_settings(session, viewer, request, product_id, data)
    target = f"/admin/work/products#product-{product_id}"
    return await form_change(request, viewer, session, change, settings_page, target)


@router.get("/admin/work/queues", include_in_schema=False)
async def show_queues(request: Request, viewer: Admin, session: DbSession):
    return await queues_page(request, viewer, session)


@router.post("/admin/work/queues/{product_id}", include_in_schema=False)
async def queues_form(
    product_id: int,
    request: Request,
    viewer: Admin,
    session: DbSession,
    mode_1: Annotated[str, Form()] = "off",
    mode_2: Annotated[str, Form()] = "off",
    mode_3: Annotated[str, Form()] = "off",
):
    modes = {1: mode_1, 2: mode_2, 3: mode_3}
    change = save_auto_assign(session, viewer, request, product_id, modes)
    return await form_change(request, viewer, session, change, queues_page, "/admin/work/queues")


# --- JSON -----------------------------------------------------------------------------


@router.get("/api/admin/work/products", response_model=list[ProductWorkSettingsOut])
async def api_settings(viewer: Admin, session: DbSession):
    return await list_settings(session)


@router.put("/api/admin/work/products/{product_id}", response_model=ProductWorkSettingsOut)
async def api_save_settings(
    product_id: int,
    body: ProductWorkSettingsIn,
    request: Request,
    viewer: Admin,
    session: DbSession,
):
    return await api_change(save_settings(session, viewer, request, product_id, body))


@router.put(
    "/api/admin/work/products/{product_id}/auto-assign/{line}",
    response_model=ProductWorkSettingsOut,
)
async def api_save_auto_assign(
    product_id: int,
    line: int,
    body: AutoAssignIn,
    request: Request,
    viewer: Admin,
    session: DbSession,
):
    return await api_change(
        save_auto_assign(session, viewer, request, product_id, {line: body.mode})
    )

"""Work setup: the office calendar (one row, id 1) and the extra closing days.

Next to the closing days the page shows the coming Dutch public holidays from the
``holidays`` library, so the admin sees every day the SLA clocks stand still.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import available_timezones

from fastapi import APIRouter, Form
from fastapi.responses import Response

from api.deps import Admin, AdminContext, DbSession, RequestContext
from api.routes.admin.line_refresh import then_refresh_lines
from api.routes.admin.work.setup import api_change, form_change
from api.routes.admin.work.setup import screen as render_screen
from contracts.input_types import IsoDay
from services.admin.work_setup.calendar import (
    WEEKDAYS,
    ClosingDayIn,
    OfficeCalendarIn,
    OfficeCalendarOut,
    add_closing_day,
    current_calendar,
    remove_closing_day,
    save_calendar,
)

router = APIRouter(tags=["work setup"])

PAGE = "/admin/work/calendar"


# --- pages ----------------------------------------------------------------------------


async def calendar_page(
    ctx: RequestContext,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return await render_screen(
        ctx,
        "admin/work/calendar.html",
        status_code,
        error=error,
        calendar=await current_calendar(ctx.session, ctx.viewer.language),
        weekdays=WEEKDAYS,
        zones=sorted(available_timezones()),
        today=date.today(),
    )


@router.get("/admin/work/calendar", include_in_schema=False)
async def show_calendar(ctx: AdminContext):
    return await calendar_page(ctx)


@router.post("/admin/work/calendar", include_in_schema=False)
async def calendar_form(
    ctx: AdminContext,
    tz: Annotated[str, Form()],
    open_time: Annotated[str, Form()],
    close_time: Annotated[str, Form()],
    workdays: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    public_holidays: Annotated[str, Form()] = "",
):
    data = OfficeCalendarIn(
        tz=tz,
        open_time=open_time,
        close_time=close_time,
        workdays=workdays,
        public_holidays=bool(public_holidays),
    )
    change = then_refresh_lines(ctx, save_calendar(ctx.session, ctx.viewer, ctx.origin, data))
    return await form_change(ctx, change, calendar_page, PAGE)


@router.post("/admin/work/closing-days", include_in_schema=False)
async def closing_day_form(
    ctx: AdminContext,
    day: Annotated[IsoDay, Form()],
    label: Annotated[str, Form()] = "",
):
    change = add_closing_day(
        ctx.session, ctx.viewer, ctx.origin, ClosingDayIn(day=day, label=label)
    )
    return await form_change(ctx, then_refresh_lines(ctx, change), calendar_page, PAGE)


@router.post("/admin/work/closing-days/{day}/delete", include_in_schema=False)
async def remove_closing_day_form(day: IsoDay, ctx: AdminContext):
    change = then_refresh_lines(ctx, remove_closing_day(ctx.session, ctx.viewer, ctx.origin, day))
    return await form_change(ctx, change, calendar_page, PAGE)


# --- JSON -----------------------------------------------------------------------------


@router.get("/api/admin/work/calendar", response_model=OfficeCalendarOut)
async def api_calendar(viewer: Admin, session: DbSession):
    return await current_calendar(session, viewer.language)


@router.put("/api/admin/work/calendar", response_model=OfficeCalendarOut)
async def api_save_calendar(body: OfficeCalendarIn, ctx: AdminContext):
    return await api_change(
        then_refresh_lines(ctx, save_calendar(ctx.session, ctx.viewer, ctx.origin, body))
    )


@router.post("/api/admin/work/closing-days", response_model=ClosingDayIn, status_code=201)
async def api_add_closing_day(body: ClosingDayIn, ctx: AdminContext):
    return await api_change(
        then_refresh_lines(ctx, add_closing_day(ctx.session, ctx.viewer, ctx.origin, body))
    )


@router.api_route("/api/admin/work/closing-days/{day}", methods=["DELETE"], status_code=204)
async def api_remove_closing_day(day: IsoDay, ctx: AdminContext):
    await api_change(
        then_refresh_lines(ctx, remove_closing_day(ctx.session, ctx.viewer, ctx.origin, day))
    )
    return Response(status_code=204)

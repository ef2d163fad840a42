"""Report pages (HTML), their JSON and CSV, and the agent-figures switch (admins).

Thin: parse the query, let services/reports check access and compute, render."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse

from api.deps import Admin, CurrentViewer, DbSession, client_ip
from api.rendering import render
from api.validation import IntCount
from services.reports.export import XLSX_TYPE, report_sheets, xlsx_chunks
from services.reports.families import FAMILIES, Options, UnknownReport
from services.reports.period import PERIODS, BadPeriod
from services.reports.scope import CHANNELS, LINES, BadFilter, agent_figures_on, set_agent_figures
from services.reports.table import csv_lines
from services.reports.view import ReportQuery, ReportView, build_report
from ui.i18n import translator

router = APIRouter(tags=["reports"])


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadPeriod(f"{name} is not a date (YYYY-MM-DD).") from None


def _number(value: str | None, name: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise BadFilter(f"{name} must be a number.")
    return int(value)


class ParsedQuery:
    """The query string as typed (every field may be empty); ``parse`` checks it."""

    def __init__(
        self,
        report: str = "phone",
        period: str = "this_week",
        first: str | None = None,
        last: str | None = None,
        product: str | None = None,
        channel: str | None = None,
        line: str | None = None,
    ) -> None:
        self.raw = (report, period, first, last, product, channel, line)

    def parse(self) -> ReportQuery:
        report, period, first, last, product, channel, line = self.raw
        return ReportQuery(
            report,
            period,
            _date(first, "first"),
            _date(last, "last"),
            _number(product, "product"),
            channel or None,
            _number(line, "line"),
        )


Asked = Annotated[ParsedQuery, Depends()]


def _options(request: Request) -> Options:
    return Options(default_answer_seconds=request.app.state.settings.phone_service_level_s)


def _export_qs(q: ReportQuery) -> str:
    fields = {
        "report": q.report,
        "period": q.period,
        "first": q.first,
        "last": q.last,
        "product": q.product_id,
        "channel": q.channel,
        "line": q.line,
    }
    return urlencode({k: v for k, v in fields.items() if v is not None})


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=400)


async def _view(request: Request, viewer, session, asked: ParsedQuery) -> ReportView:
    return await build_report(session, viewer, asked.parse(), _options(request))


@router.get("/api/reports")
async def report_json(request: Request, viewer: CurrentViewer, session: DbSession, asked: Asked):
    try:
        view = await _view(request, viewer, session, asked)
    except (BadPeriod, BadFilter, UnknownReport) as exc:
        return _bad(str(exc))
    tables = [{"key": t.key, "rows": t.as_dicts()} for t in view.result.current]
    previous = (
        [{"key": t.key, "rows": t.as_dicts()} for t in view.result.previous]
        if view.result.previous is not None
        else None
    )
    return {
        "report": view.query.report,
        "period": {"first": view.period.first, "last": view.period.last},
        "previous_period": (
            {"first": view.previous.first, "last": view.previous.last} if view.previous else None
        ),
        "tables": tables,
        "previous": previous,
    }


@router.get("/reports", include_in_schema=False)
async def report_page(request: Request, viewer: CurrentViewer, session: DbSession, asked: Asked):
    error = None
    try:
        view = await _view(request, viewer, session, asked)
    except (BadPeriod, BadFilter, UnknownReport) as exc:
        error = str(exc)
        fallback = asked.raw[0] if asked.raw[0] in FAMILIES else "phone"
        view = await build_report(session, viewer, ReportQuery(report=fallback), _options(request))
    return render(
        request,
        "reports/index.html",
        viewer,
        status_code=400 if error else 200,
        view=view,
        error=error,
        families=[k for k, f in FAMILIES.items() if view.agent_figures or not f.agent_level],
        periods=PERIODS,
        channels=CHANNELS,
        lines=LINES,
        export_qs=_export_qs(view.query),
    )


def _file_name(key: str, period) -> str:
    return f"{key.removeprefix('reports.').removesuffix('.title')}_{period.first}_{period.last}"


@router.get("/reports/export.csv", include_in_schema=False)
async def report_csv(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    asked: Asked,
    table: IntCount = 0,
    previous: bool = False,
):
    try:
        view = await _view(request, viewer, session, asked)
    except (BadPeriod, BadFilter, UnknownReport) as exc:
        return _bad(str(exc))
    tables = view.result.previous if previous else view.result.current
    if tables is None or not 0 <= table < len(tables):
        return _bad("No such table in this report.")
    chosen = tables[table]
    t = translator(viewer.language)
    name = _file_name(chosen.key, view.previous if previous else view.period)
    return StreamingResponse(
        csv_lines(chosen, [t(c) for c in chosen.columns]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/reports/export.xlsx", include_in_schema=False)
async def report_xlsx(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    asked: Asked,
    table: IntCount | None = None,
    previous: bool = False,
):
    """One table as a workbook, or with no ``table`` the whole report (both periods)."""
    try:
        view = await _view(request, viewer, session, asked)
    except (BadPeriod, BadFilter, UnknownReport) as exc:
        return _bad(str(exc))
    t = translator(viewer.language)
    if table is None:
        sheets = report_sheets(view, t)
        name = f"{view.query.report}_{view.period.first}_{view.period.last}"
    else:
        tables = view.result.previous if previous else view.result.current
        if tables is None or not 0 <= table < len(tables):
            return _bad("No such table in this report.")
        chosen = tables[table]
        sheets = [(t(chosen.key), chosen, previous)]
        name = _file_name(chosen.key, view.previous if previous else view.period)
    return StreamingResponse(
        xlsx_chunks(sheets, t),
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


@router.get("/reports/settings", include_in_schema=False)
async def settings_page(request: Request, viewer: Admin, session: DbSession):
    on = await agent_figures_on(session)
    return render(request, "reports/settings.html", viewer, agent_figures=on)


@router.post("/reports/settings", include_in_schema=False)
async def settings_save(
    request: Request,
    viewer: Admin,
    session: DbSession,
    agent_figures: Annotated[str | None, Form()] = None,
):
    on = agent_figures == "on"
    await set_agent_figures(session, viewer, on, origin=client_ip(request))
    return RedirectResponse("/reports/settings", status_code=303)

"""One report request, from what a person asked to the tables they may see: access,
filters, the period and the period before, and the family's tables for both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.access import NotAccessible, RoleNotAllowed, Viewer
from services.reports.families import Family, Options, Result, family, run
from services.reports.period import Period, current_period, previous_period, today_local
from services.reports.scope import Scope, check_filters, may_see_agent_figures, visible_products


@dataclass(frozen=True)
class ReportQuery:
    report: str = "phone"
    period: str = "this_week"
    first: date | None = None
    last: date | None = None
    product_id: int | None = None
    channel: str | None = None
    line: int | None = None


@dataclass
class ReportView:
    query: ReportQuery
    family: Family
    period: Period
    previous: Period | None
    products: list[tuple[int, str]]
    agent_figures: bool
    result: Result


async def build_report(
    session: AsyncSession,
    viewer: Viewer,
    query: ReportQuery,
    options: Options,
    today: date | None = None,
) -> ReportView:
    """Raises RoleNotAllowed (not a report reader, or agent figures not for them),
    NotAccessible (a product they may not see), BadPeriod / BadFilter / UnknownReport."""
    products = await visible_products(session, viewer)
    fam = family(query.report)
    check_filters(query.channel, query.line)
    agent_ok = await may_see_agent_figures(session, viewer)
    if fam.agent_level and not agent_ok:
        raise RoleNotAllowed("agent-level figures are for managers, when switched on")
    ids = [pid for pid, _ in products]
    if query.product_id is not None:
        if query.product_id not in ids:
            raise NotAccessible("product")
        ids = [query.product_id]
    period = current_period(query.period, today or today_local(), query.first, query.last)
    previous = None if fam.snapshot else previous_period(query.period, period)
    scope = Scope(tuple(ids), period, query.channel, query.line)
    result = await run(session, fam, scope, previous, options)
    return ReportView(query, fam, period, previous, products, agent_ok, result)

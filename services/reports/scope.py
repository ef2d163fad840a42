"""Who may see which reports, and the scope a report runs on.

Managers see every product; trafficers the products they are accredited for; other
roles no reports at all. Agent-level figures are for managers only, and only while
the admin switch (``report_settings.agent_figures``) is on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.roles import Role
from services import audit
from services.access import RoleNotAllowed, Viewer
from services.reports.period import Period

REPORT_READERS = frozenset({Role.manager, Role.trafficer})
WRITTEN_CHANNELS = ("email", "webform", "letter")
CHANNELS = ("email", "phone", "webform", "counter", "letter")
LINES = (1, 2, 3)


class BadFilter(ValueError):
    """A filter value the reports do not know."""


@dataclass(frozen=True)
class Scope:
    """What one report run covers: products (already cut to what the viewer may see),
    an optional channel and line, and the period."""

    product_ids: tuple[int, ...]
    period: Period
    channel: str | None = None
    line: int | None = None

    def params(self) -> dict:
        return {
            "products": list(self.product_ids),
            "start": self.period.start,
            "end": self.period.end,
            "channel": self.channel,
            "line": self.line,
        }


def require_report_reader(viewer: Viewer) -> None:
    if viewer.role not in REPORT_READERS:
        raise RoleNotAllowed("only managers and trafficers read reports")


async def visible_products(session: AsyncSession, viewer: Viewer) -> list[tuple[int, str]]:
    """(id, code) of the products the viewer's reports cover."""
    require_report_reader(viewer)
    rows = (await session.execute(text("SELECT id, code FROM products ORDER BY code"))).all()
    if viewer.role == Role.manager:
        return [(r.id, r.code) for r in rows]
    return [(r.id, r.code) for r in rows if viewer.may_see_product(r.id)]


def check_filters(channel: str | None, line: int | None) -> None:
    if channel is not None and channel not in CHANNELS:
        raise BadFilter(f"Unknown channel {channel!r}.")
    if line is not None and line not in LINES:
        raise BadFilter(f"Unknown line {line!r}; lines are 1, 2 and 3.")


async def agent_figures_on(session: AsyncSession) -> bool:
    value = await session.scalar(text("SELECT agent_figures FROM report_settings WHERE id = 1"))
    return True if value is None else bool(value)


async def may_see_agent_figures(session: AsyncSession, viewer: Viewer) -> bool:
    return viewer.role == Role.manager and await agent_figures_on(session)


async def set_agent_figures(
    session: AsyncSession, viewer: Viewer, on: bool, origin: str | None = None
) -> None:
    """An admin turns the per-agent figures on or off: stored, audited and committed."""
    await session.execute(
        text(
            "INSERT INTO report_settings (id, agent_figures) VALUES (1, :on) "
            "ON CONFLICT (id) DO UPDATE SET agent_figures = :on"
        ),
        {"on": on},
    )
    await audit.record_for(
        session,
        viewer,
        "reports.agent_figures",
        "report_settings",
        1,
        origin=origin,
        detail={"on": on},
    )
    await session.commit()

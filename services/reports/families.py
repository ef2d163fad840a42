"""The report families the page offers, and running one for a period and the period
before it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from services.reports import (
    agents,
    backlog,
    escalations,
    handling,
    phone,
    resolution,
    satisfaction,
    signals,
    volumes,
    written,
)
from services.reports.period import Period
from services.reports.scope import Scope
from services.reports.table import Table


@dataclass(frozen=True)
class Options:
    """What a report may need besides the scope."""

    default_answer_seconds: int = 30


Builder = Callable[[AsyncSession, Scope, Options], Awaitable[Table]]


def _plain(fn) -> Builder:
    async def build(session: AsyncSession, scope: Scope, options: Options) -> Table:
        return await fn(session, scope)

    return build


async def _phone_sl(session: AsyncSession, scope: Scope, options: Options) -> Table:
    return await phone.service_level(session, scope, options.default_answer_seconds)


@dataclass(frozen=True)
class Family:
    key: str
    builders: tuple[Builder, ...]
    snapshot: bool = False  # the period does not apply (no previous period)
    agent_level: bool = False  # managers only, and only while the admin switch is on


FAMILIES: dict[str, Family] = {
    f.key: f
    for f in (
        Family("phone", (_phone_sl, _plain(phone.calls_per_hour))),
        Family("written", (_plain(written.written_sla),)),
        Family(
            "volumes",
            (
                _plain(volumes.by_product_channel),
                _plain(volumes.by_reason),
                _plain(volumes.by_hour),
                _plain(volumes.by_weekday),
            ),
        ),
        Family("backlog", (_plain(backlog.backlog),), snapshot=True),
        Family("escalations", (_plain(escalations.escalations),)),
        Family(
            "resolution", (_plain(resolution.first_contact_resolution), _plain(resolution.reopened))
        ),
        Family("handling", (_plain(handling.phone_handling), _plain(handling.written_handling))),
        Family("agents", (_plain(agents.per_agent),), agent_level=True),
        Family(
            "satisfaction",
            (
                _plain(satisfaction.by_product),
                _plain(satisfaction.by_channel),
                _plain(satisfaction.by_reason),
                _plain(satisfaction.comments),
            ),
        ),
        Family("satisfaction_agents", (_plain(satisfaction.by_agent),), agent_level=True),
        Family("signals", (_plain(signals.by_product_kind),)),
    )
}


class UnknownReport(LookupError):
    pass


def family(key: str) -> Family:
    try:
        return FAMILIES[key]
    except KeyError:
        raise UnknownReport(f"Unknown report {key!r}.") from None


@dataclass
class Result:
    current: list[Table]
    previous: list[Table] | None  # None for snapshots


async def run(
    session: AsyncSession,
    fam: Family,
    scope: Scope,
    previous: Period | None,
    options: Options,
) -> Result:
    current = [await b(session, scope, options) for b in fam.builders]
    if fam.snapshot or previous is None:
        return Result(current, None)
    before = replace(scope, period=previous)
    return Result(current, [await b(session, before, options) for b in fam.builders])

"""Push the phone lines' open/closed state to Asterisk (AstDB over AMI ``DBPut``).

Idempotent: it writes the state the calendar gives for the moment, whatever was
there. Each write is one DBPut; Temporal retries the activity when AMI is down.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from adapters.ami.client import AmiClient, AmiConfig
from config.settings import Settings
from contracts.line_state import PushLineStatesInput, PushLineStatesResult
from services.phone.line_state import line_states


class LineStateActivities:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        ami: AmiClient | None = None,
    ):
        self.sessionmaker = sessionmaker
        self.ami = ami or AmiClient(AmiConfig.from_settings(settings))

    @activity.defn(name="push_line_states")
    async def push_line_states(self, inp: PushLineStatesInput) -> PushLineStatesResult:
        now = datetime.fromisoformat(inp.at) if inp.at else datetime.now(UTC)
        async with self.sessionmaker() as session:
            states = await line_states(session, now)
        for state in states:
            for key, value in state.keys().items():
                await self.ami.db_put(state.family, key, value)
        first = states[0] if states else None
        return PushLineStatesResult(
            lines=len(states),
            open=bool(first and first.open),
            closing_day=first.closing_day if first else "",
        )


def line_state_activities(acts: LineStateActivities) -> list:
    return [acts.push_line_states]

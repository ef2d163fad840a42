"""The daily signal scan as an activity: idempotent per day (services/signals/scan.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from contracts.signals import SignalScanInput, SignalScanResult
from services.signals.scan import scan_day


class SignalActivities:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]):
        self.sessionmaker = sessionmaker

    @activity.defn(name="scan_signals")
    async def scan_signals(self, inp: SignalScanInput) -> SignalScanResult:
        day = date.fromisoformat(inp.day)
        async with self.sessionmaker() as session:
            found, added = await scan_day(session, day)
        return SignalScanResult(day=inp.day, found=found, added=added)


def signal_activities(acts: SignalActivities) -> list:
    return [acts.scan_signals]

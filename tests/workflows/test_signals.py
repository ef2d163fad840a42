"""The signal scan workflow against a stub activity: the day is yesterday by the
workflow's clock, fixed once, and a retry after an outage scans that same day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.signals import SignalScanInput, SignalScanResult
from tests.workflows.scenarios import run_named
from tests.workflows.signals_scenarios import SCAN_DAY


async def test_signal_scan_takes_yesterday_and_retries_the_same_day(skipping_env):
    before = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    out = await run_named(skipping_env, "signal_scan")
    after = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    wf = f"signal-scan-{SCAN_DAY}"
    calls = out.stubs.args(wf, "scan_signals")
    assert len(calls) == 2  # the first try met the outage
    assert calls[0] == calls[1]
    assert calls[0].day in (before, after)
    assert out.results[wf] == SignalScanResult(day=calls[0].day, found=3, added=3)
    assert isinstance(calls[0], SignalScanInput)

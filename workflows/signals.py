"""SignalScanWorkflow: started every morning by a Temporal Schedule, it has
yesterday's contacts scanned for spikes, drops and new topics (one activity; the
signals it stores are keyed by day, so a retry or a second run adds nothing)."""

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.activities import SignalActivityApi
    from contracts.signals import SignalScanInput, SignalScanResult
    from workflows.options import SCAN_SIGNALS_ACTIVITY


@workflow.defn
class SignalScanWorkflow:
    @workflow.run
    async def run(self, inp: SignalScanInput) -> SignalScanResult:
        # The day is fixed once, in the workflow: every retry scans the same day.
        day = inp.day or (workflow.now() - timedelta(days=1)).date().isoformat()
        return await workflow.execute_activity_method(
            SignalActivityApi.scan_signals, SignalScanInput(day=day), **SCAN_SIGNALS_ACTIVITY
        )

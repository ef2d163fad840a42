"""LineStateWorkflow: one push of the phone lines' open/closed state to Asterisk.
Started by a Temporal Schedule every few minutes (runtime/schedules.py) and after
an admin changes the calendar or a phone line; the activity does the work."""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts.activities import LineStateActivityApi
    from contracts.line_state import PushLineStatesInput, PushLineStatesResult


@workflow.defn
class LineStateWorkflow:
    @workflow.run
    async def run(self, inp: PushLineStatesInput) -> PushLineStatesResult:
        return await workflow.execute_activity_method(
            LineStateActivityApi.push_line_states,
            inp,
            start_to_close_timeout=timedelta(seconds=30),
            # a later run pushes again anyway: give up after a few minutes
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30), maximum_attempts=10),
        )

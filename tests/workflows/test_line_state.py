"""LineStateWorkflow against its stub activity: one push, the input passed through,
the activity's result returned."""

from __future__ import annotations

from contracts.line_state import PushLineStatesInput, PushLineStatesResult
from tests.workflows.line_state_scenarios import AT, LINE_STATE_ID
from tests.workflows.scenarios import run_named


async def test_one_push_with_the_moment_given(skipping_env):
    out = await run_named(skipping_env, "line_state")
    assert [c.name for c in out.stubs.of(LINE_STATE_ID)] == ["push_line_states"]
    assert out.stubs.args(LINE_STATE_ID, "push_line_states") == [PushLineStatesInput(at=AT)]
    assert out.results[LINE_STATE_ID] == PushLineStatesResult(
        lines=6, open=False, closing_day="2031-03-05"
    )

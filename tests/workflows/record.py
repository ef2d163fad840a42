"""Record the workflow histories the replay test checks (tests/workflows/histories).

    .venv/bin/python -m tests.workflows.record            # every scenario
    .venv/bin/python -m tests.workflows.record escalation # just these

Runs the scenarios of tests/workflows/scenarios.py against the stub activities,
each on a time-skipping server of its own, and writes each workflow's history, as Temporal
stores it (payloads sealed by PULSE's codec with the test settings' key), to
``histories/<workflow id>.json``. Recording every scenario first removes the old
files, so a scenario that is gone leaves no stale history behind.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from tests.workflows.harness import start_skipping_env
from tests.workflows.scenarios import SCENARIOS, run_named

HISTORIES = Path(__file__).resolve().parent / "histories"
REPO = HISTORIES.parents[2]


async def record(names: list[str]) -> list[Path]:
    written = []
    for name in names:
        written += await record_one(name)
    return written


async def record_one(name: str) -> list[Path]:
    """One scenario on a server of its own, as the tests run it (see conftest.py)."""
    env = await start_skipping_env()
    written = []
    try:
        outcome = await run_named(env, name)
        for workflow_id in outcome.workflow_ids:
            history = await env.client.get_workflow_handle(workflow_id).fetch_history()
            path = HISTORIES / f"{workflow_id}.json"
            # Indented: a re-recording's diff shows which events changed.
            path.write_text(json.dumps(json.loads(history.to_json()), indent=1) + "\n")
            written.append(path)
    finally:
        await env.shutdown()
    return written


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
        return 2
    HISTORIES.mkdir(exist_ok=True)
    if not argv:
        for old in HISTORIES.glob("*.json"):
            old.unlink()
    for path in asyncio.run(record(argv or list(SCENARIOS))):
        print(f"recorded {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

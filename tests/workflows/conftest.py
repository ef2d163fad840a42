"""A time-skipping test server for each workflow test, of its own: its time skips
(days of reopen window, an hour of SLA) wait on nothing another test left behind,
and every scenario starts at today's date (each wait for a workflow's result skips
the server's clock on by years; a shared server would drift towards year 2262,
the end of Temporal's timestamps). Starting one takes about 0.2 s."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from tests.workflows.harness import start_skipping_env


@pytest_asyncio.fixture(loop_scope="session")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_skipping_env()
    yield env
    await env.shutdown()

"""One time-skipping test server for the workflow tests, of their own: their time
skips (days of reopen window, an hour of SLA) must not wait on work that other
tests leave on the shared ``temporal_env``, nor move its clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from tests.workflows.harness import start_skipping_env


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_skipping_env()
    yield env
    await env.shutdown()

"""After a change to the office calendar or a phone line: push the open/closed state
to Asterisk now (services/phone/line_state_trigger.py). Never fails the change."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from api.deps import RequestContext
from services.phone.line_state_trigger import refresh_line_states

log = logging.getLogger(__name__)


async def then_refresh_lines(ctx: RequestContext, change: Awaitable[Any]) -> Any:
    result = await change
    try:
        client = await ctx.temporal()
    except Exception as exc:  # no Temporal: the schedule's next run pushes the change
        log.warning("no Temporal client to push the line state: %s", exc)
        return result
    await refresh_line_states(client)
    return result

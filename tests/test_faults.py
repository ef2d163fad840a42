"""Email under faults, small: ~20 mails (a third of them customers' replies to their
acknowledgement) while the worker, the intake and the Temporal dev server are killed
(SIGKILL), PostgreSQL crashes (immediate stop, WAL recovery) and the SMTP server is
down for a while, each once mid-stream (bench/faults.py runs the same at 1,000).

Counted where things arrive: acknowledgements per contact at the SMTP sink, inbound
rows per mail, each reply's contact against its parent's, messages left in INBOX."""

from __future__ import annotations

import pytest

from bench.faults import FAULTS, run


@pytest.mark.slow
async def test_every_process_killed_once_loses_and_doubles_nothing():
    tally = await run(emails=20, smtp_down_seconds=5.0, timeout=300.0)
    assert tally.faults == list(FAULTS)
    assert tally.lost == 0, tally.line()
    assert tally.doubled == 0, tally.line()
    assert tally.inbox == 0, tally.line()
    # Threading (a reply in its parent's contact) is the intake's rule; this run's
    # replies answer acknowledgements stored long before, so arrival order is no issue.
    assert tally.split == 0, tally.line()

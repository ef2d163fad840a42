"""Every benchmark runs once at a tiny size, so a change cannot silently break one.

These check that each bench starts its stack, does its work and ends with its
``key=value`` line; the figures themselves are for people (bench/*.py), not tests."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAST_LINE = re.compile(r"^(\w+=\S+)( \w+=\S+)*$")

TINY = {
    "bench/ami_bridge.py": ["--calls", "20"],
    "bench/call_to_screen.py": ["--calls", "5", "--agents", "2", "--talk", "0.2"],
    # --profile runs the first worker through bench/profile_worker.py
    "bench/intake.py": [
        *("--emails", "20", "--senders", "5", "--bare", "20", "--imap", "pymap", "--profile"),
    ],
    "bench/open_contacts.py": ["--contacts", "20", "--burst", "5", "--burst-minutes", "1"],
    "bench/records.py": ["--rows", "50", "--writers", "2"],
    "bench/reports.py": ["--contacts", "500", "--rounds", "1"],
    "bench/klopt_import.py": ["--contacts", "200", "--quiet"],
    "bench/inbox.py": [
        *("--contacts", "2000", "--open", "200", "--customers", "500", "--agents", "5"),
        *("--requests", "3", "--warmup", "1"),
    ],
    "bench/search.py": [
        *("--contacts", "3000", "--customers", "600", "--articles", "50"),
        *("--requests", "3", "--warmup", "1"),
    ],
    # make bench's table, over one bench at its smoke size
    "bench/run_all.py": ["--only", "records", "--tiny"],
    "bench/sse_fanout.py": ["--agents", "3", "--rate", "5", "--seconds", "1", "--settle", "1"],
    "bench/signals.py": ["--products", "1", "--scale", "0.5"],
    "bench/webform.py": [
        *("--submissions", "5", "--rate", "5", "--burst", "5"),
        *("--seconds", "1", "--visitors-rate", "2", "--altcha-cost", "100"),
    ],
}


# bench/faults.py has its smoke run in tests/test_faults.py (20 mails, every fault once).
SLOWER: dict[str, int] = {}


@pytest.mark.parametrize("bench", sorted(TINY))
def test_bench_runs_at_a_tiny_size(bench):
    done = subprocess.run(
        [sys.executable, bench, *TINY[bench]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SLOWER.get(bench, 240),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    assert LAST_LINE.match(last), last

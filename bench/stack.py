"""What the benchmarks share: a throw-away Temporal dev server, and percentiles."""

from __future__ import annotations

import subprocess
from pathlib import Path

from devstack.ports import wait_for_port
from devstack.temporal import dev_server_command


def start_temporal(tmp: Path, port: int, ui_port: int) -> subprocess.Popen:
    """The dev server (as `make run` starts it) with its SQLite file under ``tmp``;
    returns once it accepts connections. The caller terminates it."""
    (tmp / "temporal").mkdir()
    proc = subprocess.Popen(
        dev_server_command(tmp / "temporal", "127.0.0.1", port, ui_port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port("127.0.0.1", port, "Temporal", proc)
    return proc


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between the nearest ranks (q in 0..1)."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)

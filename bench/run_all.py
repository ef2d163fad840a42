"""Every benchmark at its full size, one after another, and one table at the end.

    .venv/bin/python bench/run_all.py [--only search,inbox] [--tiny]

Each bench runs as its own process (as by hand) with its defaults; its output is
streamed through, and its last ``key=value`` line goes into the table, with the
wall time it took and the load average before it started (figures on a busy
machine are ratios to their yardsticks, not absolutes). ``--tiny`` uses the smoke
sizes of tests/test_bench_smoke.py. Exits non-zero when a bench failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The order runs the short ones first, so a broken stack shows early.
BENCHES = [
    "records",
    "ami_bridge",
    "call_to_screen",
    "sse_fanout",
    "inbox",
    "search",
    "intake",
    "open_contacts",
]


def run_one(name: str, extra: list[str]) -> tuple[int, float, float, str]:
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, f"bench/{name}.py", *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    last = ""
    for line in proc.stdout:
        sys.stdout.write(line)
        if line.strip():
            last = line.strip()
    code = proc.wait()
    return code, time.perf_counter() - start, load, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated bench names")
    parser.add_argument("--tiny", action="store_true", help="the smoke-test sizes")
    args = parser.parse_args()
    names = [n for n in BENCHES if not args.only or n in args.only.split(",")]
    tiny: dict[str, list[str]] = {}
    if args.tiny:
        from tests.test_bench_smoke import TINY

        tiny = TINY
    rows = []
    for name in names:
        print(f"\n===== bench/{name}.py =====", flush=True)
        rows.append((name, *run_one(name, tiny.get(f"bench/{name}.py", []))))
    print(f"\n{'bench':<16}{'exit':>5}{'took s':>9}{'load':>6}  result (last line)")
    print("-" * 100)
    for name, code, took, load, last in rows:
        print(f"{name:<16}{code:>5}{took:>9.0f}{load:>6.1f}  {last if code == 0 else 'FAILED'}")
    failed = [name for name, code, *_ in rows if code != 0]
    print(f"benches={len(rows)} failed={len(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

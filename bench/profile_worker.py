"""worker.py under cProfile, in every thread: the workflow sandbox runs workflow
activations in a thread pool, which a plain ``python -m cProfile`` does not see.

    PULSE_BENCH_PROFILE=/tmp/worker.prof python -m bench.profile_worker

Times are each thread's CPU time (not wall time: an idle pool thread waiting
for work costs nothing). The stats of all threads go to the file when the worker
stops (SIGTERM, as the benchmarks stop it); ``summary`` prints them for people.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import runpy
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROFILES: list[cProfile.Profile] = []


def _profile_this_thread(*_args) -> None:
    """Installed by threading.setprofile: replaces itself with a profiler of the
    new thread, on the thread's first event."""
    profile = cProfile.Profile(time.thread_time)
    PROFILES.append(profile)
    profile.enable()


def main(path: str) -> None:
    threading.setprofile(_profile_this_thread)
    main_profile = cProfile.Profile(time.thread_time)
    PROFILES.append(main_profile)
    main_profile.enable()
    try:
        runpy.run_path(str(ROOT / "worker.py"), run_name="__main__")  # as `python worker.py`
    finally:
        main_profile.disable()
        stats = None
        for profile in PROFILES:
            profile.create_stats()
            if not profile.stats:
                continue
            if stats is None:
                stats = pstats.Stats(profile)
            else:
                stats.add(profile)
        if stats is not None:
            stats.dump_stats(path)


def _area(filename: str) -> str:
    """Where a function lives: a site package by name, PULSE's own top folder, or
    the standard library."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].split(".", 1)[0]
    root = f"{ROOT}/"
    if filename.startswith(root):
        return "pulse:" + filename[len(root) :].split("/", 1)[0].removesuffix(".py")
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "stdlib"


def summary(path: str, per: int, top: int = 20) -> str:
    """Own time by package, and the functions with most own time, per unit of work
    (``per``: emails, contacts)."""
    stats = pstats.Stats(path)
    by_area: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        by_area[_area(filename)] += tottime
        total += tottime
    out = io.StringIO()
    out.write(
        f"worker CPU seen by the profiler: {total:.1f} s = {total * 1000 / per:.1f} ms each\n"
    )
    out.write("own time by package (ms each):\n")
    for area, seconds in sorted(by_area.items(), key=lambda kv: -kv[1])[:14]:
        out.write(f"  {area:<28}{seconds * 1000 / per:>8.2f}  {seconds / total:>6.1%}\n")
    stats.stream = out
    out.write(f"top {top} functions by own time:\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write(f"top {top} by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(top)
    out.write("who runs module code (the sandbox's imports):\n")
    stats.print_callers(r"\{built-in method builtins.exec\}")
    return out.getvalue()


if __name__ == "__main__":
    main(os.environ["PULSE_BENCH_PROFILE"])

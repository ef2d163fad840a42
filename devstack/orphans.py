"""`make run`'s children end with it, even when it is killed hard (SIGKILL, a closed
terminal, out of memory), and a next start ends whatever an earlier run left behind.

Two guards, because neither covers everything alone:
- on Linux every child asks the kernel for SIGTERM when its parent dies
  (prctl PR_SET_PDEATHSIG); PostgreSQL is started by pg_ctl as a daemon, so it has
  no such parent and is ended from its own postmaster.pid instead;
- each child's pid (its process group: children start their own session) and
  command line go to .pulse/run/<name>.pid, and the run's own pid to run.pid. A start
  that finds run.pid of a run that is gone ends the processes in those files first,
  after checking each pid still runs the command it was written for (pids are reused).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1


class AnotherRun(RuntimeError):
    pass


def die_with_parent() -> None:
    """preexec_fn for a child: SIGTERM when the process that started it dies."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunFiles:
    """The pid files of one data directory's run."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "run"

    def claim(self) -> list[str]:
        """Make this process the data directory's run; end an earlier, dead run's
        leftovers and say which. Refuses while an earlier run is still alive."""
        self.dir.mkdir(parents=True, exist_ok=True)
        ended: list[str] = []
        own = self.dir / "run.pid"
        if own.exists():
            pid, _, command = own.read_text().partition("\n")
            running = pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid))
            if running and command.strip() and _cmdline(int(pid)) == command.strip():
                raise AnotherRun(f"another `make run` is running (pid {pid}); stop it first")
            ended = self.end_leftovers()
        own.write_text(f"{os.getpid()}\n{_cmdline(os.getpid())}\n")
        return ended

    def record(self, name: str, pid: int) -> None:
        (self.dir / f"{name}.pid").write_text(f"{pid}\n{_cmdline(pid)}\n")

    def end_leftovers(self, grace: float = 10.0) -> list[str]:
        ended = []
        for path in sorted(self.dir.glob("*.pid")):
            if path.name == "run.pid":
                continue
            pid, _, command = path.read_text().partition("\n")
            if pid.isdigit() and _alive(int(pid)) and _cmdline(int(pid)) == command.strip():
                _end_group(int(pid), grace)
                ended.append(path.stem)
            path.unlink(missing_ok=True)
        return ended

    def release(self) -> None:
        for path in self.dir.glob("*.pid"):
            path.unlink(missing_ok=True)


def _end_group(pid: int, grace: float) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def stale_postmaster(pgdata: Path) -> int | None:
    """The pid of a postmaster left running on ``pgdata``, if there is one."""
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    first = pid_file.read_text(errors="replace").split("\n", 1)[0].strip()
    if first.isdigit() and _alive(int(first)) and "postgres" in _cmdline(int(first)):
        return int(first)
    return None

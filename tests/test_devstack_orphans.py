"""`make run` killed hard leaves nothing behind: its children get SIGTERM from the
kernel when it dies, and a next start ends the leftovers named in the pid files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from devstack.orphans import RunFiles, _alive

PARENT = """
import subprocess, sys, time
from devstack.orphans import die_with_parent
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                         start_new_session=True, preexec_fn=die_with_parent)
print(child.pid, flush=True)
time.sleep(600)
"""


def wait_for(check, what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)  # reap it if it is ours
    except ChildProcessError:
        waited = 0
    return waited == pid or not _alive(pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_a_child_ends_when_make_run_is_killed_hard():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    wait_for(lambda: not _alive(child), "the orphaned child to end")


def test_a_next_start_ends_the_leftovers_of_a_dead_run(tmp_path):
    leftover = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True
    )
    files = RunFiles(tmp_path)
    files.dir.mkdir(parents=True)
    (files.dir / "run.pid").write_text("999999999\nnothing\n")  # a run that is gone
    files.record("worker", leftover.pid)
    assert RunFiles(tmp_path).claim() == ["worker"]
    wait_for(lambda: _gone(leftover.pid), "the leftover to end")
    assert not (files.dir / "worker.pid").exists()


def test_a_live_run_is_not_ended_but_refused(tmp_path):
    files = RunFiles(tmp_path)
    files.claim()  # this test process is "the run"
    # Pretend to be a second run: claim from a child process.
    code = (
        "import sys; from pathlib import Path; from devstack.orphans import RunFiles, AnotherRun\n"
        "try:\n    RunFiles(Path(sys.argv[1])).claim()\nexcept AnotherRun:\n    sys.exit(3)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=False)
    assert result.returncode == 3

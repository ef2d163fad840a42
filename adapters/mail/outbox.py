"""The outbox of the embedded SMTP sink (devstack/mail_sandbox.py): what it received,
read from its JSON-lines index, for the dev tools' "sent mail" page."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path


def read_outbox(data_dir: str | Path) -> list[dict]:
    """What the SMTP sink received, oldest first (from the JSON-lines index)."""
    index = Path(data_dir) / "outbox" / "index.jsonl"
    if not index.exists():
        return []
    entries = []
    for line in index.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):
            entries.append(json.loads(line))
    return entries

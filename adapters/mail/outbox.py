"""The outbox of the embedded SMTP sink (devstack/mail_sandbox.py): what it received,
read from its JSON-lines index, for the dev tools' "sent mail" page."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path


def read_outbox(data_dir: str | Path) -> list[dict]:
    """What the SMTP sink received, oldest first (from the JSON-lines index)."""
    index = Path(data_dir) / "outbox" / "index.jsonl"
    if not index.exists():
        return []
    entries = []
    for line in index.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            entry["sent_at"] = _when(entry.get("date", ""))
            entries.append(entry)
    return entries


def _when(date_header: str) -> datetime | None:
    """The mail's Date header as a moment (the page shows it in office time)."""
    try:
        return parsedate_to_datetime(date_header) if date_header else None
    except (TypeError, ValueError):
        return None

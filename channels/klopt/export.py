"""Reading an export: one JSON Lines file per table, streamed in batches, and the
hash of each row (an unchanged row is skipped on the next run)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

# Import order: each table refers only to the ones before it.
TABLES = ("customers", "contacts", "messages", "notes", "attachments")


@dataclass
class Row:
    """One line of an export file: its values, or why it could not be read."""

    line: int
    values: dict
    old_id: str = ""
    hash: str = ""
    error: str = ""
    clean: Any = None  # the checked values, as the table's importer needs them


class BadValue(ValueError):
    """A row's value is wrong; the message is the rejects file's reason."""


def read_rows(path: Path) -> Iterator[Row]:
    """The rows of ``path`` one by one (never the whole file in memory)."""
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            yield _parse(number, raw)


def _parse(number: int, raw: bytes) -> Row:
    try:
        values = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Row(number, {"raw": raw[:200].decode("utf-8", "replace")}, error="not UTF-8")
    except json.JSONDecodeError as exc:
        return Row(number, {"raw": raw[:200].decode()}, error=f"not valid JSON: {exc.msg}")
    if not isinstance(values, dict):
        return Row(number, {"raw": values}, error="a row is a JSON object")
    old_id = values.get("id")
    if not isinstance(old_id, str | int) or isinstance(old_id, bool) or str(old_id) == "":
        return Row(number, values, error="id is missing")
    old_id = str(old_id)
    if len(old_id) > 100:
        return Row(number, values, old_id=old_id[:100], error="id is longer than 100 characters")
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return Row(number, values, old_id=old_id, hash=digest)


def batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch


def count_lines(path: Path) -> int:
    """Rows in a file, for the progress bar (a streaming count of non-empty lines)."""
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


# --- values ---------------------------------------------------------------------------


def text_of(values: dict, name: str, limit: int, required: bool = False) -> str:
    value = values.get(name)
    if value is None or value == "":
        if required:
            raise BadValue(f"{name} is missing")
        return ""
    if not isinstance(value, str):
        raise BadValue(f"{name} is not text")
    return value[:limit]


def ref_of(values: dict, name: str, required: bool = True) -> str | None:
    value = values.get(name)
    if value is None or value == "":
        if required:
            raise BadValue(f"{name} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadValue(f"{name} is not an id")
    return str(value)


def date_of(values: dict, name: str, required: bool = True) -> datetime | None:
    """An ISO 8601 date or date-time; without a zone it is UTC (Klopt's clock)."""
    value = values.get(name)
    if value is None or value == "":
        if required:
            raise BadValue(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise BadValue(f"{name} is not a date")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{name} is not an ISO 8601 date: {value[:40]!r}") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)

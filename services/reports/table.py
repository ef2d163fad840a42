"""The one shape every report returns: a titled table with typed columns, the rows
the page, its chart and the CSV export all read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any


@dataclass
class Table:
    key: str  # the i18n key of the title, and the export's file name
    columns: Sequence[str]  # i18n keys of the column headers
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    chart: str = ""  # "bars" (first column label, `value_column` height) or ""
    value_column: int = 1

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def chart_points(self) -> list[tuple[str, float]]:
        return [(str(r[0]), float(r[self.value_column] or 0)) for r in self.rows]


def pct(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide."""
    return round(100.0 * part / whole, 1) if whole else None


def median_or_none(values: Sequence[float]) -> float | None:
    return round(float(median(values)), 1) if values else None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_cell(value: Any) -> Any:
    """A value as a spreadsheet gets it: empty for None, and text that a spreadsheet
    would run as a formula (a subject or comment typed by a customer) kept as text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(table: Table, headers: Sequence[str]) -> Iterator[str]:
    """The table as CSV, a line at a time (streamed to the browser)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in [headers, *table.rows]:
        writer.writerow([export_cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()

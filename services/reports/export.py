"""Report tables as an Excel workbook (openpyxl's write-only mode: rows go to disk as
they are written, so memory stays flat however long a table is).

One sheet per table; the period before gets sheets of its own, named with a
trailing "(-)"; numbers stay numbers so a manager can sum and chart them in Excel."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from services.reports.period import OFFICE_TZ
from services.reports.table import FORMULA_STARTS, Table

SHEET_NAME_MAX = 31  # Excel's limit
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
CHUNK = 64 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_name(title: str, suffix: str, taken: set[str]) -> str:
    base = _NOT_IN_SHEET_NAMES.sub(" ", title).strip() or "Sheet"
    name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    n = 2
    while name.lower() in taken:
        tail = f" {n}{suffix}"
        name = base[: SHEET_NAME_MAX - len(tail)] + tail
        n += 1
    taken.add(name.lower())
    return name


def _cell(ws, value):
    """Text stays text: a string openpyxl would store as a formula is typed a string."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(OFFICE_TZ).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def _add_sheet(book: Workbook, name: str, table: Table, headers: Sequence[str]) -> None:
    ws = book.create_sheet(name)
    bold = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        bold.append(cell)
    ws.append(bold)
    for row in table.rows:
        ws.append([_cell(ws, v) for v in row])


def xlsx_chunks(
    sheets: Sequence[tuple[str, Table, bool]], translate: Callable[[str], str]
) -> Iterator[bytes]:
    """``sheets``: (title, table, is_previous). Yields the workbook in chunks."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for title, table, previous in sheets:
        name = _sheet_name(title, " (-)" if previous else "", taken)
        _add_sheet(book, name, table, [translate(c) for c in table.columns])
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        while chunk := out.read(CHUNK):
            yield chunk


def report_sheets(view, translate: Callable[[str], str]) -> list[tuple[str, Table, bool]]:
    """Every table of a report view, the period's first and then the period before."""
    sheets = [(translate(tb.key), tb, False) for tb in view.result.current]
    if view.result.previous is not None:
        sheets += [(translate(tb.key), tb, True) for tb in view.result.previous]
    return sheets

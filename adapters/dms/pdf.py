"""A small, dependency-free PDF writer for a record's readable summary.

What it makes: PDF 1.4, A4 pages of plain text in the standard Helvetica font
(WinAnsi encoding, so Dutch accents print), with document info (title, creation
date). What it is NOT: PDF/A. PDF/A-1b/2b needs embedded fonts, an XMP metadata
stream and an ICC output intent; none is here. The originals (.eml, attachments,
metadata.json) are archived next to it, so the summary is a convenience copy.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN, LEADING, SIZE = 56, 14, 10
LINES_PER_PAGE = (PAGE_H - 2 * MARGIN) // LEADING
WRAP = 95


def _escape(line: str) -> bytes:
    encoded = line.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _wrapped(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(raw, WRAP, replace_whitespace=False) or [""])
    return lines


def _pdf_string(value: str) -> bytes:
    return b"(" + _escape(value) + b")"


def text_pdf(title: str, body: str, created: datetime | None = None) -> bytes:
    lines = _wrapped(body)
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page tree's number is known
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids = []
    for page_lines in pages:
        content = b"BT /F1 %d Tf %d TL %d %d Td\n" % (SIZE, LEADING, MARGIN, PAGE_H - MARGIN)
        content += b"".join(b"(" + _escape(line) + b") Tj T*\n" for line in page_lines)
        content += b"ET"
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_obj, PAGE_W, PAGE_H, font, stream)
            )
        )
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    when = (created or datetime.now(UTC)).strftime("D:%Y%m%d%H%M%SZ")
    info = add(
        b"<< /Title "
        + _pdf_string(title)
        + b" /Producer (PULSE) /CreationDate "
        + _pdf_string(when)
        + b" >>"
    )

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)

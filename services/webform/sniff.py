"""What an uploaded file is, by its content (magic bytes), never by its name or the
content type the browser sent: a "PDF" that starts like a Windows executable is not
a PDF. Only the kinds a form may accept are recognised; anything else is None."""

from __future__ import annotations

import io
import zipfile

# kind -> (content type, the file name extensions people expect)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "gif": ("image/gif", (".gif",)),
    "tiff": ("image/tiff", (".tif", ".tiff")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (".odt",)),
    "txt": ("text/plain", (".txt",)),
}


def sniff(data: bytes) -> str | None:
    """The kind of ``data`` among KINDS, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    if _is_plain_text(data):
        return "txt"
    return None


def content_type(kind: str) -> str:
    return KINDS[kind][0]


def _office_kind(data: bytes) -> str | None:
    """A ZIP is a document only with the parts that make one (a renamed archive is not)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and archive.read("mimetype") == KINDS["odt"][0].encode():
                return "odt"
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None
    return None


def _is_plain_text(data: bytes) -> bool:
    if not data or b"\x00" in data[:65536]:
        return False
    try:
        text = data[:65536].decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character cut at the sample's end is still text
        try:
            text = data[:65533].decode("utf-8")
        except UnicodeDecodeError:
            return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls == 0 and not text.startswith("#!")

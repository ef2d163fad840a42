"""The DMS adapter: where closed contacts go as records. Two implementations,
chosen by ``settings.dms_backend``:

- ``local`` (default): files and metadata on local disk with SHA-256 checksums;
- ``zgw``: the ZGW Documenten API (e.g. Open Zaak), one EnkelvoudigInformatieObject
  per document, large files in bestandsdelen (lock / upload parts / unlock).

Both are idempotent per (record, document name): storing again after a retry
replaces or finds the same document instead of making a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol


class DmsUnavailable(RuntimeError):
    """The DMS could not be reached or answered 5xx: try again later."""


class DmsRefused(RuntimeError):
    """The DMS refused the request (4xx): retrying the same request will not help."""


@dataclass
class RecordMeta:
    """Metadata every document of a record carries."""

    reference: str
    product_code: str
    channel: str
    closed_on: date
    title: str = ""
    author: str = "KCC CIBG"
    confidentiality: str = "vertrouwelijk"  # ZGW vertrouwelijkheidaanduiding


@dataclass
class DmsDocument:
    name: str  # file name, unique within the record
    content_type: str
    data: bytes
    kind: str = "document"  # message / attachment / summary / metadata
    title: str = ""


@dataclass
class StoredDocument:
    dms_id: str
    name: str
    kind: str
    sha256: str
    size: int
    extra: dict = field(default_factory=dict)


class Dms(Protocol):
    backend: str

    async def store(self, meta: RecordMeta, doc: DmsDocument) -> StoredDocument: ...

    async def fetch(self, dms_id: str) -> bytes: ...

    async def destroy(self, dms_id: str) -> None:
        """Remove a document; a document that is already gone is fine."""

    async def close(self) -> None: ...


def make_dms(settings) -> Dms:
    if settings.dms_backend == "zgw":
        from adapters.dms.zgw import ZgwDms

        return ZgwDms.from_settings(settings)
    from adapters.dms.local import LocalDms

    return LocalDms(settings.dms_dir or settings.data_dir / "dms")

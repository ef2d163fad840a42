"""The embedded DMS: one folder per record on local disk, each document next to a
``.sha256`` checksum file, and ``record.json`` with the record's metadata.

Writes go to a temporary file first and are renamed into place (atomic), so a
crash never leaves half a document behind a valid checksum.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
from dataclasses import asdict
from pathlib import Path

from adapters.dms import DmsDocument, DmsRefused, DmsUnavailable, RecordMeta, StoredDocument

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe(name: str) -> str:
    cleaned = SAFE_NAME.sub("_", name).strip("._") or "document"
    return cleaned[:150]


class ChecksumMismatch(DmsRefused):
    """A stored document no longer matches its checksum (bit rot or tampering)."""


class LocalDms:
    backend = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    def _store(self, meta: RecordMeta, doc: DmsDocument) -> StoredDocument:
        if not self.root.parent.exists():
            raise DmsUnavailable(f"DMS folder {self.root} is not reachable")
        folder = self.root / safe(meta.reference)
        path = folder / safe(doc.name)
        digest = hashlib.sha256(doc.data).hexdigest()
        self._write(path, doc.data)
        self._write(path.with_name(path.name + ".sha256"), f"{digest}  {path.name}\n".encode())
        record = {**asdict(meta), "closed_on": meta.closed_on.isoformat()}
        self._write(folder / "record.json", json.dumps(record, indent=2).encode())
        dms_id = f"{folder.name}/{path.name}"
        return StoredDocument(dms_id, doc.name, doc.kind, digest, len(doc.data))

    def _fetch(self, dms_id: str) -> bytes:
        path = self.root / dms_id
        data = path.read_bytes()
        expected = path.with_name(path.name + ".sha256").read_text().split()[0]
        if hashlib.sha256(data).hexdigest() != expected:
            raise ChecksumMismatch(f"{dms_id}: content does not match its checksum")
        return data

    def _destroy(self, dms_id: str) -> None:
        path = self.root / dms_id
        for p in (path, path.with_name(path.name + ".sha256")):
            p.unlink(missing_ok=True)
        folder = path.parent
        if folder.exists() and not [p for p in folder.iterdir() if p.name != "record.json"]:
            shutil.rmtree(folder, ignore_errors=True)

    async def store(self, meta: RecordMeta, doc: DmsDocument) -> StoredDocument:
        return await asyncio.to_thread(self._store, meta, doc)

    async def fetch(self, dms_id: str) -> bytes:
        return await asyncio.to_thread(self._fetch, dms_id)

    async def destroy(self, dms_id: str) -> None:
        await asyncio.to_thread(self._destroy, dms_id)

    async def close(self) -> None:
        return None

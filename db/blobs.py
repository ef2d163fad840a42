"""Content stored once by SHA-256 (raw messages, attachments)."""

from __future__ import annotations

import hashlib

from sqlalchemy.dialects.postgresql import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Blob


async def store_blob(session: AsyncSession, data: bytes) -> str:
    """Store ``data`` unless a blob with its hash exists; return the hash."""
    sha256 = hashlib.sha256(data).hexdigest()
    await session.execute(
        insert(Blob)
        .values(sha256=sha256, size=len(data), data=data)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    return sha256

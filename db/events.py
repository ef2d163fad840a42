"""Live-update events: PostgreSQL NOTIFY on one channel, relayed to browsers by SSE.

The payload carries IDs and codes only; browsers re-fetch what they may see.
NOTIFY is transactional: listeners hear it only when the write has committed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from db.session import notify

CHANNEL = "pulse_events"


@dataclass
class LiveEvent:
    kind: str  # "task" (inbox row changed), "contact" (thread changed), "message"
    contact_id: int
    product_id: int
    reference: str = ""
    status: str = ""
    assignee_id: int | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, payload: str) -> LiveEvent:
        return cls(**json.loads(payload))


async def publish(session: AsyncSession, event: LiveEvent) -> None:
    await notify(session, CHANNEL, event.to_json())

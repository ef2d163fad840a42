"""What the phone channel's parts share about a call: the contact it belongs to
(``CallRef``), the states of a call still going on, and Asterisk's epoch times.

The AMI bridge's reads and writes live with the bridge (channels/phone/store.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from db.models.contacts import utcnow
from db.models.phone import CallState

OPEN_CALL_STATES = (CallState.queued, CallState.ringing, CallState.connected)


def from_epoch(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC) if at else utcnow()


@dataclass(frozen=True)
class CallRef:
    contact_id: int
    reference: str
    product_code: str
    product_id: int

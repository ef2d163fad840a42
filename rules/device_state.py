"""An agent's state in one queue from Asterisk's device state (QueueMember* Status,
AST_DEVICE_*): the one rule the bridge, the wallboard, the agents' view and the PBX
simulator share.

Device state 0 (unknown) counts as **available**, as app_queue does: it rings a
member whose state is unknown (is_member_available: UNKNOWN and NOT_INUSE), which
is what an agent whose softphone has no device-state hint reports.
"""

from __future__ import annotations

UNKNOWN, NOT_IN_USE, IN_USE, BUSY, INVALID, UNAVAILABLE, RINGING, RING_IN_USE, ON_HOLD = range(9)
AVAILABLE_STATES = frozenset({UNKNOWN, NOT_IN_USE})
BUSY_STATES = frozenset({IN_USE, BUSY, RINGING, RING_IN_USE, ON_HOLD})
UNAVAILABLE_STATES = frozenset({INVALID, UNAVAILABLE})


def member_state(status: int, paused: bool) -> str:
    """available / busy / paused / unavailable (an unlisted state: unavailable)."""
    if paused:
        return "paused"
    if status in AVAILABLE_STATES:
        return "available"
    if status in BUSY_STATES:
        return "busy"
    return "unavailable"

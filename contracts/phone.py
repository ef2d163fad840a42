"""Dataclasses of the phone channel that cross the Temporal boundary (IDs, codes and
figures only: no numbers or names in workflow history). New fields get defaults."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Kinds of call events the AMI bridge signals (see adapters/ami/events.py).
JOIN, RINGING, RING_NO_ANSWER, CONNECT = "join", "ringing", "ring_no_answer", "connect"
COMPLETE, ABANDON, HANGUP, GONE = "complete", "abandon", "hangup", "gone"
CALL_EVENT_KINDS = frozenset(
    {JOIN, RINGING, RING_NO_ANSWER, CONNECT, COMPLETE, ABANDON, HANGUP, GONE}
)


class CallState(StrEnum):
    """Where a call stands: decided by the contact's workflow, stored on the call."""

    queued = "queued"
    ringing = "ringing"
    connected = "connected"
    ended = "ended"  # answered and finished: wrap-up pending or done
    abandoned = "abandoned"  # the caller hung up in the queue: a callback task


@dataclass
class CallEvent:
    """Signal ``call_event``: something Asterisk reported about this call.

    ``at`` is Asterisk's event timestamp (epoch seconds); with ``kind`` and the agent
    it makes a repeated event recognisable."""

    kind: str
    at: float = 0.0
    agent_user_id: int | None = None
    hold_seconds: int | None = None
    talk_seconds: int | None = None
    ring_ms: int | None = None


@dataclass
class RecordCallInput:
    """Activity ``record_call``: write the call's state to the projection."""

    contact_id: int
    event: str
    state: str
    task_kind: str
    agent_user_id: int | None = None
    hold_seconds: int | None = None
    talk_seconds: int | None = None
    ring_ms: int | None = None
    at: float = 0.0
    callback_attempts: int | None = None
    callback_outcome: str = ""


@dataclass
class RecordCallResult:
    ok: bool = True


@dataclass
class WrapUpRequest:
    """Update ``wrap_up``: the agent's after-call work. The note (if any) is stored by
    the API first; ``linked_contact_id`` links the call to an existing contact."""

    user_id: int
    reason_id: int
    note_id: int | None = None
    linked_contact_id: int | None = None


@dataclass
class WrapUpResult:
    status: str
    linked_contact_id: int | None = None


@dataclass
class CallbackRequest:
    """Update ``call_back``: an agent calls the customer back (callback task)."""

    user_id: int


@dataclass
class CallbackResult:
    outcome: str  # answered / failed / busy / no_answer
    attempts: int = 0


@dataclass
class OriginateInput:
    """Activity ``originate_callback``: ring the agent, then the caller of this contact."""

    contact_id: int
    user_id: int


@dataclass
class OriginateResult:
    outcome: str

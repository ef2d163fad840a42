"""AMI event -> PULSE action: the pure half of the AMI bridge (no I/O, no clients).

A real Asterisk sends 100+ events per queued call; PULSE needs about ten of them.
``map_event`` drops the noise with one set lookup on the event name, then turns a
queue event into a ``CallAction`` (for the call's ContactWorkflow) or a
``MemberAction`` (an agent's queue membership). Anything malformed gives None and a
log line: the bridge never dies on input.

Shapes follow Asterisk 23 (../shared/fixtures/asterisk): AgentRingNoAnswer's RingTime
is in milliseconds, AgentConnect's in seconds; QueueMember* Status is a device state
(rules/device_state.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from contracts.phone import (
    ABANDON,
    COMPLETE,
    CONNECT,
    HANGUP,
    JOIN,
    RING_NO_ANSWER,
    RINGING,
)

log = logging.getLogger(__name__)

CALL_EVENTS = {
    "QueueCallerJoin": JOIN,
    "AgentCalled": RINGING,
    "AgentRingNoAnswer": RING_NO_ANSWER,
    "AgentConnect": CONNECT,
    "AgentComplete": COMPLETE,
    "QueueCallerAbandon": ABANDON,
    "Hangup": HANGUP,
}
MEMBER_EVENTS = {
    "QueueMemberAdded": "added",
    "QueueMemberStatus": "status",
    "QueueMemberPause": "pause",
    "QueueMemberPaused": "pause",  # the name before Asterisk 12
    "QueueMemberRemoved": "removed",
    "QueueMember": "status",  # a QueueStatus list item (reconcile)
}
# The IVR's "call me back" outside the queue (extensions.conf, UserEvent PulseCallback).
CALLBACK_USEREVENT = "PulseCallback"
# The IVR's first step: a call offered to a product line, queued or not (PulseOffered).
OFFERED_USEREVENT = "PulseOffered"
OFFERED = "offered"  # a CallAction kind of the bridge's own: recorded, never signalled
WANTED = frozenset(CALL_EVENTS) | frozenset(MEMBER_EVENTS) | {"UserEvent"}

# The event names PULSE needs: also the eventfilter lines of asterisk/manager.conf.
EVENT_FILTER = tuple(sorted(WANTED))


@dataclass(frozen=True, slots=True)
class CallAction:
    kind: str
    linkedid: str
    queue: str = ""
    caller_number: str = ""
    member_name: str = ""
    at: float = 0.0
    hold_seconds: int | None = None
    talk_seconds: int | None = None
    ring_ms: int | None = None
    # the IVR's PulseCallback: the caller chose to be called back (before any queue,
    # or with the queue's exit key) — for Asterisk's accounting neither an abandon
    # nor, without a queue join, an offered call
    callback_request: bool = False


@dataclass(frozen=True, slots=True)
class MemberAction:
    kind: str  # added / status / pause / removed
    queue: str
    member_name: str
    interface: str = ""
    status: int = 0
    paused: bool = False
    pause_reason: str = ""
    at: float = 0.0


def field(msg: Mapping[str, object], name: str) -> str:
    """One header as text. A header Asterisk sends twice (a UserEvent's own fields
    after the channel snapshot's Linkedid, Uniqueid, CallerIDNum, Timestamp) comes
    from panoramisk as a list: the first value is the snapshot's, Asterisk's own."""
    value = msg.get(name)
    if isinstance(value, list | tuple):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value.strip() if isinstance(value, str) else ""


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _float(value: str | None) -> float:
    try:
        return float(value) if value else 0.0
    except (TypeError, ValueError):
        return 0.0


def map_event(msg: Mapping[str, str]) -> CallAction | MemberAction | None:
    """One AMI event to what PULSE does about it; None for noise and garbage."""
    try:
        name = msg.get("Event")
    except Exception:  # a mapping that cannot even be read
        log.warning("AMI: unreadable message skipped")
        return None
    if name not in WANTED:
        return None
    try:
        if name == "UserEvent":
            user_event = field(msg, "UserEvent")
            if user_event == OFFERED_USEREVENT:
                return _call_action(OFFERED, msg)
            if user_event != CALLBACK_USEREVENT:
                return None
            # a callback request: for the contact, as a caller who gave up
            return _call_action(ABANDON, msg, callback_request=True)
        if name in CALL_EVENTS:
            return _call_action(CALL_EVENTS[name], msg)
        return _member_action(MEMBER_EVENTS[name], msg)
    except Exception as exc:  # a field of the wrong type: skip this one event
        log.warning("AMI: malformed %s skipped (%s)", name, exc)
        return None


def _call_action(
    kind: str, msg: Mapping[str, str], callback_request: bool = False
) -> CallAction | None:
    linkedid = field(msg, "Linkedid")
    if not linkedid:
        log.warning("AMI: %s without Linkedid skipped", msg.get("Event"))
        return None
    if kind == HANGUP:
        # A call has many channels; it is over when its first channel (the caller's,
        # whose Uniqueid is the Linkedid) hangs up. Other hangups are noise.
        if field(msg, "Uniqueid") != linkedid:
            return None
        return CallAction(HANGUP, linkedid, at=_float(field(msg, "Timestamp")))
    queue = field(msg, "Queue")
    if not queue:
        log.warning("AMI: %s without Queue skipped", msg.get("Event"))
        return None
    ring = _int(field(msg, "RingTime"))
    return CallAction(
        kind=kind,
        linkedid=linkedid,
        queue=queue,
        caller_number=field(msg, "CallerIDNum"),
        member_name=field(msg, "MemberName"),
        at=_float(field(msg, "Timestamp")),
        hold_seconds=_int(field(msg, "HoldTime")),
        talk_seconds=_int(field(msg, "TalkTime")),
        # AgentRingNoAnswer: milliseconds; AgentConnect: seconds.
        ring_ms=ring if kind == RING_NO_ANSWER else (ring * 1000 if ring is not None else None),
        callback_request=callback_request,
    )


def _member_action(kind: str, msg: Mapping[str, str]) -> MemberAction | None:
    queue = field(msg, "Queue")
    # QueueMember (a QueueStatus list item) says Name/Location, the events MemberName/Interface.
    member = field(msg, "MemberName") or field(msg, "Name")
    if not queue or not member:
        log.warning("AMI: %s without Queue/MemberName skipped", msg.get("Event"))
        return None
    return MemberAction(
        kind=kind,
        queue=queue,
        member_name=member,
        interface=field(msg, "Interface") or field(msg, "Location"),
        status=_int(field(msg, "Status")) or 0,
        paused=field(msg, "Paused") == "1",
        pause_reason=(field(msg, "PausedReason") or field(msg, "Reason"))[:80],
        at=_float(field(msg, "Timestamp")),
    )


def waiting_callers(entries: list[Mapping], linked: dict[str, str], now: float) -> list[CallAction]:
    """QueueStatus's QueueEntry items as queue joins. QueueEntry names the caller's
    channel (Uniqueid), not the call: its Linkedid comes from CoreShowChannels (they
    differ when the caller came in through a Local channel); the join time is now
    minus the entry's Wait."""
    out = []
    for item in entries:
        uniqueid, queue = field(item, "Uniqueid"), field(item, "Queue")
        if not uniqueid or not queue:
            continue
        wait = _seconds(field(item, "Wait"))
        out.append(
            CallAction(
                JOIN,
                linked.get(uniqueid) or uniqueid,
                queue=queue,
                caller_number=field(item, "CallerIDNum"),
                at=now - wait,
            )
        )
    return out


def _seconds(value: str) -> float:
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0

"""The pure parts of the phone channel: AMI event -> action (on the real Asterisk
23.4.1 stream), and the call's decision table (workflows/contact/phone.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from panoramisk.message import Message

from adapters.ami.events import CallAction, MemberAction, map_event
from contracts.phone import (
    ABANDON,
    COMPLETE,
    CONNECT,
    GONE,
    HANGUP,
    JOIN,
    RING_NO_ANSWER,
    RINGING,
)
from devstack.pbx_templates import FIXTURE
from rules.device_state import member_state
from workflows.contact.phone import ABANDONED, CONNECTED, ENDED, QUEUED, RINGING_STATE, decide


def transcript_messages() -> list[Message]:
    """The capture as panoramisk parses it off the wire."""
    text = FIXTURE.read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if b.strip() and not b.lstrip().startswith("#")]
    messages = [Message.from_line(b.strip().replace("\n", "\r\n")) for b in blocks]
    return [m for m in messages if m is not None and "Event" in m]


def test_the_real_stream_maps_to_the_calls_it_holds():
    messages = transcript_messages()
    actions = [a for a in map(map_event, messages) if a is not None]
    calls = [a for a in actions if isinstance(a, CallAction)]
    kinds = Counter(a.kind for a in calls)
    assert len(messages) > 600 and len(actions) < len(messages) / 5  # noise dropped
    assert kinds[JOIN] == 4 and kinds[CONNECT] == 2 and kinds[COMPLETE] == 2
    assert kinds[ABANDON] == 2 and kinds[RING_NO_ANSWER] == 1 and kinds[RINGING] == 5
    # one hangup per call: only the caller's channel (Uniqueid == Linkedid) counts
    assert kinds[HANGUP] == 4
    assert len({a.linkedid for a in calls}) == 4
    alice = next(a for a in calls if a.kind == CONNECT and a.caller_number == "0711111111")
    assert alice.linkedid == "1795861768.31" and alice.queue == "big-register"
    assert alice.member_name == "agent1" and alice.hold_seconds == 2
    assert alice.ring_ms == 2000  # AgentConnect's RingTime is in seconds
    carol = next(a for a in calls if a.kind == RING_NO_ANSWER)
    assert carol.ring_ms == 15000  # AgentRingNoAnswer's is in milliseconds
    bob = next(a for a in calls if a.kind == ABANDON and a.caller_number == "0722222222")
    assert bob.hold_seconds == 4
    complete = next(a for a in calls if a.kind == COMPLETE and a.linkedid == "1795861768.31")
    assert complete.talk_seconds == 6


def test_member_events_of_the_real_stream():
    members = [a for a in map(map_event, transcript_messages()) if isinstance(a, MemberAction)]
    kinds = Counter(a.kind for a in members)
    assert kinds["added"] == 3 and kinds["removed"] == 3 and kinds["status"] >= 19
    ringing = [a for a in members if a.kind == "status" and a.status == 2]
    assert ringing and ringing[0].interface == "Local/agent1@agents/n"
    listed = next(
        a for a in members if a.interface == "Local/agent1@agents/n" and a.kind == "status"
    )
    assert listed.member_name == "agent1"


@pytest.mark.parametrize(
    "message",
    [
        {},
        {"Event": "AgentConnect"},  # no Linkedid
        {"Event": "AgentConnect", "Linkedid": "1.2"},  # no Queue
        {"Event": "QueueMemberStatus", "Queue": "q"},  # no member
        {"Event": "VarSet", "Variable": "X", "Value": "Y"},
        {"Event": "Hangup", "Linkedid": "1.1", "Uniqueid": "1.2"},  # not the caller's channel
        {"Response": "Success"},
        {"Event": None},
    ],
)
def test_noise_and_garbage_give_nothing(message):
    assert map_event(message) is None


def test_malformed_numbers_do_not_raise():
    action = map_event(
        {
            "Event": "AgentConnect",
            "Linkedid": "1.1",
            "Queue": "q",
            "HoldTime": "x",
            "RingTime": "",
            "Timestamp": "not-a-time",
            "MemberName": "anna",
        }
    )
    assert isinstance(action, CallAction)
    assert action.hold_seconds is None and action.ring_ms is None and action.at == 0.0
    member = map_event(
        {"Event": "QueueMemberPause", "Queue": "q", "MemberName": "a", "Status": "?"}
    )
    assert isinstance(member, MemberAction) and member.status == 0


def test_the_ivr_callback_request_is_a_callback():
    action = map_event(
        {
            "Event": "UserEvent",
            "UserEvent": "PulseCallback",
            "Queue": "big-register",
            "Linkedid": "5.5",
            "Uniqueid": "5.5",
            "CallerIDNum": "0612345678",
            "Timestamp": "9",
        }
    )
    # for the contact as a caller who gave up; for the queue's figures a callback request
    assert action == CallAction(
        ABANDON, "5.5", "big-register", "0612345678", at=9.0, callback_request=True
    )
    assert map_event({"Event": "UserEvent", "UserEvent": "Other", "Linkedid": "1"}) is None


def test_unreadable_mapping_is_skipped():
    class Broken(dict):
        def get(self, *a):
            raise RuntimeError("boom")

    assert map_event(Broken()) is None


def test_member_state():
    assert member_state(1, False) == "available"
    assert member_state(2, False) == "busy" and member_state(6, False) == "busy"
    assert member_state(1, True) == "paused"
    assert member_state(4, False) == "unavailable"
    # unknown (no device-state hint): app_queue rings such a member, so available
    assert member_state(0, False) == "available"


@pytest.mark.parametrize(
    ("state", "kind", "expected"),
    [
        (QUEUED, JOIN, (QUEUED, "call")),
        (QUEUED, RINGING, (RINGING_STATE, "call")),
        (RINGING_STATE, RING_NO_ANSWER, (QUEUED, "call")),
        (RINGING_STATE, CONNECT, (CONNECTED, "call")),
        (QUEUED, CONNECT, (CONNECTED, "call")),  # AgentCalled missed: still answered
        (CONNECTED, COMPLETE, (ENDED, "wrapup")),
        (CONNECTED, HANGUP, (ENDED, "wrapup")),
        (CONNECTED, GONE, (ENDED, "wrapup")),
        (QUEUED, ABANDON, (ABANDONED, "callback")),
        (RINGING_STATE, HANGUP, (ABANDONED, "callback")),
        (QUEUED, GONE, (ABANDONED, "callback")),
        (ENDED, HANGUP, None),  # the hangup after AgentComplete
        (ABANDONED, HANGUP, None),  # the hangup after QueueCallerAbandon
        (ABANDONED, ABANDON, (ABANDONED, "callback")),  # after the Local channel's hangup
        (ENDED, CONNECT, None),
        (CONNECTED, RINGING, None),
        (RINGING_STATE, JOIN, None),
    ],
)
def test_call_decisions(state, kind, expected):
    step = decide(state, kind)
    if expected is None:
        assert step is None
    else:
        assert (step.state, step.task_kind) == expected
        assert step.answered == (kind == CONNECT)  # only an answer gives it to the agent


def test_waiting_callers_take_the_call_of_a_local_channel_and_its_wait():
    from adapters.ami.events import waiting_callers

    # as in the 22.10.1 capture: the caller queues on Local/…;2 (Uniqueid .1) of
    # the call whose Linkedid is .0
    entry = {
        "Event": "QueueEntry",
        "Queue": "big-register",
        "Position": "1",
        "Channel": "Local/31703407911@from-sbc-00000000;2",
        "Uniqueid": "1796194934.1",
        "CallerIDNum": "0687654321",
        "Wait": "26",
    }
    (join,) = waiting_callers([entry], {"1796194934.1": "1796194934.0"}, now=1796194960.0)
    assert (join.kind, join.linkedid, join.queue) == ("join", "1796194934.0", "big-register")
    assert (join.caller_number, join.at) == ("0687654321", 1796194934.0)
    assert waiting_callers([{**entry, "Queue": ""}], {}, now=0.0) == []


def test_service_level_is_asterisks():
    from services.phone.views import QueueFigures

    f = QueueFigures(1, "BIG", "BIG", "big-register", answered=4, answered_in_time=3)
    f.abandoned, f.abandoned_in_time = 4, 1
    # ServicelevelPerf: in time of answered; ServicelevelPerf2: in time of answered+abandoned
    assert (f.service_level_pct, f.service_level2_pct) == (75, 50)
    assert QueueFigures(1, "BIG", "BIG", "q").service_level_pct is None

"""Event templates for the PBX simulator, cut from a real Asterisk 23.4.1 AMI stream
(devstack/fixtures/, the "sip" scenario: a PJSIP caller queued, answered by a PJSIP
agent). Every event a real Asterisk sent for that call -- the 90 % noise included --
becomes a template with placeholders; the simulator fills in its own ids.

Phases: ``join`` (up to QueueCallerJoin), ``ring`` (to AgentCalled), ``connect`` (to
AgentConnect), ``end`` (the rest: AgentComplete, hangups, CDRs). Queue membership
events are left out: the simulator makes those from its own member state.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ami-asterisk-23.4.1-queue-calls.txt"
EOL = "\r\n"

# Longest / most specific first.
SUBSTITUTIONS = (
    ("PJSIP/sipp-00000003", "PJSIP/trunk-§C1§"),
    ("PJSIP/agent1-00000004", "§IFACE§-§C2§"),
    ("PJSIP/agent1", "§IFACE§"),
    ("agent1-sip", "§MEMBER§"),
    ("CallerIDName: sipp", "CallerIDName: §NAME§"),
    ("ConnectedLineName: sipp", "ConnectedLineName: §NAME§"),
    ('"sipp" <sipp>', '"§NAME§" <§NUM§>'),
    ("sipp", "§NUM§"),
    ("1795861834.45", "§L§"),
    ("1795861836.46", "§U2§"),
    ("uzi-register", "§Q§"),
    ("e89bbc6c-a1a6-428f-beb5-fc8d72f629a8", "§BR§"),
)
MEMBER_EVENT = re.compile(r"^Event: QueueMember")
TIMESTAMP = re.compile(r"^Timestamp: [\d.]+$", re.M)
KEY_FIELDS = {
    "QueueCallerJoin": (("Position: 1", "Position: §POS§"), ("Count: 1", "Count: §POS§")),
    "AgentConnect": (("HoldTime: 0", "HoldTime: §HOLD§"), ("RingTime: 0", "RingTime: §RING§")),
    "AgentComplete": (
        ("HoldTime: 0", "HoldTime: §HOLD§"),
        ("TalkTime: 6", "TalkTime: §TALK§"),
        ("Reason: caller", "Reason: §REASON§"),
    ),
}
PHASE_ENDS = ("QueueCallerJoin", "AgentCalled", "AgentConnect")
PHASES = ("join", "ring", "connect", "end")


def _scenario_events(text: str, name: str) -> list[str]:
    start = text.index(f"########## SCENARIO: {name} ##########")
    end = text.index("########## SCENARIO:", start + 10)
    blocks = [b.strip("\n") for b in text[start:end].split("\n\n")]
    return [b for b in blocks if b.startswith("Event: ")]


def _templatize(block: str) -> str:
    name = block.split("\n", 1)[0].removeprefix("Event: ")
    for old, new in KEY_FIELDS.get(name, ()):
        block = block.replace(old, new)
    for old, new in SUBSTITUTIONS:
        block = block.replace(old, new)
    block = TIMESTAMP.sub("Timestamp: §T§", block)
    return block.replace("\n", EOL) + EOL + EOL


@lru_cache(maxsize=1)
def call_phases() -> dict[str, list[tuple[str, str]]]:
    """Phase -> [(event name, template text)] for one answered call."""
    events = _scenario_events(FIXTURE.read_text(encoding="utf-8"), "sip")
    phases: dict[str, list[tuple[str, str]]] = {p: [] for p in PHASES}
    current = 0
    for block in events:
        name = block.split("\n", 1)[0].removeprefix("Event: ")
        if MEMBER_EVENT.match(block):
            continue  # membership comes from the simulator's own state
        phases[PHASES[current]].append((name, _templatize(block)))
        if current < len(PHASE_ENDS) and name == PHASE_ENDS[current]:
            current += 1
    return phases


def event_template(name: str) -> str:
    """The first template of a key event (for AgentRingNoAnswer / QueueCallerAbandon,
    built from AgentCalled / QueueCallerJoin whose fields they share)."""
    for phase in call_phases().values():
        for event_name, text in phase:
            if event_name == name:
                return text
    raise KeyError(name)


def fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace(key, value)
    return template


def ring_no_answer_template() -> str:
    called = event_template("AgentCalled")
    return called.replace("Event: AgentCalled", "Event: AgentRingNoAnswer").replace(
        "MemberName: §MEMBER§" + EOL, "MemberName: §MEMBER§" + EOL + "RingTime: §RINGMS§" + EOL
    )


def abandon_template() -> str:
    join = event_template("QueueCallerJoin")
    return join.replace("Event: QueueCallerJoin", "Event: QueueCallerAbandon").replace(
        "Count: §POS§", "OriginalPosition: §POS§" + EOL + "HoldTime: §HOLD§"
    )


def caller_leave_template() -> str:
    return event_template("QueueCallerJoin").replace(
        "Event: QueueCallerJoin", "Event: QueueCallerLeave"
    )


def caller_hangup_template() -> str:
    """The caller channel's Hangup (Uniqueid == Linkedid): the call is over."""
    for name, text in call_phases()["end"]:
        if name == "Hangup" and "Uniqueid: §L§" in text:
            return text
    raise KeyError("Hangup")


MEMBER_TEMPLATE = (
    EOL.join(
        [
            "Event: §EVENT§",
            "Privilege: agent,all",
            "Timestamp: §T§",
            "Queue: §Q§",
            "MemberName: §MEMBER§",
            "Interface: §IFACE§",
            "StateInterface: §IFACE§",
            "Membership: dynamic",
            "Penalty: 0",
            "CallsTaken: §TAKEN§",
            "LastCall: 0",
            "LastPause: 0",
            "LoginTime: §LOGIN§",
            "InCall: §INCALL§",
            "Status: §STATUS§",
            "Paused: §PAUSED§",
            "PausedReason: §REASON§",
            "Ringinuse: 0",
            "Wrapuptime: 0",
        ]
    )
    + EOL
    + EOL
)

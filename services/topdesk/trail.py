"""Reading TOPdesk's progress trail: which entries are new, and the answer.

The trail comes newest first. An operator's action that is not invisible for the
caller is what the caller (here: the agent, for the customer) may read; the latest
such action when the incident is completed is TOPdesk's answer.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT_MAX = 4000  # an entry's text on the contact's history


@dataclass(frozen=True)
class TrailEntry:
    id: str
    text: str
    operator: str
    at: str
    invisible: bool

    def detail(self) -> dict:
        return {"text": self.text, "operator": self.operator, "at": self.at}


def parse(raw: dict) -> TrailEntry:
    operator = raw.get("operator") or raw.get("person") or {}
    return TrailEntry(
        id=str(raw.get("id", "")),
        text=str(raw.get("plainText") or raw.get("memoText") or "")[:TEXT_MAX],
        operator=str(operator.get("name") or operator.get("dynamicName") or ""),
        at=str(raw.get("entryDate") or ""),
        invisible=bool(raw.get("invisibleForCaller")),
    )


def new_entries(trail: list[dict], seen: set[str]) -> list[TrailEntry]:
    """The visible entries not recorded yet, oldest first."""
    entries = [parse(raw) for raw in reversed(trail)]
    return [e for e in entries if e.id and e.id not in seen and not e.invisible and e.text]


def visible_answer(trail: list[dict]) -> str:
    for raw in trail:  # newest first
        entry = parse(raw)
        if not entry.invisible and entry.text:
            return entry.text
    return ""

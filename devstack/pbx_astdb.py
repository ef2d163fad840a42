"""The PBX simulator's AstDB: DBPut / DBGet as Asterisk answers them, and the IVR's
open/closed decision on them (as asterisk/extensions.conf makes it).

A missing ``open`` key counts as open here: the real dialplan then falls back to
its own opening hours (asterisk/README.md), which the simulator does not model.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AstDb:
    values: dict[tuple[str, str], str] = field(default_factory=dict)
    played: list[tuple[str, str]] = field(default_factory=list)  # (caller, prompt)

    def put(self, action: dict[str, str]) -> dict[str, str]:
        family, key = action.get("family", ""), action.get("key", "")
        if not family or not key:
            return {"Response": "Error", "Message": "No family specified"}
        self.values[(family, key)] = action.get("val", "")
        return {"Response": "Success", "Message": "Updated database successfully"}

    def get(self, action: dict[str, str]) -> tuple[dict[str, str], list[dict[str, str]]]:
        """The response and, when found, the events that follow it (as Asterisk 18+)."""
        family, key = action.get("family", ""), action.get("key", "")
        if (family, key) not in self.values:
            return {"Response": "Error", "Message": "Database entry not found"}, []
        response = {"Response": "Success", "EventList": "start", "Message": "Result will follow"}
        value = {"Event": "DBGetResponse", "Family": family, "Key": key, "Val": ""}
        value["Val"] = self.values[(family, key)]
        done = {"Event": "DBGetComplete", "EventList": "Complete", "ListItems": "1"}
        return response, [value, done]

    def is_open(self, product: str) -> bool:
        return self.values.get((f"pulse/{product.lower()}", "open"), "1") != "0"

    def closed_prompt(self, product: str) -> str:
        """The admin's closed prompt, else the product's default (as the dialplan)."""
        family = f"pulse/{product.lower()}"
        return self.values.get((family, "closed")) or f"{family}/closed"

    def answer_closed(self, product: str, caller: str) -> bool:
        """The IVR's check: True (and the closed message played) when the line is closed."""
        if self.is_open(product):
            return False
        self.played.append((caller, self.closed_prompt(product)))
        return True

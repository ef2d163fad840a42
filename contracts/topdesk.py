"""What crosses the Temporal boundary for TOPdesk incidents (IDs and codes only:
the request text and the answer live in the ``topdesk_incidents`` row)."""

from __future__ import annotations

from dataclasses import dataclass


def incident_workflow_id(contact_id: int, seq: int) -> str:
    return f"topdesk-incident-{contact_id}-{seq}"


UNAUTHORIZED = "TopdeskUnauthorized"  # the login is refused: waits for an admin
REJECTED = "TopdeskRejected"  # TOPdesk will never take the request as it is
ANSWERED_SIGNAL = "topdesk_answered"  # the ContactWorkflow's signal: TOPdesk is done


@dataclass
class IncidentInput:
    incident_id: int  # the topdesk_incidents row
    contact_id: int
    contact_reference: str
    poll_seconds: int = 300
    retry_unauthorized_seconds: int = 900
    created: bool = False  # a continued run: the incident exists, only follow it


@dataclass
class IncidentRef:
    incident_id: int


@dataclass
class CreatedIncident:
    number: str
    status: str = ""


@dataclass
class PollResult:
    status: str = ""
    done: bool = False  # completed or closed in TOPdesk
    new_entries: int = 0  # progress trail entries recorded on the contact by this poll


@dataclass
class TroubleInput:
    incident_id: int
    kind: str  # UNAUTHORIZED or REJECTED
    message: str = ""


@dataclass
class PollSoon:
    """The webhook (a TOPdesk automated action) or an admin: read the incident now."""

    reason: str = "webhook"


@dataclass
class IncidentResult:
    number: str = ""
    status: str = ""
    done: bool = False


@dataclass
class TopdeskAnswered:
    """To the contact's workflow: TOPdesk completed or closed the incident; the answer
    is on the contact's history (the poll recorded it)."""

    incident_id: int
    number: str = ""

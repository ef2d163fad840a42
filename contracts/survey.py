"""What crosses the Temporal boundary for the satisfaction survey: the survey
workflow's input and result, and its activities' arguments."""

from __future__ import annotations

from dataclasses import dataclass


def survey_workflow_id(contact_id: int, closing_seq: int) -> str:
    """One survey per closing of a contact: a second start of the same closing is
    refused by Temporal, a reopened and closed again contact gets a new one."""
    return f"survey-{contact_id}-{closing_seq}"


@dataclass
class SurveyInput:
    contact_id: int
    closing_seq: int = 1


@dataclass
class SurveyResult:
    outcome: str = ""  # "sent", "reopened", or why it was not sent ("disabled", "sample" ...)
    message_id: int | None = None


@dataclass
class SurveyPlan:
    """Whether this closing gets a survey and, if so, how long after closing."""

    send: bool = False
    why_not: str = ""
    delay_seconds: int = 0


@dataclass
class SurveyMail:
    """The survey mail ready to send (message_id), or why none was made."""

    message_id: int | None = None
    why_not: str = ""

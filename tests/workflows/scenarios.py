"""Every scenario by name, with the answers its stubs give. The tests run them one
by one; ``python -m tests.workflows.record`` runs them all and stores the histories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contracts.survey import SurveyMail, SurveyPlan
from contracts.topdesk import PollResult
from contracts.work import LineTargets, WorkPlan
from tests.workflows import contact_scenarios as contact
from tests.workflows import line_state_scenarios as line_state
from tests.workflows import records_scenarios as records
from tests.workflows import reports_scenarios as reports
from tests.workflows import signals_scenarios as signals
from tests.workflows import survey_scenarios as survey
from tests.workflows import topdesk_scenarios as topdesk
from tests.workflows.harness import Outcome, Scenario, run_scenario
from tests.workflows.records_scenarios import ON_HOLD
from tests.workflows.stubs import ALWAYS_OPEN, StubConfig

COMPLAINT_LETTER_ID = 5001


def sla_plan() -> WorkPlan:
    """A first response due an hour after receipt; warned at 80 %; a breach raises
    the task's priority by 2."""
    return WorkPlan(
        calendar=ALWAYS_OPEN,
        targets=[LineTargets(1, contact.SLA_FIRST_RESPONSE_MINUTES, 0)],
        warn_share=0.8,
        raise_priority_on_breach=2,
    )


@dataclass(frozen=True)
class Entry:
    scenario: Scenario
    config: Callable[[], StubConfig] = StubConfig


SCENARIOS: dict[str, Entry] = {
    "email_contact": Entry(contact.email_contact),
    "phone_contact": Entry(contact.phone_contact),
    "phone_callback": Entry(contact.phone_callback),
    "escalation": Entry(
        contact.escalation, lambda: StubConfig(line_assignees={3: contact.THIRD_LINE_AGENT})
    ),
    "complaint": Entry(
        contact.complaint,
        lambda: StubConfig(letter_ids={"complaint_extension": COMPLAINT_LETTER_ID}),
    ),
    "trafficking": Entry(contact.trafficking),
    "waiting_customer": Entry(
        contact.waiting_customer,
        lambda: StubConfig(letter_ids={"waiting_reminder": contact.REMINDER_LETTER_ID}),
    ),
    "reopen": Entry(contact.reopen),
    "machine_mail": Entry(contact.machine_mail),
    "join_mention": Entry(contact.join_mention),
    "sla_breach": Entry(contact.sla_breach, lambda: StubConfig(plan=sla_plan())),
    "archive": Entry(records.archive, lambda: StubConfig(archive_failures=1)),
    "destruction_list": Entry(
        records.destruction_list,
        lambda: StubConfig(
            collected=[records.APPROVED, records.WITHHELD, ON_HOLD],
            not_destroyable={ON_HOLD: "legal hold"},
        ),
    ),
    "empty_destruction_list": Entry(records.empty_destruction_list),
    "weekly_report": Entry(reports.weekly_report, lambda: StubConfig(report_mail_failures=1)),
    "topdesk_incident": Entry(
        topdesk.topdesk_incident,
        lambda: StubConfig(
            topdesk_refusals=1,
            topdesk_polls=[PollResult("In progress", False, 1), PollResult("Completed", True, 1)],
        ),
    ),
    "survey_sent": Entry(
        survey.survey_sent,
        lambda: StubConfig(
            survey_plan=SurveyPlan(send=True, delay_seconds=survey.DELAY_SECONDS),
            survey_mail=SurveyMail(message_id=survey.SURVEY_MESSAGE_ID),
        ),
    ),
    "survey_reopened": Entry(
        survey.survey_reopened,
        lambda: StubConfig(
            survey_plan=SurveyPlan(send=True, delay_seconds=survey.DELAY_SECONDS),
            survey_mail=SurveyMail(why_not="reopened"),
        ),
    ),
    "line_state": Entry(line_state.push),
    "signal_scan": Entry(signals.signal_scan, lambda: StubConfig(scan_failures=1)),
}


async def run_named(env, name: str) -> Outcome:
    entry = SCENARIOS[name]
    return await run_scenario(env, name, entry.scenario, entry.config())

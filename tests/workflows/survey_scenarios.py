"""Scenarios of the SurveyWorkflow, started by a contact's closing as in production:
the survey waits its delay and sends its mail, or finds the contact reopened."""

from __future__ import annotations

from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from contracts.contact import ClaimRequest, CloseRequest
from contracts.survey import SurveyResult, survey_workflow_id
from tests.workflows.contact_scenarios import (
    AGENT,
    REASON_ANSWERED,
    open_email_contact,
)
from tests.workflows.harness import ContactWorkflow, Run

SURVEY_MESSAGE_ID = 6001
DELAY_SECONDS = 24 * 3600


async def _completed(run: Run, workflow_id: str) -> bool:
    try:
        described = await run.client.get_workflow_handle(workflow_id).describe()
    except RPCError:  # not started yet
        return False
    return described.status == WorkflowExecutionStatus.COMPLETED


async def _closed_and_surveyed(run: Run, contact_id: int, reference: str) -> None:
    h = await open_email_contact(run, contact_id, reference)
    await h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT))
    await h.execute_update(ContactWorkflow.close, CloseRequest(AGENT, REASON_ANSWERED))
    survey_id = survey_workflow_id(contact_id, 1)
    await run.called(survey_id, "plan_survey")
    # the contact's reopen window (14 days) skips by, and the survey's delay with it
    await run.finish_contact(h, reference)
    await run.until(lambda: _completed(run, survey_id), "the survey")
    survey = run.client.get_workflow_handle(survey_id, result_type=SurveyResult)
    run.outcome.workflow_ids.append(survey_id)
    run.outcome.results[survey_id] = await survey.result()


async def survey_sent(run: Run) -> None:
    await _closed_and_surveyed(run, 130, "WFT-SURVEY")


async def survey_reopened(run: Run) -> None:
    await _closed_and_surveyed(run, 131, "WFT-SURVEY-REOPEN")

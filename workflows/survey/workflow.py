"""SurveyWorkflow: the satisfaction survey about one closing of a contact.

The contact's workflow starts it as a child that outlives it (ABANDON), once per
closing. It asks whether this closing gets a survey (the rules in rules/survey.py,
applied by an activity that reads the product's settings), waits the product's
delay on a workflow timer, and then has the mail made -- the activity looks at the
contact first and makes none if it was reopened meanwhile -- and sent through the
send-once delivery path every outbound mail takes.
"""

import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from contracts.activities import ContactActivityApi, SurveyActivityApi
    from contracts.contact import SendMessageInput
    from contracts.survey import (
        SurveyInput,
        SurveyMail,
        SurveyPlan,
        SurveyResult,
        survey_workflow_id,
    )
    from workflows.options import DB_REMOTE_ACTIVITY, SEND_ACTIVITY


async def start_survey(contact_id: int, closing_seq: int) -> None:
    """Called by the ContactWorkflow on each closing: a child that survives its parent
    (the contact completes after its reopen window, the survey may still wait)."""
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await workflow.start_child_workflow(
            SurveyWorkflow.run,
            SurveyInput(contact_id=contact_id, closing_seq=closing_seq),
            id=survey_workflow_id(contact_id, closing_seq),
            parent_close_policy=workflow.ParentClosePolicy.ABANDON,
        )


@workflow.defn
class SurveyWorkflow:
    @workflow.run
    async def run(self, inp: SurveyInput) -> SurveyResult:
        plan: SurveyPlan = await workflow.execute_activity_method(
            SurveyActivityApi.plan_survey, inp, **DB_REMOTE_ACTIVITY
        )
        if not plan.send:
            return SurveyResult(outcome=plan.why_not)
        if plan.delay_seconds > 0:
            await workflow.sleep(timedelta(seconds=plan.delay_seconds))
        mail: SurveyMail = await workflow.execute_activity_method(
            SurveyActivityApi.prepare_survey_mail, inp, **DB_REMOTE_ACTIVITY
        )
        if mail.message_id is None:
            return SurveyResult(outcome=mail.why_not)
        await workflow.execute_local_activity_method(
            ContactActivityApi.send_message, SendMessageInput(mail.message_id), **SEND_ACTIVITY
        )
        return SurveyResult(outcome="sent", message_id=mail.message_id)

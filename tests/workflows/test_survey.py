"""The SurveyWorkflow against stub activities: started by the contact's closing as a
child of its own, it waits the product's delay on a timer, then sends the survey
mail once through send_message -- or sends nothing when the contact was reopened."""

from __future__ import annotations

from temporalio.client import WorkflowExecutionStatus

from contracts.contact import SendMessageInput
from contracts.survey import SurveyInput, SurveyResult
from tests.workflows.scenarios import run_named
from tests.workflows.survey_scenarios import DELAY_SECONDS, SURVEY_MESSAGE_ID


async def _timer_seconds(env, workflow_id: str) -> list[float]:
    history = await env.client.get_workflow_handle(workflow_id).fetch_history()
    return [
        e.timer_started_event_attributes.start_to_fire_timeout.ToSeconds()
        for e in history.events
        if e.HasField("timer_started_event_attributes")
    ]


async def test_survey_waits_its_delay_and_sends_once(skipping_env):
    out = await run_named(skipping_env, "survey_sent")
    wf = "survey-130-1"
    assert out.stubs.args(wf, "plan_survey") == [SurveyInput(130, 1)]
    assert out.stubs.args(wf, "prepare_survey_mail") == [SurveyInput(130, 1)]
    assert out.stubs.args(wf, "send_message") == [SendMessageInput(SURVEY_MESSAGE_ID)]
    assert [c.name for c in out.stubs.of(wf)] == [
        "plan_survey",
        "prepare_survey_mail",
        "send_message",
    ]
    assert await _timer_seconds(skipping_env, wf) == [DELAY_SECONDS]
    assert out.results[wf] == SurveyResult(outcome="sent", message_id=SURVEY_MESSAGE_ID)
    # the survey outlives nothing it should not: the contact completed on its own
    contact = skipping_env.client.get_workflow_handle("contact-WFT-SURVEY")
    assert (await contact.describe()).status == WorkflowExecutionStatus.COMPLETED


async def test_a_reopened_contact_gets_no_survey_mail(skipping_env):
    out = await run_named(skipping_env, "survey_reopened")
    wf = "survey-131-1"
    assert out.stubs.args(wf, "send_message") == []
    assert out.results[wf] == SurveyResult(outcome="reopened")


async def test_a_product_without_survey_stops_at_the_plan(skipping_env):
    out = await run_named(skipping_env, "reopen")
    # every closing of a contact has a survey of its own; the stubs' default is "off"
    for wf in ("survey-109-1", "survey-109-2"):
        assert [c.name for c in out.stubs.of(wf)] == ["plan_survey"]
        assert out.stubs.args(wf, "plan_survey") == [SurveyInput(109, int(wf[-1]))]
